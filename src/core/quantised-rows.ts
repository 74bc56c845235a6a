// Compact codes for L2-normalised templates, for searching large galleries in little memory.
//
// Each dimension is stored in 4 bits: u = 0..15 standing for (u − 7.5) × step, with a per-row step of 0.335 × the
// row's RMS (the optimum 16-level uniform quantiser for Gaussian-like components), so a score from the codes is
// within about ±0.005 of the exact cosine for 512-d faces. The code is kept in two halves:
// - the top 2 bits of every dimension (t = u >> 2: below −4 steps, below 0, below 4 steps, above), two dimensions
//   to a nibble, in blocks of 32 rows laid out for the `nibbleSums` WASM kernel (FAISS's "fast scan"): the first
//   pass over every row reads only these, 128 bytes a row for 512-d, and sums Σ q·t through a per-query table of
//   8-bit entries. Rows are unit vectors, so every row has nearly the same step and the sums rank the rows as
//   2-bit scores would: for Gaussian-like components they err by about 0.37 of the impostor spread (a sign bit
//   alone: 0.60), so the shortlist that holds the true top 10 is small (docs/speed.md "Search at scale");
// - the low 2 bits, as two bit-planes of dim/8 bytes, row after row: read only for the shortlist, whose 4-bit score
//   is step × (4·Σ q·t + 2·Σ q·bit1 + Σ q·bit0 − 7.5·Σ q), the first term taken from the first pass's sum.
// 512-d: 128 bytes of top bits + 128 of low planes + 4 of step + 2 of scratch a row (float32 takes 2,048).
import { KernelMemory, NIBBLE_BLOCK_ROWS, setNibble } from './wasm-kernels';

/** Optimum step of a 16-level uniform quantiser for a unit-variance Gaussian (Max, 1960). */
const STEP_PER_RMS = 0.3352;

/** The first pass's best rows, and their 4-bit scores on demand. */
export interface Shortlist {
  /** Ascending. */
  rows: Int32Array;
  codeScores(): Float64Array;
}

export class QuantisedRows {
  readonly dim: number;
  /** Nibbles a row in the first pass: dim / 2, rounded up to even (the kernel takes two a step). */
  private readonly positions: number;
  /** Bytes of a low bit-plane of a row: 8 dimensions a byte. */
  private readonly planeBytes: number;
  /**
   * Kernel memory: the top-bit blocks of every row, contiguous (the first pass reads only these), then the query's
   * tables, then one u16 sum a row and one u16 largest sum a block. Views of it are made per use, as growing
   * replaces its buffer.
   */
  private readonly memory: KernelMemory;
  private rowCapacity: number;
  /** Planes 1 and 0 of every row, row after row. */
  private lowPlanes: Uint8Array;
  /** Per row: the quantiser step. */
  private steps: Float32Array;
  /** The shortlist's histogram of first-pass sums, reused. */
  private readonly bins = new Int32Array(65536);
  private byteView: Uint8Array | undefined;
  /** One row's 4-bit levels while it is encoded, reused. */
  private readonly levels: Uint8Array;
  /** The 4-bit stage's per-query table (entry 0 of each byte stays 0), reused. */
  private readonly bitTable: Float32Array;
  /** The first pass's table before rounding to 8 bits (every entry written per query), reused. */
  private readonly firstPassTable: Float64Array;

  constructor(dim: number, capacity: number) {
    this.dim = dim;
    this.positions = 2 * Math.ceil(dim / 4);
    this.planeBytes = Math.ceil(dim / 8);
    this.rowCapacity = roundToBlocks(Math.max(1, capacity));
    this.memory = new KernelMemory(this.memoryBytes(this.rowCapacity));
    this.lowPlanes = new Uint8Array(2 * this.planeBytes * this.rowCapacity);
    this.steps = new Float32Array(this.rowCapacity);
    this.levels = new Uint8Array(Math.max(8 * this.planeBytes, 2 * this.positions));
    this.bitTable = new Float32Array(256 * this.planeBytes);
    this.firstPassTable = new Float64Array(16 * this.positions);
  }

  get capacity(): number {
    return this.rowCapacity;
  }

  /** Whether the first pass runs in WASM SIMD (else the same kernel in JavaScript). */
  get usesWasm(): boolean {
    return this.memory.usesWasm;
  }

  get byteLength(): number {
    return (
      this.memoryBytes(this.rowCapacity) + this.lowPlanes.byteLength + this.steps.byteLength + this.bins.byteLength
    );
  }

  private get blockBytes(): number {
    return 16 * this.positions;
  }

  private memoryBytes(capacity: number): number {
    return (capacity / NIBBLE_BLOCK_ROWS) * (this.blockBytes + 2) + this.blockBytes + 2 * capacity;
  }

  private get tablesAt(): number {
    return (this.rowCapacity / NIBBLE_BLOCK_ROWS) * this.blockBytes;
  }

  private get sumsAt(): number {
    return this.tablesAt + this.blockBytes;
  }

