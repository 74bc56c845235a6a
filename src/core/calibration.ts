// Threshold calibration from genuine (same person) and impostor (different people) similarity scores, and the
// user-facing reading of a score. Pure, so the calibration script and the unit tests share it.

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
  const erfc = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.exp(-x * x);
  return z >= 0 ? erfc / 2 : 1 - erfc / 2;
}

/** Inverse of normalUpperTail by bisection (monotone, so plain and safe). */
export function normalUpperTailInverse(p: number): number {
  let lo = -10, hi = 10;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (normalUpperTail(mid) > p) lo = mid; else hi = mid;
  }
  return (lo + hi) / 2;
}

export interface CalibrationReport {
  genuinePairs: number;
  impostorPairs: number;
  targetFalseMatchRate: number;
  empiricalThreshold: number;
  gaussianThreshold: number;
  /** The threshold used: the stricter of the two, because 1e-3 sits near the edge of what our impostor count resolves. */
  threshold: number;
  falseMatchRate: number;
  falseNonMatchRate: number;
  impostor: GaussianFit;
  genuine: GaussianFit;
  equalErrorRate: number;
  /**
   * The impostor model behind the "chance a stranger scores this high" that people see: the impostor fit, widened
   * where the measured tail is heavier than a Gaussian, so that at the threshold it says exactly the target rate.
   */
  strangerModel: GaussianFit;
}

export function calibrate(genuine: readonly number[], impostor: readonly number[], targetFalseMatchRate = 1e-3): CalibrationReport {
  const empiricalThreshold = thresholdForFalseMatchRate(impostor, targetFalseMatchRate);
  const impostorFit = fitGaussian(impostor);
  const gaussianThreshold = impostorFit.mean + normalUpperTailInverse(targetFalseMatchRate) * impostorFit.sd;
  const threshold = Math.max(empiricalThreshold, gaussianThreshold);
  const z = normalUpperTailInverse(targetFalseMatchRate);
  const strangerModel = { mean: impostorFit.mean, sd: Math.max(impostorFit.sd, (threshold - impostorFit.mean) / z) };
  return {
    strangerModel,
    genuinePairs: genuine.length,
    impostorPairs: impostor.length,
    targetFalseMatchRate,
    empiricalThreshold,
    gaussianThreshold,
    threshold,
    falseMatchRate: rateAtOrAbove(impostor, threshold),
    falseNonMatchRate: 1 - rateAtOrAbove(genuine, threshold),
    impostor: impostorFit,
    genuine: fitGaussian(genuine),
    equalErrorRate: equalErrorRate(genuine, impostor),
  };
}

/** Equal error rate: where false non-match and false match rates cross, scanning every measured score. */
export function equalErrorRate(genuine: readonly number[], impostor: readonly number[]): number {
  const candidates = [...genuine, ...impostor].sort((a, b) => a - b);
  let best = 1;
  let bestGap = Infinity;
  for (const t of candidates) {
    const fnmr = 1 - rateAtOrAbove(genuine, t);
    const fmr = rateAtOrAbove(impostor, t);
    const gap = Math.abs(fnmr - fmr);
    if (gap < bestGap) { bestGap = gap; best = (fnmr + fmr) / 2; }
  }
  return best;
}

export interface ScoreReading {
  /** Cosine similarity as a percentage, for display. */
  similarityPercent: number;
  isMatch: boolean;
  /** Estimated chance that a stranger's face scores this high (from the impostor fit), e.g. 1e-5. */
  strangerChance: number;
  /** Plain words: "1 in 25,000 chance this is a stranger". */
  explanation: string;
}

/** A score a person can understand: how likely a stranger would score this high, and the verdict. */
export function readScore(score: number, calibration: { threshold: number; strangerModel: GaussianFit }): ScoreReading {
  const z = (score - calibration.strangerModel.mean) / calibration.strangerModel.sd;
  const strangerChance = Math.max(normalUpperTail(z), 1e-12);
  const isMatch = score >= calibration.threshold;
  return {
    similarityPercent: Math.round(Math.max(0, score) * 100),
    isMatch,
    strangerChance,
    explanation: describeChance(strangerChance),
  };
}

/**
 * Below 1 in 100,000 we say only that: the tail model is fitted to a few thousand impostor pairs, and claiming
 * "1 in a billion" would be extrapolation dressed as evidence.
 */
export const SMALLEST_STATED_CHANCE = 1e-5;

export function describeChance(p: number): string {
  if (p >= 0.2) return 'a stranger often scores this high';
  if (p < SMALLEST_STATED_CHANCE) return 'less than 1 in 100,000 chance a stranger scores this high';
  const oneIn = 1 / p;
  const rounded = Number(oneIn.toPrecision(2));
  return `about 1 in ${rounded.toLocaleString('en-US')} chance a stranger scores this high`;
}
