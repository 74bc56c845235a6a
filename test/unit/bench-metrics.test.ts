import { describe, expect, it } from 'vitest';
import {
  allPairs,
  cosine,
  lfwAccuracy,
  negativeEuclidean,
  parseLfwPairs,
  quantiles,
  verificationSummary,
} from '../../bench/metrics';
import { EnrolmentScores, openSetFigures, thresholdForRate } from '../../bench/open-set';

describe('benchmark metrics', () => {
  const samples = [
    { identity: 'a', vector: [1, 0, 0] },
    { identity: 'a', vector: [0.9, 0.1, 0] },
    { identity: 'b', vector: [0, 1, 0] },
    { identity: 'b', vector: [0.6, 0.6, 0] }, // the last is closer to a
    { identity: 'c', vector: [0, 0, 1] }, // alone: not a probe
  ];

  it('scores every pair once: genuine kept, impostors counted, rank-1 over probes that have a mate', () => {
    const pairs = allPairs(samples, 'cosine');
    expect(pairs.rank1).toEqual({ correct: 3, probes: 4, rate: 0.75 });
    expect(pairs.genuine.total).toBe(2);
    expect(pairs.impostor.total).toBe(8);
    expect(negativeEuclidean([0, 0], [3, 4])).toBe(-5);
    expect(allPairs(samples, 'negative-euclidean').rank1.rate).toBe(0.75);
    expect(cosine([1, 0], [2, 0])).toBe(1);
  });

  it('reports rates at shipped thresholds and TAR at fixed FMR', () => {
    const summary = verificationSummary(allPairs(samples, 'cosine'), { shipped: 0.95 });
    expect(summary.atShippedThresholds.shipped.falseNonMatchRate).toBe(0.5); // 0.994 kept, 0.707 rejected
    expect(summary.atShippedThresholds.shipped.falseMatchRate).toBe(0);
    expect(summary.tarAtFmr1e3!.tar).toBe(0.5); // above the highest impostor (0.9 * 0.707 + ...) only the close pair
  });

  it('parses LFW pairs and scores 10-fold accuracy with misses counted as "different"', () => {
    const text = '2 1\nann 1 2\nann 1 bob 1\nbob 1 2\nbob 2 cy 1\n';
    const pairs = parseLfwPairs(text);
    expect(pairs[0]).toEqual({ a: 'ann/ann_0001.jpg', b: 'ann/ann_0002.jpg', same: true, fold: 0 });
    expect(pairs[3]).toEqual({ a: 'bob/bob_0002.jpg', b: 'cy/cy_0001.jpg', same: false, fold: 1 });
    expect(lfwAccuracy(pairs, [0.9, 0.1, 0.8, 0.2]).mean).toBe(1);
    // the missed same-person pair in fold 1 is scored as "different": wrong; fold 0 has too little to train on
    expect(lfwAccuracy(pairs, [0.9, 0.1, null, 0.2]).folds).toEqual([0.5, 0.5]);
    expect(() => parseLfwPairs('x\n')).toThrow(/first line/);
  });

  it('quantiles', () => {
    expect(quantiles([5, 1, 3, 2, 4])).toEqual({ median: 3, p90: 5 });
    expect(quantiles([])).toBeNull();
  });

  it('open-set 1:N: FNIR at FPIR from the non-mated scores, and the rule: FPIR / FNIR / wrong names', () => {
    // a and b have two photos each (one enrolled, one probe); c and d are strangers. d looks like a.
    const open = [
      { identity: 'a', vector: [1, 0, 0, 0] },
      { identity: 'a', vector: [0.95, 0.05, 0, 0] },
      { identity: 'b', vector: [0, 1, 0, 0] },
      { identity: 'b', vector: [0.1, 0.9, 0.1, 0] },
      { identity: 'c', vector: [0, 0, 1, 0] },
      { identity: 'd', vector: [0.8, 0, 0, 0.2] },
    ];
    const scores = new EnrolmentScores(open, 'cosine', 1);
    expect(scores.people).toHaveLength(2);
    const rule = (best: { score: number }) =>
      best.score >= 0.99 ? ('known' as const) : best.score >= 0.9 ? ('possible' as const) : ('unknown' as const);
    const f = openSetFigures(scores, null, rule);
    expect(f).toMatchObject({ galleryPeople: 2, galleryTemplates: 2, matedProbes: 2, nonMatedProbes: 2, rank1: 1 });
    expect(f.atRule).toEqual({ fpir: 0, fpirWithPossible: 0.5, fnir: 0.5, wrongName: 0, possibleOnly: 0.5 });
    // At FPIR 1 % (of 2 strangers: none allowed) the threshold sits just above d's 0.970 to a: both mated probes
    // (0.9986 to a, 0.988 to b) pass; b's is only "possible" at the rule, which FNIR at the rule counts as missed.
    expect(f.fnirAtFpir1e2).toBe(0);
    // A gallery of one person: the other's photos become strangers too.
    expect(openSetFigures(scores, 1, rule).nonMatedProbes).toBe(4);
  });

  it('threshold for a rate rejects all but the allowed share', () => {
    expect(thresholdForRate([0.1, 0.5, 0.9, 0.3], 0.25)).toBeGreaterThan(0.5);
    expect(thresholdForRate([0.1, 0.5, 0.9, 0.3], 0.25)).toBeLessThan(0.9);
    expect(thresholdForRate([0.1, 0.5], 0)).toBeGreaterThan(0.5);
  });
});
