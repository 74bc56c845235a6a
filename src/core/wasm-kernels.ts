// The two hot loops of on-device face search, as a tiny WebAssembly SIMD module assembled here (about 900 bytes:
// no build step, no binary file), each with a plain JavaScript fallback that computes the same numbers.
//
//   rowDots       float32 dot product of one row with many rows: clustering's link graph, exact search
//   nibbleSums    Σ_j table_j[code_j] over many rows' 4-bit codes, 32 rows at a time: the first pass of gallery
//                 search (FAISS's "fast scan": one i8x16.swizzle looks up 16 rows' codes in a 16-entry table)
//
// Both work on byte offsets into one `KernelMemory`: the WASM module's memory when the runtime has WebAssembly SIMD
// (every current browser and Node; the CSP allows it with 'wasm-unsafe-eval'), else an ordinary ArrayBuffer.

/** Float dot products: for r < count, the f32 at out + 4r = dot(row at a, row at b + r·rowBytes). */
type RowDots = (a: number, b: number, count: number, rowBytes: number, out: number) => void;
/**
 * Table sums over blocks of 32 rows of 4-bit codes: for block b < count and lane k < 32, the u16 at out + 64b + 2k =
 * Σ_{j < positions} tables[16j + code(b, j, k)] (u8 entries, wrapping past 65,535: keep positions × max entry below),
 * and the u16 at maxima + 2b = the largest of block b's 32 sums (so a search can skip the blocks below its cut-off).
 * Block b is 16·positions bytes at blocks + 16·positions·b; code(b, j, k) is the low nibble of its byte 16j + k for
 * k < 16, the high nibble of byte 16j + k − 16 for k ≥ 16 (`setNibble` writes it so).
 */
type NibbleSums = (
  tables: number,
  blocks: number,
  count: number,
  positions: number,
  out: number,
  maxima: number,
) => void;

/** rowDots needs rows of a multiple of 32 bytes (two f32x4 accumulators). */
export const ROW_DOTS_ALIGN = 32;
/** Rows in a block of nibbleSums' layout. */
export const NIBBLE_BLOCK_ROWS = 32;

const PAGE = 65536;

/** Memory the kernels read and write, growable; views of `buffer` go stale after `reserve` grows it. */
export class KernelMemory {
  private wasm: { memory: WebAssembly.Memory; rowDots: RowDots; nibbleSums: NibbleSums } | null;
  /** The JavaScript kernels' memory, used only when `wasm` is null. */
  private plain = new ArrayBuffer(0);

  /** `wasm: false` forces the JavaScript kernels (tests compare the two). */
  constructor(bytes: number, options: { wasm?: boolean } = {}) {
    const module = (options.wasm ?? true) ? kernelModule() : null;
    if (module) {
      const exports = new WebAssembly.Instance(module).exports as {
        memory: WebAssembly.Memory;
        rowDots: RowDots;
        nibbleSums: NibbleSums;
      };
      this.wasm = { memory: exports.memory, rowDots: exports.rowDots, nibbleSums: exports.nibbleSums };
    } else {
      this.wasm = null;
    }
    this.reserve(bytes);
  }

  get usesWasm(): boolean {
    return this.wasm !== null;
  }

  get buffer(): ArrayBuffer {
    return this.wasm ? this.wasm.memory.buffer : this.plain;
  }

  /** Makes at least `bytes` bytes addressable, keeping the contents (never shrinks). */
  reserve(bytes: number): void {
    const have = this.buffer.byteLength;
    if (bytes <= have) return;
    if (this.wasm) {
      this.wasm.memory.grow(Math.ceil((bytes - have) / PAGE));
    } else {
      const grown = new ArrayBuffer(Math.ceil(bytes / PAGE) * PAGE);
      new Uint8Array(grown).set(new Uint8Array(this.plain));
      this.plain = grown;
    }
  }

