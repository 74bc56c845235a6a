// A bounded min-heap of (score, id): keeps the `capacity` highest scores seen, in O(log capacity) per kept item and
// one comparison per rejected one, with no allocation per push. Used to shortlist rows without sorting them all.

export class TopScores {
  readonly capacity: number;
  private readonly scores: Float64Array;
  private readonly ids: Int32Array;
  private count = 0;

  constructor(capacity: number) {
    this.capacity = Math.max(1, capacity);
    this.scores = new Float64Array(this.capacity);
    this.ids = new Int32Array(this.capacity);
  }

  get size(): number {
    return this.count;
  }

  /** The lowest score kept once full (anything at or below it would be rejected), else -Infinity. */
  get floor(): number {
    return this.count < this.capacity ? -Infinity : this.scores[0];
  }

  clear(): void {
    this.count = 0;
  }

  push(score: number, id: number): void {
    const s = this.scores,
      ids = this.ids;
    if (this.count < this.capacity) {
      let i = this.count++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (s[parent] <= score) break;
        s[i] = s[parent];
        ids[i] = ids[parent];
        i = parent;
      }
      s[i] = score;
      ids[i] = id;
      return;
    }
    if (score <= s[0]) return;
    // Replace the minimum and sift down.
    let i = 0;
    const n = this.count;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && s[r] < s[l] ? r : l;
      if (s[c] >= score) break;
      s[i] = s[c];
      ids[i] = ids[c];
      i = c;
    }
    s[i] = score;
    ids[i] = id;
  }

  /** A copy of the kept ids (in heap order, not sorted). */
  keptIds(): Int32Array {
    return this.ids.slice(0, this.count);
  }
}
