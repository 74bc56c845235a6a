// Gallery search at scale, in Node, on the app's own TemplateIndex (src/core/matching.ts).
//
//   npm run bench:search -- --n 1000000 [--queries 40] [--seed 1] [--out FILE] [--shortlist N] [--rerank N] [--exact-limit N]
//   npm run bench:search -- --sizes 10000,100000,1000000   (one table row per gallery size, each built afresh)
//
// Synthetic 512-d faces clustered like real identities: identity centres uniform on the sphere, 4 samples each at
// √0.7·centre + √0.3·noise (genuine cosine ≈ 0.7, impostor ≈ 0 ± 0.044). Vectors are regenerated from the seed
// rather than stored, so 1,000,000 faces need no 2 GB array. Queries are fresh samples of existing identities.
// Ground truth is exact float brute force (per person, best template). Prints a table; the last stdout line (and
// --out) is one JSON object.
//
// Beyond the index's exactRowLimit the index keeps only codes, and `search` re-ranks from an exact source. Here the
// source is every vector written once to a temp file and read back by offset, one fs.readSync a template into a
// reused buffer: the same contract as the app's gallery store reading templates by id from IndexedDB. Its reads
// are inside the timed query; the file is not index memory.
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TemplateIndex, type ExactVectorSource } from '../src/core/matching';
import { KernelMemory } from '../src/core/wasm-kernels';
import { decideIdentityVerdict } from '../src/core/identity-rule';
import calibration from '../src/core/calibration-data.json';
import { seededRandom } from './seeded-random';

export interface SearchBenchOptions {
  n: number;
  dim?: number;
  queries?: number;
  seed?: number;
  samplesPerIdentity?: number;
  shortlist?: number;
  rerank?: number;
  exactRowLimit?: number;
}

export interface SearchBenchResult {
  n: number;
  dim: number;
  buildMs: number;
  memoryMB: number;
  queryMs: { median: number; p90: number };
  /** CPU time of the same queries (this machine is shared: wall time includes waiting for a core). */
  queryCpuMs: { median: number; p90: number };
  recallAt10: number;
  /** Whether the index held floats in memory (else the re-ranked rows were read from the file). */
  floatsInMemory: boolean;
  /** Queries whose best person matches exact search. */
  top1Agreement: number;
  /** Queries whose decision at the calibrated threshold (name or "unknown") matches exact search. */
  decisionAgreement: number;
  /** Largest |returned score − exact score| for a returned person. */
  maxScoreError: number;
  /** Heap + array buffers held after building, as Node reports them (includes the id strings). */
  heapMB: number;
  /** Adding one more face to the built index (a new person), median of ADDED_AFTER_BUILD adds. */
  addOneMs: number;
  /**
   * Erasing one person from the built index (their 4 faces), median of REMOVED_AFTER_BUILD people taken from the
   * front, where every row after them moves (the worst case of the compaction).
   */
  removeOneMs: number;
  /**
   * The peer, timed on the same probes in the same run: exact brute force, every template's float dot product by
   * the rowDots WASM SIMD kernel, each person's best, top 10 (median ms). Null past BRUTE_FORCE_LIMIT (the floats
   * would not fit in memory).
   */
  bruteForceMs: number | null;
}

const BRUTE_FORCE_LIMIT = 200_000;

const ADDED_AFTER_BUILD = 21;
const REMOVED_AFTER_BUILD = 3;

const GENUINE = 0.7;

function fillGaussian(random: () => number, out: Float32Array): void {
  for (let i = 0; i < out.length; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - random())),
      a = 2 * Math.PI * random();
    out[i] = r * Math.cos(a);
    if (i + 1 < out.length) out[i + 1] = r * Math.sin(a);
  }
}

function normalise(v: Float32Array): void {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  const k = 1 / Math.sqrt(s);
  for (let i = 0; i < v.length; i++) v[i] *= k;
}

/** One sample of an identity: √g·centre + √(1−g)·(fresh unit noise), normalised. */
function sampleOf(centre: Float32Array, random: () => number, out: Float32Array): void {
  fillGaussian(random, out);
  normalise(out);
  const a = Math.sqrt(GENUINE),
    b = Math.sqrt(1 - GENUINE);
  for (let i = 0; i < out.length; i++) out[i] = a * centre[i] + b * out[i];
  normalise(out);
}

function centreOf(identity: number, seed: number, out: Float32Array): () => number {
  const random = seededRandom((seed * 0x9e3779b1) ^ Math.imul(identity + 1, 0x85ebca6b));
  fillGaussian(random, out);
  normalise(out);
  return random; // continues with this identity's samples
}