  rowDots(a: number, b: number, count: number, rowBytes: number, out: number): void {
    if (this.wasm && rowBytes % ROW_DOTS_ALIGN === 0) this.wasm.rowDots(a, b, count, rowBytes, out);
    else rowDotsJs(this.buffer, a, b, count, rowBytes, out);
  }

  /** See NibbleSums: `count` blocks of 32 rows, `positions` codes a row. */
  nibbleSums(tables: number, blocks: number, count: number, positions: number, out: number, maxima: number): void {
    if (this.wasm) this.wasm.nibbleSums(tables, blocks, count, positions, out, maxima);
    else nibbleSumsJs(this.buffer, tables, blocks, count, positions, out, maxima);
  }
}

function rowDotsJs(buffer: ArrayBuffer, a: number, b: number, count: number, rowBytes: number, out: number): void {
  const m = new Float32Array(buffer),
    dim = rowBytes >> 2,
    result = new Float32Array(buffer, out, count);
  const x = a >> 2;
  for (let r = 0, y = b >> 2; r < count; r++, y += dim) {
    let s0 = 0,
      s1 = 0,
      k = 0;
    for (; k + 4 <= dim; k += 4) {
      s0 += m[x + k] * m[y + k] + m[x + k + 1] * m[y + k + 1];
      s1 += m[x + k + 2] * m[y + k + 2] + m[x + k + 3] * m[y + k + 3];
    }
    for (; k < dim; k++) s0 += m[x + k] * m[y + k];
    result[r] = s0 + s1;
  }
}

function nibbleSumsJs(
  buffer: ArrayBuffer,
  tables: number,
  blocks: number,
  count: number,
  positions: number,
  out: number,
  maxima: number,
): void {
  const bytes = new Uint8Array(buffer),
    result = new Uint16Array(buffer, out, NIBBLE_BLOCK_ROWS * count),
    largest = new Uint16Array(buffer, maxima, count),
    blockBytes = 16 * positions;
  for (let b = 0; b < count; b++) {
    const block = blocks + b * blockBytes;
    largest[b] = 0;
    for (let k = 0; k < NIBBLE_BLOCK_ROWS; k++) {
      let sum = 0;
      for (let j = 0; j < positions; j++) sum += bytes[tables + 16 * j + nibbleAt(bytes, block, j, k)];
      result[NIBBLE_BLOCK_ROWS * b + k] = sum & 0xffff;
      largest[b] = Math.max(largest[b], sum & 0xffff);
    }
  }
}

/** Lane k's code at position j of the block at byte `block` (see NibbleSums). */
export function nibbleAt(bytes: Uint8Array, block: number, j: number, k: number): number {
  const byte = bytes[block + 16 * j + (k & 15)];
  return k < 16 ? byte & 15 : byte >> 4;
}

/** Writes lane k's code at position j of the block at byte `block`. */
export function setNibble(bytes: Uint8Array, block: number, j: number, k: number, code: number): void {
  const at = block + 16 * j + (k & 15);
  bytes[at] = k < 16 ? (bytes[at] & 0xf0) | code : (bytes[at] & 0x0f) | (code << 4);
}

// ---- The module, assembled by hand. Each function is a loop over rows; the stack-machine code below reads
// top to bottom as the comments say. Opcodes: https://webassembly.github.io/spec/core/binary/instructions.html

let compiled: WebAssembly.Module | null | undefined;

/** The kernels' module, compiled once; null where WebAssembly or its SIMD is missing. */
function kernelModule(): WebAssembly.Module | null {
  if (compiled !== undefined) return compiled;
  const bytes = kernelsWasm();
  compiled = typeof WebAssembly === 'object' && WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
  return compiled;
}

/** Unsigned and signed LEB128, the encodings of the binary format's integers. */
const uleb = (n: number) => {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n) byte |= 0x80;
    out.push(byte);
  } while (n);
  return out;
};
const sleb = (n: number) => {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(byte & 0x40)) || (n === -1 && byte & 0x40)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
};

const I32 = 0x7f,
  V128 = 0x7b;

