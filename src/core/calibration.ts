// Threshold calibration from genuine (same person) and impostor (different people) similarity scores, and the
// user-facing reading of a score. Pure, so the calibration script and the unit tests share it. Impostor scores
// arrive as a histogram (tens of millions of pairs), so every figure here is one sweep, never pairs × thresholds.
import { equalErrorRateOf, type ScoreHistogram, type SortedScores } from './score-histogram';
import { strangerChance, type IdentificationPolicy, type StrangerTails } from './identity-rule';
import type { ProbeTails } from './stranger-tails';

/** Fraction of `scores` at or above `threshold`. */
export function rateAtOrAbove(scores: readonly number[], threshold: number): number {
  if (scores.length === 0) return 0;
  let n = 0;
  for (const s of scores) if (s >= threshold) n++;
  return n / scores.length;
}

/**
 * Lowest threshold whose empirical false-match rate (impostors at or above it) is at most `fmr`: just above the
 * impostor score that must be rejected, so it and every lower impostor score fall below.
 */
export function thresholdForFalseMatchRate(impostor: readonly number[], fmr: number): number {
  if (impostor.length === 0) throw new Error('no impostor scores');
  const sorted = [...impostor].sort((a, b) => b - a);
  const allowed = Math.floor(fmr * sorted.length); // impostors we may accept
  if (allowed >= sorted.length) return sorted[sorted.length - 1];
  return sorted[allowed] + 1e-6;
}

export interface GaussianFit {
  mean: number;
  sd: number;
}

export function fitGaussian(scores: readonly number[]): GaussianFit {
  const n = scores.length;
  if (n < 2) throw new Error('need at least two scores');
  const mean = scores.reduce((a, b) => a + b, 0) / n;
  const variance = scores.reduce((a, s) => a + (s - mean) ** 2, 0) / (n - 1);
  return { mean, sd: Math.sqrt(variance) };
}

/** Upper-tail probability of a standard normal (Abramowitz-Stegun 7.1.26 erfc, |error| < 1.5e-7). */
export function normalUpperTail(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erfc =
    t *
    (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) *
    Math.exp(-x * x);
  return z >= 0 ? erfc / 2 : 1 - erfc / 2;
}

/** Inverse of normalUpperTail by bisection (monotone, so plain and safe). */
export function normalUpperTailInverse(p: number): number {
  let lo = -10,
    hi = 10;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (normalUpperTail(mid) > p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** What calibration-data.json holds for the running app: the 1:1 threshold, the measured tails, the 1:N policy. */
export interface ShippedCalibration {
  /** 1:1 threshold: at most `targetFalseMatchRate` of impostor pairs reach it. */
  threshold: number;
  strangerTails: StrangerTails;
  identification: Omit<IdentificationPolicy, 'verifyThreshold'>;
}

export interface CalibrationReport {
  genuinePairs: number;
  impostorPairs: number;
  targetFalseMatchRate: number;
  threshold: number;
  falseMatchRate: number;
  falseNonMatchRate: number;
  equalErrorRate: number;
  strangerTails: StrangerTails;
}

/** Gallery sizes (in templates) whose stranger tails are measured; the rule interpolates between them. */
export const MEASURED_GALLERY_SIZES = [1, 3, 10, 30, 100, 300, 1000, 3000, 10000];

/** The 1:1 threshold for a per-pair false-match rate and the stranger tails, each from one sweep of its counts. */
export function calibrate(
  genuine: SortedScores,
  impostor: ScoreHistogram,
  probes: ProbeTails,
  targetFalseMatchRate = 1e-3,
): CalibrationReport {
  const threshold = impostor.thresholdForSurvival(targetFalseMatchRate);
  return {
    genuinePairs: genuine.total,
    impostorPairs: impostor.total,
    targetFalseMatchRate,
    threshold,
    falseMatchRate: impostor.survival(threshold),
    falseNonMatchRate: genuine.below(threshold),
    equalErrorRate: equalErrorRateOf(genuine, impostor),
    strangerTails: probes.tails(MEASURED_GALLERY_SIZES),
  };
}

export interface ScoreReading {
  /** Cosine similarity as a percentage, for display. */
  similarityPercent: number;
  isMatch: boolean;
  /**
   * Chance that a stranger scores this high: against one face for 1:1, as the best match among the gallery's
   * templates for 1:N (so it grows with the gallery, as the rule that names people does).
   */
  strangerChance: number;
  /** Plain words: "about 1 in 25,000 chance a stranger scores this high". */
  explanation: string;
}

/**
 * A score a person can understand. `comparisons` is how many faces the score was the best of (1 for two photos,
 * the gallery's template count for identification); `threshold` is the one the verdict was decided by.
 */
export function readScore(
  score: number,
  calibration: Pick<ShippedCalibration, 'strangerTails'>,
  verdict: { threshold: number; comparisons?: number },
): ScoreReading {
  const comparisons = Math.max(1, verdict.comparisons ?? 1);
  const chance = strangerChance(calibration.strangerTails, score, comparisons);
  const floor = Math.min(0.1, calibration.strangerTails.smallestMeasured * comparisons);
  return {
    similarityPercent: Math.round(Math.max(0, score) * 100),
    isMatch: score >= verdict.threshold,
    strangerChance: chance,
    explanation: describeChance(chance, floor, comparisons),
  };
}

/**
 * Below what was measured we say only "less than": the tail beyond it is an extrapolation, and claiming
 * "1 in a billion" would be extrapolation dressed as evidence.
 */
export function describeChance(p: number, smallestStated: number, comparisons = 1): string {
  const who =
    comparisons > 1
      ? `a stranger matches someone in this gallery (${comparisons.toLocaleString('en-US')} faces) this well`
      : 'a stranger scores this high';
  if (p >= 0.2)
    return comparisons > 1
      ? 'strangers often match someone in this gallery this well'
      : 'a stranger often scores this high';
  if (p < smallestStated) return `less than 1 in ${oneIn(smallestStated)} chance ${who}`;
  return `about 1 in ${oneIn(p)} chance ${who}`;
}

function oneIn(p: number): string {
  return Number((1 / p).toPrecision(2)).toLocaleString('en-US');
}
