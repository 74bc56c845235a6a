// A first-time user's walk through the app (issue 11), on real photos through the real UI: each defect that walk
// found is driven here the way a person would hit it, and each check fails on the old behaviour.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { facePath, launchBrowser, openApp, readDeviceStorage, type WatchedPage } from './browser';

let browser: Browser;
let app: WatchedPage;
let page: Page;

beforeAll(async () => {
  browser = await launchBrowser();
  app = await openApp(browser, inject('baseUrl'));
  page = app.page;
  await page.setViewportSize({ width: 1280, height: 900 });
});

afterAll(async () => {
  await app?.close();
  await browser?.close();
}, 30_000);

const photos = (folder: string, count: number, ext = 'png') => Array.from({ length: count }, (_, i) => facePath(`${folder}/${folder}${i + 1}.${ext}`));

async function tab(name: string) {
  await page.click(`[data-testid=tab-${name}]`);
}

/** Imports photos in the Photo library tab and waits for the groups. */
async function importPhotos(files: string[]) {
  await tab('import');
  const fresh = page.locator('[data-testid=import-new]');
  if (await fresh.count()) await fresh.click();
  await page.setInputFiles('[data-testid=import-files]', files);
  await page.locator('[data-testid=import-status][data-finished=true]').waitFor({ timeout: 110_000 });
  await page.locator('[data-testid=import-groups]').waitFor({ timeout: 30_000 });
}

/** The group whose faces all come from photos whose names start with `prefix`. */
export async function groupOf(prefix: string): Promise<Locator> {
  for (const g of await page.locator('[data-testid=import-group]').all()) {
    const names = await g.locator('[data-testid=import-face]').evaluateAll((els) => els.map((e) => e.getAttribute('data-file') ?? e.getAttribute('title') ?? ''));
    if (names.length && names.every((n) => n.startsWith(prefix))) return g;
  }
  throw new Error(`no group of ${prefix} photos`);
}

/** Fills in a consent record inside one part of the page (a group's or a person's form). */
async function consentIn(scope: Locator) {
  await scope.locator('[data-testid=consent-retention]').selectOption('0');
  await scope.locator('[data-testid=consent-collected-by]').fill('Test Operator');
  await scope.locator('[data-testid=consent-attest]').check();
}

/** People as stored on the device, read from IndexedDB directly (not through the app; this gallery is not encrypted). */
async function storedPeople(): Promise<{ name: string; consent: { subjectName: string } }[]> {
  const stores = (await readDeviceStorage(page)).stores;
  // Each payload is a packed record: u32 header length, u32 meta length, then the JSON header (src/core/record-packing.ts).
  return (stores['facelocal/people'] as { payload: { bytes: string } }[]).map(({ payload: { bytes } }) => {
    const length = [0, 1, 2, 3].reduce((n, i) => n + bytes.charCodeAt(i) * 256 ** i, 0);
    return JSON.parse(bytes.slice(8, 8 + length));
  });
}

describe('1. the library naming form is bound to its group', () => {
  it('after one group is enrolled, the next group starts empty and cannot enrol without its own consent', async () => {
    await importPhotos([...photos('bernadette', 5), ...photos('amy', 5)]);
    expect(await page.locator('[data-testid=import-group]').count()).toBe(2);
    // Name the first group (whose element the next group would take over if elements were reused by position).
    const first = page.locator('[data-testid=import-group]').first();
    const firstFiles = await first.locator('[data-testid=import-face]').evaluateAll((els) => els.map((e) => e.getAttribute('data-file') ?? e.getAttribute('title') ?? ''));
    const [named, other] = firstFiles.every((f) => f.startsWith('bernadette')) ? ['Bernadette', 'Amy'] : ['Amy', 'Bernadette'];
    expect(firstFiles.every((f) => f.startsWith(named.toLowerCase()))).toBe(true);
    await first.locator('[data-testid=name-group]').click();
    await first.locator('[data-testid=group-name]').fill(named);
    await consentIn(first);
    await first.locator('[data-testid=enrol-group]').click();
    await page.locator('[data-testid=import-notice]', { hasText: `${named} was enrolled with 5 photos` }).waitFor({ timeout: 30_000 });

    // The one group left is the other person's: its form is closed, and opened it is empty, consent unticked.
    const next = page.locator('[data-testid=import-group]');
    await expect.poll(() => next.count()).toBe(1);
    expect(await next.locator('[data-testid=group-name]').count()).toBe(0);
    await next.locator('[data-testid=name-group]').click();
    expect(await next.locator('[data-testid=group-name]').inputValue()).toBe('');
    expect(await next.locator('[data-testid=consent-attest]').isChecked()).toBe(false);
    expect(await next.locator('[data-testid=consent-attest]').isDisabled()).toBe(true); // no name yet: nobody to consent
    expect(await next.locator('[data-testid=enrol-group]').textContent()).not.toContain(named);

    // A name alone does not enrol: consent must be given in this person's name.
    await next.locator('[data-testid=group-name]').fill(other);
    await next.locator('[data-testid=enrol-group]').click();
    expect(await next.locator('[data-testid=group-problem]').textContent()).toMatch(/consent/i);

    // Consent ticked for one name is withdrawn when the name changes.
    await next.locator('[data-testid=consent-collected-by]').fill('Test Operator');
    await next.locator('[data-testid=consent-attest]').check();
    await next.locator('[data-testid=group-name]').fill(`${other} Someone`);
    expect(await next.locator('[data-testid=consent-attest]').isChecked()).toBe(false);
    await next.locator('[data-testid=enrol-group]').click();
    expect(await next.locator('[data-testid=group-problem]').textContent()).toMatch(/consent/i);

    const people = await storedPeople();
    expect(people.map((p) => p.name)).toEqual([named]);
    expect(people[0].consent.subjectName).toBe(named);
  });
});
