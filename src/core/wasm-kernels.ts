// The two hot loops of on-device face search, as a tiny WebAssembly SIMD module assembled here (about 400 bytes:
// no build step, no binary file), each with a plain JavaScript fallback that computes the same numbers.
//
//   rowDots       float32 dot product of one row with many rows: clustering's link graph, exact search
//   bitPlaneSums  Σ_p 2^p · popcount(queryPlane_p AND row) for many rows: the sign-bit pass of gallery search
//
// Both work on byte offsets into one `KernelMemory`: the WASM module's memory when the runtime has WebAssembly SIMD
// (every current browser and Node; the CSP allows it with 'wasm-unsafe-eval'), else an ordinary ArrayBuffer.

/** Float dot products: for r < count, the f32 at out + 4r = dot(row at a, row at b + r·rowBytes). */
type RowDots = (a: number, b: number, count: number, rowBytes: number, out: number) => void;
/**
 * Bit-plane sums of a 4-bit query against many bit rows: for r < count, the i32 at out + 4r =
 * Σ_p 2^(3−p) · popcount(plane p AND row r), row r being rowBytes bytes at rows + r·rowBytes. The query's four
 * planes (most significant first) are interleaved in 16-byte chunks: chunk c of plane p is at planes + 64c + 16p
 * (`interleavePlanes` writes them so). A query of fewer bits has zero planes on top.
 */
type BitPlaneSums = (planes: number, rows: number, count: number, rowBytes: number, out: number) => void;

/** rowDots needs rows of a multiple of 32 bytes (two f32x4 accumulators); bitPlaneSums a multiple of 16. */
export const ROW_DOTS_ALIGN = 32;
export const BIT_PLANES_ALIGN = 16;
/** Query planes of bitPlaneSums: 4, so one 16-byte chunk's weighted counts (≤ 8 · 15 a byte) fit in a u8 lane. */
export const BIT_PLANES = 4;

const PAGE = 65536;

/** Memory the kernels read and write, growable; views of `buffer` go stale after `reserve` grows it. */
export class KernelMemory {
  private wasm: { memory: WebAssembly.Memory; rowDots: RowDots; bitPlaneSums: BitPlaneSums } | null;
  /** The JavaScript kernels' memory, used only when `wasm` is null. */
  private plain = new ArrayBuffer(0);

