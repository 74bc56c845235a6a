import { describe, expect, it } from 'vitest';
import { FaceGraph, clusterFaces, suggestGroupForFace, type Clustering } from '../../src/core/clustering';
import { planSplit } from '../../src/core/grouping-plan';
import { clusterQuality } from '../../src/core/cluster-quality';
import { l2Normalize } from '../../src/core/vectors';
import { gaussianFrom, seededRandom } from '../../bench/seeded-random';

const THRESHOLD = 0.379; // as calibration-data.json

/** mulberry32: a small seeded PRNG, so the synthetic faces are the same on every run. */
function seeded(seed: number) {
  const uniform = seededRandom(seed);
  return { uniform, gaussian: gaussianFrom(uniform) };
}

/** `sizes[p]` faces of person p: unit vectors around a random centre, genuine cosine ≈ 0.64, strangers ≈ 0 ± 0.044. */
function syntheticPeople(sizes: number[], dim = 512, seed = 7): { vectors: Float32Array[]; labels: string[] } {
  const { gaussian } = seeded(seed);
  const vectors: Float32Array[] = [],
    labels: string[] = [];
  sizes.forEach((size, p) => {
    const centre = l2Normalize(Array.from({ length: dim }, gaussian));
    for (let k = 0; k < size; k++) {
      vectors.push(l2Normalize(Array.from(centre, (c) => c + (gaussian() * 0.75) / Math.sqrt(dim))));
      labels.push(`person${p}`);
    }
  });
  return { vectors, labels };
}

const basis = (dim: number, i: number) => Array.from({ length: dim }, (_, k) => (k === i ? 1 : 0));
const around = (centre: number[], offAxis: number, spread = 0.3) =>
  l2Normalize(centre.map((c, k) => c + (k === offAxis ? spread : 0)));

describe('clusterFaces', () => {
  it('recovers synthetic people, largest group first, and leaves a stranger unassigned', () => {
    const { vectors, labels } = syntheticPeople([3, 6, 2, 4]);
    const stranger = syntheticPeople([1], 512, 99).vectors[0];
    const result = clusterFaces([...vectors, stranger], { threshold: THRESHOLD });
    expect(result.groups.map((g) => g.length)).toEqual([6, 4, 3, 2]);
    expect(result.unassigned).toEqual([vectors.length]);
    const quality = clusterQuality(result, [...labels, 'stranger']);
    expect(quality.pairwise).toEqual({ precision: 1, recall: 1, f1: 1 });
    expect(quality.bcubed.f1).toBe(1);
  });

  it('gives the same partition whatever the input order', () => {
    const { vectors } = syntheticPeople([4, 4, 3, 1, 2], 512, 3);
    const order = [9, 2, 13, 0, 7, 11, 4, 1, 12, 6, 3, 10, 5, 8];
    const direct = clusterFaces(vectors, { threshold: THRESHOLD });
    const shuffled = clusterFaces(
      order.map((i) => vectors[i]),
      { threshold: THRESHOLD },
    );
    const asOriginal = (c: Clustering) =>
      c.groups.map((g) => g.map((f) => order[f]).sort((a, b) => a - b)).sort((a, b) => a[0] - b[0]);
    expect(asOriginal(shuffled)).toEqual([...direct.groups].sort((a, b) => a[0] - b[0]));
  });

  it('does not chain two people through one face that resembles both (plain DBSCAN does)', () => {
    const dim = 10;
    const a = [0, 1, 2].map((k) => around(basis(dim, 0), 3 + k));
    const b = [0, 1, 2].map((k) => around(basis(dim, 1), 6 + k));
    const bridge = l2Normalize(basis(dim, 0).map((x, k) => x + (k === 1 ? 1 : 0))); // cosine ≈ 0.68 with everyone
    const faces = [...a, ...b, bridge];
    expect(clusterFaces(faces, { threshold: THRESHOLD, method: 'dbscan' }).groups).toEqual([[0, 1, 2, 3, 4, 5, 6]]);
    const guarded = clusterFaces(faces, { threshold: THRESHOLD });
    expect(guarded.groups).toHaveLength(2);
    expect(guarded.groups.map((g) => g.filter((f) => f < 6))).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
  });

  it('with minPoints 3, a matching pair stays unassigned', () => {
    const { vectors } = syntheticPeople([3, 2], 512, 5);
    expect(clusterFaces(vectors, { threshold: THRESHOLD, minPoints: 3 })).toEqual({
      groups: [[0, 1, 2]],
      unassigned: [3, 4],
    });
    expect(clusterFaces([], { threshold: THRESHOLD })).toEqual({ groups: [], unassigned: [] });
  });

  it('a graph grown in batches clusters like one built at once', () => {
    const { vectors } = syntheticPeople([5, 3, 4, 1, 2], 512, 11);
    const graph = new FaceGraph(512, THRESHOLD, { capacity: 2 }); // small capacity forces growth
    expect(graph.add(vectors.slice(0, 6))).toEqual([0, 1, 2, 3, 4, 5]);
    graph.add(vectors.slice(6, 9));
    graph.add(vectors.slice(9));
    expect(graph.size).toBe(vectors.length);
    expect(Array.from(graph.embedding(7))).toEqual(Array.from(vectors[7]));
    const oneShot = new FaceGraph(512, THRESHOLD);
    oneShot.add(vectors);
    expect(graph.linksAtOrAbove(THRESHOLD)).toEqual(oneShot.linksAtOrAbove(THRESHOLD));
    expect(clusterFaces(vectors, { threshold: THRESHOLD }).groups.map((g) => g.length)).toEqual([5, 4, 3, 2]);
    expect(() => graph.add([new Float32Array(3)])).toThrow(/512-d/);
  });

  it('the WASM SIMD kernel and the plain JavaScript one find the same links', () => {
    const { vectors } = syntheticPeople([6, 5, 4, 3, 2, 1], 512, 13);
    const simd = new FaceGraph(512, 0.05, { capacity: 3 }),
      plain = new FaceGraph(512, 0.05, { simd: false });
    simd.add(vectors.slice(0, 10));
    simd.add(vectors.slice(10));
    plain.add(vectors);
    expect(simd.usesSimd).toBe(true); // Node has WebAssembly SIMD
    expect(plain.usesSimd).toBe(false);
    const a = simd.linksAtOrAbove(0.05),
      b = plain.linksAtOrAbove(0.05);
    expect(a.length).toBeGreaterThan(30); // genuine pairs (55) and a tail of strangers
    expect(a.map((l) => [l.i, l.j]).sort()).toEqual(b.map((l) => [l.i, l.j]).sort());
    for (const l of a) expect(l.similarity).toBeCloseTo(b.find((x) => x.i === l.i && x.j === l.j)!.similarity, 5);
    expect(new FaceGraph(10, 0.5).usesSimd).toBe(false); // rows not a multiple of 8 floats: plain kernel
  });
});

