import { describe, expect, it } from 'vitest';
import { BIT_PLANES, KernelMemory, interleavePlanes, kernelsWasm } from '../../src/core/wasm-kernels';

/** Deterministic pseudo-random bytes. */
function fillBytes(bytes: Uint8Array, seed: number): void {
  let x = seed >>> 0;
  for (let i = 0; i < bytes.length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    bytes[i] = x >>> 24;
  }
}

const popcount = (b: number) => {
  let c = 0;
  for (; b; b &= b - 1) c++;
  return c;
};

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

  it('bitPlaneSums: WASM and JavaScript agree with Σ 2^(3−p)·popcount(plane AND row)', () => {
    const rowBytes = 64,
      rows = 50,
      planesAt = rows * rowBytes,
      out = planesAt + BIT_PLANES * rowBytes;
    const rowBits = new Uint8Array(rows * rowBytes);
    fillBytes(rowBits, 3);
    const planes = Array.from({ length: BIT_PLANES }, (_, p) => {
      const b = new Uint8Array(rowBytes);
      fillBytes(b, 10 + p);
      return b;
    });
    const expected = Array.from({ length: rows }, (_, r) =>
      planes.reduce((sum, plane, p) => {
        let bits = 0;
        for (let j = 0; j < rowBytes; j++) bits += popcount(plane[j] & rowBits[r * rowBytes + j]);
        return sum + 2 ** (BIT_PLANES - 1 - p) * bits;
      }, 0),
    );
    for (const memory of [wasm, plain]) {
      new Uint8Array(memory.buffer).set(rowBits);
      interleavePlanes(planes, new Uint8Array(memory.buffer, planesAt, BIT_PLANES * rowBytes));
      memory.bitPlaneSums(planesAt, 0, rows, rowBytes, out);
      expect(Array.from(new Int32Array(memory.buffer, out, rows))).toEqual(expected);
    }
    expect(Math.max(...expected)).toBeGreaterThan(1000); // every plane and chunk contributed
    expect(() => wasm.bitPlaneSums(planesAt, 0, rows, 24, out)).toThrow(/multiple of 16/);
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
