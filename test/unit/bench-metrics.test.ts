import { describe, expect, it } from 'vitest';
import { cosine, lfwAccuracy, negativeEuclidean, pairScores, parseLfwPairs, quantiles, rank1, tarAtFar } from '../../bench/metrics';

describe('benchmark metrics', () => {
  const samples = [
    { identity: 'a', vector: [1, 0, 0] }, { identity: 'a', vector: [0.9, 0.1, 0] },
    { identity: 'b', vector: [0, 1, 0] }, { identity: 'b', vector: [0.6, 0.6, 0] }, // the last is closer to a
    { identity: 'c', vector: [0, 0, 1] }, // alone: not a probe
  ];

  it('rank-1 counts nearest-neighbour hits over probes that have a mate', () => {
    expect(rank1(samples, cosine)).toEqual({ correct: 3, probes: 4, rate: 0.75 });
    expect(negativeEuclidean([0, 0], [3, 4])).toBe(-5);
  });

  it('pair scores split genuine and impostor', () => {
    const { genuine, impostor } = pairScores(samples, cosine);
    expect(genuine).toHaveLength(2);
    expect(impostor).toHaveLength(8);
  });

  it('TAR at FAR accepts genuine scores above the allowed impostor', () => {
    const impostor = Array.from({ length: 100 }, (_, i) => i / 100); // 0 .. 0.99
    expect(tarAtFar([0.995, 0.985, 0.5], impostor, 1e-2)).toBeCloseTo(2 / 3, 9); // threshold: above 0.98
    expect(tarAtFar([0.995, 0.985], impostor, 0)).toBe(0.5); // above the highest impostor only
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
});
