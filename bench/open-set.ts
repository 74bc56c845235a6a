// Open-set identification (1:N), as NIST FRVT reports it. Gallery: the first k photos of people who have at least
// two; mated probes: their other photos; non-mated probes: every photo of someone not enrolled. FNIR at a fixed FPIR
// needs no rule (the threshold comes from the non-mated scores); FPIR and FNIR "at the rule" apply the decision the
// product ships. Cost: one score per (photo, enrolment template), then per gallery size one pass over the columns of
// the chosen people, so a run over ten thousand photos takes seconds, not hours. Pure.
import { identityNumbers, rowScore, sampleMatrix, type Sample, type ScoreKind } from './metrics';
import { seededRandom } from './seeded-random';

export interface Top2 {
  /** Column (person) of the best score, or -1 for an empty gallery. */
  person: number;
  score: number;
  second: number;
}

export type RuleVerdict = 'known' | 'possible' | 'unknown';

/** The product's decision for the best score, given how many templates the gallery holds. */
export type DecisionRule = (best: Top2, galleryTemplates: number) => RuleVerdict;

/** Every photo's best score against every enrolable person's first-k templates. */
export class EnrolmentScores {
  /** Identity numbers of the people who can be enrolled (≥ 2 photos), one column each. */
  readonly people: number[];
  readonly templatesPerPerson: Int32Array;
  /** Row per sample, column per person: the best score over that person's enrolment templates. */
  readonly best: Float32Array;
  readonly identityOfSample: Int32Array;
  /** For each sample, whether it is one of its person's enrolment photos. */
  readonly isEnrolment: Uint8Array;

  constructor(
    readonly samples: readonly Sample[],
    kind: ScoreKind,
    enrolPhotos: number,
    onProgress?: (done: number, total: number) => void,
  ) {
    const ids = identityNumbers(samples);
    this.identityOfSample = ids;
    const byIdentity = new Map<number, number[]>();
    ids.forEach((id, i) => byIdentity.set(id, [...(byIdentity.get(id) ?? []), i]));
    this.people = [...byIdentity.keys()].filter((id) => byIdentity.get(id)!.length >= 2);
    const enrolment = this.people.map((id) =>
      byIdentity.get(id)!.slice(0, Math.min(enrolPhotos, byIdentity.get(id)!.length - 1)),
    );
    this.templatesPerPerson = Int32Array.from(enrolment, (e) => e.length);
    this.isEnrolment = new Uint8Array(samples.length);
    for (const e of enrolment) for (const i of e) this.isEnrolment[i] = 1;
    const { rows, dim } = sampleMatrix(samples, kind);
    const columns = this.people.length;
    this.best = new Float32Array(samples.length * columns);
    for (let i = 0; i < samples.length; i++) {
      for (let c = 0; c < columns; c++) {
        let b = -Infinity;
        for (const t of enrolment[c]) if (t !== i) b = Math.max(b, rowScore(kind, rows, dim, i, t));
        this.best[i * columns + c] = b;
      }
      if (onProgress && i % 512 === 0) onProgress(i, samples.length);
    }
  }
}

export interface OpenSetFigures {
  galleryPeople: number;
  galleryTemplates: number;
  enrolPhotos: number;
  matedProbes: number;
  nonMatedProbes: number;
  /** FNIR (mated probes not ranked first at or above the threshold) at the threshold giving each FPIR. */
  fnirAtFpir1e2: number;
  fnirAtFpir1e3: number;
  rank1: number;
  /** At the product's rule. */
  atRule: {
    /** Strangers named as someone. */
    fpir: number;
    /** Strangers named or shown as a possible match. */
    fpirWithPossible: number;
    /** Enrolled people not named (as themselves). */
    fnir: number;
    /** Enrolled people named as someone else. */
    wrongName: number;
    /** Enrolled people shown only as a possible match. */
    possibleOnly: number;
  } | null;
}

/**
 * The figures for a gallery of `people` persons (all when null), chosen by a seeded shuffle so that smaller
 * galleries are subsets of larger ones. Enrolment photos of people left out of the gallery are non-mated probes.
 */
export function openSetFigures(
  scores: EnrolmentScores,
  people: number | null,
  rule: DecisionRule | null,
  seed = 1,
): OpenSetFigures {
  const columns = scores.people.length;
  const order = shuffledIndices(columns, seed);
  const chosen = order.slice(0, Math.min(people ?? columns, columns));
  const chosenIdentity = new Map(chosen.map((c) => [scores.people[c], c]));
  const galleryTemplates = chosen.reduce((s, c) => s + scores.templatesPerPerson[c], 0);
  const mated: { top: Top2; correct: boolean }[] = [];
  const nonMated: Top2[] = [];
  scores.samples.forEach((_, i) => {
    const own = chosenIdentity.get(scores.identityOfSample[i]);
    if (own !== undefined && scores.isEnrolment[i]) return;
    const top = top2(scores.best, i * columns, chosen);
    if (own === undefined) nonMated.push(top);
    else mated.push({ top, correct: top.person === own });
  });
  const fnirAt = (fpir: number) => {
    const t = thresholdForRate(
      nonMated.map((t) => t.score),
      fpir,
    );
    return mated.filter((m) => !(m.correct && m.top.score >= t)).length / Math.max(1, mated.length);
  };
  let atRule: OpenSetFigures['atRule'] = null;
  if (rule) {
    const nm = nonMated.map((t) => rule(t, galleryTemplates));
    const m = mated.map((x) => ({ verdict: rule(x.top, galleryTemplates), correct: x.correct }));
    const share = (n: number, d: number) => n / Math.max(1, d);
    atRule = {
      fpir: share(nm.filter((v) => v === 'known').length, nm.length),
      fpirWithPossible: share(nm.filter((v) => v !== 'unknown').length, nm.length),
      fnir: share(m.filter((x) => !(x.verdict === 'known' && x.correct)).length, m.length),
      wrongName: share(m.filter((x) => x.verdict === 'known' && !x.correct).length, m.length),
      possibleOnly: share(m.filter((x) => x.verdict === 'possible').length, m.length),
    };
  }
  return {
    galleryPeople: chosen.length,
    galleryTemplates,
    enrolPhotos: Math.max(0, ...chosen.map((c) => scores.templatesPerPerson[c])),
    matedProbes: mated.length,
    nonMatedProbes: nonMated.length,
    fnirAtFpir1e2: fnirAt(1e-2),
    fnirAtFpir1e3: fnirAt(1e-3),
    rank1: mated.filter((m) => m.correct).length / Math.max(1, mated.length),
    atRule,
  };
}

function top2(best: Float32Array, offset: number, columns: readonly number[]): Top2 {
  let person = -1,
    score = -Infinity,
    second = -Infinity;
  for (const c of columns) {
    const s = best[offset + c];
    if (s > score) {
      second = score;
      score = s;
      person = c;
    } else if (s > second) second = s;
  }
  return { person, score, second };
}

/** The lowest threshold at which at most `rate` of `scores` are at or above it (just above the last one rejected). */
export function thresholdForRate(scores: readonly number[], rate: number): number {
  const sorted = [...scores].sort((a, b) => b - a);
  const allowed = Math.floor(rate * sorted.length);
  if (allowed >= sorted.length) return -Infinity;
  return sorted[allowed] + 1e-9;
}

function shuffledIndices(n: number, seed: number): number[] {
  const random = seededRandom(seed);
  const out = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
