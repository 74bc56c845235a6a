import { describe, expect, it } from 'vitest';
import {
  calibrate, describeChance, equalErrorRate, fitGaussian, normalUpperTail, normalUpperTailInverse, rateAtOrAbove, readScore,
  thresholdForFalseMatchRate,
} from '../../src/core/calibration';

describe('thresholdForFalseMatchRate', () => {
  const impostor = Array.from({ length: 1000 }, (_, i) => i / 1000); // 0.000 .. 0.999

  it('accepts at most the allowed share of impostors', () => {
    const t = thresholdForFalseMatchRate(impostor, 1e-2);
    expect(rateAtOrAbove(impostor, t)).toBeLessThanOrEqual(1e-2);
    expect(rateAtOrAbove(impostor, t)).toBeGreaterThan(0.005); // and is not needlessly strict
  });

  it('at FMR 1e-3 over 1000 impostors rejects all but the single highest', () => {
    const t = thresholdForFalseMatchRate(impostor, 1e-3);
    expect(rateAtOrAbove(impostor, t)).toBe(1e-3);
    expect(t).toBeGreaterThan(0.998);
    expect(t).toBeLessThan(0.999);
  });

  it('with fewer impostors than 1/FMR, sits above the highest impostor', () => {
    const t = thresholdForFalseMatchRate([0.1, 0.3, 0.25], 1e-3);
    expect(t).toBeGreaterThan(0.3);
  });
});

describe('gaussian helpers', () => {
  it('normal tail matches known values', () => {
    expect(normalUpperTail(0)).toBeCloseTo(0.5, 6);
    expect(normalUpperTail(1.959964)).toBeCloseTo(0.025, 5);
    expect(normalUpperTail(3.090232)).toBeCloseTo(0.001, 5);
    expect(normalUpperTail(-1)).toBeCloseTo(0.841345, 5);
    expect(normalUpperTailInverse(0.001)).toBeCloseTo(3.0902, 3);
  });

  it('fits mean and sample sd', () => {
    const fit = fitGaussian([1, 2, 3, 4]);
    expect(fit.mean).toBe(2.5);
    expect(fit.sd).toBeCloseTo(Math.sqrt(5 / 3), 9);
  });
});

describe('calibrate', () => {
  // Deterministic, well separated: genuine around 0.7, impostor around 0.05.
  const spread = (centre: number, width: number, n: number) => Array.from({ length: n }, (_, i) => centre + width * (i / (n - 1) - 0.5));
  const genuine = spread(0.7, 0.4, 200);
  const impostor = spread(0.05, 0.3, 4000);

  it('uses the stricter of the empirical and gaussian thresholds and reports its rates', () => {
    const report = calibrate(genuine, impostor, 1e-3);
    expect(report.threshold).toBe(Math.max(report.empiricalThreshold, report.gaussianThreshold));
    expect(report.falseMatchRate).toBeLessThanOrEqual(1e-3);
    expect(report.falseNonMatchRate).toBe(1 - rateAtOrAbove(genuine, report.threshold));
    expect(report.genuinePairs).toBe(200);
    expect(report.impostorPairs).toBe(4000);
  });

  it('the stranger model says the target rate at the threshold', () => {
    const report = calibrate(genuine, impostor, 1e-3);
    expect(readScore(report.threshold, report).strangerChance).toBeLessThanOrEqual(1.0001e-3);
    expect(report.strangerModel.sd).toBeGreaterThanOrEqual(report.impostor.sd);
  });

  it('equal error rate is 0 for separated scores and 0.5 for identical ones', () => {
    expect(equalErrorRate([0.9, 0.8], [0.1, 0.2])).toBe(0);
    expect(equalErrorRate([0.5, 0.5], [0.5, 0.5])).toBeCloseTo(0.5, 9);
  });
});

describe('readScore', () => {
  const calibration = { threshold: 0.4, strangerModel: { mean: 0.05, sd: 0.1 } };

  it('a high score is a match with a tiny stranger chance', () => {
    const r = readScore(0.7, calibration);
    expect(r.isMatch).toBe(true);
    expect(r.similarityPercent).toBe(70);
    expect(r.strangerChance).toBeLessThan(1e-6);
  });

  it('a low score is not a match and says strangers often score that high', () => {
    const r = readScore(0.05, calibration);
    expect(r.isMatch).toBe(false);
    expect(r.explanation).toBe('a stranger often scores this high');
  });

  it('explains chances in words', () => {
    expect(describeChance(1e-4)).toBe('about 1 in 10,000 chance a stranger scores this high');
    expect(describeChance(2.5e-4)).toBe('about 1 in 4,000 chance a stranger scores this high');
    expect(describeChance(1e-12)).toBe('less than 1 in 100,000 chance a stranger scores this high');
  });
});
