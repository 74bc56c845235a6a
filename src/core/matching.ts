// Gallery search: cosine search over L2-normalised templates, per-person best score, top-k and an explicit
// "unknown" under the calibrated threshold. Pure: the facade keeps one TemplateIndex in memory.
//
// Stages, so a query stays fast at 1,000,000 templates (quantised-rows.ts has the codes, exact-rows.ts the floats):
// - every row is scored from the top 2 bits of its 4-bit code (one WASM SIMD table-lookup pass), and the best
//   `shortlist` rows are kept;
// - while the floats are in memory (at most `exactRowLimit` rows: 200 MiB, about 100,000 faces), the shortlist is
//   scored exactly; a gallery of at most `bruteForceRows` has every row scored exactly instead (faster there);
// - beyond, only the codes stay in memory (1,000,000 faces in about 265 MiB): the shortlist is re-scored from its
//   4-bit codes (±0.005), and `search` reads the best `rerank` rows' floats from an `ExactVectorSource` (the gallery
//   store) to score them exactly; the synchronous `searchPeople` then returns 4-bit scores.
// Scores are then grouped by person.
import { QuantisedRows } from './quantised-rows';
import { TopScores } from './top-scores';
import { ExactRows } from './exact-rows';
import { dot } from './vectors';
import { assertTemplate } from './template-check';

/** Up to this many rows (with floats in memory), every row is scored exactly: about 1 ms for 10,000 rows here. */
const DEFAULT_BRUTE_FORCE_ROWS = 16_384;

/** Rows re-scored exactly after the 4-bit pass. The true top-10 rank within the best ~35 by code at 1,000,000. */
const DEFAULT_RERANK = 256;

/** Where the exact embeddings live when the index holds only codes: the gallery store in the app. */
export interface ExactVectorSource {
  /** The embeddings of these templates, in the same order; undefined for one no longer there. */
  embeddings(templateIds: readonly string[]): Promise<(Float32Array | undefined)[]>;
}

export interface IndexedTemplate {
  templateId: string;
  personId: string;
  embedding: Float32Array; // L2-normalised
}

export interface PersonScore {
  personId: string;
  /** Cosine similarity of the query to this person's closest template. */
  score: number;
  templateId: string;
}

export interface TemplateIndexOptions {
  /** Keep float32 copies (exact scores) while the index holds at most this many rows. Default: 200 MiB of floats. */
  exactRowLimit?: number;
  /**
   * Rows kept by the first pass, to be scored exactly (or from 4-bit codes once the floats are gone). Default
   * max(1,024, n/400): at 1,000,000 faces 1,024 held 99.7 % of the true top 10 and 2,048 all of them (docs/speed.md
   * "Search at scale").
   */
  shortlist?: number;
  /** Codes only: rows re-scored exactly after the 4-bit pass (at least 16 per requested person). Default 256. */
  rerank?: number;
  /** With floats in memory, galleries up to this many rows are searched by scoring every row. Default 16,384. */
  bruteForceRows?: number;
  /** Read by `search` for the re-ranked rows' exact embeddings once the index holds no floats. */
  exactSource?: ExactVectorSource;
}

const DEFAULT_EXACT_BYTES = 200 * 2 ** 20;

export class TemplateIndex {
  readonly dim: number;
  readonly exactRowLimit: number;
  private readonly fixedShortlist: number | undefined;
  private readonly rerank: number;
  private readonly bruteForceRows: number;
  private readonly exactSource: ExactVectorSource | undefined;
  private codes: QuantisedRows;
  /** Float32 rows while size ≤ exactRowLimit, else null. */
  private exact: ExactRows | null;
  private templateIds: string[] = [];
  /** Per row, a small integer standing for its person (an index into `personIds`). */
  private personOf: Int32Array;
  private personIds: string[] = [];
  private personNumber = new Map<string, number>();

