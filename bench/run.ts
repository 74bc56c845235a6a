// The benchmark: Facelocal (the app's own workers and models, through the facade on the harness page) against
// face-api.js, in the same headless Chromium, on the same photos.
//   npm run bench -- [--data DIR] [--pairs FILE] [--peer faceapi|none] [--backend auto|wasm|webgpu] [--out FILE]
// Prints a table, and as its last line one JSON object (also written to --out).
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser, WatchedPage } from '../test/browser/browser';
import { startPreview } from '../test/browser/preview-server';
import { securityHeaders } from '../scripts/security-headers';
import { cosine, lfwAccuracy, negativeEuclidean, pairScores, parseLfwPairs, quantiles, rank1, verificationSummary, type Similarity } from './metrics';

const args = process.argv.slice(2);
const option = (name: string, fallback?: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const dataDir = resolve(option('--data', '../shared/faces')!);
const pairsFile = option('--pairs');
const peerName = option('--peer', 'faceapi') as 'faceapi' | 'none';
const backend = option('--backend', 'auto') as 'auto' | 'wasm' | 'webgpu';
const outFile = option('--out');

interface Embedded { faces: { box: { width: number; height: number }; embedding: number[] }[]; timings: { decodeMs: number; detectMs: number; embedMs: number; totalMs: number } }

/** Photos under DIR/<identity>/ (folders starting with "_" skipped), or the files a pairs list names. */
function photoList(): { identity: string; file: string }[] {
  if (pairsFile) {
    const files = new Set(parseLfwPairs(readFileSync(pairsFile, 'utf8')).flatMap((p) => [p.a, p.b]));
    return [...files].map((f) => ({ identity: f.split('/')[0], file: f }));
  }
  return readdirSync(dataDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith('_'))
    .flatMap((d) => readdirSync(join(dataDir, d.name)).filter((f) => /\.(jpe?g|png|webp)$/i.test(f)).sort().map((f) => ({ identity: d.name, file: `${d.name}/${f}` })));
}

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.json': 'application/json', '.wasm': 'application/wasm', '.bin': 'application/octet-stream', '.html': 'text/html' };

/** Serves the peer (face-api.js, its tfjs wasm binaries and models) and the photos on the app's origin, for this run only. */
async function servePeerAndPhotos(watched: WatchedPage): Promise<void> {
  const faceApiDir = resolve('node_modules/@vladmandic/face-api');
  const tfWasmDir = resolve('node_modules/@tensorflow/tfjs-backend-wasm/dist');
  const files: Record<string, string> = {
    '/__peer/face-api.esm.js': join(faceApiDir, 'dist/face-api.esm.js'),
    '/__peer/peer.js': resolve('bench/peer-faceapi.js'),
  };
  for (const f of readdirSync(join(faceApiDir, 'model'))) files[`/__peer/model/${f}`] = join(faceApiDir, 'model', f);
  for (const f of readdirSync(tfWasmDir).filter((x) => x.endsWith('.wasm'))) files[`/__peer/wasm/${f}`] = join(tfWasmDir, f);
  await watched.context.route(`${watched.origin}/__peer/**`, (route) => {
    const path = new URL(route.request().url()).pathname;
    // The peer gets the same cross-origin isolation (so tfjs can use WASM threads) but not our CSP: tfjs starts
    // its threads from blob: workers, which our policy forbids for our own code.
    const { 'Content-Security-Policy': _csp, ...headers } = securityHeaders;
    if (path === '/__peer/page.html') return route.fulfill({ status: 200, headers: { ...headers, 'Content-Type': 'text/html' }, body: '<!doctype html><body><script type="module" src="/__peer/peer.js"></script></body>' });
    const file = files[path];
    if (!file) return route.fulfill({ status: 404 });
    return route.fulfill({ status: 200, headers: { ...headers, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' }, body: readFileSync(file) });
  });
  await watched.context.route(`${watched.origin}/__photos/**`, (route) => {
    const relative = decodeURIComponent(new URL(route.request().url()).pathname.replace('/__photos/', ''));
    const file = resolve(dataDir, relative);
    if (!file.startsWith(dataDir) || !existsSync(file)) return route.fulfill({ status: 404 });
    return route.fulfill({ status: 200, headers: { 'Content-Type': 'application/octet-stream', 'Cross-Origin-Resource-Policy': 'same-origin' }, body: readFileSync(file) });
  });
}

async function embedAll(page: Page, runner: 'ours' | 'peer', files: string[]): Promise<{ info: unknown; results: Record<string, Embedded | { error: string }> }> {
  return page.evaluate(async ({ runner, files, backend }) => {
    const results: Record<string, unknown> = {};
    let info: unknown;
    let embed: (blob: Blob) => Promise<unknown>;
    if (runner === 'ours') {
      const matcher = await window.facelocal.openMatcher({ databaseName: 'bench', backend });
      info = matcher.info;
      embed = async (blob) => {
        const r = await matcher.embedFaces(blob);
        return { faces: r.faces.map((f) => ({ box: f.box, embedding: Array.from(f.embedding) })), timings: r.timings };
      };
    } else {
      const peer = (window as unknown as { peer: { init(): Promise<unknown>; embed(b: Blob): Promise<unknown> } }).peer;
      info = await peer.init();
      embed = (blob) => peer.embed(blob);
    }
    (window as unknown as { __embed: typeof embed }).__embed = embed;
    for (const f of files) {
      try {
        results[f] = await embed(await (await fetch(`/__photos/${f}`)).blob());
      } catch (e) {
        results[f] = { error: (e as Error).message };
      }
    }
    return { info, results: results as Record<string, never> };
  }, { runner, files, backend });
}

/**
 * Batch throughput: every photo in memory first (as a picked folder is), then two in flight, so one photo's
 * detection can overlap another's embedding (Facelocal's two workers; face-api.js runs on the page's one thread).
 * Wall-clock ms per photo over the whole batch.
 */
async function batchMsPerPhoto(page: Page, files: string[]): Promise<number> {
  return page.evaluate(async (files) => {
    const embed = (window as unknown as { __embed: (b: Blob) => Promise<unknown> }).__embed;
    const blobs = await Promise.all(files.map(async (f) => (await fetch(`/__photos/${f}`)).blob()));
    let next = 0;
    const worker = async () => { while (next < blobs.length) await embed(blobs[next++]).catch(() => undefined); };
    const t0 = performance.now();
    await Promise.all([worker(), worker()]);
    return (performance.now() - t0) / blobs.length;
  }, files);
}

/** The subject of an identity photo is its largest face. */
function subject(e: Embedded | { error: string } | undefined): number[] | null {
  if (!e || 'error' in e || e.faces.length === 0) return null;
  return e.faces.reduce((a, b) => (a.box.width * a.box.height >= b.box.width * b.box.height ? a : b)).embedding;
}

function summarise(name: string, photos: { identity: string; file: string }[], run: { info: unknown; results: Record<string, Embedded | { error: string }> }, similarity: Similarity) {
  const samples = photos.map((p) => ({ identity: p.identity, vector: subject(run.results[p.file]) })).filter((s): s is { identity: string; vector: number[] } => s.vector !== null);
  const ok = Object.values(run.results).filter((r): r is Embedded => !('error' in r));
  const { genuine, impostor } = pairScores(samples, similarity);
  const r1 = rank1(samples, similarity);
  const perPhoto = (k: keyof Embedded['timings']) => quantiles(ok.map((r) => r.timings[k]));
  let pairs: { accuracy: number; sd: number; missedPairs: number; pairs: number } | undefined;
  if (pairsFile) {
    const list = parseLfwPairs(readFileSync(pairsFile, 'utf8'));
    const scores = list.map((p) => {
      const a = subject(run.results[p.a]), b = subject(run.results[p.b]);
      return a && b ? similarity(a, b) : null;
    });
    const acc = lfwAccuracy(list, scores);
    pairs = { accuracy: acc.mean, sd: acc.sd, missedPairs: scores.filter((s) => s === null).length, pairs: list.length };
  }
  return {
    name,
    info: run.info,
    photos: photos.length,
    facesFound: ok.reduce((s, r) => s + r.faces.length, 0),
    missedPhotos: photos.filter((p) => subject(run.results[p.file]) === null).map((p) => p.file),
    rank1: r1.rate,
    rank1Probes: r1.probes,
    ...verificationSummary(genuine, impostor),
    ms: { decode: perPhoto('decodeMs'), detect: perPhoto('detectMs'), alignEmbed: perPhoto('embedMs'), endToEnd: perPhoto('totalMs') },
    msPerPhoto: perPhoto('totalMs')?.median ?? null,
    ...(pairs ? { accuracy: pairs.accuracy, accuracySd: pairs.sd, missedPairs: pairs.missedPairs, pairs: pairs.pairs } : {}),
  };
}

const photos = photoList();
const server = await startPreview();
const browser = await launchBrowser(backend === 'webgpu' ? ['--enable-unsafe-webgpu'] : []);
try {
  const ours = await WatchedPage.open(browser, server.url, {});
  await servePeerAndPhotos(ours);
  await ours.page.goto(new URL('test/harness/', server.url).href);
  await ours.page.waitForFunction(() => document.body.dataset.ready === 'true');
  if (process.env.BENCH_DEBUG) ours.page.on('console', (m) => console.error('page:', m.text().slice(0, 200)));
  console.error('bench: embedding with Facelocal…');
  const oursRun = await embedAll(ours.page, 'ours', photos.map((p) => p.file));
  console.error('bench: done');
  const oursSummary = { ...summarise('Facelocal', photos, oursRun, cosine), batchMsPerPhoto: await batchMsPerPhoto(ours.page, photos.map((p) => p.file)) };
  let peerSummary: typeof oursSummary | null = null;
  if (peerName === 'faceapi') {
    const peerPage = await WatchedPage.open(browser, server.url, {});
    await servePeerAndPhotos(peerPage);
    if (process.env.BENCH_DEBUG) peerPage.page.on('console', (m) => console.error('peer:', m.text().slice(0, 200)));
    if (process.env.BENCH_DEBUG) peerPage.page.on('pageerror', (e) => console.error('peer error:', e.message));
    console.error('bench: embedding with face-api.js…');
    await peerPage.page.goto(`${peerPage.origin}/__peer/page.html`);
    await peerPage.page.waitForFunction(() => document.body?.dataset.ready === 'true', undefined, { timeout: 60_000 });
    peerSummary = { ...summarise('face-api.js', photos, await embedAll(peerPage.page, 'peer', photos.map((p) => p.file)), negativeEuclidean), batchMsPerPhoto: await batchMsPerPhoto(peerPage.page, photos.map((p) => p.file)) };
  }

  const pct = (x: number | null | undefined) => (x === null || x === undefined ? '—' : `${(100 * x).toFixed(2)}%`);
  const ms = (q: { median: number; p90: number } | null) => (q ? `${q.median.toFixed(1)} / ${q.p90.toFixed(1)}` : '—');
  const rows: [string, (s: typeof oursSummary) => string][] = [
    ['photos / faces found', (s) => `${s.photos} / ${s.facesFound}`],
    ['missed photos', (s) => String(s.missedPhotos.length)],
    ['rank-1', (s) => `${pct(s.rank1)} (${s.rank1Probes} probes)`],
    ['TAR @ FAR 1e-2', (s) => pct(s.tarAtFar1e2)],
    ['TAR @ FAR 1e-3', (s) => pct(s.tarAtFar1e3)],
    ['EER', (s) => pct(s.eer)],
    ...(pairsFile ? [['pairs accuracy (10-fold)', (s: typeof oursSummary) => `${pct(s.accuracy)} ± ${pct(s.accuracySd)} (${s.missedPairs} pairs missed)`] as [string, (s: typeof oursSummary) => string]] : []),
    ['decode ms (median / p90)', (s) => ms(s.ms.decode)],
    ['detect ms', (s) => ms(s.ms.detect)],
    ['align+embed ms', (s) => ms(s.ms.alignEmbed)],
    ['end to end ms per photo', (s) => ms(s.ms.endToEnd)],
    ['batch ms per photo (2 in flight)', (s) => s.batchMsPerPhoto.toFixed(1)],
  ];
  const summaries = peerSummary ? [oursSummary, peerSummary] : [oursSummary];
  console.log(`\n${photos.length} photos from ${pairsFile ?? dataDir}; backend ${(oursRun.info as { backend: string }).backend}${peerSummary ? `; peer ${JSON.stringify(peerSummary.info)}` : ''}\n`);
  console.log(['', ...summaries.map((s) => s.name)].map((c, i) => (i === 0 ? c.padEnd(28) : c.padStart(30))).join(''));
  for (const [label, cell] of rows) console.log([label.padEnd(28), ...summaries.map((s) => cell(s).padStart(30))].join(''));
  const speedup = peerSummary?.msPerPhoto && oursSummary.msPerPhoto ? peerSummary.msPerPhoto / oursSummary.msPerPhoto : null;
  const batchSpeedup = peerSummary ? peerSummary.batchMsPerPhoto / oursSummary.batchMsPerPhoto : null;
  if (speedup) console.log(`\nspeed-up (peer ms / ours ms, end to end per photo): ${speedup.toFixed(1)}×; batch throughput: ${batchSpeedup!.toFixed(1)}×`);
  const result = { ours: oursSummary, peer: peerSummary, speedup, batchSpeedup };
  if (outFile) writeFileSync(outFile, JSON.stringify(result, null, 2));
  console.log(JSON.stringify(result));
} finally {
  await browser.close();
  await server.close();
}
