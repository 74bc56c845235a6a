// On a host that cannot send COOP/COEP (no cross-origin isolation, so no SharedArrayBuffer): the app still starts,
// runs the embedder on one WASM thread, and matches real photos. Served by its own preview without those headers,
// as `npm run bench:phone` serves its "plain" mode.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, openHarness, type WatchedPage } from './browser';
import { startPreview } from './preview-server';

let server: Awaited<ReturnType<typeof startPreview>>;
let browser: Browser;
let harness: WatchedPage;

beforeAll(async () => {
  server = await startPreview({ crossOriginIsolated: false });
  browser = await launchBrowser();
  harness = await openHarness(browser, server.url);
});

afterAll(async () => {
  expect(harness.offOriginRequests()).toEqual([]);
  expect(harness.cspViolations).toEqual([]);
  await harness.close();
  await browser.close();
  await server.close();
});

describe('without cross-origin isolation', () => {
  it('is served without COOP/COEP but with the rest of the headers (the CSP)', async () => {
    const response = await fetch(server.url);
    expect(response.headers.get('cross-origin-opener-policy')).toBeNull();
    expect(response.headers.get('cross-origin-embedder-policy')).toBeNull();
    expect(response.headers.get('content-security-policy')).toContain("connect-src 'self'");
  });

  it('starts on one WASM thread and tells the same person from another', async () => {
    const r = await harness.page.evaluate(async () => {
      const matcher = await window.facelocal.openMatcher({ databaseName: 'no-isolation-test' });
      const embed = async (p: string) =>
        (await matcher.embedFaces(await (await fetch(`/__faces/${p}`)).blob())).faces.map((f) => f.embedding);
      const [a, b, c] = [
        await embed('obama/obama1.jpg'),
        await embed('obama/obama2.jpg'),
        await embed('biden/biden.jpg'),
      ];
      await matcher.close();
      return {
        pageIsolated: self.crossOriginIsolated,
        info: matcher.info,
        faces: [a.length, b.length, c.length],
        same: window.facelocal.cosineSimilarity(a[0], b[0]),
        other: window.facelocal.cosineSimilarity(a[0], c[0]),
      };
    });
    expect(r.pageIsolated).toBe(false);
    expect(r.info).toMatchObject({
      crossOriginIsolated: false,
      backend: 'wasm',
      wasmThreads: 1,
      backendLabel: 'wasm (1 thread, SIMD)',
    });
    expect(r.faces).toEqual([1, 1, 1]);
    expect(r.same).toBeGreaterThan(r.info.threshold);
    expect(r.other).toBeLessThan(r.info.threshold);
  }, 120_000);
});
