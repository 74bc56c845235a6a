import { describe, expect, it } from 'vitest';
import { TemplateIndex, decideIdentity, type PersonScore } from '../../src/core/matching';
import { QuantisedRows } from '../../src/core/quantised-rows';
import { TopScores } from '../../src/core/top-scores';
import { forEachTemplate, probesOf, runSearchBench } from '../../bench/search';
import calibration from '../../src/core/calibration-data.json';

const DIM = 512;

/** A clustered synthetic gallery (4 samples an identity, genuine ≈ 0.7, impostor ≈ 0 ± 0.044) and its floats. */
function gallery(n: number, options: ConstructorParameters<typeof TemplateIndex>[2] = {}, seed = 7) {
  const index = new TemplateIndex(DIM, 64, options);
  const rows: { personId: string; v: Float32Array }[] = [];
  forEachTemplate(n, DIM, 4, seed, (row, identity, v) => {
    index.add({ templateId: `t${row}`, personId: `p${identity}`, embedding: v });
    rows.push({ personId: `p${identity}`, v: Float32Array.from(v) });
  });
  return { index, rows, ...probesOf(Math.ceil(n / 4), 30, DIM, seed) };
}

/** Exact float brute force: every person's best score, highest first. */
function exactPeople(rows: { personId: string; v: Float32Array }[], q: Float32Array, k: number): PersonScore[] {
  const best = new Map<string, number>();
  for (const { personId, v } of rows) {
    let s = 0;
    for (let i = 0; i < DIM; i++) s += v[i] * q[i];
    if (!best.has(personId) || s > best.get(personId)!) best.set(personId, s);
  }
  return [...best].sort((a, b) => b[1] - a[1]).slice(0, k).map(([personId, score]) => ({ personId, score, templateId: '' }));
}

const decision = (c: PersonScore[], threshold: number) => {
  const d = decideIdentity(c, threshold);
  return d.kind === 'known' ? d.personId : 'unknown';
};

describe('gallery search at scale', () => {
  // 6,000 templates with a 1,024-row shortlist: the sign pass really prunes, then codes and floats re-score.
  const staged = gallery(6000, { shortlist: 1024 });
  // The same gallery from 4-bit codes only, as beyond exactRowLimit.
  const coded = gallery(6000, { shortlist: 1024, exactRowLimit: 0 });

  it('keeps floats while small, and returns exact scores with recall@10 >= 0.99', () => {
    expect(staged.index.isExact).toBe(true);
    let recall = 0;
    for (const q of staged.probes) {
      const found = staged.index.searchPeople(q, 10);
      const truth = exactPeople(staged.rows, q, 10);
      const truthScore = new Map(truth.map((t) => [t.personId, t.score]));
      recall += found.filter((f) => truthScore.has(f.personId)).length / 10;
      for (const f of found) if (truthScore.has(f.personId)) expect(f.score).toBeCloseTo(truthScore.get(f.personId)!, 5);
    }
    expect(recall / staged.probes.length).toBeGreaterThanOrEqual(0.99);
  });

  it('from codes only, finds the same best person as exact search, with scores within 0.02', () => {
    expect(coded.index.isExact).toBe(false);
    coded.probes.forEach((q, i) => {
      const [best] = coded.index.searchPeople(q, 1);
      const [truth] = exactPeople(coded.rows, q, 1);
      expect(best.personId).toBe(truth.personId);
      expect(best.personId).toBe(`p${coded.identityOf[i]}`);
      expect(Math.abs(best.score - truth.score)).toBeLessThan(0.02);
    });
  });

  it('decides as exact search does at the calibrated threshold, for enrolled and unknown faces', () => {
    // Unknown faces: probes of identities that are not in this gallery (a gallery of the first 1,000 identities).
    const small = gallery(4000, { shortlist: 512, exactRowLimit: 0 });
    const strangers = probesOf(1_000_000, 30, DIM, 99).probes;
    let known = 0;
    for (const q of [...small.probes, ...strangers]) {
      const exact = decision(exactPeople(small.rows, q, 5), calibration.threshold);
      expect(decision(small.index.searchPeople(q, 5), calibration.threshold)).toBe(exact);
      if (exact !== 'unknown') known++;
    }
    expect(known).toBe(small.probes.length); // both kinds were tested
  });

  it('removes people and templates in the staged path, and holds floats again once emptied', () => {
    const { index, probes, identityOf } = gallery(5000, { shortlist: 512, exactRowLimit: 4000 });
    expect(index.isExact).toBe(false);
    const target = `p${identityOf[0]}`;
    expect(index.searchPeople(probes[0], 1)[0].personId).toBe(target);
    expect(index.removePerson(target)).toBe(4);
    expect(index.size).toBe(4996);
    expect(index.searchPeople(probes[0], 10).map((p) => p.personId)).not.toContain(target);
    expect(index.searchPeople(probes[1], 1)[0].personId).toBe(`p${identityOf[1]}`);
    expect(index.removeWhere((r) => r.templateId === 't4999')).toBe(1);
    expect(index.removeWhere(() => true)).toBe(4995);
    expect(index.size).toBe(0);
    expect(index.isExact).toBe(true);
    expect(index.searchPeople(probes[0], 5)).toEqual([]);
  });

  it('drops floats past exactRowLimit and counts its memory', () => {
    const { index } = gallery(300, { exactRowLimit: 200 });
    expect(index.isExact).toBe(false);
    // Capacity 64 doubled to 512 rows: 4-bit planes (256 B) + two scales (8 B) + sign count (2 B) + sign-pass result
    // (4 B) + person number (4 B) a row, plus the rounded query's planes and the 64 KiB query table, and no floats
    // (which would add 2,048 B a row).
    expect(index.byteLength).toBe(512 * (256 + 8 + 2 + 4 + 4) + 4 * 64 + 64 * 256 * 4);
  });
});

