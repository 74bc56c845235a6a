// The embeddable widget where it is meant to be used: embedded by host pages on ANOTHER site (hosts on
// `localhost`, the widget on `127.0.0.1`: different sites to Chromium), in the browser's default settings. In this
// Chromium the cross-site frame gets no storage at all, so the check finishes in Facelocal's own window; where a
// frame does get (partitioned) storage, the same steps run in the frame. Hosts must receive the verdict, only
// the verdict, and only when the person could really see what they clicked.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { createServer, type Server } from 'node:http';
import { readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { WatchedPage, facePath, launchBrowser } from './browser';

const CONFIG = 'dist/widget-config.json';
let savedConfig: string;
let browser: Browser;
let widgetOrigin: string;
let hostA: { server: Server; origin: string };
let hostB: { server: Server; origin: string };
let notAllowed: { server: Server; origin: string };
let watched: WatchedPage;
let partitioned: Browser | undefined;

/** What the host page below puts on `window`. */
interface HostWindow {
  received: Record<string, unknown>[];
  ready: boolean;
  ask(kind: string, id: string, reason?: string, timeoutMs?: number): void;
  cancel(id: string): void;
}

/** The test harness page of the widget's origin (test/harness/): the facade, for setting up a locked gallery. */
interface HarnessWindow {
  facelocal: {
    openMatcher(o: {
      databaseName: string;
    }): Promise<{ enableEncryption(p: string): Promise<void>; lock(): void; close(): Promise<void> }>;
  };
}

/** A plain host site: it embeds the widget and records every message it receives. */
function hostPage(widgetUrl: string): string {
  return `<!doctype html><html><body style="margin:0">
<iframe id="w" src="${widgetUrl}" allow="camera" title="Facelocal" style="width:640px;height:760px;border:0"></iframe>
<script>
  window.received = [];
  window.ready = false;
  const widget = new URL(${JSON.stringify(widgetUrl)}).origin;
  addEventListener('message', (e) => {
    if (e.origin !== widget) return;
    if (e.data && e.data.type === 'facelocal:ready') window.ready = true;
    else window.received.push(e.data);
  });
  const post = (m) => document.getElementById('w').contentWindow.postMessage(m, widget);
  window.ask = (kind, id, reason, timeoutMs) => post({ type: 'facelocal:request', id, kind, reason, timeoutMs });
  window.cancel = (id) => post({ type: 'facelocal:cancel', id });
</script></body></html>`;
}

/** A host on `localhost`: another site than the widget's 127.0.0.1. */
async function startHost(widgetUrl: string): Promise<{ server: Server; origin: string }> {
  const server = createServer((_req, res) => {
    res.setHeader('Content-Type', 'text/html');
    res.end(hostPage(widgetUrl));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://localhost:${(server.address() as AddressInfo).port}` };
}

beforeAll(async () => {
  widgetOrigin = new URL(inject('baseUrl')).origin;
  expect(new URL(widgetOrigin).hostname).toBe('127.0.0.1');
  const widgetUrl = `${widgetOrigin}/widget.html`;
  hostA = await startHost(widgetUrl);
  hostB = await startHost(widgetUrl);
  notAllowed = await startHost(widgetUrl);
  // The widget's owner allows exactly two hosts (read on every request: no rebuild).
  savedConfig = readFileSync(CONFIG, 'utf8');
  writeFileSync(CONFIG, JSON.stringify({ allowedOrigins: [hostA.origin, hostB.origin] }));
  browser = await launchBrowser(); // default settings: no flag about third-party storage either way
  watched = await WatchedPage.open(browser, hostA.origin);
});

afterAll(async () => {
  writeFileSync(CONFIG, savedConfig);
  await watched?.close();
  await partitioned?.close();
  await browser?.close();
  for (const h of [hostA, hostB, notAllowed]) h?.server.close();
});

interface Host {
  page: Page;
  widget: FrameLocator;
}

async function openHost(origin: string): Promise<Host> {
  const page = watched.page;
  await page.goto(origin);
  await page.waitForFunction(() => (window as unknown as HostWindow).ready, undefined, { timeout: 30_000 });
  return { page, widget: page.frameLocator('#w') };
}

async function received(page: Page, count: number): Promise<Record<string, unknown>[]> {
  await page.waitForFunction((n) => (window as unknown as HostWindow).received.length >= n, count, { timeout: 90_000 });
  return page.evaluate(() => (window as unknown as HostWindow).received);
}

async function frameStorage(page: Page): Promise<string> {
  const frame = page.frames().find((f) => f.url().startsWith(`${widgetOrigin}/widget.html`))!;
  return frame.evaluate(() => document.documentElement.dataset.widgetStorage ?? '');
}

type Prompt = Page | FrameLocator;

/**
 * The host asks; the person reads the prompt and clicks Allow; where the frame has no storage, they open the
 * Facelocal window. Returns where the check goes on (the window, or the frame).
 */
async function askAndAllow(host: Host, kind: 'verify' | 'identify', id: string, reason?: string): Promise<Prompt> {
  await host.page.evaluate((a) => (window as unknown as HostWindow).ask(a.kind, a.id, a.reason), { kind, id, reason });
  await host.widget.locator('[data-testid=widget-requester]').waitFor();
  await host.widget.locator('[data-testid=widget-allow]').click();
  if ((await frameStorage(host.page)) === 'here') return host.widget;
  const [popup] = await Promise.all([
    host.page.context().waitForEvent('page'),
    host.widget.locator('[data-testid=widget-open-window]').click(),
  ]);
  await popup.waitForLoadState();
  return popup;
}

async function enrol(prompt: Prompt, name: string, photos: string[]): Promise<void> {
  await prompt.locator('[data-testid=widget-enrol-name]').waitFor({ timeout: 90_000 }); // the models load first
  await prompt.locator('[data-testid=widget-enrol-name]').fill(name);
  await prompt.locator('[data-testid=widget-enrol-photos]').setInputFiles(photos.map(facePath));
  await prompt.locator('[data-testid=widget-consent]').check();
  await prompt.locator('[data-testid=widget-enrol]').click();
  await prompt.locator('[data-testid=widget-photo]').waitFor({ timeout: 90_000 });
}

async function showFace(prompt: Prompt, photo: string): Promise<void> {
  await prompt.locator('[data-testid=widget-photo]').waitFor({ timeout: 90_000 });
  await prompt.locator('[data-testid=widget-photo]').setInputFiles(facePath(photo));
}

/** Reads one of the widget origin's per-site databases directly, in a first-party page of that origin. */
async function siteDatabase(origin: string, store: string): Promise<Record<string, unknown>[]> {
  const page = await watched.context.newPage();
  await page.goto(`${widgetOrigin}/widget.html?mode=window`); // opened on its own: it does nothing
  const rows = await page.evaluate(
    async ([name, s]) =>
      (await indexedDB.databases()).some((d) => d.name === name)
        ? new Promise<Record<string, unknown>[]>((resolve, reject) => {
            const open = indexedDB.open(name); // exists: opening it creates nothing
            open.onerror = () => reject(open.error);
            open.onsuccess = () => {
              const get = open.result.transaction(s).objectStore(s).getAll();
              get.onsuccess = () => {
                resolve(get.result);
                open.result.close();
              };
            };
          })
        : [],
    [`facelocal-site:${origin}`, store],
  );
  await page.close();
  return rows;
}

describe('widget embedded by a host on another site', () => {
  it('the frame is told what it can do here, and nothing enrolled (the person declines to enrol) answers unavailable, not "no"', async () => {
    const host = await openHost(hostA.origin);
    await host.page.evaluate(() =>
      (window as unknown as HostWindow).ask('verify', 'v0', 'Confirm it is you before paying'),
    );
    await host.widget.locator('[data-testid=widget-requester]', { hasText: hostA.origin }).waitFor();
    await host.widget.locator('[data-testid=widget-allow]').click();
    if ((await frameStorage(host.page)) === 'none') {
      // This Chromium gives the cross-site frame no storage: it says so, and asks the browser only if it can.
      await host.widget.locator('[data-testid=widget-no-storage]').waitFor();
      const access = host.widget.locator('[data-testid=widget-storage-access]');
      if (await access.count()) {
        await access.click();
        await expect
          .poll(() => host.widget.locator('[data-testid=widget-note]').textContent())
          .toMatch(/storage access|cookies only/);
        console.log(
          `storage access in this Chromium: ${await host.widget.locator('[data-testid=widget-note]').textContent()}`,
        );
      } else {
        await host.widget.locator('[data-testid=widget-no-storage-access]').waitFor();
      }
      expect(await host.page.evaluate(() => (window as unknown as HostWindow).received)).toEqual([]); // said so, answered nothing
      const [popup] = await Promise.all([
        host.page.context().waitForEvent('page'),
        host.widget.locator('[data-testid=widget-open-window]').click(),
      ]);
      await popup.locator('[data-testid=widget-requester]', { hasText: hostA.origin }).waitFor();
      await popup.locator('[data-testid=widget-no-enrol]').click({ timeout: 90_000 });
    } else {
      await host.widget.locator('[data-testid=widget-no-enrol]').click({ timeout: 90_000 });
    }
    expect(await received(host.page, 1)).toEqual([{ type: 'facelocal:error', id: 'v0', error: 'unavailable' }]);
  });

  it('the person enrols for this site with consent; verify is then true for them and false for someone else', async () => {
    let host = await openHost(hostA.origin);
    let prompt = await askAndAllow(host, 'verify', 'v1', 'Confirm it is you before paying');
    await enrol(prompt, 'Barack Obama', ['obama/obama.jpg', 'obama/obama1.jpg']);
    await showFace(prompt, 'obama/obama3.jpg');
    expect(await received(host.page, 1)).toEqual([
      { type: 'facelocal:result', id: 'v1', kind: 'verify', matched: true },
    ]);

    host = await openHost(hostA.origin);
    prompt = await askAndAllow(host, 'verify', 'v2');
    await showFace(prompt, 'raj/raj1.png');
    expect(await received(host.page, 1)).toEqual([
      { type: 'facelocal:result', id: 'v2', kind: 'verify', matched: false },
    ]);

    // The consent record is kept with the enrolment, made by the person, naming the site.
    const [person] = await siteDatabase(hostA.origin, 'people');
    expect(person).toBeDefined();
    expect(await siteDatabase(hostB.origin, 'people')).toEqual([]); // another site's gallery is apart
  });

  it('identify: a non-match and a declined reveal give the host the very same answer', async () => {
    let host = await openHost(hostA.origin);
    let prompt = await askAndAllow(host, 'identify', 'i1');
    await showFace(prompt, 'raj/raj1.png');
    await prompt.locator('[data-testid=widget-reveal-question]').waitFor({ timeout: 90_000 });
    await prompt.locator('[data-testid=widget-reveal]').click(); // not them: "Reveal" reveals nothing
    const [noMatch] = await received(host.page, 1);

    host = await openHost(hostA.origin);
    prompt = await askAndAllow(host, 'identify', 'i1');
    await showFace(prompt, 'obama/obama3.jpg');
    await prompt.locator('[data-testid=widget-keep]').click({ timeout: 90_000 });
    const [declined] = await received(host.page, 1);
    expect(noMatch).toEqual({ type: 'facelocal:error', id: 'i1', error: 'not-revealed' });
    expect(declined).toEqual(noMatch);
  });

  let idAtA = '';
  it('a reveal gives each host its own id for the same person, and is audited with the origin', async () => {
    let host = await openHost(hostA.origin);
    let prompt = await askAndAllow(host, 'identify', 'r1');
    await showFace(prompt, 'obama/obama3.jpg');
    await prompt.locator('[data-testid=widget-reveal]').click({ timeout: 90_000 });
    const [atA] = await received(host.page, 1);
    expect(Object.keys(atA).sort()).toEqual(['id', 'kind', 'personId', 'type']);
    idAtA = atA.personId as string;
    expect(idAtA).toMatch(/^[A-Za-z0-9_-]{22}$/);

    host = await openHost(hostB.origin);
    prompt = await askAndAllow(host, 'identify', 'r2');
    await enrol(prompt, 'Barack Obama', ['obama/obama.jpg', 'obama/obama1.jpg']);
    await showFace(prompt, 'obama/obama3.jpg');
    await prompt.locator('[data-testid=widget-reveal]').click({ timeout: 90_000 });
    const [atB] = await received(host.page, 1);
    expect(atB).toMatchObject({ type: 'facelocal:result', id: 'r2', kind: 'identify' });
    expect(atB.personId).not.toBe(idAtA);

    // Again at A: the same id as before (a site can recognise a returning person, not link them elsewhere).
    host = await openHost(hostA.origin);
    prompt = await askAndAllow(host, 'identify', 'r3');
    await showFace(prompt, 'obama/obama2.jpg');
    await prompt.locator('[data-testid=widget-reveal]').click({ timeout: 90_000 });
    expect((await received(host.page, 1))[0].personId).toBe(idAtA);

    const audit = await siteDatabase(hostA.origin, 'audit');
    const reveals = audit.filter((e) => e.action === 'widget-reveal');
    expect(reveals.map((e) => e.outcome)).toEqual([`id revealed to ${hostA.origin}`, `id revealed to ${hostA.origin}`]);
    expect(audit.filter((e) => e.action === 'widget-check').map((e) => e.outcome)).toContain(
      `1:1 against one person for ${hostA.origin}: not matched`,
    );
    const text = JSON.stringify(audit);
    expect(text).not.toContain(idAtA); // the log names the site, never the id it was given
    expect(text).not.toContain('Obama');
  });

  it('a locked gallery answers unavailable', async () => {
    // Host B's enrolment is locked with a passphrase, in Facelocal's own (first-party) page.
    const page = await watched.context.newPage();
    await page.goto(`${widgetOrigin}/test/harness/`);
    await page.waitForFunction(() => document.body.dataset.ready === 'true');
    await page.evaluate(async (name) => {
      const m = await (window as unknown as HarnessWindow).facelocal.openMatcher({ databaseName: name });
      await m.enableEncryption('correct horse battery staple widget');
      m.lock();
      await m.close();
    }, `facelocal-site:${hostB.origin}`);
    await page.close();

    const host = await openHost(hostB.origin);
    await askAndAllow(host, 'verify', 'l1');
    // What the window told the person is shown in the frame, where they are.
    await host.widget.locator('[data-testid=widget-note]', { hasText: 'is locked' }).waitFor({ timeout: 90_000 });
    expect(await received(host.page, 1)).toEqual([{ type: 'facelocal:error', id: 'l1', error: 'unavailable' }]);
  });

  it('the person sees, exports and erases what the widget keeps for a site, from inside the widget', async () => {
    const host = await openHost(hostA.origin);
    const prompt = await askAndAllow(host, 'verify', 'e1');
    const data = prompt.locator('[data-testid=widget-data]');
    await data.locator('summary').click({ timeout: 90_000 });
    await data.getByText('Barack Obama: 2 face template(s)').waitFor();
    const page = 'context' in prompt ? prompt : host.page;
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      prompt.locator('[data-testid=widget-export]').click(),
    ]);
    const exported = JSON.parse(readFileSync(await download.path(), 'utf8'));
    expect(exported.people).toHaveLength(1);
    expect(exported.people[0].consent).toMatchObject({
      subjectName: 'Barack Obama',
      collectedBy: `Myself, in the Facelocal widget for ${hostA.origin}`,
    });
    await prompt.locator('[data-testid=widget-erase]').click();
    await prompt.locator('[data-testid=widget-enrol-name]').waitFor(); // nobody enrolled any more: offered to enrol
    expect(await siteDatabase(hostA.origin, 'people')).toEqual([]);
    expect(await siteDatabase(hostA.origin, 'templates')).toEqual([]);
    await prompt.locator('[data-testid=widget-no-enrol]').click();
    expect(await received(host.page, 1)).toEqual([{ type: 'facelocal:error', id: 'e1', error: 'unavailable' }]);
  });

  it('models that fail to load answer unavailable, not "no"', async () => {
    await watched.context.route(`${widgetOrigin}/models/**`, (route) => route.fulfill({ status: 404, body: 'gone' }));
    try {
      const host = await openHost(hostA.origin);
      await askAndAllow(host, 'verify', 'm1');
      await host.widget
        .locator('[data-testid=widget-note]', { hasText: 'could not start' })
        .waitFor({ timeout: 90_000 });
      expect(await received(host.page, 1)).toEqual([{ type: 'facelocal:error', id: 'm1', error: 'unavailable' }]);
    } finally {
      await watched.context.unroute(`${widgetOrigin}/models/**`);
    }
  });

  it('the host can cancel, and a request nobody answers ends with timeout', async () => {
    const host = await openHost(hostA.origin);
    await host.page.evaluate(() => (window as unknown as HostWindow).ask('verify', 'c1'));
    await host.widget.locator('[data-testid=widget-allow]').waitFor();
    await host.page.evaluate(() => (window as unknown as HostWindow).cancel('c1'));
    await host.page.evaluate(() => (window as unknown as HostWindow).ask('verify', 't1', undefined, 5000));
    expect(await received(host.page, 2)).toEqual([
      { type: 'facelocal:error', id: 'c1', error: 'cancelled' },
      { type: 'facelocal:error', id: 't1', error: 'timeout' },
    ]);
    expect(await host.widget.locator('[data-testid=widget-prompt]').getAttribute('data-step')).toBe('done');
  });

  it('the buttons do nothing while the frame is transparent or covered, and work once it is really visible', async () => {
    const host = await openHost(hostA.origin);
    const reason = 'Pay \u202Eevil\u202C now\u200B ' + 'x'.repeat(250);
    await host.page.evaluate((r) => (window as unknown as HostWindow).ask('verify', 'h1', r), reason);
    const allow = host.widget.locator('[data-testid=widget-allow]');
    await allow.waitFor();
    // The host's words are quoted, cleaned and shortened.
    const shown = (await host.widget.locator('[data-testid=widget-reason]').textContent())!;
    expect(shown).toMatch(/^“Pay evil now x+…”$/);
    expect(Array.from(shown).length).toBeLessThanOrEqual(142);
    await expect.poll(() => allow.isEnabled(), { timeout: 10_000 }).toBe(true); // visible and settled

    // Transparent: a click must do nothing.
    await host.page.evaluate(() => {
      (document.getElementById('w') as HTMLIFrameElement).style.opacity = '0.01';
    });
    await expect.poll(() => allow.isEnabled(), { timeout: 10_000 }).toBe(false);
    await allow.dispatchEvent('click');
    await allow.click({ force: true });
    // Covered by the host's own element (which lets clicks through): nothing either.
    await host.page.evaluate(() => {
      (document.getElementById('w') as HTMLIFrameElement).style.opacity = '1';
      const cover = document.createElement('div');
      cover.id = 'cover';
      cover.style.cssText = 'position:fixed;left:0;top:0;width:700px;height:800px;background:white;pointer-events:none';
      cover.textContent = 'Click anywhere to win!';
      document.body.append(cover);
    });
    await host.page.waitForTimeout(1000);
    expect(await allow.isEnabled()).toBe(false);
    await allow.dispatchEvent('click');
    await allow.click({ force: true });
    expect(await host.widget.locator('[data-testid=widget-prompt]').getAttribute('data-step')).toBe('ask');
    expect(await host.page.evaluate(() => (window as unknown as HostWindow).received)).toEqual([]);

    // Placed so that only the buttons show, with who asks and why above the top of the screen: nothing either.
    await host.page.evaluate(() => document.getElementById('cover')!.remove());
    await expect.poll(() => allow.isEnabled(), { timeout: 10_000 }).toBe(true);
    const buttonTop = (await allow.boundingBox())!.y;
    await host.page.evaluate((top) => {
      (document.getElementById('w') as HTMLIFrameElement).style.cssText += `;position:fixed;top:${-top + 5}px;left:0`;
    }, buttonTop);
    await expect.poll(() => allow.isEnabled(), { timeout: 10_000 }).toBe(false);
    await allow.click({ force: true });
    expect(await host.widget.locator('[data-testid=widget-prompt]').getAttribute('data-step')).toBe('ask');

    // In view again: after the delay, the same click counts.
    await host.page.evaluate(() => {
      (document.getElementById('w') as HTMLIFrameElement).style.cssText = 'width:640px;height:760px;border:0';
    });
    await expect.poll(() => allow.isEnabled(), { timeout: 10_000 }).toBe(true);
    await host.widget.locator('[data-testid=widget-deny]').click();
    expect(await received(host.page, 1)).toEqual([{ type: 'facelocal:error', id: 'h1', error: 'denied' }]);
  });

  it('a host not on the allow-list can neither frame the widget nor receive an answer', async () => {
    const page = watched.page;
    await page.goto(notAllowed.origin);
    // frame-ancestors refuses the embedding: Chromium shows its error page in the frame instead of the widget.
    await expect
      .poll(
        () =>
          page
            .frames()
            .find((f) => f !== page.mainFrame())
            ?.url(),
        { timeout: 15_000 },
      )
      .toMatch(/^chrome-error:/);
    await page.evaluate(() => (window as unknown as HostWindow).ask('verify', 'x1'));
    await page.waitForTimeout(500);
    expect(
      await page.evaluate(() => ({
        ready: (window as unknown as HostWindow).ready,
        received: (window as unknown as HostWindow).received,
      })),
    ).toEqual({ ready: false, received: [] });
    const csp = (await page.request.get(`${widgetOrigin}/widget.html`)).headers()['content-security-policy'];
    expect(csp).toContain(`frame-ancestors 'self' ${hostA.origin} ${hostB.origin}`);
    expect(csp).not.toContain(notAllowed.origin);
  });

  it('the host cannot read the widget; nothing left the widget origin but the answers', async () => {
    const { page } = await openHost(hostA.origin);
    const reads = await page.evaluate(async () => {
      const frame = (document.getElementById('w') as HTMLIFrameElement).contentWindow!;
      const attempt = (f: () => unknown) => {
        try {
          f();
          return 'read';
        } catch (e) {
          return (e as Error).name;
        }
      };
      return {
        document: attempt(() => frame.document.body.innerHTML),
        storage: attempt(() => (frame as unknown as { indexedDB: IDBFactory }).indexedDB.databases()),
        ownDatabases: (await indexedDB.databases()).map((d) => d.name),
      };
    });
    expect(reads.document).toBe('SecurityError');
    expect(reads.storage).toBe('SecurityError');
    expect(reads.ownDatabases).toEqual([]);
    const origins = [widgetOrigin, hostA.origin, hostB.origin, notAllowed.origin];
    const foreign = watched.requests.filter(
      (r) => !r.url.startsWith('blob:') && !r.url.startsWith('data:') && !origins.includes(new URL(r.url).origin),
    );
    expect(foreign).toEqual([]);
    // To the widget's origin: only body-less GETs (pages, code, models). The answers went by postMessage.
    expect(
      watched.requests.filter((r) => new URL(r.url).origin === widgetOrigin && (r.method !== 'GET' || r.hasBody)),
    ).toEqual([]);
    // To the hosts: only the page loads; the widget never calls a host.
    expect(
      watched.requests.filter((r) => origins.slice(1).includes(new URL(r.url).origin) && r.resourceType !== 'document'),
    ).toEqual([]);
    expect(watched.pageErrors).toEqual([]);
  });
});

describe('where the browser gives the cross-site frame partitioned storage instead of none', () => {
  beforeAll(async () => {
    await watched.close();
    // Chromium with third-party cookie (and storage) blocking turned off: the frame gets storage, partitioned by
    // the top-level site, as in browsers that partition rather than block.
    partitioned = await launchBrowser(['--disable-features=TrackingProtection3pcd']);
    watched = await WatchedPage.open(partitioned, hostA.origin);
  });

  it('the person enrols and is checked inside the frame; the enrolment stays in that partition', async () => {
    let host = await openHost(hostA.origin);
    expect(await frameStorage(host.page)).toBe('here');
    let prompt = await askAndAllow(host, 'verify', 'p1', 'Confirm it is you');
    expect(prompt).toBe(host.widget); // no window needed
    // A frame smaller than the enrolment form: the person scrolls in it, and its buttons still work.
    await host.page.evaluate(() => {
      (document.getElementById('w') as HTMLIFrameElement).style.height = '380px';
    });
    await prompt.locator('[data-testid=widget-enrol-name]').waitFor({ timeout: 90_000 });
    const frame = host.page.frames().find((f) => f.url().startsWith(`${widgetOrigin}/widget.html`))!;
    expect(await frame.evaluate(() => document.documentElement.scrollHeight)).toBeGreaterThan(500);
    await enrol(prompt, 'Barack Obama', ['obama/obama.jpg', 'obama/obama1.jpg']);
    await showFace(prompt, 'obama/obama3.jpg');
    expect(await received(host.page, 1)).toEqual([
      { type: 'facelocal:result', id: 'p1', kind: 'verify', matched: true },
    ]);

    host = await openHost(hostA.origin);
    prompt = await askAndAllow(host, 'identify', 'p2');
    await showFace(prompt, 'raj/raj1.png');
    await prompt.locator('[data-testid=widget-reveal]').click({ timeout: 90_000 });
    expect(await received(host.page, 1)).toEqual([{ type: 'facelocal:error', id: 'p2', error: 'not-revealed' }]);

    // Facelocal's own first-party storage never saw it: the enrolment lives in the partition of the host's site.
    expect(await siteDatabase(hostA.origin, 'people')).toEqual([]);
    const origins = [widgetOrigin, hostA.origin];
    expect(
      watched.requests.filter(
        (r) => !r.url.startsWith('blob:') && !r.url.startsWith('data:') && !origins.includes(new URL(r.url).origin),
      ),
    ).toEqual([]);
    expect(
      watched.requests.filter((r) => new URL(r.url).origin === widgetOrigin && (r.method !== 'GET' || r.hasBody)),
    ).toEqual([]);
  });
});
