import { describe, expect, it } from 'vitest';
import { assignFolds, makePairs } from '../../bench/lfw-pairs';
import { seededRandom } from '../../bench/seeded-random';
import { parseLfwPairs } from '../../bench/metrics';

const people = [2, 2, 3, 3, 4, 4, 5, 5, 5, 6, 7, 7].map((count, i) => ({
  name: `p${String(i).padStart(2, '0')}`,
  count,
}));

describe('LFW-style pairs set', () => {
  it('keeps folds disjoint in people and every pair valid', () => {
    const set = makePairs(people, { folds: 3, seed: 7 });
    const pairs = parseLfwPairs([`${set.folds} ${set.perFold}`, ...set.lines].join('\n'));
    expect(pairs).toHaveLength(3 * 2 * set.perFold);
    const foldOf = new Map<string, number>();
    const countOf = new Map(people.map((p) => [p.name, p.count]));
    for (const p of pairs) {
      for (const file of [p.a, p.b]) {
        const [name, base] = file.split('/');
        expect(foldOf.get(name) ?? p.fold).toBe(p.fold);
        foldOf.set(name, p.fold);
        const index = Number(base.slice(name.length + 1, -4));
        expect(index).toBeGreaterThanOrEqual(1);
        expect(index).toBeLessThanOrEqual(countOf.get(name)!);
      }
      expect(p.a).not.toBe(p.b);
      expect(p.a.split('/')[0] === p.b.split('/')[0]).toBe(p.same);
    }
    expect(new Set(set.lines).size).toBe(set.lines.length); // no pair twice
  });

  it('is deterministic for a seed and changes with it', () => {
    expect(makePairs(people, { folds: 3, seed: 1 })).toEqual(makePairs(people, { folds: 3, seed: 1 }));
    expect(makePairs(people, { folds: 3, seed: 1 }).lines).not.toEqual(makePairs(people, { folds: 3, seed: 2 }).lines);
  });

  it('spreads same-person pairs evenly over folds and uses as many as the smallest fold has', () => {
    const folds = assignFolds(people, 3, seededRandom(3));
    const same = folds.map((f) => f.reduce((s, p) => s + (p.count * (p.count - 1)) / 2, 0));
    expect(Math.max(...same) - Math.min(...same)).toBeLessThanOrEqual(10);
    expect(makePairs(people, { folds: 3, seed: 3 }).perFold).toBe(Math.min(...same));
  });

  it('refuses a set too small for the folds', () => {
    expect(() => makePairs([{ name: 'a', count: 2 }], { folds: 2 })).toThrow(/too few/);
  });
});
