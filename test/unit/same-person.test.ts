import { describe, expect, it } from 'vitest';
import { samePersonPairs, SUGGESTION_MARGIN } from '../../src/core/same-person';
import { l2Normalize } from '../../src/core/vectors';

const THRESHOLD = 0.344;
const dim = 16;
const basis = (i: number) => Array.from({ length: dim }, (_, k) => (k === i ? 1 : 0));
/** A unit vector at cosine `c` to basis 0 (mixed with basis `axis`). */
const at = (c: number, axis: number) =>
  l2Normalize(basis(0).map((x, k) => c * x + (k === axis ? Math.sqrt(1 - c * c) : 0)));

describe('samePersonPairs', () => {
  it('offers clusters whose closest faces are near the threshold, most similar first, and never a refused pair', () => {
    // Face 0 is the axis; faces 1, 2, 3 sit at 0.30, 0.25 and 0.05 to it (and near 0 to each other).
    const embeddings = [new Float32Array(basis(0)), at(0.3, 1), at(0.25, 2), at(0.05, 3)];
    const clusters = [[0], [1], [2], [3]];
    const pairs = samePersonPairs({ clusters, embeddings, threshold: THRESHOLD });
    expect(pairs.map((p) => [p.a, p.b])).toEqual([
      [0, 1],
      [0, 2],
    ]);
    expect(pairs[0].similarity).toBeCloseTo(0.3, 5);
    expect(pairs.every((p) => p.similarity >= THRESHOLD - SUGGESTION_MARGIN)).toBe(true);
    // "No, different people" for 0 and 1: offered no more; the other pair stays.
    const after = samePersonPairs({ clusters, embeddings, threshold: THRESHOLD, cannotLink: [{ a: [1], b: [0] }] });
    expect(after.map((p) => [p.a, p.b])).toEqual([[0, 2]]);
  });

  it('scores a pair of groups by their closest faces and never pairs a group with itself', () => {
    const embeddings = [new Float32Array(basis(0)), at(0.9, 4), at(0.28, 1), at(0.95, 1)];
    const pairs = samePersonPairs({
      clusters: [
        [0, 1],
        [2, 3],
      ],
      embeddings,
      threshold: THRESHOLD,
      limit: 5,
    });
    expect(pairs).toHaveLength(1);
    expect(pairs[0]).toMatchObject({ a: 0, b: 1 });
    expect(pairs[0].similarity).toBeGreaterThan(0.27);
  });
});
