import { describe, expect, it } from 'vitest';
import { KernelMemory, NIBBLE_BLOCK_ROWS, kernelsWasm, nibbleAt, setNibble } from '../../src/core/wasm-kernels';

/** Deterministic pseudo-random bytes. */
function fillBytes(bytes: Uint8Array, seed: number): void {
  let x = seed >>> 0;
  for (let i = 0; i < bytes.length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    bytes[i] = x >>> 24;
  }
}

describe('wasm kernels', () => {
  const wasm = new KernelMemory(1 << 16),
    plain = new KernelMemory(1 << 16, { wasm: false });

  it('compile in Node (WebAssembly SIMD), and the JavaScript fallback can be forced', () => {
    expect(WebAssembly.validate(kernelsWasm())).toBe(true);
    expect(wasm.usesWasm).toBe(true);
    expect(plain.usesWasm).toBe(false);
  });

  it('rowDots: WASM and JavaScript agree with a direct dot product', () => {
    const dim = 64,
      rows = 9,
      rowBytes = 4 * dim,
      out = (rows + 1) * rowBytes;
    const values = Float32Array.from({ length: (rows + 1) * dim }, (_, i) => Math.sin(i * 1.7));
    for (const memory of [wasm, plain]) {
      new Float32Array(memory.buffer).set(values);
      memory.rowDots(rows * rowBytes, 0, rows, rowBytes, out); // the last row against the others
      const result = new Float32Array(memory.buffer, out, rows);
      for (let r = 0; r < rows; r++) {
        let expected = 0;
        for (let i = 0; i < dim; i++) expected += values[rows * dim + i] * values[r * dim + i];
        expect(result[r]).toBeCloseTo(expected, 4);
      }
    }
  });

  it("nibbleSums: WASM and JavaScript agree with a table look-up of every row's every nibble, and each block's largest", () => {
    const positions = 6,
      blocks = 3,
      blockBytes = 16 * positions,
      tablesAt = blocks * blockBytes,
      out = tablesAt + 16 * positions,
      maxima = out + 2 * blocks * NIBBLE_BLOCK_ROWS;
    const codes = Array.from({ length: blocks * NIBBLE_BLOCK_ROWS }, (_, r) =>
      Array.from({ length: positions }, (_, j) => (r * 7 + j * 5 + ((r * j) >> 2)) & 15),
    );
    const tables = new Uint8Array(16 * positions);
    fillBytes(tables, 5);
    const expected = codes.map((row) => row.reduce((sum, code, j) => sum + tables[16 * j + code], 0));
    for (const memory of [wasm, plain]) {
      const bytes = new Uint8Array(memory.buffer);
      codes.forEach((row, r) =>
        row.forEach((code, j) =>
          setNibble(bytes, blockBytes * Math.floor(r / NIBBLE_BLOCK_ROWS), j, r % NIBBLE_BLOCK_ROWS, code),
        ),
      );
      expect(nibbleAt(bytes, blockBytes, 2, 20)).toBe(codes[NIBBLE_BLOCK_ROWS + 20][2]);
      bytes.set(tables, tablesAt);
      memory.nibbleSums(tablesAt, 0, blocks, positions, out, maxima);
      expect(Array.from(new Uint16Array(memory.buffer, out, blocks * NIBBLE_BLOCK_ROWS))).toEqual(expected);
      expect(Array.from(new Uint16Array(memory.buffer, maxima, blocks))).toEqual(
        [0, 1, 2].map((b) => Math.max(...expected.slice(NIBBLE_BLOCK_ROWS * b, NIBBLE_BLOCK_ROWS * (b + 1)))),
      );
    }
    expect(new Set(expected).size).toBeGreaterThan(50); // the rows differ: every lane was looked up on its own
  });

  it('grows, keeping what the memory holds', () => {
    for (const memory of [new KernelMemory(100), new KernelMemory(100, { wasm: false })]) {
      new Uint8Array(memory.buffer).set([1, 2, 3]);
      memory.reserve(300_000);
      expect(memory.buffer.byteLength).toBeGreaterThanOrEqual(300_000);
      expect(Array.from(new Uint8Array(memory.buffer, 0, 3))).toEqual([1, 2, 3]);
    }
  });
});