describe('QuantisedRows', () => {
  it('scores unit vectors within about ±0.005 of the exact cosine', () => {
    const { rows, probes } = gallery(400);
    const codes = new QuantisedRows(DIM, rows.length);
    rows.forEach((r, i) => codes.set(i, r.v));
    const table = new Float32Array(codes.tableLength);
    let sq = 0, count = 0, max = 0;
    for (const q of probes.slice(0, 5)) {
      const total = codes.fillTable(q, table);
      rows.forEach((r, i) => {
        let exact = 0;
        for (let d = 0; d < DIM; d++) exact += r.v[d] * q[d];
        const err = codes.score(i, table, total) - exact;
        sq += err * err; count++; max = Math.max(max, Math.abs(err));
      });
    }
    expect(Math.sqrt(sq / count)).toBeLessThan(0.006);
    expect(max).toBeLessThan(0.03);
  });
});

describe('TopScores', () => {
  it('keeps exactly the highest scores of a stream', () => {
    const scores = Array.from({ length: 5000 }, (_, i) => Math.sin(i * 12.9898) * 43758.5453 % 1);
    const top = new TopScores(37);
    scores.forEach((s, i) => top.push(s, i));
    const expected = scores.map((s, i) => [s, i] as const).sort((a, b) => b[0] - a[0]).slice(0, 37).map(([, i]) => i);
    expect([...top.keptIds()].sort((a, b) => a - b)).toEqual(expected.sort((a, b) => a - b));
    expect(top.floor).toBe(scores[expected.reduce((m, i) => (scores[i] < scores[m] ? i : m))]);
  });
});

describe('bench:search', () => {
  it('returns the JSON shape for a small gallery', () => {
    const r = runSearchBench({ n: 2000, queries: 4 });
    expect(r).toMatchObject({ n: 2000, dim: 512, exactScores: true });
    for (const v of [r.buildMs, r.memoryMB, r.queryMs.median, r.queryMs.p90, r.recallAt10]) expect(Number.isFinite(v)).toBe(true);
    expect(r.recallAt10).toBeGreaterThan(0.9);
    expect(Object.keys(JSON.parse(JSON.stringify(r)))).toEqual(expect.arrayContaining(['n', 'dim', 'buildMs', 'memoryMB', 'queryMs', 'recallAt10']));
  });
});