  private get maximaAt(): number {
    return this.sumsAt + 2 * this.rowCapacity;
  }

  /** Byte offset of row's block, and its lane in the block. */
  private blockOf(row: number): { block: number; lane: number } {
    return { block: Math.floor(row / NIBBLE_BLOCK_ROWS) * this.blockBytes, lane: row % NIBBLE_BLOCK_ROWS };
  }

  grow(capacity: number): void {
    capacity = roundToBlocks(capacity);
    const grow = <T extends Uint8Array | Float32Array>(a: T, perRow: number): T => {
      const b = new (a.constructor as new (n: number) => T)(perRow * capacity);
      b.set(a.subarray(0, Math.min(a.length, perRow * capacity)));
      return b;
    };
    // The blocks stay at the start of the kernel memory; the scratch after them moves on.
    this.memory.reserve(this.memoryBytes(capacity));
    this.rowCapacity = capacity;
    this.lowPlanes = grow(this.lowPlanes, 2 * this.planeBytes);
    this.steps = grow(this.steps, 1);
  }

  /** Encodes `v` into row `row`. */
  set(row: number, v: ArrayLike<number>): void {
    const d = this.dim,
      nb = this.planeBytes,
      u = this.levels;
    let sq = 0;
    for (let i = 0; i < d; i++) sq += v[i] * v[i];
    const step = STEP_PER_RMS * Math.sqrt(sq / d) || 1;
    this.steps[row] = step;
    for (let i = 0; i < d; i++) {
      const m = Math.min(7, Math.floor(Math.abs(v[i]) / step));
      u[i] = v[i] >= 0 ? 8 + m : 7 - m;
    }
    u.fill(0, d); // padding: no weight, the query is 0 there
    const bytes = this.bytes(),
      { block, lane } = this.blockOf(row);
    for (let j = 0; j < this.positions; j++)
      setNibble(bytes, block, j, lane, (u[2 * j] >> 2) | ((u[2 * j + 1] >> 2) << 2));
    const low = 2 * nb * row;
    for (let j = 0; j < nb; j++) {
      let p1 = 0,
        p0 = 0;
      for (let t = 0; t < 8; t++) {
        p1 |= ((u[8 * j + t] >> 1) & 1) << t;
        p0 |= (u[8 * j + t] & 1) << t;
      }
      this.lowPlanes[low + j] = p1;
      this.lowPlanes[low + nb + j] = p0;
    }
  }

  /** Copies row `from` over row `to` (compaction after removals: once per row kept, so kept lean). */
  move(from: number, to: number): void {
    const bytes = this.bytes(),
      source = this.blockOf(from),
      target = this.blockOf(to);
    const sourceShift = source.lane < 16 ? 0 : 4,
      targetShift = target.lane < 16 ? 0 : 4,
      kept = target.lane < 16 ? 0xf0 : 0x0f; // the other lane's nibble in the target byte
    for (
      let j = 0, s = source.block + (source.lane & 15), t = target.block + (target.lane & 15);
      j < this.positions;
      j++
    ) {
      bytes[t] = (bytes[t] & kept) | (((bytes[s] >> sourceShift) & 15) << targetShift);
      s += 16;
      t += 16;
    }
    const nb = 2 * this.planeBytes;
    this.lowPlanes.copyWithin(nb * to, nb * from, nb * (from + 1));
    this.steps[to] = this.steps[from];
  }

  /** A byte view of the kernel memory, made again only when growing has replaced the buffer. */
  private bytes(): Uint8Array {
    if (this.byteView?.buffer !== this.memory.buffer) this.byteView = new Uint8Array(this.memory.buffer);
    return this.byteView;
  }

  /**
   * The rows among [0, count) with the best first-pass sums, ascending: all rows when `size` ≥ `count`, else every
   * row with a sum at or above the largest cut-off that at least `size` rows reach (ties may add a few). The hot
   * loop of a large search is one kernel pass over the top-bit blocks, which also gives each block's largest sum.
   * `codeScores` gives the rows' 4-bit scores (query · decoded row, within about ±0.005 of the exact cosine for
   * 512-d); it reads this pass's sums, so call it before the next query.
   */
  shortlist(query: ArrayLike<number>, count: number, size: number): Shortlist {
    const { perUnit, shift } = this.fillFirstPassTables(query);
    const blocks = Math.ceil(count / NIBBLE_BLOCK_ROWS);
    this.memory.nibbleSums(this.tablesAt, 0, blocks, this.positions, this.sumsAt, this.maximaAt);
    const sums = new Uint16Array(this.memory.buffer, this.sumsAt, this.rowCapacity),
      maxima = new Uint16Array(this.memory.buffer, this.maximaAt, blocks);
    const shortlisted = (rows: Int32Array): Shortlist => ({
      rows,
      codeScores: () => this.scoreRows(query, rows, sums, perUnit, shift),
    });
    if (size >= count) return shortlisted(Int32Array.from({ length: count }, (_, i) => i));
    // The last block's lanes past `count` hold stale codes: its largest sum is taken over its rows alone.
    const last = (blocks - 1) * NIBBLE_BLOCK_ROWS;
    maxima[blocks - 1] = Math.max(...sums.subarray(last, count));
    // At least as many rows as blocks reach a block's largest sum, so the blocks' cut-off keeps every row above
    // the rows' own cut-off; only the blocks that reach it are read again.
    const blockCutoff = cutoffFor(maxima, size, this.bins);
    const reaching: number[] = [];
    for (let b = 0; b < blocks; b++) {
      if (maxima[b] < blockCutoff) continue;
      const end = Math.min(count, (b + 1) * NIBBLE_BLOCK_ROWS);
      for (let r = b * NIBBLE_BLOCK_ROWS; r < end; r++) if (sums[r] >= blockCutoff) reaching.push(r);
    }
    const sumsReaching = Uint16Array.from(reaching, (r) => sums[r]);
    const rowCutoff = cutoffFor(sumsReaching, size, this.bins);
    const rows = Int32Array.from(reaching.filter((_, i) => sumsReaching[i] >= rowCutoff));
    return shortlisted(rows);
  }