/** The instructions the kernels use. */
const op = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  end: [0x0b],
  br: (depth: number) => [0x0c, depth],
  brIf: (depth: number) => [0x0d, depth],
  get: (local: number) => [0x20, local],
  set: (local: number) => [0x21, local],
  tee: (local: number) => [0x22, local],
  /** local += by, a constant (local −= −by when negative). */
  addTo: (local: number, by: number) => [0x20, local, 0x41, ...sleb(Math.abs(by)), by < 0 ? 0x6b : 0x6a, 0x21, local],
  i32: (n: number) => [0x41, ...sleb(n)],
  i32Eqz: [0x45],
  i32LtU: [0x49],
  i32Add: [0x6a],
  i32Sub: [0x6b],
  f32Add: [0x92],
  i32Store: [0x36, 2, 0],
  i32Store16: [0x3b, 1, 0],
  f32Store: [0x38, 2, 0], // alignment 2^2, offset 0
  ...simdOps(),
};

function simdOps() {
  const simd = (code: number, ...immediates: number[]) => [0xfd, ...uleb(code), ...immediates];
  return {
    v128Load: (offset: number) => simd(0x00, 4, ...uleb(offset)),
    v128Store: (offset: number) => simd(0x0b, 4, ...uleb(offset)),
    v128Zero: simd(0x0c, ...new Array<number>(16).fill(0)),
    v128Splat8: (byte: number) => simd(0x0c, ...new Array<number>(16).fill(byte)),
    v128And: simd(0x4e),
    i8x16Swizzle: simd(0x0e),
    i8x16ShrU: simd(0x6d),
    i8x16Shuffle: (lanes: number[]) => simd(0x0d, ...lanes),
    i16x8Shl: simd(0x8b),
    i16x8ShrU: simd(0x8d),
    i16x8Add: simd(0x8e),
    i16x8Sub: simd(0x91),
    i16x8MaxU: simd(0x99),
    i16x8LaneU: (lane: number) => simd(0x19, lane),
    i32x4Lane: (lane: number) => simd(0x1b, lane),
    f32x4Lane: (lane: number) => simd(0x1f, lane),
    f32x4Add: simd(0xe4),
    f32x4Mul: simd(0xe6),
  };
}

/**
 * rowDots' loop over rows (parameters 1 to 4: the row pointer, count, rowBytes, out). Per row, `row` leaves
 * the row's four partial results in the v128 local `sum`; they are added up and stored at out, which moves on 4
 * bytes, the row pointer moves on rowBytes, and count goes down by one until no row is left.
 */
function forEachRow(
  sum: number,
  lanes: { lane: (l: number) => number[]; add: number[]; store: number[] },
  row: number[],
): number[] {
  const [ROW, COUNT, BYTES, OUT] = [1, 2, 3, 4];
  const lane = (l: number) => [...op.get(sum), ...lanes.lane(l)];
  return [
    ...op.block,
    ...op.loop, // rows
    ...op.get(COUNT),
    ...op.i32Eqz,
    ...op.brIf(1), // no rows left: done
    ...row,
    ...op.get(OUT),
    ...lane(0),
    ...lane(1),
    ...lanes.add,
    ...lane(2),
    ...lane(3),
    ...lanes.add,
    ...lanes.add,
    ...lanes.store,
    ...op.addTo(OUT, 4),
    ...op.get(ROW),
    ...op.get(BYTES),
    ...op.i32Add,
    ...op.set(ROW),
    ...op.addTo(COUNT, -1),
    ...op.br(0),
    ...op.end,
    ...op.end,
    ...op.end,
  ];
}

