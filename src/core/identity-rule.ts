// The decision rules and the "chance a stranger scores this high" that people read, from stranger tails measured
// on a large set (calibration-data.json). Pure.
//
// Verification (1:1) compares two faces: one chance for a stranger, so a per-pair false-match rate.
// Identification (1:N) compares a face with every template in the gallery: a stranger gets N chances, so the
// threshold that names someone must rise with N to keep the chance of naming a stranger bounded. How fast it must
// rise was measured, not assumed: strangers are not independent draws (a face that resembles one enrolled person
// tends to resemble others), so calibration measures, for galleries of 1, 3, 10, … templates, the chance that a
// stranger's best score reaches each threshold. Between "confident" and "no match" lies "possible match — check
// for yourself", which names nobody.

/** One point of a measured tail: the chance that a stranger's best score reaches `threshold`. */
export interface TailPoint {
  threshold: number;
  chance: number;
}

/** The tail for galleries of `templates` templates: ascending in threshold, descending in chance, chances > 0. */
export interface StrangerTail {
  templates: number;
  points: readonly TailPoint[];
}

export interface StrangerTails {
  /** Ascending in `templates`; the first is for one template (a 1:1 comparison). */
  tails: readonly StrangerTail[];
  /** Below this chance nothing was measured: people are told "less than" this, not an extrapolated number. */
  smallestMeasured: number;
}

export interface IdentificationPolicy {
  /** The 1:1 threshold (per-pair false-match rate): nobody is named below it, whatever the gallery. */
  verifyThreshold: number;
  /** Chance that a stranger is named, whatever the gallery size (FPIR of the "known" answer). */
  namedStrangerRate: number;
  /** Chance that a stranger is shown as a possible match (FPIR of "known or possible"). */
  possibleStrangerRate: number;
}

const logOf = (p: number) => Math.log(Math.max(p, 1e-300));

/** Chance along one tail's measured points: log-linear between them (callers handle scores beyond the last). */
function chanceOnPoints(points: readonly TailPoint[], score: number): number {
  if (points.length === 0) throw new Error('a stranger tail is empty');
  if (score <= points[0].threshold || points.length === 1) return points[0].chance;
  let i = 1;
  while (i < points.length - 1 && score > points[i].threshold) i++;
  const a = points[i - 1],
    b = points[i];
  const f = (score - a.threshold) / (b.threshold - a.threshold);
  return Math.min(a.chance, Math.exp(logOf(a.chance) + f * (logOf(b.chance) - logOf(a.chance))));
}

/**
 * Chance along a tail. Beyond its last measured point, a gallery's tail follows the one-template tail's shape
 * (for a rare match the chance is close to N times the one-template chance); the one-template tail itself goes on
 * along its last segment's slope (the tail is close to exponential there).
 */
function chanceOnTail(model: StrangerTails, tail: StrangerTail, score: number): number {
  const last = tail.points[tail.points.length - 1];
  if (score <= last.threshold) return chanceOnPoints(tail.points, score);
  const single = model.tails[0];
  if (tail === single) return chanceOnPoints(single.points, score);
  return last.chance * (chanceOnTail(model, single, score) / chanceOnTail(model, single, last.threshold));
}

/**
 * Chance that a stranger's best score against a gallery of `templates` templates reaches `score`: interpolated in
 * log(templates) between the measured gallery sizes; beyond the largest, that gallery's chance is compounded as
 * if the rest were further independent galleries of its size.
 */
export function strangerChance(model: StrangerTails, score: number, templates: number): number {
  const tails = model.tails;
  const n = Math.max(1, templates);
  const last = tails[tails.length - 1];
  if (n >= last.templates) {
    const c = chanceOnTail(model, last, score);
    return -Math.expm1((n / last.templates) * Math.log1p(-Math.min(c, 1 - 1e-12)));
  }
  let i = 1;
  while (tails[i].templates < n) i++;
  const a = tails[i - 1],
    b = tails[i];
  const f = (Math.log(n) - Math.log(a.templates)) / (Math.log(b.templates) - Math.log(a.templates));
  return Math.exp(logOf(chanceOnTail(model, a, score)) * (1 - f) + logOf(chanceOnTail(model, b, score)) * f);
}

/** The lowest score whose stranger chance for this gallery is at most `chance` (bisection: the chance is monotone). */
export function thresholdForChance(model: StrangerTails, chance: number, templates: number): number {
  let lo = -1,
    hi = 1.5;
  for (let k = 0; k < 60; k++) {
    const mid = (lo + hi) / 2;
    if (strangerChance(model, mid, templates) > chance) lo = mid;
    else hi = mid;
  }
  return hi;
}

export interface IdentificationThresholds {
  /** At or above: named. */
  named: number;
  /** At or above (and below `named`): a possible match, named by nobody, for a person to check. */
  possible: number;
}

/** Thresholds for a gallery of `templates` face templates, never naming below the 1:1 threshold. */
export function identificationThresholds(
  model: StrangerTails,
  policy: IdentificationPolicy,
  templates: number,
): IdentificationThresholds {
  const named = Math.max(policy.verifyThreshold, thresholdForChance(model, policy.namedStrangerRate, templates));
  const possible = Math.min(named, thresholdForChance(model, policy.possibleStrangerRate, templates));
  return { named, possible };
}

export interface RankedPerson {
  personId: string;
  score: number;
}

export type IdentityVerdict<P extends RankedPerson> =
  { kind: 'known'; best: P } | { kind: 'possible'; best: P } | { kind: 'unknown'; best: P | null };

/** Known at or above the named threshold, possible between the two, unknown below (or an empty gallery). */
export function decideIdentityVerdict<P extends RankedPerson>(
  best: P | undefined,
  thresholds: IdentificationThresholds,
): IdentityVerdict<P> {
  if (!best) return { kind: 'unknown', best: null };
  if (best.score >= thresholds.named) return { kind: 'known', best };
  if (best.score >= thresholds.possible) return { kind: 'possible', best };
  return { kind: 'unknown', best };
}
