// Score distributions at real scale: tens of millions of impostor scores are counted into fixed-width bins instead
// of being kept and sorted, so every rate, threshold, equal error rate and DET curve comes from one sweep over
// the bins (linear in the number of scores, never pairs × thresholds). Pure, shared by calibration and the bench.

export class ScoreHistogram {
  readonly counts: Float64Array;
  private n = 0;

  /** Scores below `lo` fall in the first bin, at or above `hi` in the last; the bin width is the resolution. */
  constructor(
    readonly lo = -1,
    readonly hi = 1,
    readonly bins = 40_000,
  ) {
    if (!(hi > lo) || bins < 1) throw new Error('a histogram needs hi > lo and at least one bin');
    this.counts = new Float64Array(bins);
  }

  get total(): number {
    return this.n;
  }

  get binWidth(): number {
    return (this.hi - this.lo) / this.bins;
  }

  binOf(score: number): number {
    const b = Math.floor((score - this.lo) / this.binWidth);
    return b < 0 ? 0 : b >= this.bins ? this.bins - 1 : b;
  }

  /** The lower edge of bin `b`: the threshold that accepts bin b and every bin above it. */
  edge(b: number): number {
    return this.lo + b * this.binWidth;
  }

  add(score: number): void {
    this.counts[this.binOf(score)]++;
    this.n++;
  }

  merge(other: ScoreHistogram): void {
    if (other.bins !== this.bins || other.lo !== this.lo || other.hi !== this.hi)
      throw new Error('histograms differ in bins');
    for (let b = 0; b < this.bins; b++) this.counts[b] += other.counts[b];
    this.n += other.n;
  }

  /** Counts at or above each bin's lower edge (index b: bins b..end), so any survival is one lookup. */
  tailCounts(): Float64Array {
    const tail = new Float64Array(this.bins + 1);
    for (let b = this.bins - 1; b >= 0; b--) tail[b] = tail[b + 1] + this.counts[b];
    return tail;
  }

  /** Fraction of scores at or above `threshold`, to bin resolution (a bin counts when its lower edge ≥ threshold). */
  survival(threshold: number): number {
    if (this.n === 0) return 0;
    const b = Math.ceil((threshold - this.lo) / this.binWidth - 1e-9);
    if (b <= 0) return 1;
    if (b >= this.bins) return 0;
    let above = 0;
    for (let i = b; i < this.bins; i++) above += this.counts[i];
    return above / this.n;
  }

  /** The lowest bin edge at which at most a fraction `p` of the scores are at or above it. */
  thresholdForSurvival(p: number): number {
    const tail = this.tailCounts();
    const allowed = p * this.n;
    for (let b = 0; b <= this.bins; b++) if (tail[b] <= allowed) return b === this.bins ? this.hi : this.edge(b);
    return this.hi;
  }
}

/** Genuine scores, sorted once, so the share below any threshold is a binary search. */
export class SortedScores {
  readonly sorted: Float64Array;

  constructor(scores: ArrayLike<number>) {
    this.sorted = Float64Array.from(scores).sort();
  }

  get total(): number {
    return this.sorted.length;
  }

  /** Fraction of scores strictly below `threshold`. */
  below(threshold: number): number {
    let lo = 0,
      hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.sorted[mid] < threshold) lo = mid + 1;
      else hi = mid;
    }
    return this.sorted.length ? lo / this.sorted.length : 0;
  }
}

export interface OperatingPoint {
  threshold: number;
  falseMatchRate: number;
  falseNonMatchRate: number;
}

/**
 * FMR and FNMR at both edges of every non-empty impostor bin (where the FMR steps), highest threshold first: the
 * edge just above a bin is the most lenient threshold with that FMR.
 */
export function detCurve(genuine: SortedScores, impostor: ScoreHistogram): OperatingPoint[] {
  const tail = impostor.tailCounts();
  const points: OperatingPoint[] = [];
  for (let b = impostor.bins; b >= 0; b--) {
    if (b !== 0 && !(impostor.counts[b] > 0) && !(impostor.counts[b - 1] > 0)) continue;
    const t = impostor.edge(b);
    points.push({
      threshold: t,
      falseMatchRate: tail[b] / Math.max(1, impostor.total),
      falseNonMatchRate: genuine.below(t),
    });
  }
  return points;
}

/** Where FNMR and FMR cross: the point of the DET sweep with the smallest gap, their mean there. */
export function equalErrorRateOf(genuine: SortedScores, impostor: ScoreHistogram): number {
  let best = 1,
    gap = Infinity;
  for (const p of detCurve(genuine, impostor)) {
    const g = Math.abs(p.falseMatchRate - p.falseNonMatchRate);
    if (g < gap) {
      gap = g;
      best = (p.falseMatchRate + p.falseNonMatchRate) / 2;
    }
  }
  return best;
}

/** True accept rate at the lowest threshold whose false-match rate is at most `fmr`. */
export function tarAtFmr(
  genuine: SortedScores,
  impostor: ScoreHistogram,
  fmr: number,
): { tar: number; threshold: number; impostorsAbove: number } {
  const threshold = impostor.thresholdForSurvival(fmr);
  return {
    tar: 1 - genuine.below(threshold),
    threshold,
    impostorsAbove: Math.round(impostor.survival(threshold) * impostor.total),
  };
}
