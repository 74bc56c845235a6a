// The peer's page (face-api.js, its tfjs wasm binaries and models) and the photos, served on the app's own origin
// for a benchmark run only; and the runner each page embeds photos with (`window.__embed`).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { WatchedPage } from '../test/browser/browser';
import { securityHeaders } from '../scripts/security-headers';

const TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.bin': 'application/octet-stream',
  '.html': 'text/html',
};

/** Serves the peer (face-api.js, its tfjs wasm binaries and models) and the photos on the app's origin, for this run only. */
async function servePeerAndPhotos(watched: WatchedPage, dataDir: string): Promise<void> {
  const faceApiDir = resolve('node_modules/@vladmandic/face-api');
  const tfWasmDir = resolve('node_modules/@tensorflow/tfjs-backend-wasm/dist');
  const files: Record<string, string> = {
    '/__peer/face-api.esm.js': join(faceApiDir, 'dist/face-api.esm.js'),
    '/__peer/peer.js': resolve('bench/peer-faceapi.js'),
  };
  for (const f of readdirSync(join(faceApiDir, 'model'))) files[`/__peer/model/${f}`] = join(faceApiDir, 'model', f);
  for (const f of readdirSync(tfWasmDir).filter((x) => x.endsWith('.wasm')))
    files[`/__peer/wasm/${f}`] = join(tfWasmDir, f);
  await watched.context.route(`${watched.origin}/__peer/**`, (route) => {
    const path = new URL(route.request().url()).pathname;
    // The peer gets the same cross-origin isolation (so tfjs can use WASM threads) but not our CSP: tfjs starts
    // its threads from blob: workers, which our policy forbids for our own code.
    const { 'Content-Security-Policy': _csp, ...headers } = securityHeaders;
    if (path === '/__peer/page.html')
      return route.fulfill({
        status: 200,
        headers: { ...headers, 'Content-Type': 'text/html' },
        body: '<!doctype html><body><script type="module" src="/__peer/peer.js"></script></body>',
      });
    const file = files[path];
    if (!file) return route.fulfill({ status: 404 });
    return route.fulfill({
      status: 200,
      headers: { ...headers, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' },
      body: readFileSync(file),
    });
  });
  await watched.context.route(`${watched.origin}/__photos/**`, (route) => {
    const relative = decodeURIComponent(new URL(route.request().url()).pathname.replace('/__photos/', ''));
    const file = resolve(dataDir, relative);
    if (!file.startsWith(dataDir) || !existsSync(file)) return route.fulfill({ status: 404 });
    return route.fulfill({
      status: 200,
      headers: { 'Content-Type': 'application/octet-stream', 'Cross-Origin-Resource-Policy': 'same-origin' },
      body: readFileSync(file),
    });
  });
}

/** Installs `window.__embed` on the page: Facelocal's facade or the peer. Returns what the runner reports of itself. */
async function installRunner(
  page: Page,
  runner: 'ours' | 'peer',
  backend: 'auto' | 'wasm' | 'webgpu',
): Promise<unknown> {
  return page.evaluate(
    async ({ runner, backend }) => {
      const w = window as unknown as {
        __embed: (b: Blob) => Promise<unknown>;
        peer: { init(): Promise<unknown>; embed(b: Blob): Promise<unknown> };
      };
      if (runner === 'peer') {
        const info = await w.peer.init();
        w.__embed = (blob) => w.peer.embed(blob);
        return info;
      }
      const matcher = await window.facelocal.openMatcher({ databaseName: 'bench', backend });
      w.__embed = (blob) => matcher.embedFaces(blob);
      return matcher.info;
    },
    { runner, backend },
  );
}

/**
 * A page of the run's browser ready to embed photos from `dataDir` with `window.__embed`: Facelocal on its harness
 * page, or the peer on its own page. Returns the page and what the runner reports of itself.
 */
export async function openRunnerPage(
  browser: Browser,
  serverUrl: string,
  dataDir: string,
  runner: 'ours' | 'peer',
  backend: 'auto' | 'wasm' | 'webgpu',
): Promise<{ watched: WatchedPage; info: unknown }> {
  const watched = await WatchedPage.open(browser, serverUrl, {});
  await servePeerAndPhotos(watched, dataDir);
  if (runner === 'peer') {
    if (process.env.BENCH_DEBUG) watched.page.on('pageerror', (e) => console.error('peer error:', e.message));
    await watched.page.goto(`${watched.origin}/__peer/page.html`);
    await watched.page.waitForFunction(() => document.body?.dataset.ready === 'true', undefined, { timeout: 60_000 });
  } else {
    await watched.page.goto(new URL('test/harness/', serverUrl).href);
    await watched.page.waitForFunction(() => document.body.dataset.ready === 'true');
  }
  return { watched, info: await installRunner(watched.page, runner, backend) };
}
