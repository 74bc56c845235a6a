import { describe, expect, it } from 'vitest';
import { planGrouping, planSplit } from '../../src/core/grouping-plan';
import { l2Normalize } from '../../src/core/vectors';

/** Seeded clustered unit vectors: `people` identity centres, each sample = centre + noise (genuine cosine ≈ 0.7). */
function faces(people: number, perPerson: number, seed = 1): { embedding: Float32Array; person: number }[] {
  let s = seed;
  const random = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
  const centres = Array.from({ length: people }, () => l2Normalize(Array.from({ length: 512 }, random)));
  return centres.flatMap((c, person) =>
    Array.from({ length: perPerson }, () => ({
      person,
      embedding: l2Normalize(Array.from(c, (x) => x + 0.03 * random())),
    })),
  );
}

const THRESHOLD = 0.379;

describe('grouping plan', () => {
  it('lets new faces join the group they match and clusters the rest, leaving existing groups as they are', () => {
    const all = faces(3, 4);
    // Person 0 is already a group (perhaps fixed by hand); persons 1 and 2 are new.
    const grouped = all
      .filter((f) => f.person === 0)
      .slice(0, 2)
      .map((f) => ({ embedding: f.embedding, group: 0 }));
    const loose = all.filter((f, i) => f.person !== 0 || i >= 2);
    const plan = planGrouping({ grouped, groupCount: 1, loose: loose.map((f) => f.embedding), threshold: THRESHOLD });
    loose.forEach((f, i) => expect(plan.joins[i]).toBe(f.person === 0 ? 0 : null));
    const newGroups = plan.newGroups.map((g) => [...new Set(g.map((i) => loose[i].person))]);
    expect(newGroups.sort()).toEqual([[1], [2]]);
    expect(plan.newGroups.flat()).toHaveLength(8);
  });

  it('leaves a face that matches no one out of every group', () => {
    const [stranger] = faces(1, 1, 99);
    const plan = planGrouping({
      grouped: [],
      groupCount: 0,
      loose: [...faces(1, 3).map((f) => f.embedding), stranger.embedding],
      threshold: THRESHOLD,
    });
    expect(plan.newGroups).toEqual([[0, 1, 2]]);
    expect(plan.joins).toEqual([null, null, null, null]);
  });

  it('splits a group of two people into two, and a group of one person not at all at the usual threshold', () => {
    const two = faces(2, 3, 7);
    const parts = planSplit(
      two.map((f) => f.embedding),
      THRESHOLD,
    );
    expect(parts.map((p) => [...new Set(p.map((i) => two[i].person))]).sort()).toEqual([[0], [1]]);
    const one = faces(1, 4, 5).map((f) => f.embedding);
    expect(planSplit(one, THRESHOLD).flat().sort()).toEqual([0, 1, 2, 3]); // tight faces stay together even when stricter
  });
});

describe("grouping plan with the user's answers", () => {
  it('does not regroup a face removed from a group ("not this person") with it, nor with its look-alikes', () => {
    const all = faces(2, 4, 3);
    const grouped = all
      .filter((f) => f.person === 0)
      .slice(0, 3)
      .map((f) => ({ embedding: f.embedding, group: 0 }));
    const removed = all.filter((f) => f.person === 0)[3];
    const input = { grouped, groupCount: 1, loose: [removed.embedding], threshold: THRESHOLD };
    expect(planGrouping(input).joins).toEqual([0]); // without the answer it would go straight back
    // Face 3 (the first loose one) was removed from group 0, whose faces are 0..2.
    const told = planGrouping({ ...input, constraints: { mustLink: [], cannotLink: [{ a: [3], b: [0, 1, 2] }] } });
    expect(told.joins).toEqual([null]);
    expect(told.newGroups).toEqual([]);
  });

  it('takes a loose face to the group of a face it is must-linked with, and keeps cannot-links among new groups', () => {
    const all = faces(2, 3, 4);
    const grouped = all.filter((f) => f.person === 0).map((f) => ({ embedding: f.embedding, group: 0 }));
    const loose = all.filter((f) => f.person === 1).map((f) => f.embedding);
    const yes = planGrouping({
      grouped,
      groupCount: 1,
      loose,
      threshold: THRESHOLD,
      constraints: { mustLink: [[0, 3]], cannotLink: [] },
    });
    expect(yes.joins).toEqual([0, null, null]);
    const no = planGrouping({
      grouped: [],
      groupCount: 0,
      loose,
      threshold: THRESHOLD,
      constraints: { mustLink: [], cannotLink: [{ a: [0], b: [1] }] },
    });
    for (const g of no.newGroups) expect(g.includes(0) && g.includes(1)).toBe(false);
  });
});

describe('the link threshold of a library', () => {
  it('is the 1:1 threshold for a small library and rises with its size, never falling below it', async () => {
    const { linkThreshold } = await import('../../src/core/grouping-plan');
    const { default: calibration } = await import('../../src/core/calibration-data.json');
    const at = (n: number) => linkThreshold(calibration.threshold, n, calibration.strangerTails);
    expect(at(2)).toBe(calibration.threshold);
    expect(at(113)).toBeCloseTo(calibration.threshold, 2);
    expect(at(1514)).toBeGreaterThan(0.4);
    expect(at(10_000)).toBeGreaterThan(at(1514));
    expect(at(10_000)).toBeLessThan(0.5);
  });
});