  /** `wasm: false` forces the JavaScript kernels (tests compare the two). */
  constructor(bytes: number, options: { wasm?: boolean } = {}) {
    const module = (options.wasm ?? true) ? kernelModule() : null;
    if (module) {
      const exports = new WebAssembly.Instance(module).exports as {
        memory: WebAssembly.Memory;
        rowDots: RowDots;
        bitPlaneSums: BitPlaneSums;
      };
      this.wasm = { memory: exports.memory, rowDots: exports.rowDots, bitPlaneSums: exports.bitPlaneSums };
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

  /** See BitPlaneSums; rowBytes must be a multiple of 16 (the planes are laid out in 16-byte chunks). */
  bitPlaneSums(planes: number, rows: number, count: number, rowBytes: number, out: number): void {
    if (rowBytes % BIT_PLANES_ALIGN !== 0)
      throw new Error(`bit rows must be a multiple of ${BIT_PLANES_ALIGN} bytes, not ${rowBytes}`);
    if (this.wasm) this.wasm.bitPlaneSums(planes, rows, count, rowBytes, out);
    else bitPlaneSumsJs(this.buffer, planes, rows, count, rowBytes, out);
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

/** Set bits in each byte value. */
const BYTE_POPCOUNT = Uint8Array.from({ length: 256 }, (_, b) => {
  let c = 0;
  for (let x = b; x; x &= x - 1) c++;
  return c;
});

function bitPlaneSumsJs(
  buffer: ArrayBuffer,
  planes: number,
  rows: number,
  count: number,
  rowBytes: number,
  out: number,
): void {
  const bytes = new Uint8Array(buffer),
    result = new Int32Array(buffer, out, count);
  for (let r = 0, row = rows; r < count; r++, row += rowBytes) {
    let sum = 0;
    for (let p = 0; p < BIT_PLANES; p++) {
      let bits = 0;
      for (let j = 0; j < rowBytes; j++)
        bits += BYTE_POPCOUNT[bytes[planes + 64 * (j >> 4) + 16 * p + (j & 15)] & bytes[row + j]];
      sum = 2 * sum + bits;
    }
    result[r] = sum;
  }
}

/** Writes a 4-bit query's planes (`planes[p]`, most significant first, each rowBytes long) in bitPlaneSums' layout. */
export function interleavePlanes(planes: readonly Uint8Array[], out: Uint8Array): void {
  if (planes.length !== BIT_PLANES) throw new Error(`expected ${BIT_PLANES} planes`);
  planes.forEach((plane, p) => {
    for (let j = 0; j < plane.length; j++) out[64 * (j >> 4) + 16 * p + (j & 15)] = plane[j];
  });
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
  i32: (n: number) => [0x41, ...sleb(n)],
  i32Eqz: [0x45],
  i32LtU: [0x49],
  i32Add: [0x6a],
  i32Sub: [0x6b],
  f32Add: [0x92],
  i32Store: [0x36, 2, 0],
  f32Store: [0x38, 2, 0], // alignment 2^2, offset 0
  ...simdOps(),
};

function simdOps() {
  const simd = (code: number, ...immediates: number[]) => [0xfd, ...uleb(code), ...immediates];
  return {
    v128Load: (offset: number) => simd(0x00, 4, ...uleb(offset)),
    v128Zero: simd(0x0c, ...new Array<number>(16).fill(0)),
    v128And: simd(0x4e),
    i8x16Popcnt: simd(0x62),
    i8x16Shl: simd(0x6b),
    i8x16Add: simd(0x6e),
    i16x8AddPairsU8: simd(0x7d),
    i32x4AddPairsU16: simd(0x7f),
    i16x8Add: simd(0x8e),
    i32x4Lane: (lane: number) => simd(0x1b, lane),
    f32x4Lane: (lane: number) => simd(0x1f, lane),
    f32x4Add: simd(0xe4),
    f32x4Mul: simd(0xe6),
  };
}

/**
 * The rows loop both kernels share (parameters 1 to 4: the row pointer, count, rowBytes, out). Per row, `row` leaves
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
    ...op.get(OUT),
    ...op.i32(4),
    ...op.i32Add,
    ...op.set(OUT),
    ...op.get(ROW),
    ...op.get(BYTES),
    ...op.i32Add,
    ...op.set(ROW),
    ...op.get(COUNT),
    ...op.i32(1),
    ...op.i32Sub,
    ...op.set(COUNT),
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
 * bitPlaneSums: parameters planes, rows, count, rowBytes, out; locals k, at (i32), row16, bits, sum16 (v128).
 * Per 16-byte chunk of a row, u8 lanes gather the weighted counts Horner-wise (bits = 2·bits + popcnt(plane AND
 * row), most significant plane first; ≤ 8 · 15 a lane); u16 lanes sum the chunks (≤ 240 a chunk, so rows up to
 * 2,176 bytes). The four planes' chunks are adjacent (see BitPlaneSums), so each is one load at a fixed offset.
 */
function bitPlaneSumsBody(): number[] {
  const [PLANES, ROWS, BYTES, K, AT, ROW16, BITS, SUM16] = [0, 1, 3, 5, 6, 7, 8, 9];
  const plane = (p: number) => [
    ...op.get(AT),
    ...op.v128Load(16 * p),
    ...op.get(ROW16),
    ...op.v128And,
    ...op.i8x16Popcnt,
  ];
  const next = (p: number) => [
    ...op.get(BITS),
    ...op.i32(1),
    ...op.i8x16Shl,
    ...plane(p),
    ...op.i8x16Add,
    ...op.set(BITS),
  ];
  return [
    2,
    2,
    I32,
    3,
    V128, // locals
    ...forEachRow(SUM16, { lane: op.i32x4Lane, add: op.i32Add, store: op.i32Store }, [
      ...op.v128Zero,
      ...op.set(SUM16),
      ...op.i32(0),
      ...op.set(K),
      ...op.get(PLANES),
      ...op.set(AT),
      ...op.loop, // 16-byte chunks
      ...op.get(ROWS),
      ...op.get(K),
      ...op.i32Add,
      ...op.v128Load(0),
      ...op.set(ROW16),
      ...plane(0),
      ...op.set(BITS),
      ...next(1),
      ...next(2),
      ...next(3),
      ...op.get(SUM16),
      ...op.get(BITS),
      ...op.i16x8AddPairsU8,
      ...op.i16x8Add,
      ...op.set(SUM16),
      ...op.get(AT),
      ...op.i32(64),
      ...op.i32Add,
      ...op.set(AT),
      ...op.get(K),
      ...op.i32(16),
      ...op.i32Add,
      ...op.tee(K),
      ...op.get(BYTES),
      ...op.i32LtU,
      ...op.brIf(0),
      ...op.end,
      ...op.get(SUM16),
      ...op.i32x4AddPairsU16,
      ...op.set(SUM16),
    ]),
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
    ...section(1, [1, 0x60, 5, I32, I32, I32, I32, I32, 0]), // type: (i32 × 5) → ()
    ...section(3, [2, 0, 0]), // two functions of that type
    ...section(5, [1, 0, 1]), // one memory, at least one page
    ...section(7, [3, ...name('memory'), 2, 0, ...name('rowDots'), 0, 0, ...name('bitPlaneSums'), 0, 1]),
    ...section(10, [2, ...fn(rowDotsBody()), ...fn(bitPlaneSumsBody())]),
  ]);
}