  /**
   * Per position j, 16 u8 entries: the top bits t of dimensions 2j and 2j + 1 against the query, t_a·q_a + t_b·q_b,
   * less the position's least entry and scaled so the widest position spans the largest entry the u16 sums allow.
   * Σ q·t over a row is then its sum / perUnit + shift.
   */
  private fillFirstPassTables(query: ArrayLike<number>): { perUnit: number; shift: number } {
    const d = this.dim,
      positions = this.positions,
      exact = this.firstPassTable;
    let widest = 0,
      shift = 0;
    for (let j = 0; j < positions; j++) {
      const i = 2 * j,
        qa = i < d ? query[i] : 0,
        qb = i + 1 < d ? query[i + 1] : 0;
      const least = 3 * (Math.min(qa, 0) + Math.min(qb, 0));
      for (let b = 0; b < 16; b++) exact[16 * j + b] = (b & 3) * qa + (b >> 2) * qb - least;
      widest = Math.max(widest, 3 * (Math.abs(qa) + Math.abs(qb)));
      shift += least;
    }
    const largestEntry = Math.min(255, Math.floor(65535 / positions)),
      perUnit = widest > 0 ? largestEntry / widest : 1,
      tables = new Uint8Array(this.memory.buffer, this.tablesAt, 16 * positions);
    for (let e = 0; e < tables.length; e++) tables[e] = Math.round(exact[e] * perUnit);
    return { perUnit, shift };
  }

  /**
   * 4-bit scores of `rows`, given each row's first-pass sum (Σ q·t over its top bits = sum / perUnit + shift): with
   * u = 4·t + 2·bit1 + bit0, the low planes add Σ q over each byte's set bits, from a 256-entry table a byte.
   * Rows in ascending order read memory in order.
   */
  private scoreRows(
    query: ArrayLike<number>,
    rows: Int32Array,
    sums: Uint16Array,
    perUnit: number,
    shift: number,
  ): Float64Array {
    const d = this.dim,
      nb = this.planeBytes,
      table = this.bitTable;
    let total = 0;
    for (let j = 0; j < nb; j++) {
      const base = j * 256;
      // Entries with bit t set are those without it plus q[8j + t].
      for (let t = 0, half = 1; t < 8; t++, half *= 2) {
        const q = 8 * j + t < d ? query[8 * j + t] : 0;
        for (let b = 0; b < half; b++) table[base + half + b] = table[base + b] + q;
      }
      total += table[base + 255];
    }
    const low = this.lowPlanes,
      steps = this.steps,
      scores = new Float64Array(rows.length);
    for (let c = 0; c < rows.length; c++) {
      const row = rows[c],
        l = 2 * nb * row;
      let p1 = 0,
        p0 = 0;
      for (let j = 0, t = 0; j < nb; j++, t += 256) {
        p1 += table[t + low[l + j]];
        p0 += table[t + low[l + nb + j]];
      }
      scores[c] = steps[row] * (4 * (sums[row] / perUnit + shift) + 2 * p1 + p0 - 7.5 * total);
    }
    return scores;
  }
}

/** The largest value that at least `size` of `values` reach (all of them if fewer), by a histogram in `bins`. */
function cutoffFor(values: Uint16Array, size: number, bins: Int32Array): number {
  bins.fill(0);
  for (let i = 0; i < values.length; i++) bins[values[i]]++;
  let cutoff = bins.length - 1,
    reached = bins[cutoff];
  while (reached < size && cutoff > 0) reached += bins[--cutoff];
  return cutoff;
}

/** Row capacities are whole blocks of the first pass. */
function roundToBlocks(rows: number): number {
  return NIBBLE_BLOCK_ROWS * Math.ceil(rows / NIBBLE_BLOCK_ROWS);
}
