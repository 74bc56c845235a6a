// The embeddable widget: a host page on a second origin (another port on 127.0.0.1) embeds widget.html in an
// iframe, asks for a verification or identification, and must receive the verdict and nothing else.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { createServer, type Server } from 'node:http';
import { readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { WatchedPage, facePath, giveConsent, launchBrowser, waitForApp } from './browser';

const CONFIG = 'dist/widget-config.json';
let savedConfig: string;
let browser: Browser;
let widgetOrigin: string;
let allowedHost: { server: Server; origin: string };
let otherHost: { server: Server; origin: string };
let host: WatchedPage;

/** A plain host site: it embeds the widget and records every message it receives. */
function hostPage(widgetUrl: string): string {
  return `<!doctype html><html><body>
<iframe id="w" src="${widgetUrl}" allow="camera" title="Facelocal" style="width:600px;height:500px"></iframe>
<script>
  window.received = [];
  window.ready = false;
  const widget = new URL(${JSON.stringify(widgetUrl)}).origin;
  addEventListener('message', (e) => {
    if (e.origin !== widget) return;
    if (e.data && e.data.type === 'facelocal:ready') window.ready = true;
    else window.received.push(e.data);
  });
  window.ask = (kind, id, reason) => document.getElementById('w').contentWindow.postMessage({ type: 'facelocal:request', id, kind, reason }, widget);
</script></body></html>`;
}

async function startHost(widgetUrl: string): Promise<{ server: Server; origin: string }> {
  const server = createServer((_req, res) => {
    res.setHeader('Content-Type', 'text/html');
    res.end(hostPage(widgetUrl));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

beforeAll(async () => {
  widgetOrigin = new URL(inject('baseUrl')).origin;
  const widgetUrl = `${widgetOrigin}/widget.html`;
  allowedHost = await startHost(widgetUrl);
  otherHost = await startHost(widgetUrl);
  // The widget's owner allows exactly one host.
  savedConfig = readFileSync(CONFIG, 'utf8');
  writeFileSync(CONFIG, JSON.stringify({ allowedOrigins: [allowedHost.origin] }));
  browser = await launchBrowser();

  // Enrol a person in the widget origin's own gallery, through its app.
  host = await WatchedPage.open(browser, allowedHost.origin);
  const app = host.page;
  await app.goto(inject('baseUrl'));
  await waitForApp(app);
  await app.fill('[data-testid=person-name]', 'Barack Obama');
  await app.setInputFiles('[data-testid=person-photos]', [facePath('obama/obama.jpg'), facePath('obama/obama1.jpg')]);
  await giveConsent(app);
  await app.click('[data-testid=enrol-submit]');
  await app.locator('[data-testid=person][data-name="Barack Obama"]').waitFor({ timeout: 60_000 });
});

afterAll(async () => {
  writeFileSync(CONFIG, savedConfig);
  await host?.close();
  await browser?.close();
  allowedHost?.server.close();
  otherHost?.server.close();
});

async function openHost(origin: string): Promise<{ page: Page; widget: FrameLocator }> {
  const page = host.page;
  await page.goto(origin);
  await page.waitForFunction(() => (window as unknown as { ready: boolean }).ready, undefined, { timeout: 60_000 });
  return { page, widget: page.frameLocator('#w') };
}

async function received(page: Page, count: number): Promise<Record<string, unknown>[]> {
  await page.waitForFunction((n) => (window as unknown as { received: unknown[] }).received.length >= n, count, { timeout: 60_000 });
  return page.evaluate(() => (window as unknown as { received: Record<string, unknown>[] }).received);
}

describe('widget on a consent-based site', () => {
  it('verification: the host gets matched: true for an enrolled face, and nothing else', async () => {
    const { page, widget } = await openHost(allowedHost.origin);
    await page.evaluate(() => (window as any).ask('verify', 'v1', 'Confirm it is you before paying'));
    await widget.locator('[data-testid=widget-requester]', { hasText: allowedHost.origin }).waitFor();
    await widget.locator('[data-testid=widget-allow]').click();
    await widget.locator('[data-testid=widget-photo]').setInputFiles(facePath('obama/obama3.jpg'));
    expect(await received(page, 1)).toEqual([{ type: 'facelocal:result', id: 'v1', kind: 'verify', matched: true }]);
  });

  it('verification of someone not enrolled: matched: false', async () => {
    const { page, widget } = await openHost(allowedHost.origin);
    await page.evaluate(() => (window as any).ask('verify', 'v2'));
    await widget.locator('[data-testid=widget-allow]').click();
    await widget.locator('[data-testid=widget-photo]').setInputFiles(facePath('raj/raj1.png'));
    expect(await received(page, 1)).toEqual([{ type: 'facelocal:result', id: 'v2', kind: 'verify', matched: false }]);
  });

  it('identification: the person chooses to reveal their id; the host gets the id, not the name or any data', async () => {
    const { page, widget } = await openHost(allowedHost.origin);
    await page.evaluate(() => (window as any).ask('identify', 'i1'));
    await widget.locator('[data-testid=widget-allow]').click();
    await widget.locator('[data-testid=widget-photo]').setInputFiles(facePath('obama/obama3.jpg'));
    await widget.locator('[data-testid=widget-reveal]').click();
    const [answer] = await received(page, 1);
    expect(Object.keys(answer).sort()).toEqual(['id', 'kind', 'personId', 'type']);
    expect(answer).toMatchObject({ type: 'facelocal:result', id: 'i1', kind: 'identify' });
    expect(answer.personId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('the person can deny, or keep their identity: the host learns only that', async () => {
    const { page, widget } = await openHost(allowedHost.origin);
    await page.evaluate(() => (window as any).ask('verify', 'd1'));
    await widget.locator('[data-testid=widget-deny]').click();
    await page.evaluate(() => (window as any).ask('identify', 'k1'));
    await widget.locator('[data-testid=widget-allow]').click();
    await widget.locator('[data-testid=widget-photo]').setInputFiles(facePath('obama/obama3.jpg'));
    await widget.locator('[data-testid=widget-keep]').click();
    expect(await received(page, 2)).toEqual([
      { type: 'facelocal:error', id: 'd1', error: 'denied' },
      { type: 'facelocal:error', id: 'k1', error: 'not-revealed' },
    ]);
  });

  it('a host not on the allow-list cannot even frame the widget, and gets nothing', async () => {
    const page = host.page;
    await page.goto(otherHost.origin);
    // frame-ancestors refuses the embedding: Chromium shows its error page in the frame instead of the widget.
    await expect.poll(() => page.frames().find((f) => f !== page.mainFrame())?.url(), { timeout: 15_000 }).toMatch(/^chrome-error:/);
    await page.evaluate(() => (window as any).ask('verify', 'x1'));
    await page.waitForTimeout(500);
    expect(await page.evaluate(() => ({ ready: (window as any).ready, received: (window as any).received }))).toEqual({ ready: false, received: [] });
  });

  it('the host cannot read the widget: no DOM, no storage; the widget cannot be framed by others', async () => {
    const { page } = await openHost(allowedHost.origin);
    const reads = await page.evaluate(async () => {
      const frame = (document.getElementById('w') as HTMLIFrameElement).contentWindow!;
      const attempt = (f: () => unknown) => { try { f(); return 'read'; } catch (e) { return (e as Error).name; } };
      return {
        document: attempt(() => frame.document.body.innerHTML),
        storage: attempt(() => (frame as any).indexedDB.databases()),
        ownDatabases: (await indexedDB.databases()).map((d) => d.name),
      };
    });
    expect(reads.document).toBe('SecurityError');
    expect(reads.storage).toBe('SecurityError');
    expect(reads.ownDatabases).toEqual([]); // the gallery lives on the widget's origin only
    const csp = (await page.request.get(`${widgetOrigin}/widget.html`)).headers()['content-security-policy'];
    expect(csp).toContain(`frame-ancestors 'self' ${allowedHost.origin}`);
    expect(csp).not.toContain(otherHost.origin);
  });

  it('no request from the host page or the widget left for anywhere but these two origins', () => {
    const foreign = host.requests.filter((r) => !r.url.startsWith('blob:') && !r.url.startsWith('data:') && ![widgetOrigin, allowedHost.origin, otherHost.origin].includes(new URL(r.url).origin));
    expect(foreign).toEqual([]);
    expect(host.requests.filter((r) => new URL(r.url).origin === widgetOrigin && (r.method !== 'GET' || r.hasBody))).toEqual([]);
  });
});