describe('splitting and suggesting', () => {
  it('splits a group of two look-alike people by re-clustering it with a stricter threshold', () => {
    // Two tight sets (cosine ≈ 0.94 inside) whose centres are 60° apart (cosine ≈ 0.47 across): one group at the
    // calibrated threshold, two at the default stricter one (halfway to 1, ≈ 0.69).
    const dim = 10,
      sixty = [0.5, Math.sqrt(3) / 2, 0, 0, 0, 0, 0, 0, 0, 0];
    const faces = [
      ...[2, 3, 4].map((k) => around(basis(dim, 0), k, 0.25)),
      ...[5, 6, 7].map((k) => around(sixty, k, 0.25)),
      around(basis(dim, 9), 8),
    ];
    const loose = clusterFaces(faces, { threshold: THRESHOLD });
    expect(loose).toEqual({ groups: [[0, 1, 2, 3, 4, 5]], unassigned: [6] });
    expect(
      planSplit(
        faces.slice(0, 6).map((f) => Float32Array.from(f)),
        THRESHOLD,
      ),
    ).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
  });

  it('suggests the group a new face matches, or none for a stranger', () => {
    const { vectors } = syntheticPeople([4, 4, 1], 512, 21);
    const known = vectors.slice(0, 8),
      newcomer = vectors[3],
      stranger = vectors[8];
    const clustering = clusterFaces(
      known.filter((_, i) => i !== 3),
      { threshold: THRESHOLD },
    );
    const embeddingOf = (face: number) => known.filter((_, i) => i !== 3)[face];
    const suggestion = suggestGroupForFace(newcomer, clustering, embeddingOf, { threshold: THRESHOLD });
    expect(suggestion).not.toBeNull();
    expect(clustering.groups[suggestion!.group]).toEqual([0, 1, 2]); // person 0's other faces
    expect(suggestion!.meanSimilarity).toBeGreaterThan(THRESHOLD);
    expect(suggestion!.maxSimilarity).toBeGreaterThanOrEqual(suggestion!.meanSimilarity);
    expect(suggestGroupForFace(stranger, clustering, embeddingOf, { threshold: THRESHOLD })).toBeNull();
  });
});

