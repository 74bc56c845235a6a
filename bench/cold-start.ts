// First-visit download size and second-visit cold start of the built app, in headless Chromium with a real
// (temporary) profile, so the HTTP cache and the service worker's precache persist between the visits.
//   npx vite build && npx tsx bench/cold-start.ts [--photo obama/obama1.jpg] [--visits 3]
// Download size: every byte the server writes (headers included) from the first navigation until the matcher is
// ready and the service worker has precached the app, models and wasm. Cold start: a later visit, from navigation
// start to the matcher being ready, and to the first result (one photo through the facade, on the harness page).
import { preview } from 'vite';
import { chromium } from 'playwright-core';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Socket } from 'node:net';
import { CHROMIUM, CHROMIUM_ARGS, FACES_DIR } from '../test/browser/browser';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const photo = option('--photo', 'obama/obama1.jpg');
const visits = Number(option('--visits', '3'));

const server = await preview({
  preview: { host: '127.0.0.1', port: 0, strictPort: false, open: false },
  logLevel: 'warn',
});
const url = server.resolvedUrls!.local[0];
let bytes = 0;
const open = new Set<Socket>();
server.httpServer.on('connection', (socket: Socket) => {
  open.add(socket);
  socket.on('close', () => {
    bytes += socket.bytesWritten;
    open.delete(socket);
  });
});
const bytesSoFar = () => bytes + [...open].reduce((s, x) => s + x.bytesWritten, 0);
// Body bytes per response, to say where a first visit's bytes go. Workbox adds __WB_REVISION__ to the URLs it
// precaches (files without a hash in their name), so those are the service worker's own downloads.
const responses: { path: string; bytes: number }[] = [];
server.httpServer.on('request', (req, res) => {
  const entry = { path: req.url ?? '', bytes: 0 };
  responses.push(entry);
  const count = (chunk: unknown) => {
    if (chunk && typeof chunk !== 'function') entry.bytes += Buffer.byteLength(chunk as string | Uint8Array);
  };
  const write = res.write.bind(res),
    end = res.end.bind(res);
  res.write = ((chunk: unknown, ...rest: never[]) => {
    count(chunk);
    return write(chunk as never, ...rest);
  }) as typeof res.write;
  res.end = ((chunk?: unknown, ...rest: never[]) => {
    count(chunk);
    return end(chunk as never, ...rest);
  }) as typeof res.end;
});

const profile = mkdtempSync(join(tmpdir(), 'facelocal-cold-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: CHROMIUM,
  headless: true,
  args: CHROMIUM_ARGS,
});
await context.addInitScript({ content: 'globalThis.__name = globalThis.__name || ((f) => f);' });
await context.route(`${new URL(url).origin}/__faces/**`, (route) =>
  route.fulfill({
    status: 200,
    body: readFileSync(
      resolve(FACES_DIR, decodeURIComponent(new URL(route.request().url()).pathname.replace('/__faces/', ''))),
    ),
    headers: { 'Content-Type': 'application/octet-stream', 'Cross-Origin-Resource-Policy': 'same-origin' },
  }),
);

const SETTLE_MS = 2000;
const settle = () => new Promise((r) => setTimeout(r, SETTLE_MS));
const appReady = () => document.querySelector('facelocal-app')?.getAttribute('data-ready') === 'true';
try {
  // First visit: everything comes from the network.
  const first = await context.newPage();
  await first.goto(url);
  await first.waitForFunction(appReady, undefined, { timeout: 120_000, polling: 10 });
  const firstReadyMs = await first.evaluate(() => performance.now());
  await first.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready;
    // The precache is complete once the worker is active; then let the last responses drain.
    while (registration.active?.state !== 'activated') await new Promise((r) => setTimeout(r, 50));
  });
  let last = -1;
  while (bytesSoFar() !== last) {
    last = bytesSoFar();
    await new Promise((r) => setTimeout(r, 1000));
  }
  const firstVisitBytes = bytesSoFar();
  const firstVisitResponses = [...responses];
  await first.close();

  // Later visits: models and wasm come from the cache.
  const ready: number[] = [],
    firstResult: number[] = [],
    harnessReady: number[] = [];
  const firstPhoto: { decodeMs: number; detectMs: number; embedMs: number; totalMs: number }[] = [];
  for (let v = 0; v < visits; v++) {
    const page = await context.newPage();
    await page.goto(url);
    await page.waitForFunction(appReady, undefined, { timeout: 60_000, polling: 10 });
    ready.push(await page.evaluate(() => performance.now()));
    // Each measured load starts on an idle browser, as a real later visit does: not while the page before it is
    // still warming up its models or tiering up its wasm.
    await page.goto('about:blank');
    await settle();
    await page.goto(new URL('test/harness/', url).href);
    await page.waitForFunction(() => document.body.dataset.ready === 'true', undefined, { polling: 10 });
    const harness = await page.evaluate(async (p) => {
      const photoBlob = fetch(`/__faces/${p}`).then((r) => r.blob());
      const matcher = await window.facelocal.openMatcher({ databaseName: 'cold-start' });
      const readyMs = performance.now();
      const { timings } = await matcher.embedFaces(await photoBlob);
      const resultMs = performance.now();
      await matcher.close();
      return { readyMs, resultMs, timings };
    }, photo);
    firstResult.push(harness.resultMs);
    harnessReady.push(harness.readyMs);
    firstPhoto.push(harness.timings);
    await page.close();
    await settle();
  }
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
  const result = {
    firstVisitMB: +(firstVisitBytes / 1e6).toFixed(1),
    firstVisitReadyMs: Math.round(firstReadyMs),
    coldStartReadyMs: Math.round(median(ready)),
    coldStartFirstResultMs: Math.round(median(firstResult)),
    visits: {
      ready: ready.map(Math.round),
      firstResult: firstResult.map(Math.round),
      // The first result's parts: the harness page's matcher ready, then the photo (decode, detect, align + embed).
      harnessReady: harnessReady.map(Math.round),
      firstPhoto: firstPhoto.map((t) => [t.decodeMs, t.detectMs, t.embedMs, t.totalMs].map(Math.round)),
    },
    loadAverage: loadavg().map((l) => +l.toFixed(2)),
  };
  const byPath = new Map<string, { bytes: number; times: number }>();
  for (const r of firstVisitResponses) {
    const path = r.path.replace(/[?&]__WB_REVISION__=\w+/, '');
    const seen = byPath.get(path) ?? { bytes: 0, times: 0 };
    byPath.set(path, { bytes: seen.bytes + r.bytes, times: seen.times + 1 });
  }
  console.log(`first visit: ${firstVisitResponses.length} responses; the largest (MB, times served):`);
  for (const [path, r] of [...byPath].sort((a, b) => b[1].bytes - a[1].bytes).slice(0, 12))
    console.log(`  ${(r.bytes / 1e6).toFixed(2).padStart(6)}  x${r.times}  ${path}`);
  console.log(
    `first visit: ${result.firstVisitMB} MB downloaded (app, models, wasm, precache); matcher ready after ${result.firstVisitReadyMs} ms`,
  );
  console.log(
    `later visit (cached): matcher ready ${result.coldStartReadyMs} ms after navigation; first result ${result.coldStartFirstResultMs} ms after navigation (median of ${visits}; range ${Math.round(Math.min(...firstResult))}-${Math.round(Math.max(...firstResult))}; load average ${result.loadAverage.join(' ')})`,
  );
  console.log(JSON.stringify(result));
} finally {
  await context.close();
  await new Promise<void>((r) => server.httpServer.close(() => r()));
  rmSync(profile, { recursive: true, force: true });
}
