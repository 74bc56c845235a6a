import { describe, expect, it } from 'vitest';
import { TemplateIndex, topK } from '../../src/core/matching';
import { cosineSimilarity, dot, l2Normalize, meanNormalized } from '../../src/core/vectors';

const unit = (...v: number[]) => l2Normalize(v);

describe('vectors', () => {
  it('cosine similarity of normalised vectors is their dot product', () => {
    const a = unit(1, 2, 3),
      b = unit(-2, 0.5, 1);
    expect(cosineSimilarity(a, b)).toBeCloseTo(dot(a, b), 6);
    expect(cosineSimilarity([1, 0], [0, 1])).toBe(0);
    expect(cosineSimilarity([2, 0], [5, 0])).toBeCloseTo(1, 9);
    expect(cosineSimilarity([1, 0], [-1, 0])).toBeCloseTo(-1, 9);
  });

  it('l2Normalize gives unit length and refuses zero vectors', () => {
    const v = l2Normalize([3, 4]);
    expect(Array.from(v)).toEqual([0.6000000238418579, 0.800000011920929]);
    expect(() => l2Normalize([0, 0])).toThrow();
  });

  it('meanNormalized averages then normalises', () => {
    const m = meanNormalized([
      [1, 0],
      [0, 1],
    ]);
    expect(m[0]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(() => dot([1], [1, 2])).toThrow(/dimension/);
  });
});

describe('topK', () => {
  it('returns the k highest, highest first, stable on ties', () => {
    const items = [
      { n: 'a', s: 1 },
      { n: 'b', s: 5 },
      { n: 'c', s: 3 },
      { n: 'd', s: 5 },
    ];
    expect(topK(items, 3, (i) => i.s).map((i) => i.n)).toEqual(['b', 'd', 'c']);
    expect(topK(items, 0, (i) => i.s)).toEqual([]);
    expect(topK(items, 10, (i) => i.s)).toHaveLength(4);
  });
});

describe('TemplateIndex', () => {
  function gallery() {
    const index = new TemplateIndex(3, 1); // capacity 1 forces growth
    index.add({ templateId: 't1', personId: 'ann', embedding: unit(1, 0, 0) });
    index.add({ templateId: 't2', personId: 'ann', embedding: unit(0.8, 0.6, 0) });
    index.add({ templateId: 't3', personId: 'bob', embedding: unit(0, 1, 0) });
    index.add({ templateId: 't4', personId: 'cy', embedding: unit(0, 0, 1) });
    return index;
  }

  it('scores each person by their best template', () => {
    const results = gallery().searchPeople(unit(0.7, 0.7, 0), 5);
    expect(results.map((r) => r.personId)).toEqual(['ann', 'bob', 'cy']);
    expect(results[0].templateId).toBe('t2');
    expect(results[0].score).toBeCloseTo(cosineSimilarity([0.7, 0.7, 0], [0.8, 0.6, 0]), 5);
  });

  it('limits to top-k people', () => {
    expect(gallery().searchPeople(unit(1, 0.1, 0.1), 2)).toHaveLength(2);
  });

  it('removing a person removes all their templates and keeps the others searchable', () => {
    const index = gallery();
    expect(index.removePerson('ann')).toBe(2);
    expect(index.size).toBe(2);
    const results = index.searchPeople(unit(0, 0.1, 1), 5);
    expect(results.map((r) => r.personId)).toEqual(['cy', 'bob']);
    expect(results[0].score).toBeCloseTo(cosineSimilarity([0, 0.1, 1], [0, 0, 1]), 5);
  });

  it('rejects wrong dimensions', () => {
    expect(() => gallery().searchPeople(new Float32Array(4))).toThrow(/3-d/);
  });
});
