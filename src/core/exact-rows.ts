// The gallery's exact float32 templates while they fit in memory, scored by the rowDots WASM SIMD kernel: every row
// at once for a small gallery (brute force is then the fastest search), or a shortlist's rows for a large one.
import { KernelMemory } from './wasm-kernels';

export class ExactRows {
  readonly dim: number;
  private readonly rowBytes: number;
  /** Kernel memory: the rows, then one query and one f32 score a row (scratch that moves on as the rows grow). */
  private readonly memory: KernelMemory;
  private rowCapacity: number;
  /** A byte view of the kernel memory for `move`, made again only when growing has replaced the buffer. */
  private byteView: Uint8Array | undefined;

  constructor(dim: number, capacity: number) {
    this.dim = dim;
    this.rowBytes = 4 * dim;
    this.rowCapacity = Math.max(1, capacity);
    this.memory = new KernelMemory(this.memoryBytes(this.rowCapacity));
  }

  get capacity(): number {
    return this.rowCapacity;
  }

  get byteLength(): number {
    return this.memoryBytes(this.rowCapacity);
  }

  private memoryBytes(capacity: number): number {
    return capacity * this.rowBytes + this.rowBytes + 4 * capacity;
  }

  private get queryAt(): number {
    return this.rowCapacity * this.rowBytes;
  }

  private get scoresAt(): number {
    return this.queryAt + this.rowBytes;
  }

  /** Makes room for `capacity` rows, keeping the rows held. */
  grow(capacity: number): void {
    this.memory.reserve(this.memoryBytes(capacity));
    this.rowCapacity = capacity;
  }

  set(row: number, v: Float32Array): void {
    new Float32Array(this.memory.buffer, row * this.rowBytes, this.dim).set(v);
  }

  /** Copies row `from` over row `to` (compaction after removals: once per row kept). */
  move(from: number, to: number): void {
    if (this.byteView?.buffer !== this.memory.buffer) this.byteView = new Uint8Array(this.memory.buffer);
    this.byteView.copyWithin(to * this.rowBytes, from * this.rowBytes, (from + 1) * this.rowBytes);
  }

  /** query · row for rows 0 … count − 1: a view into kernel memory, valid until the next call or `grow`. */
  scoreAll(query: Float32Array, count: number): Float32Array {
    new Float32Array(this.memory.buffer, this.queryAt, this.dim).set(query);
    this.memory.rowDots(this.queryAt, 0, count, this.rowBytes, this.scoresAt);
    return new Float32Array(this.memory.buffer, this.scoresAt, count);
  }

  /** query · row for each of `rows`. */
  scoreRows(query: Float32Array, rows: Int32Array): Float64Array {
    new Float32Array(this.memory.buffer, this.queryAt, this.dim).set(query);
    const scores = new Float64Array(rows.length),
      out = new Float32Array(this.memory.buffer, this.scoresAt, 1);
    for (let c = 0; c < rows.length; c++) {
      this.memory.rowDots(this.queryAt, rows[c] * this.rowBytes, 1, this.rowBytes, this.scoresAt);
      scores[c] = out[0];
    }
    return scores;
  }
}
