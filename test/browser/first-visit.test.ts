// A first visit downloads each model and wasm file once: the page's model loading waits for the service worker,
// whose precache fetches them, so every request the page and its workers make for them is answered by that worker.
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { WatchedPage, launchBrowser, waitForApp } from './browser';

let browser: Browser;
let app: WatchedPage;

beforeAll(async () => {
  browser = await launchBrowser();
  app = await WatchedPage.open(browser, inject('baseUrl'));
});

afterAll(async () => {
  await app?.close();
  await browser?.close();
});

it('on a first visit, every model and wasm fetch of the page and its workers is answered by the service worker', async () => {
  const big: { path: string; fromServiceWorker: boolean }[] = [];
  app.page.on('response', (r) => {
    const path = new URL(r.url()).pathname;
    if (/^\/(models|vendor)\//.test(path)) big.push({ path, fromServiceWorker: r.fromServiceWorker() });
  });
  await app.page.goto(inject('baseUrl'));
  await waitForApp(app.page);
  const paths = new Set(big.map((r) => r.path));
  for (const file of ['/models/fr_feature.onnx', '/models/face_detection_full_range.tflite', '/models/face_landmark.tflite', '/vendor/ort/ort-wasm-simd-threaded.wasm', '/vendor/mediapipe/vision_wasm_module_internal.wasm']) {
    expect(paths).toContain(file);
  }
  expect(big.filter((r) => !r.fromServiceWorker)).toEqual([]);
  expect(app.pageErrors).toEqual([]);
});
