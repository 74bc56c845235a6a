// Accuracy measures for the benchmark, pure: rank-1 identification, TAR at fixed FAR, EER, and the LFW 10-fold
// protocol. Scores are similarities: higher means "more likely the same person".
import type { ProbeTails } from '../src/core/stranger-tails';
import { equalErrorRateOf, ScoreHistogram, SortedScores, tarAtFmr } from '../src/core/score-histogram';

export interface Sample {
  identity: string;
  vector: Float32Array | number[];
}

export type Similarity = (a: ArrayLike<number>, b: ArrayLike<number>) => number;

export const cosine: Similarity = (a, b) => {
  let ab = 0,
    aa = 0,
    bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return ab / Math.sqrt(aa * bb);
};

/** face-api.js compares descriptors by Euclidean distance; as a similarity, its negative. */
export const negativeEuclidean: Similarity = (a, b) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return -Math.sqrt(s);
};

/** Scores that face-api.js and similar compare by Euclidean distance are histogrammed as its negative. */
export type ScoreKind = 'cosine' | 'negative-euclidean';

const HISTOGRAM_RANGE: Record<ScoreKind, [number, number, number]> = {
  cosine: [-1, 1, 40_000],
  'negative-euclidean': [-4, 0, 80_000],
};

export function scoreHistogram(kind: ScoreKind): ScoreHistogram {
  const [lo, hi, bins] = HISTOGRAM_RANGE[kind];
  return new ScoreHistogram(lo, hi, bins);
}

/** Samples as one flat row-major matrix; cosine rows are L2-normalised first, so a score is one dot product. */
export function sampleMatrix(samples: readonly Sample[], kind: ScoreKind): { rows: Float32Array; dim: number } {
  const dim = samples[0]?.vector.length ?? 0;
  const rows = new Float32Array(samples.length * dim);
  samples.forEach((s, i) => {
    let norm = 0;
    for (let k = 0; k < dim; k++) norm += s.vector[k] * s.vector[k];
    const scale = kind === 'cosine' ? 1 / Math.sqrt(norm || 1) : 1;
    for (let k = 0; k < dim; k++) rows[i * dim + k] = s.vector[k] * scale;
  });
  return { rows, dim };
}

export function rowScore(kind: ScoreKind, rows: Float32Array, dim: number, i: number, j: number): number {
  const a = i * dim,
    b = j * dim;
  let s = 0;
  if (kind === 'cosine') {
    for (let k = 0; k < dim; k++) s += rows[a + k] * rows[b + k];
    return s;
  }
  for (let k = 0; k < dim; k++) {
    const d = rows[a + k] - rows[b + k];
    s += d * d;
  }
  return -Math.sqrt(s);
}

export interface AllPairs {
  genuine: SortedScores;
  impostor: ScoreHistogram;
  rank1: { correct: number; probes: number; rate: number };
}

/**
 * Every pair of samples scored once (n(n−1)/2 scores, linear in pairs): genuine scores kept, impostor scores
 * counted into a histogram (and per probe into `probeTails`, when given), and each sample's nearest other sample
 * tracked for rank-1 (probes whose identity has no
 * other sample are skipped: there is nothing to find).
 */
export function allPairs(
  samples: readonly Sample[],
  kind: ScoreKind,
  onProgress?: (done: number, total: number) => void,
  probeTails?: ProbeTails,
): AllPairs {
  const n = samples.length;
  const { rows, dim } = sampleMatrix(samples, kind);
  const ids = identityNumbers(samples);
  const photosOf = new Float64Array(n);
  for (const id of ids) photosOf[id]++;
  const impostor = scoreHistogram(kind);
  const genuine: number[] = [];
  const best = new Float64Array(n).fill(-Infinity);
  const bestId = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const s = rowScore(kind, rows, dim, i, j);
      if (ids[i] === ids[j]) genuine.push(s);
      else {
        impostor.add(s);
        probeTails?.add(i, s, 1 / photosOf[ids[j]]);
        probeTails?.add(j, s, 1 / photosOf[ids[i]]);
      }
      if (s > best[i]) {
        best[i] = s;
        bestId[i] = ids[j];
      }
      if (s > best[j]) {
        best[j] = s;
        bestId[j] = ids[i];
      }
    }
    if (onProgress && i % 256 === 0) onProgress(i, n);
  }
  let correct = 0,
    probes = 0;
  for (let i = 0; i < n; i++) {
    if (photosOf[ids[i]] < 2) continue;
    probes++;
    if (bestId[i] === ids[i]) correct++;
  }
  return {
    genuine: new SortedScores(genuine),
    impostor,
    rank1: { correct, probes, rate: probes ? correct / probes : 0 },
  };
}

export function identityNumbers(samples: readonly { identity: string }[]): Int32Array {
  const numbers = new Map<string, number>();
  return Int32Array.from(samples, (s) => {
    let n = numbers.get(s.identity);
    if (n === undefined) numbers.set(s.identity, (n = numbers.size));
    return n;
  });
}

