// Compact codes for L2-normalised templates, for searching large galleries in little memory.
//
// Each dimension is stored in 4 bits: u = 0..15 standing for (u − 7.5) × step, with a per-row step of 0.335 × the
// row's RMS (the optimum 16-level uniform quantiser for Gaussian-like components), so a score from the codes is
// within about ±0.005 of the exact cosine for 512-d faces. The 4 bits are kept as 4 bit-planes of dim/8 bytes; the
// top plane is the sign of each component. One per-query table, for each byte position the sum of the query over
// the set bits of each byte value, scores any plane with one lookup per 8 dimensions (about 1 ns):
//   sign score    ≈ meanAbs × (2·planeSum(3) − Σq)            64 lookups for 512-d: the first pass over every row
//   4-bit score   = step × (Σ_p 2^p·planeSum(p) − 7.5·Σq)      256 lookups: the shortlist
// 512-d: 256 bytes of planes + 8 bytes of scales a row (float32 takes 2,048).

/** Whether typed arrays are little-endian (every engine in practice); the word-at-a-time scan relies on it. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Optimum step of a 16-level uniform quantiser for a unit-variance Gaussian (Max, 1960). */
const STEP_PER_RMS = 0.3352;

export class QuantisedRows {
  readonly dim: number;
  /** Bytes per bit-plane of a row (8 dimensions a byte; padding bits are 0 and carry no weight). */
  readonly planeBytes: number;
  /** The sign plane of every row, contiguous: the first pass reads only this. */
  private signs: Uint8Array;
  /** The same bytes read 4 at a time (the scan is about 10 % faster with a quarter of the loads). */
  private signWords: Int32Array;
  /** Planes 2, 1, 0 of every row, row after row. */
  private lowPlanes: Uint8Array;
  /** Per row: the quantiser step, and the mean |component| (the best scale for a sign-only code). */
  private steps: Float32Array;
  private absMeans: Float32Array;

  constructor(dim: number, capacity: number) {
    this.dim = dim;
    this.planeBytes = Math.ceil(dim / 8);
    this.signs = new Uint8Array(this.planeBytes * capacity);
    this.signWords = new Int32Array(this.signs.buffer, 0, this.signs.length >> 2);
    this.lowPlanes = new Uint8Array(3 * this.planeBytes * capacity);
    this.steps = new Float32Array(capacity);
    this.absMeans = new Float32Array(capacity);
  }

  get capacity(): number {
    return this.steps.length;
  }

  get byteLength(): number {
    return this.signs.byteLength + this.lowPlanes.byteLength + this.steps.byteLength + this.absMeans.byteLength;
  }

  /** A query table's length (Float32Array) for this dimension. */
  get tableLength(): number {
    return this.planeBytes * 256;
  }

  grow(capacity: number): void {
    const grow = <T extends Uint8Array | Float32Array>(a: T, perRow: number): T => {
      const b = new (a.constructor as new (n: number) => T)(perRow * capacity);
      b.set(a.subarray(0, Math.min(a.length, perRow * capacity)));
      return b;
    };
    this.signs = grow(this.signs, this.planeBytes);
    this.signWords = new Int32Array(this.signs.buffer, 0, this.signs.length >> 2);
    this.lowPlanes = grow(this.lowPlanes, 3 * this.planeBytes);
    this.steps = grow(this.steps, 1);
    this.absMeans = grow(this.absMeans, 1);
  }

  /** Encodes `v` into row `row`. */
  set(row: number, v: ArrayLike<number>): void {
    const d = this.dim, nb = this.planeBytes;
    let sq = 0, abs = 0;
    for (let i = 0; i < d; i++) { sq += v[i] * v[i]; abs += Math.abs(v[i]); }
    const step = STEP_PER_RMS * Math.sqrt(sq / d) || 1;
    this.steps[row] = step;
    this.absMeans[row] = abs / d;
    const low = 3 * nb * row;
    for (let j = 0; j < nb; j++) {
      let p3 = 0, p2 = 0, p1 = 0, p0 = 0;
      for (let t = 0; t < 8 && 8 * j + t < d; t++) {
        const x = v[8 * j + t];
        const m = Math.min(7, Math.floor(Math.abs(x) / step));
        const u = x >= 0 ? 8 + m : 7 - m;
        p3 |= (u >> 3) << t; p2 |= ((u >> 2) & 1) << t; p1 |= ((u >> 1) & 1) << t; p0 |= (u & 1) << t;
      }
      this.signs[nb * row + j] = p3;
      this.lowPlanes[low + j] = p2;
      this.lowPlanes[low + nb + j] = p1;
      this.lowPlanes[low + 2 * nb + j] = p0;
    }
  }

