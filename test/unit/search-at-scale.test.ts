import 'fake-indexeddb/auto'; // the IDB* globals idb's wrappers check against
import { describe, expect, it } from 'vitest';
import { IDBFactory } from 'fake-indexeddb';
import { TemplateIndex, type ExactVectorSource, type PersonScore } from '../../src/core/matching';
import { decideIdentityVerdict } from '../../src/core/identity-rule';
import { openGalleryStore } from '../../src/store/gallery-store';
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
  return [...best]
    .sort((a, b) => b[1] - a[1])
    .slice(0, k)
    .map(([personId, score]) => ({ personId, score, templateId: '' }));
}

const decision = (c: PersonScore[], threshold: number) => {
  const d = decideIdentityVerdict(c[0], { named: threshold, possible: threshold });
  return d.kind === 'known' ? d.best.personId : 'unknown';
};

describe('gallery search at scale', () => {
  // 6,000 templates with a 1,024-row shortlist and no brute force: the first pass really prunes, then codes and
  // floats re-score.
  const staged = gallery(6000, { shortlist: 1024, bruteForceRows: 0 });
  // The same gallery from 4-bit codes only, as beyond exactRowLimit.
  const coded = gallery(6000, { shortlist: 1024, exactRowLimit: 0 });

  it('scores every row of a small gallery exactly (brute force), person by person', () => {
    const small = gallery(3000);
    for (const q of small.probes.slice(0, 10)) {
      const found = small.index.searchPeople(q, 10),
        truth = exactPeople(small.rows, q, 10);
      expect(found.map((f) => f.personId)).toEqual(truth.map((t) => t.personId));
      found.forEach((f, i) => expect(f.score).toBeCloseTo(truth[i].score, 5));
      const best = found[0];
      expect(small.rows[Number(best.templateId.slice(1))].personId).toBe(best.personId);
    }
  });

  it('keeps floats while small, and returns exact scores with recall@10 >= 0.99', () => {
    expect(staged.index.isExact).toBe(true);
    let recall = 0;
    for (const q of staged.probes) {
      const found = staged.index.searchPeople(q, 10);
      const truth = exactPeople(staged.rows, q, 10);
      const truthScore = new Map(truth.map((t) => [t.personId, t.score]));
      recall += found.filter((f) => truthScore.has(f.personId)).length / 10;
      for (const f of found)
        if (truthScore.has(f.personId)) expect(f.score).toBeCloseTo(truthScore.get(f.personId)!, 5);
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
    // Capacity 64 doubled to 512 rows: top-bit blocks (128 B) + low planes (128 B) + step (4 B) + first-pass sum
    // (2 B) + person number (4 B) a row, a largest sum (2 B) a block of 32, plus the query's first-pass tables
    // (4 KiB) and the shortlist's histogram (256 KiB), and no floats (which would add 2,048 B a row).
    expect(index.byteLength).toBe(512 * (128 + 128 + 4 + 2 + 4) + (512 / 32) * 2 + 16 * 256 + 4 * 65536);
  });
});

/** Exact vectors by template id (`t${row}`), counting reads, as the gallery store would serve them. */
function sourceOf(rows: { v: Float32Array }[]) {
  const source = {
    reads: 0,
    ids: 0,
    async embeddings(templateIds: readonly string[]) {
      source.reads++;
      source.ids += templateIds.length;
      return templateIds.map((id) => rows[Number(id.slice(1))]?.v);
    },
  };
  return source;
}

describe('exact re-rank from outside the index', () => {
  // Floats dropped from the start (exactRowLimit 0): the index holds codes only, as at 1,000,000 faces.
  const coded = gallery(6000, { shortlist: 1024, rerank: 128, exactRowLimit: 0 });
  const source = sourceOf(coded.rows);
  const withSource = new TemplateIndex(DIM, 64, {
    shortlist: 1024,
    rerank: 128,
    exactRowLimit: 0,
    exactSource: source,
  });
  coded.rows.forEach((r, i) => withSource.add({ templateId: `t${i}`, personId: r.personId, embedding: r.v }));

  it('returns exact scores with recall@10 >= 0.99, reading the re-ranked rows in one call per query', async () => {
    let recall = 0,
      codeOnlyRecall = 0;
    source.reads = 0;
    source.ids = 0;
    for (const q of coded.probes) {
      const truth = exactPeople(coded.rows, q, 10);
      const truthScore = new Map(truth.map((t) => [t.personId, t.score]));
      const found = await withSource.search(q, 10);
      expect(found).toHaveLength(10);
      recall += found.filter((f) => truthScore.has(f.personId)).length / 10;
      for (const f of found) {
        let exact = 0;
        for (let i = 0; i < DIM; i++) exact += coded.rows[Number(f.templateId.slice(1))].v[i] * q[i];
        expect(f.score).toBeCloseTo(exact, 6); // the exact cosine of the template returned, not a code estimate
        expect(coded.rows[Number(f.templateId.slice(1))].personId).toBe(f.personId);
      }
      codeOnlyRecall += coded.index.searchPeople(q, 10).filter((f) => truthScore.has(f.personId)).length / 10;
    }
    expect(recall / coded.probes.length).toBeGreaterThanOrEqual(0.99);
    expect(recall).toBeGreaterThan(codeOnlyRecall); // the re-rank is what gets there: 4-bit scores alone cannot
    expect(source.reads).toBe(coded.probes.length);
    expect(source.ids).toBe(coded.probes.length * 160); // max(rerank, 16 per person asked for)
  });

  it('skips templates the source no longer has, and does not read while the floats are in memory', async () => {
    const gone: ExactVectorSource = {
      embeddings: async (ids) => ids.map((id, i) => (i % 2 ? undefined : coded.rows[Number(id.slice(1))].v)),
    };
    const half = new TemplateIndex(DIM, 64, { shortlist: 1024, exactRowLimit: 0, exactSource: gone });
    coded.rows
      .slice(0, 2000)
      .forEach((r, i) => half.add({ templateId: `t${i}`, personId: r.personId, embedding: r.v }));
    const found = await half.search(coded.probes[0], 5);
    expect(found.length).toBeGreaterThan(0);
    for (const f of found) expect(Number.isFinite(f.score)).toBe(true);

    const inMemory = sourceOf(coded.rows);
    const small = new TemplateIndex(DIM, 64, { exactSource: inMemory });
    coded.rows
      .slice(0, 100)
      .forEach((r, i) => small.add({ templateId: `t${i}`, personId: r.personId, embedding: r.v }));
    expect(await small.search(coded.probes[0], 3)).toEqual(small.searchPeople(coded.probes[0], 3));
    expect(inMemory.reads).toBe(0);
  });

  it('re-ranks from the gallery store (IndexedDB), which reads many embeddings by id in one transaction', async () => {
    const store = await openGalleryStore({ name: 'search', idbFactory: new IDBFactory() });
    const consent = {
      subjectName: 'x',
      givenAt: Date.now(),
      purpose: 'photo-library',
      purposeDetail: 'test',
      method: 'checkbox',
      retention: { kind: 'days', days: 30 },
      collectedBy: 'test',
    } as const;
    const people = await Promise.all(
      ['a', 'b', 'c'].map((name, p) =>
        store.addPersonWithTemplates(
          { name, consent: { ...consent, subjectName: name } },
          coded.rows.slice(4 * p, 4 * p + 4).map((r) => ({
            embedding: r.v,
            modelId: 'm',
            sourceName: 'x.jpg',
            box: { x: 0, y: 0, width: 1, height: 1 },
            detectionScore: 1,
            thumbnail: { type: 'image/jpeg', bytes: new ArrayBuffer(1) },
          })),
        ),
      ),
    );
    const ids = people.flatMap((p) => p.templates.map((t) => t.id));
    const read = await store.templateEmbeddings([ids[5], 'missing', ids[0]]);
    expect(Array.from(read[0]!)).toEqual(Array.from(coded.rows[5].v));
    expect(read[1]).toBeUndefined();
    expect(Array.from(read[2]!)).toEqual(Array.from(coded.rows[0].v));

    const index = new TemplateIndex(DIM, 4, {
      exactRowLimit: 0,
      exactSource: { embeddings: (t) => store.templateEmbeddings(t) },
    });
    for (const p of people)
      for (const t of p.templates) index.add({ templateId: t.id, personId: t.personId, embedding: t.embedding });
    const [best] = await index.search(coded.rows[9].v, 1);
    expect(best.personId).toBe(people[2].person.id);
    expect(best.templateId).toBe(ids[9]);
    expect(best.score).toBeCloseTo(1, 6); // exact, where the 4-bit code alone is only within ±0.005
    store.close();
  });
});

describe('QuantisedRows', () => {
  it('scores unit vectors within about ±0.005 of the exact cosine', () => {
    const { rows, probes } = gallery(400);
    const codes = new QuantisedRows(DIM, rows.length);
    rows.forEach((r, i) => codes.set(i, r.v));
    let sq = 0,
      count = 0,
      max = 0;
    for (const q of probes.slice(0, 5)) {
      const { rows: all, codeScores } = codes.shortlist(q, rows.length, rows.length);
      const scores = codeScores();
      expect(Array.from(all)).toEqual(rows.map((_, i) => i));
      rows.forEach((r, i) => {
        let exact = 0;
        for (let d = 0; d < DIM; d++) exact += r.v[d] * q[d];
        const err = scores[i] - exact;
        sq += err * err;
        count++;
        max = Math.max(max, Math.abs(err));
      });
    }
    expect(Math.sqrt(sq / count)).toBeLessThan(0.006);
    expect(max).toBeLessThan(0.03);
  });

  it('ranks by the first pass across blocks and lanes, for any dimension, and keeps a moved row intact', () => {
    const dim = 130, // not a multiple of 4: the last nibble and byte are partly padding
      count = 70; // three blocks of 32, the last one partly filled
    const vectors: Float32Array[] = [];
    forEachTemplate(count, dim, 1, 3, (_row, _identity, v) => vectors.push(Float32Array.from(v)));
    const codes = new QuantisedRows(dim, 40); // grows past its first capacity
    codes.grow(count);
    vectors.forEach((v, i) => codes.set(i, v));
    const exact = (q: Float32Array, v: Float32Array) => q.reduce((s, x, i) => s + x * v[i], 0);
    for (const target of [0, 17, 40, 69]) {
      // A query near one row: that row must come first in a shortlist of 1, whichever block and lane holds it.
      const q = Float32Array.from(vectors[target], (x, i) => x + 0.3 * vectors[(target + 1) % count][i]);
      const norm = Math.hypot(...q);
      q.forEach((x, i) => (q[i] = x / norm));
      const { rows, codeScores } = codes.shortlist(q, count, 1);
      const scores = codeScores();
      expect(Array.from(rows)).toEqual([target]);
      expect(scores[0]).toBeCloseTo(exact(q, vectors[target]), 1);
    }
    // Moves between low and high nibbles (lanes below and above 16) and across blocks keep each row whole.
    const moves: [number, number][] = [
      [69, 3], // lane 5 (low) to lane 3 (low)
      [20, 33], // lane 20 (high) to block 1, lane 1 (low)
      [40, 62], // lane 8 (low) to lane 30 (high)
      [50, 17], // lane 18 (high) to lane 17 (high)
    ];
    for (const [from, to] of moves) codes.move(from, to);
    for (const [from, to] of moves) {
      const { rows, codeScores } = codes.shortlist(vectors[from], count, 1);
      expect(Array.from(rows)).toEqual([Math.min(from, to), Math.max(from, to)]); // the copy ties with the original
      expect(Math.min(...codeScores())).toBeGreaterThan(0.97);
    }
  });
});

describe('TopScores', () => {
  it('keeps exactly the highest scores of a stream', () => {
    const scores = Array.from({ length: 5000 }, (_, i) => (Math.sin(i * 12.9898) * 43758.5453) % 1);
    const top = new TopScores(37);
    scores.forEach((s, i) => top.push(s, i));
    const expected = scores
      .map((s, i) => [s, i] as const)
      .sort((a, b) => b[0] - a[0])
      .slice(0, 37)
      .map(([, i]) => i);
    expect([...top.keptIds()].sort((a, b) => a - b)).toEqual(expected.sort((a, b) => a - b));
    expect(top.floor).toBe(scores[expected.reduce((m, i) => (scores[i] < scores[m] ? i : m))]);
  });
});

describe('bench:search', () => {
  it('returns the JSON shape for a small gallery', async () => {
    const r = await runSearchBench({ n: 2000, queries: 4 });
    expect(r).toMatchObject({ n: 2000, dim: 512, floatsInMemory: true });
    for (const v of [r.buildMs, r.memoryMB, r.queryMs.median, r.queryMs.p90, r.recallAt10, r.removeOneMs])
      expect(Number.isFinite(v)).toBe(true);
    expect(r.bruteForceMs).toBeGreaterThan(0); // the peer, timed in the same run
    expect(r.recallAt10).toBeGreaterThan(0.9);
    expect(Object.keys(JSON.parse(JSON.stringify(r)))).toEqual(
      expect.arrayContaining(['n', 'dim', 'buildMs', 'memoryMB', 'queryMs', 'recallAt10']),
    );
  });
});