describe('clusterQuality', () => {
  it('is perfect for the true grouping, unassigned faces counted as singletons', () => {
    const q = clusterQuality(
      {
        groups: [
          [2, 3],
          [0, 1],
        ],
        unassigned: [4],
      },
      ['a', 'a', 'b', 'b', 'c'],
    );
    expect(q.pairwise).toEqual({ precision: 1, recall: 1, f1: 1 });
    expect(q.bcubed).toEqual({ precision: 1, recall: 1, f1: 1 });
    expect(q).toMatchObject({ unassignedShare: 0.2, faces: 5, groups: 2, identities: 3 });
  });

  it('all faces in one group: full recall, precision from the pairs', () => {
    const q = clusterQuality({ groups: [[0, 1, 2, 3]], unassigned: [] }, ['a', 'a', 'b', 'b']);
    expect(q.pairwise.precision).toBeCloseTo(2 / 6, 12); // 2 same-person pairs of 6
    expect(q.pairwise.recall).toBe(1);
    expect(q.pairwise.f1).toBeCloseTo(0.5, 12);
    expect(q.bcubed.precision).toBe(0.5); // each face: half its group is its person
    expect(q.bcubed.recall).toBe(1);
  });

  it('all faces unassigned: nothing claimed wrongly, recall only from the singletons', () => {
    const q = clusterQuality({ groups: [], unassigned: [0, 1, 2] }, ['a', 'a', 'b']);
    expect(q.pairwise).toEqual({ precision: 1, recall: 0, f1: 0 });
    expect(q.bcubed.precision).toBe(1);
    expect(q.bcubed.recall).toBeCloseTo((0.5 + 0.5 + 1) / 3, 12);
    expect(q.unassignedShare).toBe(1);
  });

  it('a mixed example, worked by hand', () => {
    // Groups {0,1,2} (a,a,b) and {3,4} (b,c); face 5 (a) unassigned.
    const q = clusterQuality(
      {
        groups: [
          [0, 1, 2],
          [3, 4],
        ],
        unassigned: [5],
      },
      ['a', 'a', 'b', 'b', 'c', 'a'],
    );
    expect(q.pairwise.precision).toBeCloseTo(1 / 4, 12); // grouped pairs: 3 + 1; same person: (0,1)
    expect(q.pairwise.recall).toBeCloseTo(1 / 4, 12); // same-person pairs: 3 (a) + 1 (b)
    // BCubed precision per face: 2/3, 2/3, 1/3, 1/2, 1/2, 1; recall: 2/3, 2/3, 1/2, 1/2, 1, 1/3.
    expect(q.bcubed.precision).toBeCloseTo((2 / 3 + 2 / 3 + 1 / 3 + 1 / 2 + 1 / 2 + 1) / 6, 12);
    expect(q.bcubed.recall).toBeCloseTo((2 / 3 + 2 / 3 + 1 / 2 + 1 / 2 + 1 + 1 / 3) / 6, 12);
  });

  it('refuses a clustering that places a face twice or forgets one', () => {
    expect(() =>
      clusterQuality(
        {
          groups: [
            [0, 1],
            [1, 2],
          ],
          unassigned: [],
        },
        ['a', 'a', 'b'],
      ),
    ).toThrow(/two groups/);
    expect(() => clusterQuality({ groups: [[0, 1]], unassigned: [1, 2] }, ['a', 'a', 'b'])).toThrow(/both/);
    expect(() => clusterQuality({ groups: [[0, 1]], unassigned: [] }, ['a', 'a', 'b'])).toThrow(/every face/);
  });
});

describe("clustering with the user's answers (constraints)", () => {
  it('never puts both sides of a cannot-link in one group, however strongly they match', () => {
    // Two look-alikes: one tight cluster that would be one group of 6.
    const { vectors } = syntheticPeople([6], 512, 21);
    expect(clusterFaces(vectors, { threshold: THRESHOLD }).groups).toEqual([[0, 1, 2, 3, 4, 5]]);
    const result = clusterFaces(vectors, {
      threshold: THRESHOLD,
      constraints: { mustLink: [], cannotLink: [{ a: [0, 1, 2], b: [3] }] },
    });
    for (const g of result.groups) expect(g.some((f) => f <= 2) && g.includes(3)).toBe(false);
    expect(result.groups[0]).toEqual([0, 1, 2, 4, 5]); // the rest still group
  });

  it('keeps must-linked faces together even when they do not match, unless a cannot-link forbids it', () => {
    const { vectors } = syntheticPeople([3, 3], 512, 22);
    const plain = clusterFaces(vectors, { threshold: THRESHOLD });
    expect(plain.groups).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
    const together = clusterFaces(vectors, {
      threshold: THRESHOLD,
      constraints: { mustLink: [[0, 3]], cannotLink: [] },
    });
    expect(together.groups.some((g) => g.includes(0) && g.includes(3))).toBe(true);
    // A "Yes" on two groups links all their faces: one group.
    expect(
      clusterFaces(vectors, { threshold: THRESHOLD, constraints: { mustLink: [[0, 1, 2, 3, 4, 5]], cannotLink: [] } })
        .groups,
    ).toEqual([[0, 1, 2, 3, 4, 5]]);
    const refused = clusterFaces(vectors, {
      threshold: THRESHOLD,
      constraints: { mustLink: [[0, 3]], cannotLink: [{ a: [1], b: [4] }] },
    });
    for (const g of refused.groups) expect(g.includes(1) && g.includes(4)).toBe(false);
  });

  it('leaves out of a group, in suggestGroupForFace, the groups it is told not to join', () => {
    const { vectors } = syntheticPeople([4], 512, 23);
    const clustering = clusterFaces(vectors.slice(0, 3), { threshold: THRESHOLD });
    const opts = { threshold: THRESHOLD };
    expect(suggestGroupForFace(vectors[3], clustering, (i) => vectors[i], opts)?.group).toBe(0);
    expect(
      suggestGroupForFace(
        vectors[3],
        clustering,
        (i) => vectors[i],
        opts,
        (g) => g !== 0,
      ),
    ).toBeNull();
  });
});
