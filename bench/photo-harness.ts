// The harness page (the app's real facade, workers and models) in headless Chromium, with a folder of photos
// served at /__photos/ on the app's own origin, for the benchmarks that run the app on ../shared/faces.
import { readFileSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser, WatchedPage } from '../test/browser/browser';
import { startPreview } from '../test/browser/preview-server';

export async function withPhotoHarness<T>(dataDir: string, work: (page: Page) => Promise<T>): Promise<T> {
  const root = resolve(dataDir);
  const server = await startPreview();
  const browser = await launchBrowser();
  try {
    const watched = await WatchedPage.open(browser, server.url, {});
    await watched.context.route(`${watched.origin}/__photos/**`, (route) => {
      const file = resolve(root, decodeURIComponent(new URL(route.request().url()).pathname.replace('/__photos/', '')));
      if (!file.startsWith(root) || !existsSync(file)) return route.fulfill({ status: 404 });
      return route.fulfill({
        status: 200,
        headers: { 'Content-Type': 'application/octet-stream', 'Cross-Origin-Resource-Policy': 'same-origin' },
        body: readFileSync(file),
      });
    });
    await watched.page.goto(new URL('test/harness/', server.url).href);
    await watched.page.waitForFunction(() => document.body.dataset.ready === 'true');
    return await work(watched.page);
  } finally {
    await browser.close();
    await server.close();
  }
}
