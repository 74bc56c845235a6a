import { forEachTemplate, probesOf } from './bench/search';
import { QuantisedRows } from './src/core/quantised-rows';
import { KernelMemory } from './src/core/wasm-kernels';
const n = Number(process.argv[2] ?? 200000), dim = 512, Q = 12;
const floats = new Float32Array(n * dim);
const person = new Int32Array(n);
const codes = new QuantisedRows(dim, n);
let t = performance.now();
forEachTemplate(n, dim, 4, 1, (row, id, v) => { floats.set(v, row * dim); person[row] = id; codes.set(row, v); });
console.log('built', (performance.now() - t).toFixed(0));
const { probes } = probesOf(Math.ceil(n / 4), Q, dim, 1);
const nb = 64, km = new KernelMemory(n * nb + 4 * nb + 4 * n + 65536);
{ const u8 = new Uint8Array(km.buffer); for (let r = 0; r < n; r++) for (let j = 0; j < nb; j++) { let byte = 0; for (let t = 0; t < 8; t++) if (floats[r * dim + 8 * j + t] >= 0) byte |= 1 << t; u8[r * nb + j] = byte; } }
for (let rep = 0; rep < 6; rep++) { t = performance.now(); km.bitPlaneSums(n * nb, 4, 0, n, nb, n * nb + 4 * nb); const k = performance.now() - t; const o = new Int32Array(km.buffer, n * nb + 4 * nb, n); t = performance.now(); let m = 0; for (let r = 0; r < n; r++) if (o[r] > m) m = o[r]; console.log('kernel ms', k.toFixed(2), 'js read pass', (performance.now() - t).toFixed(2)); }
const table = new Float32Array(codes.tableLength);
const ranks: Record<string, number[]> = { sign: [], sign4q: [], code4: [], hamming: [] };
for (const q of probes) {
  const exact = new Float32Array(n);
  for (let r = 0; r < n; r++) { let s = 0; const b = r * dim; for (let i = 0; i < dim; i++) s += floats[b + i] * q[i]; exact[r] = s; }
  // true top-10 people -> their best rows
  const bestRow = new Map<number, number>();
  for (let r = 0; r < n; r++) { const p = person[r]; const b = bestRow.get(p); if (b === undefined || exact[r] > exact[b]) bestRow.set(p, r); }
  const top = [...bestRow.values()].sort((a, b) => exact[b] - exact[a]).slice(0, 10);
  const total = codes.fillTable(q, table);
  const sign = new Float32Array(n), code4 = new Float32Array(n);
  codes.scanSigns(table, total, n, (s, r) => { sign[r] = s; }, () => -Infinity);
  for (let r = 0; r < n; r++) code4[r] = codes.score(r, table, total);
  // 4-bit query approx of sign score & hamming
  let maxAbs = 0; for (const x of q) maxAbs = Math.max(maxAbs, Math.abs(x));
  const lo = -maxAbs, step = 2 * maxAbs / 15;
  const u = Array.from(q, (x) => Math.round((x - lo) / step));
  const sign4q = new Float32Array(n), ham = new Float32Array(n);
  const absMean = new Float32Array(n);
  for (let r = 0; r < n; r++) { let a = 0; const b = r * dim; for (let i = 0; i < dim; i++) a += Math.abs(floats[b + i]); absMean[r] = a / dim; }
  let sumU = 0; for (const x of u) sumU += x;
  for (let r = 0; r < n; r++) {
    const b = r * dim; let su = 0, cnt = 0, agree = 0;
    for (let i = 0; i < dim; i++) if (floats[b + i] >= 0) { su += u[i]; cnt++; if (q[i] >= 0) agree++; } else if (q[i] < 0) agree++;
    // Σ_{s=1} q ≈ lo*cnt + step*su ; score = 2Σ − Σq
    const sq = lo * cnt + step * su; const sqAll = lo * dim + step * sumU;
    sign4q[r] = (2 * sq - sqAll) * absMean[r];
    ham[r] = agree;
  }
  const rankOf = (score: Float32Array) => { const worst = Math.min(...top.map((r) => score[r])); let c = 0; for (let r = 0; r < n; r++) if (score[r] >= worst) c++; return c; };
  ranks.sign.push(rankOf(sign)); ranks.sign4q.push(rankOf(sign4q)); ranks.code4.push(rankOf(code4)); 
}
for (const [k, v] of Object.entries(ranks)) console.log(k, 'worst rank of true top-10 rows', v.sort((a, b) => a - b).join(' '));
