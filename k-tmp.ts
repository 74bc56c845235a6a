import { KernelMemory } from './src/core/wasm-kernels';
const n = 1_000_000, nb = 64;
const mems = [new KernelMemory(n * nb + 256 + 4 * n, { wasm: true }), new KernelMemory(20000 * nb + 256 + 4 * 20000, { wasm: false })];
for (const m of mems) { const u8 = new Uint8Array(m.buffer); let x = 1; for (let i = 0; i < u8.length; i++) { x = (x * 1103515245 + 12345) >>> 0; u8[i] = x >>> 24; } }
mems[0].bitPlaneSums(n * nb, 0, 20000, nb, n * nb + 256);
new Uint8Array(mems[1].buffer).set(new Uint8Array(mems[0].buffer, 0, 20000 * nb), 0);
new Uint8Array(mems[1].buffer).set(new Uint8Array(mems[0].buffer, n * nb, 256), 20000 * nb);
mems[1].bitPlaneSums(20000 * nb, 0, 20000, nb, 20000 * nb + 256);
const a = new Int32Array(mems[0].buffer, n * nb + 256, 20000), b = new Int32Array(mems[1].buffer, 20000 * nb + 256, 20000);
let diff = 0; for (let i = 0; i < 20000; i++) if (a[i] !== b[i]) diff++;
console.log('diff', diff, a[0], b[0], a[1], b[1]);
for (let rep = 0; rep < 6; rep++) { const t = performance.now(); mems[0].bitPlaneSums(n * nb, 0, n, nb, n * nb + 256); console.log('1M ms', (performance.now() - t).toFixed(2)); }
