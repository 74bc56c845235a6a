// Accuracy measures for the benchmark, pure: rank-1 identification, TAR at fixed FAR, EER, and the LFW 10-fold
// protocol. Scores are similarities: higher means "more likely the same person".
import { equalErrorRate } from '../src/core/calibration';

export interface Sample {
  identity: string;
  vector: Float32Array | number[];
}

export type Similarity = (a: ArrayLike<number>, b: ArrayLike<number>) => number;

export const cosine: Similarity = (a, b) => {
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < a.length; i++) { ab += a[i] * b[i]; aa += a[i] * a[i]; bb += b[i] * b[i]; }
  return ab / Math.sqrt(aa * bb);
};

/** face-api.js compares descriptors by Euclidean distance; as a similarity, its negative. */
export const negativeEuclidean: Similarity = (a, b) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return -Math.sqrt(s);
};

/**
 * Each sample as a probe against all the others: correct when its nearest neighbour has the same identity.
 * Probes whose identity has no other sample are skipped (there is nothing to find).
 */
export function rank1(samples: readonly Sample[], similarity: Similarity): { correct: number; probes: number; rate: number } {
  let correct = 0, probes = 0;
  samples.forEach((probe, i) => {
    if (!samples.some((s, j) => j !== i && s.identity === probe.identity)) return;
    probes++;
    let best = -Infinity, bestIdentity = '';
    samples.forEach((s, j) => {
      if (j === i) return;
      const score = similarity(probe.vector, s.vector);
      if (score > best) { best = score; bestIdentity = s.identity; }
    });
    if (bestIdentity === probe.identity) correct++;
  });
  return { correct, probes, rate: probes ? correct / probes : 0 };
}

export function pairScores(samples: readonly Sample[], similarity: Similarity): { genuine: number[]; impostor: number[] } {
  const genuine: number[] = [], impostor: number[] = [];
  for (let i = 0; i < samples.length; i++) for (let j = i + 1; j < samples.length; j++) {
    (samples[i].identity === samples[j].identity ? genuine : impostor).push(similarity(samples[i].vector, samples[j].vector));
  }
  return { genuine, impostor };
}

/** True accept rate at the threshold where at most `far` of impostor pairs are accepted. */
export function tarAtFar(genuine: readonly number[], impostor: readonly number[], far: number): number {
  if (genuine.length === 0 || impostor.length === 0) return 0;
  const sorted = [...impostor].sort((a, b) => b - a);
  const allowed = Math.floor(far * sorted.length);
  const threshold = allowed >= sorted.length ? -Infinity : sorted[allowed]; // accept strictly above this impostor
  return genuine.filter((g) => g > threshold).length / genuine.length;
}

export function verificationSummary(genuine: readonly number[], impostor: readonly number[]) {
  return {
    genuinePairs: genuine.length,
    impostorPairs: impostor.length,
    tarAtFar1e2: tarAtFar(genuine, impostor, 1e-2),
    tarAtFar1e3: tarAtFar(genuine, impostor, 1e-3),
    eer: genuine.length && impostor.length ? equalErrorRate(genuine, impostor) : null,
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
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
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
  if (pairs.length !== folds * perFold * 2) throw new Error(`pairs file: expected ${folds * perFold * 2} pairs, found ${pairs.length}`);
  return pairs;
}

/**
 * LFW 10-fold accuracy: for each fold, the threshold that maximises accuracy on the other folds is applied to it.
 * A pair without a score (a face not found) is predicted "different", so misses cost accuracy honestly.
 */
export function lfwAccuracy(pairs: readonly LfwPair[], scores: readonly (number | null)[]): { mean: number; sd: number; folds: number[] } {
  const folds = [...new Set(pairs.map((p) => p.fold))].sort((a, b) => a - b);
  const accuracy = (idx: number[], t: number) => idx.filter((i) => (scores[i] !== null && scores[i]! >= t) === pairs[i].same).length / idx.length;
  const perFold = folds.map((f) => {
    const train = pairs.map((_, i) => i).filter((i) => pairs[i].fold !== f);
    const test = pairs.map((_, i) => i).filter((i) => pairs[i].fold === f);
    const seen = [...new Set(train.map((i) => scores[i]).filter((s): s is number => s !== null))].sort((a, b) => a - b);
    // Thresholds halfway between neighbouring training scores, so the choice does not sit on a measured value.
    const candidates = [-Infinity, ...seen.slice(1).map((s, k) => (s + seen[k]) / 2), Infinity];
    let bestT = Infinity, bestAcc = -1;
    for (const t of candidates) {
      const acc = accuracy(train.length ? train : test, t);
      if (acc > bestAcc) { bestAcc = acc; bestT = t; }
    }
    return accuracy(test, bestT);
  });
  const mean = perFold.reduce((a, b) => a + b, 0) / perFold.length;
  const sd = Math.sqrt(perFold.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, perFold.length - 1));
  return { mean, sd, folds: perFold };
}

export function quantiles(values: readonly number[]): { median: number; p90: number } | null {
  if (values.length === 0) return null;
  const v = [...values].sort((a, b) => a - b);
  const q = (p: number) => v[Math.min(v.length - 1, Math.floor(p * v.length))];
  return { median: q(0.5), p90: q(0.9) };
}
