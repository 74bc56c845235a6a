import { describe, expect, it } from 'vitest';
import {
  calibrate,
  describeChance,
  fitGaussian,
  normalUpperTail,
  normalUpperTailInverse,
  readScore,
} from '../../src/core/calibration';
import { ScoreHistogram, SortedScores, detCurve, equalErrorRateOf, tarAtFmr } from '../../src/core/score-histogram';
import {
  decideIdentityVerdict,
  identificationThresholds,
  strangerChance,
  thresholdForChance,
  type StrangerTails,
} from '../../src/core/identity-rule';
import { ProbeTails } from '../../src/core/stranger-tails';
import { gaussianFrom, seededRandom } from '../../bench/seeded-random';

const histogramOf = (scores: number[]) => {
  const h = new ScoreHistogram();
  for (const s of scores) h.add(s);
  return h;
};

describe('score histogram', () => {
  const impostor = Array.from({ length: 1000 }, (_, i) => i / 1000 - 0.5); // -0.5 .. 0.499

  it('survival counts scores at or above a threshold, to bin resolution', () => {
    const h = histogramOf(impostor);
    expect(h.total).toBe(1000);
    expect(h.survival(0)).toBeCloseTo(0.5, 2);
    expect(h.survival(-1)).toBe(1);
    expect(h.survival(0.6)).toBe(0);
  });

  it('the threshold for a rate accepts at most that share, and is not needlessly strict', () => {
    const h = histogramOf(impostor);
    const t = h.thresholdForSurvival(1e-2);
    expect(h.survival(t)).toBeLessThanOrEqual(1e-2);
    expect(h.survival(t - 2 * h.binWidth)).toBeGreaterThan(1e-2);
  });

  it('EER is 0 for separated scores and about 0.5 for identical ones; TAR at FMR from the same sweep', () => {
    expect(equalErrorRateOf(new SortedScores([0.9, 0.8]), histogramOf([0.1, 0.2]))).toBe(0);
    expect(equalErrorRateOf(new SortedScores([0.5, 0.5]), histogramOf([0.5, 0.5]))).toBeCloseTo(0.5, 6);
    const genuine = new SortedScores([0.495, 0.3, 0.1]);
    expect(tarAtFmr(genuine, histogramOf(impostor), 1e-2).tar).toBeCloseTo(1 / 3, 9);
  });

  it('the DET curve runs from strict to lenient: FMR rises as FNMR falls', () => {
    const points = detCurve(new SortedScores([0.2, 0.4, 0.6]), histogramOf(impostor));
    for (let i = 1; i < points.length; i++) {
      expect(points[i].falseMatchRate).toBeGreaterThanOrEqual(points[i - 1].falseMatchRate);
      expect(points[i].falseNonMatchRate).toBeLessThanOrEqual(points[i - 1].falseNonMatchRate);
    }
  });

  it('handles a million scores in one pass (no pairs × thresholds)', () => {
    const normal = gaussianFrom(seededRandom(3));
    const h = new ScoreHistogram();
    for (let i = 0; i < 1_000_000; i++) h.add(0.1 * normal());
    // A Gaussian with sd 0.1: 1e-3 of it lies above 0.309.
    expect(h.thresholdForSurvival(1e-3)).toBeCloseTo(0.309, 2);
  });
});

describe('calibrate', () => {
  // 400 probes, each with 500 impostor scores ~ N(0, 0.1); probe 0 also resembles 50 others at 0.6.
  const normal = gaussianFrom(seededRandom(7));
  const impostor = new ScoreHistogram();
  const probes = new ProbeTails(400);
  for (let p = 0; p < 400; p++) {
    for (let k = 0; k < 500; k++) {
      const s = p === 0 && k < 50 ? 0.6 : 0.1 * normal();
      impostor.add(s);
      probes.add(p, s);
    }
  }
  const genuine = new SortedScores(Array.from({ length: 2000 }, () => 0.6 + 0.1 * normal()));
  const report = calibrate(genuine, impostor, probes, 1e-3);

  it('sets the 1:1 threshold for the target false-match rate and reports its rates', () => {
    expect(report.falseMatchRate).toBeLessThanOrEqual(1e-3);
    expect(report.threshold).toBeGreaterThan(0.25);
    expect(report.falseNonMatchRate).toBe(genuine.below(report.threshold));
    expect(report.impostorPairs).toBe(200_000);
  });

  it('measures a tail per gallery size: ascending thresholds, falling chances, higher for larger galleries', () => {
    const { tails } = report.strangerTails;
    expect(tails.map((t) => t.templates)).toEqual([1, 3, 10, 30, 100, 300, 1000, 3000, 10000]);
    for (const tail of tails) {
      for (let i = 1; i < tail.points.length; i++) {
        expect(tail.points[i].threshold).toBeGreaterThan(tail.points[i - 1].threshold);
        expect(tail.points[i].chance).toBeLessThan(tail.points[i - 1].chance);
      }
    }
    expect(strangerChance(report.strangerTails, 0.3, 100)).toBeGreaterThan(
      strangerChance(report.strangerTails, 0.3, 10),
    );
    // Probe 0 alone reaches 0.6: one probe is not a measurement, so no tail claims a point there.
    for (const tail of tails) expect(tail.points[tail.points.length - 1].threshold).toBeLessThan(0.45);
  });
});