/** rowDots: parameters a, b, count, rowBytes, out; locals k, acc0, acc1 (f32x4). */
function rowDotsBody(): number[] {
  const [A, B, BYTES, K, ACC0, ACC1] = [0, 1, 3, 5, 6, 7];
  const load = (base: number, offset: number) => [...op.get(base), ...op.get(K), ...op.i32Add, ...op.v128Load(offset)];
  const multiplyAdd = (acc: number, offset: number) => [
    ...op.get(acc),
    ...load(A, offset),
    ...load(B, offset),
    ...op.f32x4Mul,
    ...op.f32x4Add,
    ...op.set(acc),
  ];
  return [
    2,
    1,
    I32,
    2,
    V128, // locals
    ...forEachRow(ACC0, { lane: op.f32x4Lane, add: op.f32Add, store: op.f32Store }, [
      ...op.v128Zero,
      ...op.set(ACC0),
      ...op.v128Zero,
      ...op.set(ACC1),
      ...op.i32(0),
      ...op.set(K),
      ...op.loop, // 32 bytes (8 floats) an iteration
      ...multiplyAdd(ACC0, 0),
      ...multiplyAdd(ACC1, 16),
      ...op.get(K),
      ...op.i32(32),
      ...op.i32Add,
      ...op.tee(K),
      ...op.get(BYTES),
      ...op.i32LtU,
      ...op.brIf(0),
      ...op.end,
      ...op.get(ACC0),
      ...op.get(ACC1),
      ...op.f32x4Add,
      ...op.set(ACC0),
    ]),
  ];
}

/**
 * nibbleSums: parameters tables, blocks, count, positions, out, maxima; locals j, at, table (i32), even0, odd0, even1,
 * odd1, codes, entries, found (v128). Per position, one load of 16 bytes holds the codes of 32 rows (low nibbles:
 * rows 0–15, high nibbles: rows 16–31); each nibble looks up the position's 16-entry table with one swizzle. The
 * found bytes are added up two to a u16 lane (FAISS's trick: `even` gathers even + 256·odd, `odd` the odd rows
 * alone, so the even rows are even − 256·odd at the end), then interleaved back into row order and stored, and
 * their largest stored at maxima. The blocks are contiguous, so `at` runs on from one block into the next.
 */
