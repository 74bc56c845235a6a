// Gallery search: exact cosine search over L2-normalised templates, per-person best score, top-k and an explicit
// "unknown" under the calibrated threshold. Pure: the facade keeps one TemplateIndex in memory.

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

/** A contiguous matrix of templates so a query is one pass over memory. */
export class TemplateIndex {
  readonly dim: number;
  private matrix: Float32Array;
  private rows: { templateId: string; personId: string }[] = [];

  constructor(dim: number, capacity = 256) {
    this.dim = dim;
    this.matrix = new Float32Array(dim * capacity);
  }

  get size(): number {
    return this.rows.length;
  }

  add(t: IndexedTemplate): void {
    if (t.embedding.length !== this.dim) throw new Error(`expected ${this.dim}-d embedding, got ${t.embedding.length}`);
    if (this.rows.length * this.dim === this.matrix.length) {
      const grown = new Float32Array(this.matrix.length * 2);
      grown.set(this.matrix);
      this.matrix = grown;
    }
    this.matrix.set(t.embedding, this.rows.length * this.dim);
    this.rows.push({ templateId: t.templateId, personId: t.personId });
  }

  /** Removes every row matching `predicate`, compacting the matrix. Returns how many were removed. */
  removeWhere(predicate: (row: { templateId: string; personId: string }) => boolean): number {
    let write = 0;
    const kept: typeof this.rows = [];
    this.rows.forEach((row, read) => {
      if (predicate(row)) return;
      if (write !== read) this.matrix.copyWithin(write * this.dim, read * this.dim, (read + 1) * this.dim);
      kept.push(row);
      write++;
    });
    const removed = this.rows.length - kept.length;
    this.rows = kept;
    return removed;
  }

  removePerson(personId: string): number {
    return this.removeWhere((r) => r.personId === personId);
  }

  /** Every person's best score for `query`, highest first, at most `k` people. */
  searchPeople(query: Float32Array, k = 5): PersonScore[] {
    if (query.length !== this.dim) throw new Error(`expected ${this.dim}-d query, got ${query.length}`);
    const best = new Map<string, PersonScore>();
    const d = this.dim;
    for (let r = 0; r < this.rows.length; r++) {
      let s = 0;
      const base = r * d;
      for (let i = 0; i < d; i++) s += this.matrix[base + i] * query[i];
      const row = this.rows[r];
      const prev = best.get(row.personId);
      if (!prev || s > prev.score) best.set(row.personId, { personId: row.personId, score: s, templateId: row.templateId });
    }
    return topK([...best.values()], k, (p) => p.score);
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