  constructor(dim: number, capacity = 256, options: TemplateIndexOptions = {}) {
    this.dim = dim;
    this.exactRowLimit = options.exactRowLimit ?? Math.floor(DEFAULT_EXACT_BYTES / (4 * dim));
    this.fixedShortlist = options.shortlist;
    this.rerank = options.rerank ?? DEFAULT_RERANK;
    this.bruteForceRows = options.bruteForceRows ?? DEFAULT_BRUTE_FORCE_ROWS;
    this.exactSource = options.exactSource;
    capacity = Math.max(1, capacity);
    this.codes = new QuantisedRows(dim, capacity);
    this.exact = new ExactRows(dim, Math.min(capacity, Math.max(1, this.exactRowLimit)));
    this.personOf = new Int32Array(capacity);
  }

  get size(): number {
    return this.templateIds.length;
  }

  /** Whether scores are exact float cosines (the gallery is within `exactRowLimit`). */
  get isExact(): boolean {
    return this.exact !== null;
  }

  /** Bytes held in typed arrays (codes, scales, person numbers, floats); ids are ordinary strings besides. */
  get byteLength(): number {
    return this.codes.byteLength + this.personOf.byteLength + (this.exact?.byteLength ?? 0);
  }

  private shortlistSize(): number {
    return this.fixedShortlist ?? Math.max(1024, Math.ceil(this.size / 400));
  }

  /** Refuses ('invalid-template') any embedding that is not `dim` finite numbers of unit length, adding nothing. */
  add(t: IndexedTemplate): void {
    assertTemplate(t.embedding, 'The search index refused a face template', this.dim);
    const row = this.size;
    if (row === this.codes.capacity) this.codes.grow(2 * row);
    if (row === this.personOf.length) {
      const person = new Int32Array(2 * row);
      person.set(this.personOf);
      this.personOf = person;
    }
    if (this.exact && row + 1 > this.exactRowLimit) this.exact = null; // too large for floats: codes only from now on
    if (this.exact) {
      if (row === this.exact.capacity) this.exact.grow(Math.min(2 * row, this.exactRowLimit));
      this.exact.set(row, t.embedding);
    }
    this.codes.set(row, t.embedding);
    this.personOf[row] = this.numberFor(t.personId);
    this.templateIds.push(t.templateId);
  }

  private numberFor(personId: string): number {
    let n = this.personNumber.get(personId);
    if (n === undefined) {
      n = this.personIds.length;
      this.personIds.push(personId);
      this.personNumber.set(personId, n);
    }
    return n;
  }

  /** Removes every row matching `predicate`, compacting the storage. Returns how many were removed. */
  removeWhere(predicate: (row: { templateId: string; personId: string }) => boolean): number {
    const before = this.size;
    const oldPersonIds = this.personIds;
    this.personIds = [];
    this.personNumber = new Map();
    const kept: string[] = [];
    const d = this.dim;
    for (let read = 0; read < before; read++) {
      const templateId = this.templateIds[read];
      const personId = oldPersonIds[this.personOf[read]];
      if (predicate({ templateId, personId })) continue;
      const write = kept.length;
      if (write !== read) {
        this.codes.move(read, write);
        this.exact?.move(read, write);
      }
      this.personOf[write] = this.numberFor(personId);
      kept.push(templateId);
    }
    this.templateIds = kept;
    // An emptied index can hold exact floats again.
    if (kept.length === 0 && !this.exact) this.exact = new ExactRows(d, Math.min(256, Math.max(1, this.exactRowLimit)));
    return before - kept.length;
  }

  removePerson(personId: string): number {
    return this.removeWhere((r) => r.personId === personId);
  }

  /**
   * Every person's best score for `query`, highest first, at most `k` people. Exact scores while the index holds
   * floats; beyond that, 4-bit scores (within about ±0.005): `search` re-ranks those exactly from the source.
   */
  searchPeople(query: Float32Array, k = 5): PersonScore[] {
    this.checkQuery(query);
    if (k <= 0 || this.size === 0) return [];
    const exact = this.exact;
    if (exact && this.size <= this.bruteForceRows) return this.bestPeople(null, exact.scoreAll(query, this.size), k);
    const shortlist = this.codes.shortlist(query, this.size, this.shortlistSize());
    // With the floats at hand, scoring the shortlist exactly costs less than its 4-bit scores and a re-rank.
    if (exact) return this.bestPeople(shortlist.rows, exact.scoreRows(query, shortlist.rows), k);
    return this.bestPeople(shortlist.rows, shortlist.codeScores(), k);
  }