function nibbleSumsBody(): number[] {
  const [TABLES, BLOCKS, COUNT, POSITIONS, OUT, MAXIMA, J, AT, TABLE] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const [EVEN0, ODD0, EVEN1, ODD1, CODES, ENTRIES, FOUND] = [9, 10, 11, 12, 13, 14, 15];
  const lookUp = (nibbles: number[], even: number, odd: number) => [
    ...op.get(ENTRIES),
    ...op.get(CODES),
    ...nibbles,
    ...op.i8x16Swizzle,
    ...op.tee(FOUND),
    ...op.get(even),
    ...op.i16x8Add,
    ...op.set(even),
    ...op.get(FOUND),
    ...op.i32(8),
    ...op.i16x8ShrU,
    ...op.get(odd),
    ...op.i16x8Add,
    ...op.set(odd),
  ];
  const position = (offset: number) => [
    ...op.get(AT),
    ...op.v128Load(offset),
    ...op.set(CODES),
    ...op.get(TABLE),
    ...op.v128Load(offset),
    ...op.set(ENTRIES),
    ...lookUp([...op.v128Splat8(0x0f), ...op.v128And], EVEN0, ODD0),
    ...lookUp([...op.i32(4), ...op.i8x16ShrU], EVEN1, ODD1),
  ];
  /** even −= 256 × odd: the even rows' own sums. */
  const evenRows = (even: number, odd: number) => [
    ...op.get(even),
    ...op.get(odd),
    ...op.i32(8),
    ...op.i16x8Shl,
    ...op.i16x8Sub,
    ...op.set(even),
  ];
  /** Rows 8·half … 8·half + 7 of even and odd's 16, in order (u16 lanes taken alternately). */
  const inOrder = (even: number, odd: number, half: number, into: number) => [
    ...op.get(even),
    ...op.get(odd),
    ...op.i8x16Shuffle(
      Array.from({ length: 8 }, (_, i) => 2 * (4 * half + (i >> 1)) + 16 * (i & 1)).flatMap((b) => [b, b + 1]),
    ),
    ...op.set(into),
  ];
  const store = (from: number, offset: number) => [...op.get(OUT), ...op.get(from), ...op.v128Store(offset)];
  /** The largest u16 lane of `v` into lane 0, halving the lanes compared each time. */
  const foldMax = (v: number, lanes: number) => [
    ...op.get(v),
    ...op.get(v),
    ...op.get(v),
    ...op.i8x16Shuffle(Array.from({ length: 16 }, (_, b) => (b + 2 * lanes) % 16)),
    ...op.i16x8MaxU,
    ...op.set(v),
  ];
  // Free once the sums are done; rows 24–31 go over odd1 after rows 16–23 have been taken from it.
  const [ROWS0, ROWS8, ROWS16, ROWS24] = [CODES, ENTRIES, FOUND, ODD1];
  return [
    2,
    3,
    I32,
    7,
    V128, // locals
    ...op.get(BLOCKS),
    ...op.set(AT),
    ...op.block,
    ...op.loop, // blocks
    ...op.get(COUNT),
    ...op.i32Eqz,
    ...op.brIf(1), // no blocks left: done
    ...[EVEN0, ODD0, EVEN1, ODD1].flatMap((acc) => [...op.v128Zero, ...op.set(acc)]),
    ...op.get(TABLES),
    ...op.set(TABLE),
    ...op.get(POSITIONS),
    ...op.set(J),
    ...op.loop, // positions, two at a time
    ...position(0),
    ...position(16),
    ...op.addTo(AT, 32),
    ...op.addTo(TABLE, 32),
    ...op.get(J),
    ...op.i32(2),
    ...op.i32Sub,
    ...op.tee(J),
    ...op.brIf(0),
    ...op.end,
    ...evenRows(EVEN0, ODD0),
    ...evenRows(EVEN1, ODD1),
    ...inOrder(EVEN0, ODD0, 0, ROWS0),
    ...inOrder(EVEN1, ODD1, 0, ROWS16),
    ...inOrder(EVEN1, ODD1, 1, ROWS24),
    ...inOrder(EVEN0, ODD0, 1, ROWS8),
    ...store(ROWS0, 0),
    ...store(ROWS8, 16),
    ...store(ROWS16, 32),
    ...store(ROWS24, 48),
    ...op.get(ROWS0),
    ...op.get(ROWS8),
    ...op.i16x8MaxU,
    ...op.get(ROWS16),
    ...op.get(ROWS24),
    ...op.i16x8MaxU,
    ...op.i16x8MaxU,
    ...op.set(ODD0),
    ...foldMax(ODD0, 4),
    ...foldMax(ODD0, 2),
    ...foldMax(ODD0, 1),
    ...op.get(MAXIMA),
    ...op.get(ODD0),
    ...op.i16x8LaneU(0),
    ...op.i32Store16,
    ...op.addTo(MAXIMA, 2),
    ...op.addTo(OUT, 64),
    ...op.addTo(COUNT, -1),
    ...op.br(0),
    ...op.end,
    ...op.end,
    ...op.end, // the function
  ];
}

/** The module: memory (exported, one page to start) and the two functions, no imports. */
export function kernelsWasm(): Uint8Array<ArrayBuffer> {
  const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];
  const name = (text: string) => [text.length, ...[...text].map((c) => c.charCodeAt(0))];
  const fn = (body: number[]) => [...uleb(body.length), ...body];
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    1,
    0,
    0,
    0, // "\0asm", version 1
    // Two types: (i32 × 5) → () for rowDots, (i32 × 6) → () for nibbleSums.
    ...section(1, [2, 0x60, 5, I32, I32, I32, I32, I32, 0, 0x60, 6, I32, I32, I32, I32, I32, I32, 0]),
    ...section(3, [2, 0, 1]), // rowDots takes five, nibbleSums six
    ...section(5, [1, 0, 1]), // one memory, at least one page
    ...section(7, [3, ...name('memory'), 2, 0, ...name('rowDots'), 0, 0, ...name('nibbleSums'), 0, 1]),
    ...section(10, [2, ...fn(rowDotsBody()), ...fn(nibbleSumsBody())]),
  ]);
}