/** Calls `visit` for every gallery template, in order, regenerating it from the seed. */
export function forEachTemplate(
  n: number,
  dim: number,
  perIdentity: number,
  seed: number,
  visit: (row: number, identity: number, v: Float32Array) => void,
): void {
  const centre = new Float32Array(dim),
    v = new Float32Array(dim);
  for (let row = 0, identity = 0; row < n; identity++) {
    const random = centreOf(identity, seed, centre);
    for (let s = 0; s < perIdentity && row < n; s++, row++) {
      sampleOf(centre, random, v);
      visit(row, identity, v);
    }
  }
}

/** Probes: fresh samples (not in the gallery) of random existing identities, with their identity numbers. */
export function probesOf(
  identities: number,
  count: number,
  dim: number,
  seed: number,
): { probes: Float32Array[]; identityOf: number[] } {
  const queryRandom = seededRandom(seed ^ 0x51ed27);
  const probes: Float32Array[] = [],
    identityOf: number[] = [];
  const centre = new Float32Array(dim);
  for (let q = 0; q < count; q++) {
    const identity = Math.floor(queryRandom() * identities);
    centreOf(identity, seed, centre);
    const probe = new Float32Array(dim);
    sampleOf(centre, queryRandom, probe);
    probes.push(probe);
    identityOf.push(identity);
  }
  return { probes, identityOf };
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** Float32 vectors on disk, row after row, read by offset: the exact source of a gallery too large for memory. */
class VectorFile implements ExactVectorSource {
  private readonly fd: number;
  private readonly buffer: Buffer;
  private readonly pending: Buffer;
  private pendingRows = 0;

  constructor(
    readonly path: string,
    private readonly dim: number,
  ) {
    this.fd = openSync(path, 'w+');
    this.buffer = Buffer.alloc(4 * dim);
    this.pending = Buffer.alloc(4 * dim * 4096);
  }

  append(v: Float32Array): void {
    this.pending.set(new Uint8Array(v.buffer, v.byteOffset, v.byteLength), this.pendingRows++ * 4 * this.dim);
    if (this.pendingRows * 4 * this.dim === this.pending.length) this.flush();
  }

  flush(): void {
    writeSync(this.fd, this.pending, 0, this.pendingRows * 4 * this.dim);
    this.pendingRows = 0;
  }

  async embeddings(templateIds: readonly string[]): Promise<Float32Array[]> {
    const bytes = 4 * this.dim;
    return templateIds.map((id) => {
      readSync(this.fd, this.buffer, 0, bytes, Number(id.slice(1)) * bytes); // ids are `t${row}`
      return new Float32Array(this.buffer.buffer.slice(this.buffer.byteOffset, this.buffer.byteOffset + bytes));
    });
  }

  close(): void {
    closeSync(this.fd);
  }
}

export async function runSearchBench(options: SearchBenchOptions): Promise<SearchBenchResult> {
  const folder = mkdtempSync(join(tmpdir(), 'facelocal-bench-'));
  const vectors = new VectorFile(join(folder, 'vectors.f32'), options.dim ?? 512);
  try {
    return await measure(options, vectors);
  } finally {
    vectors.close();
    rmSync(folder, { recursive: true, force: true });
  }
}

async function measure(options: SearchBenchOptions, vectors: VectorFile): Promise<SearchBenchResult> {
  const { n, dim = 512, queries = 40, seed = 1, samplesPerIdentity = 4 } = options;
  const identities = Math.ceil(n / samplesPerIdentity);
  const heapBefore = heldBytes();
  const index = new TemplateIndex(dim, 1024, {
    shortlist: options.shortlist,
    rerank: options.rerank,
    exactRowLimit: options.exactRowLimit,
    exactSource: vectors,
  });
  let buildMs = 0;
  forEachTemplate(n, dim, samplesPerIdentity, seed, (row, identity, v) => {
    const t0 = performance.now();
    index.add({ templateId: `t${row}`, personId: `p${identity}`, embedding: v });
    buildMs += performance.now() - t0;
    vectors.append(v);
  });
  vectors.flush();
  const heapMB = (heldBytes() - heapBefore) / 2 ** 20;

  const { probes } = probesOf(identities, queries, dim, seed);

  // Exact ground truth: each person's best float score, for every probe, in one streaming pass.
  const best = new Float32Array(queries * identities).fill(-Infinity);
  forEachTemplate(n, dim, samplesPerIdentity, seed, (_row, identity, v) => {
    for (let q = 0; q < queries; q++) {
      const p = probes[q];
      let s = 0;
      for (let i = 0; i < dim; i++) s += p[i] * v[i];
      const at = q * identities + identity;
      if (s > best[at]) best[at] = s;
    }
  });

  const times: number[] = [],
    cpuTimes: number[] = [];
  let recall = 0,
    top1 = 0,
    decisions = 0,
    maxScoreError = 0;
  for (let q = 0; q < queries; q++) {
    await index.search(probes[q], 10); // warm-up for the JIT on the first probes; timed below
    const t0 = performance.now(),
      cpu0 = process.cpuUsage();
    const found = await index.search(probes[q], 10);
    times.push(performance.now() - t0);
    const cpu = process.cpuUsage(cpu0);
    cpuTimes.push((cpu.user + cpu.system) / 1000);

    const scores = best.subarray(q * identities, (q + 1) * identities);
    const truth = topPeople(scores, 10);
    const truthSet = new Set(truth.map((p) => `p${p}`));
    recall += found.filter((f) => truthSet.has(f.personId)).length / truth.length;
    if (found[0]?.personId === `p${truth[0]}`) top1++;
    const exactCandidates = truth.map((p) => ({ personId: `p${p}`, score: scores[p], templateId: '' }));
    const thresholds = { named: calibration.threshold, possible: calibration.threshold };
    const a = decideIdentityVerdict(found[0], thresholds),
      b = decideIdentityVerdict(exactCandidates[0], thresholds);
    if (a.kind === b.kind && (a.kind === 'unknown' || a.best?.personId === b.best?.personId)) decisions++;
    for (const f of found)
      maxScoreError = Math.max(maxScoreError, Math.abs(f.score - scores[Number(f.personId.slice(1))]));
  }
  times.sort((x, y) => x - y);
  cpuTimes.sort((x, y) => x - y);
  // What one enrolment costs once the index is built: new people, so the figures above are untouched.
  const addTimes: number[] = [];
  const extra = new Float32Array(dim);
  for (let i = 0; i < ADDED_AFTER_BUILD; i++) {
    centreOf(identities + i, seed, extra);
    const t0 = performance.now();
    index.add({ templateId: `added${i}`, personId: `added${i}`, embedding: extra });
    addTimes.push(performance.now() - t0);
  }
  addTimes.sort((x, y) => x - y);
  const removeTimes: number[] = [];
  for (let person = 0; person < REMOVED_AFTER_BUILD; person++) {
    const t0 = performance.now();
    index.removePerson(`p${person}`);
    removeTimes.push(performance.now() - t0);
  }
  removeTimes.sort((x, y) => x - y);
  const bruteForce = bruteForceMs(n, dim, samplesPerIdentity, seed, probes);
  const round = (x: number, digits = 2) => Number(x.toFixed(digits));
  return {
    n,
    dim,
    buildMs: round(buildMs, 0),
    memoryMB: round(index.byteLength / 2 ** 20, 1),
    queryMs: { median: round(quantile(times, 0.5)), p90: round(quantile(times, 0.9)) },
    queryCpuMs: { median: round(quantile(cpuTimes, 0.5)), p90: round(quantile(cpuTimes, 0.9)) },
    recallAt10: round(recall / queries, 4),
    floatsInMemory: index.isExact,
    top1Agreement: round(top1 / queries, 4),
    decisionAgreement: round(decisions / queries, 4),
    maxScoreError: round(maxScoreError, 5),
    heapMB: round(heapMB, 1),
    addOneMs: round(quantile(addTimes, 0.5), 3),
    removeOneMs: round(quantile(removeTimes, 0.5), 1),
    bruteForceMs: bruteForce === null ? null : round(bruteForce),
  };
}

/** The peer's median query time: see SearchBenchResult.bruteForceMs. */
function bruteForceMs(
  n: number,
  dim: number,
  perIdentity: number,
  seed: number,
  probes: readonly Float32Array[],
): number | null {
  if (n > BRUTE_FORCE_LIMIT) return null;
  const rowBytes = 4 * dim,
    queryAt = n * rowBytes,
    scoresAt = queryAt + rowBytes;
  const memory = new KernelMemory(scoresAt + 4 * n);
  const floats = new Float32Array(memory.buffer, 0, n * dim),
    personOf = new Int32Array(n);
  forEachTemplate(n, dim, perIdentity, seed, (row, identity, v) => {
    floats.set(v, row * dim);
    personOf[row] = identity;
  });
  const best = new Float32Array(personOf[n - 1] + 1);
  const times: number[] = [];
  for (const probe of probes) {
    for (const timed of [false, true]) {
      // The untimed run warms the JIT, as for the index's queries.
      const t0 = performance.now();
      new Float32Array(memory.buffer, queryAt, dim).set(probe);
      memory.rowDots(queryAt, 0, n, rowBytes, scoresAt);
      const scores = new Float32Array(memory.buffer, scoresAt, n);
      best.fill(-Infinity);
      for (let r = 0; r < n; r++) if (scores[r] > best[personOf[r]]) best[personOf[r]] = scores[r];
      topPeople(best, 10);
      if (timed) times.push(performance.now() - t0);
    }
  }
  return quantile(
    times.sort((x, y) => x - y),
    0.5,
  );
}

function topPeople(scores: Float32Array, k: number): number[] {
  const order: number[] = [];
  for (let p = 0; p < scores.length; p++) {
    if (order.length < k || scores[p] > scores[order[order.length - 1]]) {
      order.push(p);
      order.sort((a, b) => scores[b] - scores[a] || a - b);
      if (order.length > k) order.pop();
    }
  }
  return order;
}

function heldBytes(): number {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const option = (name: string): string | undefined => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const number = (name: string) => (option(name) === undefined ? undefined : Number(option(name)));
  const sizes = option('sizes');
  if (sizes) {
    await growthTable(
      sizes.split(',').map(Number),
      (n) => runSearchBench({ n, queries: number('queries'), seed: number('seed') }),
      option('out'),
    );
    return;
  }
  const result = await runSearchBench({
    n: number('n') ?? 100_000,
    queries: number('queries'),
    seed: number('seed'),
    shortlist: number('shortlist'),
    rerank: number('rerank'),
    exactRowLimit: number('exact-limit'),
  });
  const rows: [string, string][] = [
    ['templates (512-d)', result.n.toLocaleString('en')],
    ['exact re-rank reads floats from', result.floatsInMemory ? 'memory' : 'a file on disk (read by offset)'],
    ['build (add every template)', `${result.buildMs} ms`],
    ['index memory (typed arrays)', `${result.memoryMB} MB`],
    ['heap + buffers after build (with ids)', `${result.heapMB} MB`],
    ['query top-10 people, median / p90', `${result.queryMs.median} / ${result.queryMs.p90} ms`],
    ['query CPU time, median / p90', `${result.queryCpuMs.median} / ${result.queryCpuMs.p90} ms`],
    ['recall@10 vs exact float', String(result.recallAt10)],
    ['same best person as exact', String(result.top1Agreement)],
    [`same decision at threshold ${calibration.threshold.toFixed(3)}`, String(result.decisionAgreement)],
    ['largest score error (returned people)', String(result.maxScoreError)],
    ['add one face to the built index, median', `${result.addOneMs} ms`],
    ['erase one person (every later row moves), median', `${result.removeOneMs} ms`],
    [
      'peer: exact brute force (WASM SIMD), median',
      result.bruteForceMs === null
        ? `not run past ${BRUTE_FORCE_LIMIT.toLocaleString('en')} faces`
        : `${result.bruteForceMs} ms (${(result.bruteForceMs / result.queryMs.median).toFixed(1)}× the index's)`,
    ],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
  const json = JSON.stringify(result);
  const out = option('out');
  if (out) writeFileSync(out, json + '\n');
  console.log(json);
}

/** The index as the gallery grows: one fresh build per size, one markdown row each. */
async function growthTable(
  sizes: readonly number[],
  run: (n: number) => Promise<SearchBenchResult>,
  out: string | undefined,
): Promise<void> {
  const results: SearchBenchResult[] = [];
  console.log(
    '| faces | build | index memory | query wall, median / p90 | query CPU, median | recall@10 | add one face | erase one person | peer: exact brute force, median |',
  );
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const n of sizes) {
    const r = await run(n);
    results.push(r);
    console.log(
      `| ${n.toLocaleString('en')} | ${(r.buildMs / 1000).toFixed(1)} s | ${r.memoryMB} MB | ${r.queryMs.median} / ${r.queryMs.p90} ms | ${r.queryCpuMs.median} ms | ${r.recallAt10} | ${r.addOneMs} ms | ${r.removeOneMs} ms | ${r.bruteForceMs === null ? '—' : `${r.bruteForceMs} ms (${(r.bruteForceMs / r.queryMs.median).toFixed(1)}×)`} |`,
    );
  }
  const json = JSON.stringify(results);
  if (out) writeFileSync(out, json + '\n');
  console.log(json);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