/** Rates at the thresholds a product ships, and TAR at fixed false-match rates, all from one sweep. */
export function verificationSummary(pairs: AllPairs, shippedThresholds: Record<string, number>) {
  const { genuine, impostor } = pairs;
  const ok = genuine.total > 0 && impostor.total > 0;
  const tar = (fmr: number) => (ok ? tarAtFmr(genuine, impostor, fmr) : null);
  return {
    genuinePairs: genuine.total,
    impostorPairs: impostor.total,
    rank1: pairs.rank1.rate,
    rank1Probes: pairs.rank1.probes,
    tarAtFmr1e3: tar(1e-3),
    tarAtFmr1e4: tar(1e-4),
    tarAtFmr1e5: tar(1e-5),
    eer: ok ? equalErrorRateOf(genuine, impostor) : null,
    atShippedThresholds: Object.fromEntries(
      Object.entries(shippedThresholds).map(([name, t]) => [
        name,
        { threshold: t, falseMatchRate: impostor.survival(t), falseNonMatchRate: genuine.below(t) },
      ]),
    ),
  };
}

export interface LfwPair {
  a: string; // "name/name_0001.jpg"
  b: string;
  same: boolean;
  fold: number;
}

/** The LFW pairs.txt format: "folds perFold", then per fold perFold same pairs ("name i j") and perFold different ("n1 i n2 j"). */
export function parseLfwPairs(text: string): LfwPair[] {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  const [folds, perFold] = lines[0].split(/\s+/).map(Number);
  if (!(folds > 0 && perFold > 0)) throw new Error('pairs file: the first line must be "<folds> <pairs per fold>"');
  const file = (name: string, i: string) => `${name}/${name}_${i.padStart(4, '0')}.jpg`;
  const pairs = lines.slice(1).map((line, k) => {
    const p = line.split(/\s+/);
    const fold = Math.floor(k / (2 * perFold));
    if (p.length === 3) return { a: file(p[0], p[1]), b: file(p[0], p[2]), same: true, fold };
    if (p.length === 4) return { a: file(p[0], p[1]), b: file(p[2], p[3]), same: false, fold };
    throw new Error(`pairs file line ${k + 2}: expected "name i j" or "name i name j"`);
  });
  if (pairs.length !== folds * perFold * 2)
    throw new Error(`pairs file: expected ${folds * perFold * 2} pairs, found ${pairs.length}`);
  return pairs;
}

/**
 * LFW k-fold accuracy: for each fold, the threshold that maximises accuracy on the other folds is applied to it.
 * A pair without a score (a face not found) is predicted "different", so misses cost accuracy honestly. Each
 * fold's threshold comes from one sweep over its training scores, sorted once.
 */
export function lfwAccuracy(
  pairs: readonly LfwPair[],
  scores: readonly (number | null)[],
): { mean: number; sd: number; folds: number[] } {
  const folds = [...new Set(pairs.map((p) => p.fold))].sort((a, b) => a - b);
  const accuracy = (idx: number[], t: number) =>
    idx.filter((i) => (scores[i] !== null && scores[i]! >= t) === pairs[i].same).length / idx.length;
  const perFold = folds.map((f) => {
    const train = pairs.map((_, i) => i).filter((i) => pairs[i].fold !== f);
    const test = pairs.map((_, i) => i).filter((i) => pairs[i].fold === f);
    return accuracy(test, bestThreshold(pairs, scores, train.length ? train : test));
  });
  const mean = perFold.reduce((a, b) => a + b, 0) / perFold.length;
  const sd = Math.sqrt(perFold.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, perFold.length - 1));
  return { mean, sd, folds: perFold };
}

/**
 * The accuracy-maximising threshold over `idx`: candidates are −∞, the midpoints between neighbouring distinct
 * scores (so the choice never sits on a measured value) and +∞; the lowest best one wins.
 */
function bestThreshold(pairs: readonly LfwPair[], scores: readonly (number | null)[], idx: readonly number[]): number {
  const scored = idx.filter((i) => scores[i] !== null).sort((a, b) => scores[a]! - scores[b]!);
  // At −∞ every scored pair is predicted "same"; unscored pairs are always "different".
  let correct =
    scored.filter((i) => pairs[i].same).length + idx.filter((i) => scores[i] === null && !pairs[i].same).length;
  let bestT = -Infinity,
    bestCorrect = correct;
  for (let k = 0; k < scored.length;) {
    const v = scores[scored[k]]!;
    while (k < scored.length && scores[scored[k]] === v) correct += pairs[scored[k++]].same ? -1 : 1;
    const t = k < scored.length ? (v + scores[scored[k]]!) / 2 : Infinity;
    if (correct > bestCorrect) {
      bestCorrect = correct;
      bestT = t;
    }
  }
  return bestT;
}

export function quantiles(values: readonly number[]): { median: number; p90: number } | null {
  if (values.length === 0) return null;
  const v = [...values].sort((a, b) => a - b);
  const q = (p: number) => v[Math.min(v.length - 1, Math.floor(p * v.length))];
  return { median: q(0.5), p90: q(0.9) };
}