describe('1:N rule', () => {
  // An exponential tail for one template, S(t) = 10^-(10 t); a gallery of 100 is measured to 0.3.
  const model: StrangerTails = {
    tails: [
      { templates: 1, points: [0, 0.1, 0.2, 0.3, 0.4, 0.5].map((t) => ({ threshold: t, chance: 10 ** (-10 * t) })) },
      {
        templates: 100,
        points: [0.1, 0.2, 0.3].map((t) => ({ threshold: t, chance: Math.min(0.9, 100 * 10 ** (-10 * t)) })),
      },
    ],
    smallestMeasured: 1e-5,
  };
  const policy = { verifyThreshold: 0.3, namedStrangerRate: 0.01, possibleStrangerRate: 0.1 };

  it('interpolates a tail, extrapolates beyond it along the one-template shape, and inverts', () => {
    expect(strangerChance(model, 0.25, 1)).toBeCloseTo(10 ** -2.5, 8);
    expect(strangerChance(model, 0.7, 1)).toBeCloseTo(1e-7, 10);
    expect(strangerChance(model, 0.5, 100)).toBeCloseTo(100 * 1e-5, 8);
    expect(thresholdForChance(model, 1e-4, 1)).toBeCloseTo(0.4, 6);
    expect(thresholdForChance(model, 1e-3, 100)).toBeCloseTo(0.5, 6);
  });

  it('between measured gallery sizes, interpolates in log size; beyond the largest, compounds it', () => {
    const at10 = strangerChance(model, 0.5, 10);
    expect(at10).toBeCloseTo(Math.sqrt(1e-5 * 1e-3), 8);
    expect(strangerChance(model, 0.5, 1000)).toBeCloseTo(1 - (1 - 1e-3) ** 10, 8);
  });

  it('thresholds rise with the gallery so that the chance of naming a stranger stays at the policy', () => {
    const small = identificationThresholds(model, policy, 1);
    const large = identificationThresholds(model, policy, 10_000);
    expect(small.named).toBe(0.3); // never below the 1:1 threshold
    expect(large.named).toBeGreaterThan(small.named);
    expect(strangerChance(model, large.named, 10_000)).toBeCloseTo(0.01, 6);
    expect(strangerChance(model, large.possible, 10_000)).toBeCloseTo(0.1, 6);
    expect(large.possible).toBeLessThan(large.named);
  });

  it('names at or above the named threshold, says "possible" between, unknown below or for an empty gallery', () => {
    const t = { named: 0.6, possible: 0.5 };
    expect(decideIdentityVerdict({ personId: 'a', score: 0.6 }, t).kind).toBe('known');
    expect(decideIdentityVerdict({ personId: 'a', score: 0.55 }, t).kind).toBe('possible');
    expect(decideIdentityVerdict({ personId: 'a', score: 0.3 }, t)).toEqual({
      kind: 'unknown',
      best: { personId: 'a', score: 0.3 },
    });
    expect(decideIdentityVerdict(undefined, t)).toEqual({ kind: 'unknown', best: null });
  });

  it('reads a score for people: the chance of the rule applied, never a number below what was measured', () => {
    const r = readScore(0.45, { strangerTails: model }, { threshold: 0.4 });
    expect(r.isMatch).toBe(true);
    expect(r.similarityPercent).toBe(45);
    expect(r.strangerChance).toBeCloseTo(10 ** -4.5, 9);
    expect(readScore(0.45, { strangerTails: model }, { threshold: 0.4, comparisons: 100 }).strangerChance).toBeCloseTo(
      100 * 10 ** -4.5,
      7,
    );
    expect(readScore(0.05, { strangerTails: model }, { threshold: 0.4 }).explanation).toBe(
      'a stranger often scores this high',
    );
    expect(readScore(0.9, { strangerTails: model }, { threshold: 0.4 }).explanation).toBe(
      'less than 1 in 100,000 chance a stranger scores this high',
    );
  });

  it('explains chances in words', () => {
    expect(describeChance(1e-4, 1e-6)).toBe('about 1 in 10,000 chance a stranger scores this high');
    expect(describeChance(2.5e-4, 1e-6)).toBe('about 1 in 4,000 chance a stranger scores this high');
    expect(describeChance(1e-3, 1e-6, 250)).toBe(
      'about 1 in 1,000 chance a stranger matches someone in this gallery (250 faces) this well',
    );
  });
});

describe('gaussian helpers', () => {
  it('normal tail matches known values', () => {
    expect(normalUpperTail(0)).toBeCloseTo(0.5, 6);
    expect(normalUpperTail(3.090232)).toBeCloseTo(0.001, 5);
    expect(normalUpperTailInverse(0.001)).toBeCloseTo(3.0902, 3);
  });

  it('fits mean and sample sd', () => {
    const fit = fitGaussian([1, 2, 3, 4]);
    expect(fit.mean).toBe(2.5);
    expect(fit.sd).toBeCloseTo(Math.sqrt(5 / 3), 9);
  });
});
