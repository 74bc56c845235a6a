// The library build (dist-lib/, made by `npm run build:lib`): another app imports the facade as an ES module,
// serves the models and runtimes beside it, and runs the real pipeline.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { createServer, type Server } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import { facePath, launchBrowser, WatchedPage } from './browser';
import { securityHeaders } from '../../scripts/security-headers';

const LIB = resolve('dist-lib');
const TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.html': 'text/html',
  '.jpg': 'image/jpeg',
};

// Another app's page: it imports Facelocal like any ES module.
const CONSUMER = `<!doctype html><html><body><script type="module" src="/consumer.js"></script></body></html>`;
const CONSUMER_JS = `import { openMatcher, FacelocalError } from '/facelocal.js';
const matcher = await openMatcher({ databaseName: 'library-consumer' });
const photo = await (await fetch('/photo.jpg')).blob();
const detected = await matcher.detect(photo);
let refused = null;
try { await matcher.enrol({ name: 'No Consent', consent: null }, [photo]); } catch (e) { refused = e instanceof FacelocalError ? e.code : String(e); }
window.result = { backend: matcher.info.backend, faces: detected.faces.length, width: detected.width, refused };`;

let server: Server;
let origin: string;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(join(LIB, 'facelocal.js')))
    throw new Error('dist-lib/ is missing: run "npm run build:lib" (npm test does)');
  server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    for (const [k, v] of Object.entries(securityHeaders)) res.setHeader(k, v);
    const body =
      path === '/'
        ? CONSUMER
        : path === '/consumer.js'
          ? CONSUMER_JS
          : path === '/photo.jpg'
            ? readFileSync(facePath('obama/obama1.jpg'))
            : null;
    const file = join(LIB, path);
    if (body === null && !(file.startsWith(LIB) && existsSync(file))) {
      res.statusCode = 404;
      return res.end();
    }
    res.setHeader('Content-Type', path === '/' ? 'text/html' : (TYPES[extname(path)] ?? 'application/octet-stream'));
    res.end(body ?? readFileSync(file));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  server?.close();
});

describe('library build', () => {
  it('ships type declarations for the facade', () => {
    const types = readFileSync(join(LIB, 'types/index.d.ts'), 'utf8');
    expect(types).toContain("export { openMatcher } from './facade/matcher'");
    expect(readFileSync(join(LIB, 'types/types.d.ts'), 'utf8')).toMatch(/export interface Matcher \{/);
  });

  it('another app imports it and runs detection and the store rules', async () => {
    const page = await WatchedPage.open(browser, origin);
    try {
      await page.page.goto(origin);
      await page.page.waitForFunction(() => (window as unknown as { result?: unknown }).result, undefined, {
        timeout: 90_000,
      });
      const result = await page.page.evaluate(() => (window as unknown as { result: unknown }).result);
      expect(result).toEqual({ backend: 'wasm', faces: 1, width: 1480, refused: 'consent-required' });
      expect(page.offOriginRequests()).toEqual([]);
      expect(page.pageErrors).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
