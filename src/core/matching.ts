// Gallery search: cosine search over L2-normalised templates, per-person best score, top-k and an explicit
// "unknown" under the calibrated threshold. Pure: the facade keeps one TemplateIndex in memory.
//
// Stages, so a query stays fast at 100,000+ templates (quantised-rows.ts has the codes): every row is scored from
// its sign bits (64 table lookups for 512-d); the best `shortlist` rows are re-scored from 4-bit codes (±0.005);
// the best 256 of those are re-scored exactly from float32; then scores are grouped by person. Float32 copies are
// kept while the gallery is at most `exactRowLimit` rows (200 MiB of floats for 512-d, about 100,000 faces): up to
// there every returned score is the exact cosine. Beyond it the floats are dropped and the 4-bit scores are final,
// which keeps 1,000,000 faces in 264 MB. Galleries no larger than the shortlist are scored exactly, row by row.
import { QuantisedRows } from './quantised-rows';
import { TopScores } from './top-scores';

/** Rows re-scored from floats after the 4-bit pass (when floats are kept). */
const EXACT_RESCORED = 256;

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
  /** Rows re-scored from 4-bit codes after the sign pass. Default max(4,096, n/100): see README "Search at scale". */
  shortlist?: number;
}

const DEFAULT_EXACT_BYTES = 200 * 2 ** 20;

export class TemplateIndex {
  readonly dim: number;
  readonly exactRowLimit: number;
  private readonly fixedShortlist: number | undefined;
  private codes: QuantisedRows;
  /** Float32 rows while size ≤ exactRowLimit, else null. */
  private exact: Float32Array | null;
  private templateIds: string[] = [];
  /** Per row, a small integer standing for its person (an index into `personIds`). */
  private personOf: Int32Array;
  private personIds: string[] = [];
  private personNumber = new Map<string, number>();
  private table: Float32Array;

  constructor(dim: number, capacity = 256, options: TemplateIndexOptions = {}) {
    this.dim = dim;
    this.exactRowLimit = options.exactRowLimit ?? Math.floor(DEFAULT_EXACT_BYTES / (4 * dim));
    this.fixedShortlist = options.shortlist;
    capacity = Math.max(1, capacity);
    this.codes = new QuantisedRows(dim, capacity);
    this.exact = new Float32Array(dim * Math.min(capacity, Math.max(1, this.exactRowLimit)));
    this.personOf = new Int32Array(capacity);
    this.table = new Float32Array(this.codes.tableLength);
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
    return this.codes.byteLength + this.personOf.byteLength + (this.exact?.byteLength ?? 0) + this.table.byteLength;
  }

  private shortlistSize(): number {
    return this.fixedShortlist ?? Math.max(4096, Math.ceil(this.size / 100));
  }

  add(t: IndexedTemplate): void {
    if (t.embedding.length !== this.dim) throw new Error(`expected ${this.dim}-d embedding, got ${t.embedding.length}`);
    const row = this.size;
    if (row === this.codes.capacity) {
      this.codes.grow(2 * row);
      const person = new Int32Array(2 * row);
      person.set(this.personOf);
      this.personOf = person;
    }
    if (this.exact && row + 1 > this.exactRowLimit) this.exact = null; // too large for floats: codes only from now on
    if (this.exact) {
      if ((row + 1) * this.dim > this.exact.length) {
        const grown = new Float32Array(this.dim * Math.min(2 * row, this.exactRowLimit));
        grown.set(this.exact);
        this.exact = grown;
      }
      this.exact.set(t.embedding, row * this.dim);
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
        this.exact?.copyWithin(write * d, read * d, (read + 1) * d);
      }
      this.personOf[write] = this.numberFor(personId);
      kept.push(templateId);
    }
    this.templateIds = kept;
    // An emptied index can hold exact floats again.
    if (kept.length === 0 && !this.exact) this.exact = new Float32Array(d * Math.min(256, Math.max(1, this.exactRowLimit)));
    return before - kept.length;
  }

  removePerson(personId: string): number {
    return this.removeWhere((r) => r.personId === personId);
  }

  /** Every person's best score for `query`, highest first, at most `k` people. */
  searchPeople(query: Float32Array, k = 5): PersonScore[] {
    if (query.length !== this.dim) throw new Error(`expected ${this.dim}-d query, got ${query.length}`);
    if (k <= 0 || this.size === 0) return [];
    const { rows, scores } = this.scoreCandidates(query, k);
    // Best row per person, among the candidates only (never a map over the whole gallery).
    const bestRow = new Map<number, number>();
    for (let c = 0; c < rows.length; c++) {
      const row = rows[c], person = this.personOf[row];
      const prev = bestRow.get(person);
      if (prev === undefined || scores[c] > scores[prev] || (scores[c] === scores[prev] && row < rows[prev])) bestRow.set(person, c);
    }
    const people = [...bestRow.entries()];
    people.sort(([, a], [, b]) => scores[b] - scores[a] || rows[a] - rows[b]);
    return people.slice(0, k).map(([person, c]) => ({ personId: this.personIds[person], score: scores[c], templateId: this.templateIds[rows[c]] }));
  }

  /**
   * Candidate rows and their final scores. Small galleries: every row, scored exactly (or from codes without floats).
   * Large: the sign pass keeps `shortlist` rows, the 4-bit codes re-score them, and where floats are kept the best
   * `EXACT_RESCORED` (at least 16 per requested person) are re-scored exactly: 4-bit errors (±0.005) are far smaller
   * than the gap between a top-10 score and the 256th, so the exact top rows are among them.
   */
  private scoreCandidates(query: Float32Array, k: number): { rows: Int32Array; scores: Float64Array } {
    const n = this.size, shortlist = this.shortlistSize();
    let rows: Int32Array;
    if (n <= shortlist && this.exact) {
      rows = Int32Array.from({ length: n }, (_, i) => i);
      return { rows, scores: Float64Array.from(rows, (r) => this.exactScore(r, query)) };
    }
    const total = this.codes.fillTable(query, this.table);
    if (n <= shortlist) rows = Int32Array.from({ length: n }, (_, i) => i);
    else {
      const top = new TopScores(shortlist);
      this.codes.scanSigns(this.table, total, n, (s, r) => top.push(s, r), () => top.floor);
      rows = top.keptIds().sort(); // ascending: the next pass reads the codes front to back
    }
    const coded = new Float64Array(rows.length);
    this.codes.scoreRows(rows, this.table, total, coded);
    if (!this.exact) return { rows, scores: coded };
    const best = new TopScores(Math.max(EXACT_RESCORED, 16 * k));
    for (let c = 0; c < rows.length; c++) best.push(coded[c], rows[c]);
    const finalRows = best.keptIds();
    return { rows: finalRows, scores: Float64Array.from(finalRows, (r) => this.exactScore(r, query)) };
  }

  private exactScore(row: number, query: Float32Array): number {
    const exact = this.exact!, d = this.dim, base = row * d;
    let s = 0;
    for (let i = 0; i < d; i++) s += exact[base + i] * query[i];
    return s;
  }
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

export type IdentityDecision =
  | { kind: 'known'; personId: string; score: number; candidates: PersonScore[] }
  | { kind: 'unknown'; bestScore: number | null; candidates: PersonScore[] };

/** "Unknown" unless the best person's score reaches the threshold. */
export function decideIdentity(candidates: readonly PersonScore[], threshold: number): IdentityDecision {
  const best = candidates[0];
  if (best && best.score >= threshold) return { kind: 'known', personId: best.personId, score: best.score, candidates: [...candidates] };
  return { kind: 'unknown', bestScore: best ? best.score : null, candidates: [...candidates] };
}
