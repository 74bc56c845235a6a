// Compact codes for L2-normalised templates, for searching large galleries in little memory.
//
// Each dimension is stored in 4 bits: u = 0..15 standing for (u − 7.5) × step, with a per-row step of 0.335 × the
// row's RMS (the optimum 16-level uniform quantiser for Gaussian-like components), so a score from the codes is
// within about ±0.005 of the exact cosine for 512-d faces. The 4 bits are kept as 4 bit-planes of dim/8 bytes (padded to 16); the
// top plane is the sign of each component. One per-query table, for each byte position the sum of the query over
// the set bits of each byte value, scores any plane with one lookup per 8 dimensions (about 1 ns):
//   4-bit score   = step × (Σ_p 2^p·planeSum(p) − 7.5·Σq)      256 lookups for 512-d: the shortlist
// The first pass over every row scores only the sign plane, against the query rounded to 4 bits, by AND and popcount
// (wasm-kernels.ts bitPlaneSums: SIMD, about 2.3 ms per 100,000 rows here, where the table took 6–10):
//   sign score    ≈ meanAbs × (2·Σ_{sign bit set} q − Σq)     correlation ≈ 0.8 with the exact cosine
// 512-d: 256 bytes of planes + 10 bytes of scales and counts a row (float32 takes 2,048), plus 4 bytes of scratch.
import { BIT_PLANES, BIT_PLANES_ALIGN, KernelMemory, interleavePlanes } from './wasm-kernels';

/** Histogram bins for picking the sign-pass shortlist. */
const SHORTLIST_BINS = 4096;

/** Levels of the rounded query in the sign pass (4 bits). */
const QUERY_LEVELS = 2 ** BIT_PLANES - 1;

/** Optimum step of a 16-level uniform quantiser for a unit-variance Gaussian (Max, 1960). */
const STEP_PER_RMS = 0.3352;

export class QuantisedRows {
  readonly dim: number;
  /** Bytes per bit-plane of a row: 8 dimensions a byte, padded to the kernel's 16 (padding bits are 0, no weight). */
  readonly planeBytes: number;
  /**
   * Kernel memory: the sign plane of every row, contiguous (the first pass reads only this), then the rounded
   * query's planes, then one i32 result a row. Views of it are made per use, as growing replaces its buffer.
   */
  private readonly memory: KernelMemory;
  private rowCapacity: number;
  /** Set bits of each row's sign plane (the rounded query's offset counts once per set bit). */
  private signCounts: Uint16Array;
  /** Planes 2, 1, 0 of every row, row after row. */
  private lowPlanes: Uint8Array;
  /** Per row: the quantiser step, and the mean |component| (the best scale for a sign-only code). */
  private steps: Float32Array;
  private absMeans: Float32Array;

  constructor(dim: number, capacity: number) {
    this.dim = dim;
    this.planeBytes = BIT_PLANES_ALIGN * Math.ceil(dim / (8 * BIT_PLANES_ALIGN));
    this.rowCapacity = capacity;
    this.memory = new KernelMemory(this.memoryBytes(capacity));
    this.signCounts = new Uint16Array(capacity);
    this.lowPlanes = new Uint8Array(3 * this.planeBytes * capacity);
    this.steps = new Float32Array(capacity);
    this.absMeans = new Float32Array(capacity);
  }

  get capacity(): number {
    return this.rowCapacity;
  }

  /** Whether the sign pass runs in WASM SIMD (else the same kernel in JavaScript). */
  get usesWasm(): boolean {
    return this.memory.usesWasm;
  }

  get byteLength(): number {
    return (
      this.memoryBytes(this.rowCapacity) +
      this.signCounts.byteLength +
      this.lowPlanes.byteLength +
      this.steps.byteLength +
      this.absMeans.byteLength
    );
  }

  private memoryBytes(capacity: number): number {
    return capacity * this.planeBytes + BIT_PLANES * this.planeBytes + 4 * capacity;
  }

  private get queryPlanesAt(): number {
    return this.rowCapacity * this.planeBytes;
  }

  private get resultsAt(): number {
    return this.queryPlanesAt + BIT_PLANES * this.planeBytes;
  }

  private signs(): Uint8Array {
    return new Uint8Array(this.memory.buffer, 0, this.rowCapacity * this.planeBytes);
  }

  /** A query table's length (Float32Array) for this dimension. */
  get tableLength(): number {
    return this.planeBytes * 256;
  }

  grow(capacity: number): void {
    const grow = <T extends Uint8Array | Uint16Array | Float32Array>(a: T, perRow: number): T => {
      const b = new (a.constructor as new (n: number) => T)(perRow * capacity);
      b.set(a.subarray(0, Math.min(a.length, perRow * capacity)));
      return b;
    };
    // Signs stay at the start of the kernel memory; the scratch after them moves on.
    this.memory.reserve(this.memoryBytes(capacity));
    this.rowCapacity = capacity;
    this.signCounts = grow(this.signCounts, 1);
    this.lowPlanes = grow(this.lowPlanes, 3 * this.planeBytes);
    this.steps = grow(this.steps, 1);
    this.absMeans = grow(this.absMeans, 1);
  }

