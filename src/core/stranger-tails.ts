// Measures the stranger tails of identity-rule.ts from a large labelled set. For each photo (a "probe") and each
// threshold t: f_p(t), the chance that one template of a random other person reaches t (each other person counts
// once, whatever their number of photos: a gallery holds people, and news sets hold hundreds of photos of a few).
// The chance that a stranger's best score against a gallery of N templates reaches t is then the mean over probes
// of 1 − (1 − f_p(t))^N: it keeps what independence would lose (a face that resembles one person tends to resemble
// others) at the cost of one counter per probe and threshold. Pure.
import type { StrangerTail, StrangerTails, TailPoint } from './identity-rule';

/** A tail point needs at least this many probes with an impostor at or above it; beyond, nothing is claimed. */
export const MIN_CONTRIBUTING_PROBES = 20;

export class ProbeTails {
  private readonly counts: Float64Array;
  /** Per probe, the total weight of its impostors: the number of other people. */
  private readonly impostors: Float64Array;

  /** Thresholds from, from + step, …: `bins` of them. */
  constructor(
    readonly probes: number,
    readonly from = 0,
    readonly step = 0.005,
    readonly bins = 180,
  ) {
    this.counts = new Float64Array(probes * bins);
    this.impostors = new Float64Array(probes);
  }

  threshold(bin: number): number {
    return Number((this.from + bin * this.step).toFixed(6));
  }

  /**
   * One impostor score of `probe` (call it for both photos of a pair), weighted 1 / (photos of the other person)
   * so that every other person weighs one in all.
   */
  add(probe: number, score: number, weight = 1): void {
    this.impostors[probe] += weight;
    if (score < this.from) return;
    const bin = Math.min(this.bins - 1, Math.floor((score - this.from) / this.step));
    this.counts[probe * this.bins + bin] += weight;
  }

  /** The tail for galleries of `templates` templates, over the thresholds where enough probes contribute. */
  tail(templates: number): StrangerTail {
    const chance = new Float64Array(this.bins);
    const contributing = new Uint32Array(this.bins);
    let probes = 0;
    for (let p = 0; p < this.probes; p++) {
      const m = this.impostors[p];
      if (m === 0) continue;
      probes++;
      let above = 0;
      for (let b = this.bins - 1; b >= 0; b--) {
        above += this.counts[p * this.bins + b];
        if (above === 0) continue;
        contributing[b]++;
        chance[b] += -Math.expm1(templates * Math.log1p(-Math.min(above / m, 1 - 1e-12)));
      }
    }
    const points: TailPoint[] = [];
    for (let b = 0; b < this.bins; b++) {
      if (contributing[b] < MIN_CONTRIBUTING_PROBES) break;
      const c = Number((chance[b] / probes).toPrecision(4));
      if (points.length && c >= points[points.length - 1].chance) continue;
      points.push({ threshold: this.threshold(b), chance: c });
    }
    return { templates, points };
  }

  /** Tails for each gallery size, and the smallest chance measured (one template's last point). */
  tails(templateCounts: readonly number[]): StrangerTails {
    const tails = [...new Set([1, ...templateCounts])].sort((a, b) => a - b).map((n) => this.tail(n));
    const first = tails[0].points;
    return { tails, smallestMeasured: first.length ? first[first.length - 1].chance : 1 };
  }
}
