// A first visit downloads each model and wasm file once: the page's model loading waits for the service worker,
// whose precache fetches them, so every request the page and its workers make for them is answered by that worker.
import { expect, inject, it } from 'vitest';
import { WatchedPage, waitForApp } from './browser';
import { pageSuite } from './suite';

const app = pageSuite();

it('on a first visit, every model and wasm fetch of the page and its workers is answered by the service worker', async () => {
  const big: { path: string; fromServiceWorker: boolean }[] = [];
  app.page.on('response', (r) => {
    const path = new URL(r.url()).pathname;
    if (/^\/(models|vendor)\//.test(path)) big.push({ path, fromServiceWorker: r.fromServiceWorker() });
  });
  await app.page.goto(inject('baseUrl'));
  await waitForApp(app.page);
  const paths = new Set(big.map((r) => r.path));
  for (const file of [
    '/models/fr_feature.onnx',
    '/models/face_detection_full_range.tflite',
    '/vendor/ort/ort-wasm-simd-threaded.wasm',
    '/vendor/mediapipe/vision_wasm_module_internal.wasm',
  ]) {
    expect(paths).toContain(file);
  }
  expect(big.filter((r) => !r.fromServiceWorker)).toEqual([]);
  expect(app.pageErrors).toEqual([]);
});

it('on a first visit, the load bar moves with the bytes the service worker downloads, and says how many', async () => {
  const visit = await WatchedPage.open(app.browser, inject('baseUrl'));
  try {
    // Every value and message the first-load bar shows, read from the app's shadow root as the page loads.
    await visit.page.addInitScript(() => {
      const seen: { value: number | null; text: string }[] = [];
      (window as unknown as { loadBar: typeof seen }).loadBar = seen;
      const timer = setInterval(() => {
        const root = document.querySelector('facelocal-app')?.shadowRoot;
        const bar = root?.querySelector<HTMLProgressElement>('[data-testid=load-progress]');
        if (!bar) {
          if (document.querySelector('facelocal-app')?.getAttribute('data-ready')) clearInterval(timer);
          return;
        }
        const value = bar.hasAttribute('value') || bar.position >= 0 ? bar.value : null;
        const text = root?.querySelector('label[for=load]')?.textContent ?? '';
        const last = seen.at(-1);
        if (!last || last.value !== value || last.text !== text) seen.push({ value, text });
      }, 20);
    });
    await visit.page.goto(inject('baseUrl'));
    await waitForApp(visit.page);
    const seen = await visit.page.evaluate(
      () => (window as unknown as { loadBar: { value: number | null; text: string }[] }).loadBar,
    );
    const downloading = seen.filter(
      (s) => /Downloading the face models/.test(s.text) && s.value !== null && s.value > 0,
    );
    // Many steps while downloading, never backwards, each saying how many megabytes of how many.
    expect(downloading.length, JSON.stringify(seen.slice(0, 40))).toBeGreaterThanOrEqual(5);
    expect(downloading.every((s, i) => i === 0 || s.value! >= downloading[i - 1].value!)).toBe(true);
    expect(downloading.at(-1)!.text).toMatch(/: [\d.]+ of [\d.]+ MB/);
    expect(downloading.at(-1)!.value!).toBeGreaterThan(0.6);
    const values = seen.map((s) => s.value ?? 0);
    expect(
      values.every((v, i) => i === 0 || v >= values[i - 1] - 1e-9),
      JSON.stringify(seen),
    ).toBe(true);
    expect(visit.pageErrors).toEqual([]);
  } finally {
    await visit.close();
  }
});
