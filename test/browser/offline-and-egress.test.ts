// Proof that nothing leaves the device, and that the installed app works with the network off: a full session
// (load, enrol, identify, verify, export) with every request recorded, then the same session offline.
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { facePath, giveConsent, launchProfile, waitForApp } from './browser';
import { pageSuite } from './suite';

const app = pageSuite();
let baseUrl: string;

beforeAll(() => {
  baseUrl = inject('baseUrl');
});

const tab = (name: string) => app.page.click(`[data-testid=tab-${name}]`);

/** Enrol, identify, verify and export, through the UI; checks each answer. */
async function session(name: string, enrolPhotos: string[], probe: string) {
  await tab('people');
  await app.page.fill('[data-testid=person-name]', name);
  await app.page.setInputFiles('[data-testid=person-photos]', enrolPhotos.map(facePath));
  await giveConsent(app.page);
  await app.page.click('[data-testid=enrol-submit]');
  await app.page.locator(`[data-testid=person][data-name="${name}"]`).waitFor({ timeout: 60_000 });

  await tab('identify');
  await app.page.setInputFiles('[data-testid=identify-photo]', facePath(probe));
  await app.page.locator(`[data-testid=face-box][data-label="${name}"]`).waitFor({ timeout: 60_000 });

  await tab('verify');
  await app.page.setInputFiles('[data-testid=verify-photo-a]', facePath(enrolPhotos[0]));
  await app.page.setInputFiles('[data-testid=verify-photo-b]', facePath(probe));
  await app.page.click('[data-testid=verify-submit]');
  await app.page.locator('[data-testid=verify-result][data-match=true]').waitFor({ timeout: 60_000 });

  await tab('data');
  const [download] = await Promise.all([
    app.page.waitForEvent('download'),
    app.page.click('[data-testid=export-gallery]'),
  ]);
  expect(
    JSON.parse(
      await download.createReadStream().then(async (s) => {
        let t = '';
        for await (const c of s) t += c;
        return t;
      }),
    ).people.length,
  ).toBeGreaterThan(0);
}

const STATIC_PATH =
  /^\/(index\.html)?$|^\/(assets|vendor|models)\/|^\/(sw\.js|workbox-[\w-]+\.js|manifest\.webmanifest|icon[\w.-]*\.(png|svg))$/;

describe('no egress', () => {
  it('a full session sends nothing anywhere: only same-origin static GETs, no request bodies', async () => {
    await app.page.goto(baseUrl);
    await waitForApp(app.page);
    const loaded = app.requests.length;
    await session('Barack Obama', ['obama/obama.jpg', 'obama/obama1.jpg'], 'obama/obama3.jpg');
    expect(app.requests.length).toBeGreaterThan(loaded);
    expect(app.offOriginRequests()).toEqual([]);
    expect(app.requestsWithData()).toEqual([]);
    const afterLoad = app.requests
      .slice(loaded)
      .filter((r) => !r.url.startsWith('blob:') && !r.url.startsWith('data:'));
    expect(afterLoad.filter((r) => r.method !== 'GET' || !STATIC_PATH.test(new URL(r.url).pathname))).toEqual([]);
    expect(app.cspViolations).toEqual([]);
    expect(app.pageErrors).toEqual([]);
  });

  it('the CSP is on the page and on the worker scripts', async () => {
    const page_ = await app.page.request.get(baseUrl);
    const csp = page_.headers()['content-security-policy'];
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(csp).not.toMatch(/(^|\s)'unsafe-eval'/); // 'wasm-unsafe-eval' only lets WebAssembly compile
    const workerUrl = app.requests.find((r) => /detector\.worker-.*\.js$/.test(r.url))!.url;
    expect((await app.page.request.get(workerUrl)).headers()['content-security-policy']).toBe(csp);
  });

  it('a fetch to another origin is blocked by the CSP even if code tries', async () => {
    const outcome = await app.page.evaluate(async () => {
      try {
        await fetch('http://127.0.0.2:9/collect', { method: 'POST', body: 'x' });
        return 'sent';
      } catch {
        return 'blocked';
      }
    });
    expect(outcome).toBe('blocked');
    expect(app.requests.some((r) => r.url.includes('127.0.0.2'))).toBe(false);
  });
});

describe('installable, offline PWA', () => {
  it('has a valid manifest and service worker (Chromium reports no installability errors)', async () => {
    await app.page.waitForFunction(
      () => navigator.serviceWorker?.controller !== null || document.documentElement.dataset.swRegistered === 'true',
      undefined,
      { timeout: 60_000 },
    );
    await app.page.evaluate(() => navigator.serviceWorker.ready);
    const manifest = await (await app.page.request.get(new URL('manifest.webmanifest', baseUrl).href)).json();
    expect(manifest).toMatchObject({ name: 'Facelocal', display: 'standalone' });
    expect(manifest.icons.map((i: { sizes: string }) => i.sizes)).toEqual(
      expect.arrayContaining(['192x192', '512x512']),
    );
    // Installability needs a real profile (an incognito-like context is never installable): check in one.
    const profile = await launchProfile();
    try {
      const p = profile.pages()[0] ?? (await profile.newPage());
      await p.goto(baseUrl);
      await waitForApp(p);
      await p.evaluate(() => navigator.serviceWorker.ready);
      const cdp = await profile.newCDPSession(p);
      const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
      expect(installabilityErrors).toEqual([]);
    } finally {
      await profile.close();
    }
  });

  it('works with the network off: loads the models, enrols, identifies, verifies, exports', async () => {
    // Wait until the precache (app, wasm, models) is complete.
    await app.page.locator('[data-testid=offline-ready]').waitFor({ timeout: 120_000 });
    await app.page.evaluate(async () => {
      const reg = await navigator.serviceWorker.ready;
      if (reg.active?.state !== 'activated') await new Promise((r) => reg.active!.addEventListener('statechange', r));
    });
    await app.context.setOffline(true);
    const before = app.requests.length;
    await app.page.reload();
    await waitForApp(app.page);
    expect(await app.page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true); // served by the service worker
    const info = await app.page.locator('[data-testid=backend]').textContent();
    expect(info).toMatch(/wasm \(\d+ threads?, SIMD\)/); // still cross-origin isolated under the service worker
    await session('Angelina', ['angelina/img2.jpg', 'angelina/img4.jpg'], 'angelina/img10.jpg');
    expect(app.offOriginRequests()).toEqual([]);
    expect(app.requests.length).toBeGreaterThan(before);
    await app.context.setOffline(false);
  });
});