  /**
   * `searchPeople` with exact scores at any size: once the index holds no floats, the best rows by code are
   * re-ranked from the exact source's embeddings (one read of `rerank` templates).
   */
  async search(query: Float32Array, k = 5): Promise<PersonScore[]> {
    const source = this.exactSource;
    if (this.exact || !source || k <= 0 || this.size === 0) return this.searchPeople(query, k);
    this.checkQuery(query);
    const { rows, codeScores } = this.codes.shortlist(query, this.size, this.shortlistSize());
    const best = this.bestByCode(rows, codeScores(), k).sort(); // ascending: neighbouring records, read in order
    // Ids are taken now: the index may change while the source is read.
    const candidates = Array.from(best, (r) => ({
      templateId: this.templateIds[r],
      personId: this.personIds[this.personOf[r]],
    }));
    const vectors = await source.embeddings(candidates.map((c) => c.templateId));
    const scored: PersonScore[] = [];
    candidates.forEach((c, i) => {
      const v = vectors[i];
      if (v) scored.push({ ...c, score: dot(v, query) });
    });
    return bestPerPerson(scored, k);
  }

  private checkQuery(query: Float32Array): void {
    if (query.length !== this.dim) throw new Error(`expected ${this.dim}-d query, got ${query.length}`);
  }

  /**
   * The `rerank` rows (at least 16 per requested person) with the highest code scores. A 4-bit score errs by about
   * ±0.005, far less than the gap between a top-10 score and the `rerank`th, so the exact top rows are among them.
   */
  private bestByCode(rows: Int32Array, scores: Float64Array, k: number): Int32Array {
    const best = new TopScores(Math.max(this.rerank, 16 * k));
    for (let c = 0; c < rows.length; c++) best.push(scores[c], rows[c]);
    return best.keptIds();
  }

  /**
   * Each person's best-scoring row among `rows` (every row when null; `scores` in the same order), highest first,
   * at most `k` people. A tie goes to the earlier row.
   */
  private bestPeople(rows: Int32Array | null, scores: ArrayLike<number>, k: number): PersonScore[] {
    const bestAt = new Map<number, number>(); // person number → index into scores
    for (let c = 0; c < scores.length; c++) {
      const person = this.personOf[rows ? rows[c] : c],
        at = bestAt.get(person);
      if (at === undefined || scores[c] > scores[at]) bestAt.set(person, c);
    }
    const top = new TopScores(k);
    for (const c of bestAt.values()) top.push(scores[c], c);
    return Array.from(top.keptIds())
      .sort((a, b) => scores[b] - scores[a] || a - b)
      .map((c) => {
        const row = rows ? rows[c] : c;
        return { personId: this.personIds[this.personOf[row]], templateId: this.templateIds[row], score: scores[c] };
      });
  }
}

/** Each person's best-scoring template among `scored`, highest first, at most `k` (ties: the earlier one). */
function bestPerPerson(scored: readonly PersonScore[], k: number): PersonScore[] {
  const best = new Map<string, PersonScore>();
  for (const s of scored) {
    const prev = best.get(s.personId);
    if (!prev || s.score > prev.score) best.set(s.personId, s);
  }
  return topK([...best.values()], k, (p) => p.score);
}

/** The k items with the highest key, highest first (stable for equal keys). */
export function topK<T>(items: readonly T[], k: number, key: (item: T) => number): T[] {
  if (k <= 0) return [];
  return items
    .map((item, i) => ({ item, i, s: key(item) }))
    .sort((a, b) => b.s - a.s || a.i - b.i)
    .slice(0, k)
    .map((x) => x.item);
}