  /** Encodes `v` into row `row`. */
  set(row: number, v: ArrayLike<number>): void {
    const d = this.dim,
      nb = this.planeBytes;
    let sq = 0,
      abs = 0;
    for (let i = 0; i < d; i++) {
      sq += v[i] * v[i];
      abs += Math.abs(v[i]);
    }
    const step = STEP_PER_RMS * Math.sqrt(sq / d) || 1;
    this.steps[row] = step;
    this.absMeans[row] = abs / d;
    const low = 3 * nb * row,
      signs = this.signs();
    let signCount = 0;
    for (let j = 0; j < nb; j++) {
      let p3 = 0,
        p2 = 0,
        p1 = 0,
        p0 = 0;
      for (let t = 0; t < 8 && 8 * j + t < d; t++) {
        const x = v[8 * j + t];
        const m = Math.min(7, Math.floor(Math.abs(x) / step));
        const u = x >= 0 ? 8 + m : 7 - m;
        p3 |= (u >> 3) << t;
        p2 |= ((u >> 2) & 1) << t;
        p1 |= ((u >> 1) & 1) << t;
        p0 |= (u & 1) << t;
      }
      signs[nb * row + j] = p3;
      signCount += popcount8(p3);
      this.lowPlanes[low + j] = p2;
      this.lowPlanes[low + nb + j] = p1;
      this.lowPlanes[low + 2 * nb + j] = p0;
    }
    this.signCounts[row] = signCount;
  }

  /** Copies row `from` over row `to` (compaction after removals). */
  move(from: number, to: number): void {
    const nb = this.planeBytes;
    this.signs().copyWithin(to * nb, from * nb, (from + 1) * nb);
    this.signCounts[to] = this.signCounts[from];
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
   * The rows among [0, count) with the best sign scores, ascending: at least `size` of them (all rows scoring in
   * the histogram bin where the count reaches `size`, so a few more). Sign scores are taken against `query` rounded
   * to 4 bits (q ≈ lo + unit·u, u = 0..15). The hot loop of a large search: one kernel pass over the sign planes,
   * then two plain passes over one number a row (scores written over the kernel's output) to histogram and collect;
   * a heap here cost more than the kernel.
   */
  signShortlist(query: ArrayLike<number>, count: number, size: number): Int32Array {
    const d = this.dim,
      nb = this.planeBytes;
    let max = 0;
    for (let i = 0; i < d; i++) max = Math.max(max, Math.abs(query[i]));
    const lo = -max,
      unit = (2 * max) / QUERY_LEVELS || 1;
    const planes = Array.from({ length: BIT_PLANES }, () => new Uint8Array(nb));
    let roundedTotal = 0;
    for (let i = 0; i < d; i++) {
      const u = Math.round((query[i] - lo) / unit);
      roundedTotal += lo + unit * u;
      for (let p = 0; p < BIT_PLANES; p++) if ((u >> (BIT_PLANES - 1 - p)) & 1) planes[p][i >> 3] |= 1 << (i & 7);
    }
    // Bits past `dim` are 0 in the rows, so the padding's query levels never count.
    interleavePlanes(planes, new Uint8Array(this.memory.buffer, this.queryPlanesAt, BIT_PLANES * nb));
    this.memory.bitPlaneSums(this.queryPlanesAt, 0, count, nb, this.resultsAt);
    const sums = new Int32Array(this.memory.buffer, this.resultsAt, count);
    const scores = new Float32Array(this.memory.buffer, this.resultsAt, count);
    const counts = this.signCounts,
      absMeans = this.absMeans;
    let low = Infinity,
      high = -Infinity;
    for (let r = 0; r < count; r++) {
      // Σ over set sign bits of q ≈ lo·(set bits) + unit·(popcount sum); the sign code's dot is 2·that − Σq.
      const score = (2 * (lo * counts[r] + unit * sums[r]) - roundedTotal) * absMeans[r];
      scores[r] = score;
      if (score < low) low = score;
      if (score > high) high = score;
    }
    if (size >= count || !(high > low)) return Int32Array.from({ length: count }, (_, i) => i);
    const bins = new Int32Array(SHORTLIST_BINS),
      perBin = (SHORTLIST_BINS - 1) / (high - low);
    for (let r = 0; r < count; r++) bins[Math.floor((scores[r] - low) * perBin)]++;
    let bin = SHORTLIST_BINS - 1,
      kept = bins[bin];
    while (kept < size) kept += bins[--bin];
    const rows = new Int32Array(kept);
    for (let r = 0, c = 0; r < count; r++) if (Math.floor((scores[r] - low) * perBin) >= bin) rows[c++] = r;
    return rows;
  }

  /**
   * query · (each decoded row of `rows`) into `out`, from a filled table: within about ±0.005 of the exact cosine for
   * 512-d. Rows in ascending order read memory front to back.
   */
  scoreRows(rows: Int32Array, table: Float32Array, queryTotal: number, out: Float64Array): void {
    const nb = this.planeBytes,
      signs = this.signs(),
      low = this.lowPlanes;
    for (let c = 0; c < rows.length; c++) {
      const row = rows[c],
        s = nb * row,
        l = 3 * nb * row;
      let p3 = 0,
        p2 = 0,
        p1 = 0,
        p0 = 0;
      for (let j = 0, t = 0; j < nb; j++, t += 256) {
        p3 += table[t + signs[s + j]];
        p2 += table[t + low[l + j]];
        p1 += table[t + low[l + nb + j]];
        p0 += table[t + low[l + 2 * nb + j]];
      }
      out[c] = this.steps[row] * (8 * p3 + 4 * p2 + 2 * p1 + p0 - 7.5 * queryTotal);
    }
  }
}

function popcount8(b: number): number {
  b = b - ((b >> 1) & 0x55);
  b = (b & 0x33) + ((b >> 2) & 0x33);
  return (b + (b >> 4)) & 0x0f;
}