  /** Copies row `from` over row `to` (compaction after removals). */
  move(from: number, to: number): void {
    const nb = this.planeBytes;
    this.signs.copyWithin(to * nb, from * nb, (from + 1) * nb);
    this.lowPlanes.copyWithin(3 * nb * to, 3 * nb * from, 3 * nb * (from + 1));
    this.steps[to] = this.steps[from];
    this.absMeans[to] = this.absMeans[from];
  }

  /**
   * Fills the per-query table (length `tableLength`): for byte position j and byte value b, the sum of the query
   * over the dimensions whose bit is set in b. Each entry adds one term to the entry with its lowest bit cleared.
   * Returns Σq, which every score needs.
   */
  fillTable(query: ArrayLike<number>, table: Float32Array): number {
    const d = this.dim;
    let total = 0;
    for (let j = 0; j < this.planeBytes; j++) {
      const base = j * 256;
      table[base] = 0;
      for (let b = 1; b < 256; b++) {
        const lowest = b & -b;
        const i = 8 * j + 31 - Math.clz32(lowest);
        table[base + b] = table[base + (b ^ lowest)] + (i < d ? query[i] : 0);
      }
      for (let t = 0; t < 8 && 8 * j + t < d; t++) total += query[8 * j + t];
    }
    return total;
  }

  /**
   * Scores rows [0, count) from their sign plane (correlation ≈ 0.8 with the exact cosine) and offers each that
   * beats `floor()` to `keep`. The hot loop of a large search: 64 lookups a row for 512-d, no allocation.
   */
  scanSigns(table: Float32Array, queryTotal: number, count: number, keep: (score: number, row: number) => void, floor: () => number): void {
    const nb = this.planeBytes, signs = this.signs, absMeans = this.absMeans;
    let min = floor();
    if (nb % 8 === 0 && LITTLE_ENDIAN) {
      // Two 32-bit words (8 sign bytes) an iteration, four accumulators.
      const words = this.signWords, perRow = nb >> 2;
      for (let r = 0, w = 0; r < count; r++, w += perRow) {
        let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (let j = 0, t = 0; j < perRow; j += 2, t += 2048) {
          const x = words[w + j], y = words[w + j + 1];
          s0 += table[t + (x & 255)] + table[t + 256 + ((x >>> 8) & 255)];
          s1 += table[t + 512 + ((x >>> 16) & 255)] + table[t + 768 + (x >>> 24)];
          s2 += table[t + 1024 + (y & 255)] + table[t + 1280 + ((y >>> 8) & 255)];
          s3 += table[t + 1536 + ((y >>> 16) & 255)] + table[t + 1792 + (y >>> 24)];
        }
        const score = (2 * (s0 + s1 + s2 + s3) - queryTotal) * absMeans[r];
        if (score > min) { keep(score, r); min = floor(); }
      }
      return;
    }
    for (let r = 0, b = 0; r < count; r++, b += nb) {
      let s = 0;
      for (let j = 0; j < nb; j++) s += table[j * 256 + signs[b + j]];
      const score = (2 * s - queryTotal) * absMeans[r];
      if (score > min) { keep(score, r); min = floor(); }
    }
  }

  /** query · (the decoded row), from a filled table: within about ±0.005 of the exact cosine for 512-d. */
  score(row: number, table: Float32Array, queryTotal: number): number {
    const nb = this.planeBytes, signs = this.signs, low = this.lowPlanes;
    const s = nb * row, l = 3 * nb * row;
    let p3 = 0, p2 = 0, p1 = 0, p0 = 0;
    for (let j = 0, t = 0; j < nb; j++, t += 256) {
      p3 += table[t + signs[s + j]];
      p2 += table[t + low[l + j]];
      p1 += table[t + low[l + nb + j]];
      p0 += table[t + low[l + 2 * nb + j]];
    }
    return this.steps[row] * (8 * p3 + 4 * p2 + 2 * p1 + p0 - 7.5 * queryTotal);
  }

  /** `score` for each of `rows` into `out` (rows in ascending order read memory front to back). */
  scoreRows(rows: Int32Array, table: Float32Array, queryTotal: number, out: Float64Array): void {
    for (let c = 0; c < rows.length; c++) out[c] = this.score(rows[c], table, queryTotal);
  }
}
