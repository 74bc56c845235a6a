// Shared setup for browser tests: Debian's Chromium driven by playwright-core, a page that records every request
// (so tests can prove nothing leaves the origin), and same-origin access to ../shared/faces for the harness.
import { chromium, type Browser, type BrowserContext, type Page, type Request } from 'playwright-core';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';

export const FACES_DIR = resolve(process.env.FACES_DIR ?? '../shared/faces');
export const facePath = (relative: string) => resolve(FACES_DIR, relative);

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// As the machine's probe: the closed network refuses Chromium's own background connections.
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function checkChromium(): void {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `Chromium not found at ${CHROMIUM}: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH`,
    );
}

export async function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  checkChromium();
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_ARGS, ...extraArgs] });
}

/** A browser with a real (temporary) profile, for what an incognito-like context cannot do, such as installing. */
export async function launchProfile(): Promise<BrowserContext> {
  checkChromium();
  return chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'facelocal-profile-')), {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

export interface RecordedRequest {
  url: string;
  method: string;
  resourceType: string;
  hasBody: boolean;
}

/** A page whose every request (page, workers) and every CSP violation is recorded. */
export class WatchedPage {
  readonly requests: RecordedRequest[] = [];
  readonly cspViolations: string[] = [];
  readonly pageErrors: string[] = [];

  private constructor(
    readonly context: BrowserContext,
    readonly page: Page,
    readonly origin: string,
  ) {}

  static async open(browser: Browser, baseUrl: string, options: { serveFaces?: boolean } = {}): Promise<WatchedPage> {
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    // Scripts run with tsx (esbuild keepNames) wrap functions passed to page.evaluate in __name(); define it.
    await context.addInitScript({ content: 'globalThis.__name = globalThis.__name || ((f) => f);' });
    const page = await context.newPage();
    const watched = new WatchedPage(context, page, new URL(baseUrl).origin);
    const record = (r: Request) =>
      watched.requests.push({
        url: r.url(),
        method: r.method(),
        resourceType: r.resourceType(),
        hasBody: (r.postDataBuffer()?.length ?? 0) > 0,
      });
    context.on('request', record);
    page.on('console', (m) => {
      if (/Content Security Policy|Content-Security-Policy/i.test(m.text())) watched.cspViolations.push(m.text());
    });
    page.on('pageerror', (e) => watched.pageErrors.push(e.message));
    if (options.serveFaces) await serveFaces(context, watched.origin);
    return watched;
  }

  /** Requests that left the origin (data: and blob: URLs stay on the device). */
  offOriginRequests(): RecordedRequest[] {
    return this.requests.filter(
      (r) => !r.url.startsWith('data:') && !r.url.startsWith('blob:') && new URL(r.url).origin !== this.origin,
    );
  }

  /** Requests that could carry data out: anything but a body-less GET. */
  requestsWithData(): RecordedRequest[] {
    return this.requests.filter((r) => r.method !== 'GET' || r.hasBody);
  }

  async close(): Promise<void> {
    await this.context.close();
  }
}

/** Serves ../shared/faces at /__faces/ on the app's own origin, answered by the test, not a server. */
export async function serveFaces(context: BrowserContext, origin: string): Promise<void> {
  const types: Record<string, string> = {
    '.jpg': 'image/jpeg',
    '.jpeg': 'image/jpeg',
    '.png': 'image/png',
    '.webp': 'image/webp',
  };
  await context.route(`${origin}/__faces/**`, (route) => {
    const relative = decodeURIComponent(new URL(route.request().url()).pathname.replace('/__faces/', ''));
    const file = resolve(FACES_DIR, relative);
    if (!file.startsWith(FACES_DIR) || !existsSync(file)) return route.fulfill({ status: 404 });
    return route.fulfill({
      status: 200,
      body: readFileSync(file),
      headers: {
        'Content-Type': types[extname(file).toLowerCase()] ?? 'application/octet-stream',
        'Cross-Origin-Resource-Policy': 'same-origin',
      },
    });
  });
}

export async function openApp(browser: Browser, baseUrl: string): Promise<WatchedPage> {
  const watched = await WatchedPage.open(browser, baseUrl);
  await watched.page.goto(baseUrl);
  await waitForApp(watched.page);
  return watched;
}

export async function waitForApp(page: Page): Promise<void> {
  await page.waitForFunction(
    () => {
      const app = document.querySelector('facelocal-app');
      return app?.getAttribute('data-ready') === 'true' || app?.getAttribute('data-ready') === 'false';
    },
    undefined,
    { timeout: 90_000 },
  );
  const ready = await page.getAttribute('facelocal-app', 'data-ready');
  if (ready !== 'true')
    throw new Error(
      `app failed to load: ${await page
        .locator('[data-testid=load-error]')
        .textContent()
        .catch(() => '?')}`,
    );
}

export async function openHarness(browser: Browser, baseUrl: string): Promise<WatchedPage> {
  const watched = await WatchedPage.open(browser, baseUrl, { serveFaces: true });
  await watched.page.goto(new URL('test/harness/', baseUrl).href);
  await watched.page.waitForFunction(() => document.body.dataset.ready === 'true');
  return watched;
}

/** Fills in the enrolment consent record in the UI: 30 days (preset 0), attested by the operator. */
export async function giveConsent(page: Page, retentionPreset = '0'): Promise<void> {
  await page.selectOption('[data-testid=consent-retention]', retentionPreset);
  await page.fill('[data-testid=consent-collected-by]', 'Test Operator');
  await page.check('[data-testid=consent-attest]');
}

/**
 * Everything in the app's IndexedDB databases and Cache API, read directly (not through the app), with binary
 * fields turned into text so a test can search it for a name or an id.
 */
export async function readDeviceStorage(
  page: Page,
): Promise<{ stores: Record<string, unknown[]>; text: string; caches: string[] }> {
  return page.evaluate(async () => {
    const stores: Record<string, unknown[]> = {};
    const toText = (value: unknown): unknown => {
      if (value instanceof ArrayBuffer) return new TextDecoder('latin1').decode(value);
      if (ArrayBuffer.isView(value))
        return new TextDecoder('latin1').decode(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
      if (Array.isArray(value)) return value.map(toText);
      if (value && typeof value === 'object')
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toText(v)]));
      return value;
    };
    for (const info of await indexedDB.databases()) {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const req = indexedDB.open(info.name!);
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
      for (const name of Array.from(db.objectStoreNames)) {
        stores[`${info.name}/${name}`] = await new Promise<unknown[]>((resolve) => {
          const req = db.transaction(name).objectStore(name).getAll();
          req.onsuccess = () => resolve(req.result.map(toText));
        });
      }
      db.close();
    }
    const cacheNames = await caches.keys();
    const cached: string[] = [];
    for (const name of cacheNames)
      for (const req of await (await caches.open(name)).keys()) cached.push(`${name}: ${req.url}`);
    return { stores, text: JSON.stringify(stores), caches: [...cacheNames, ...cached] };
  });
}
