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

/** The people listed on the People tab, with their photo counts. */
async function peopleShown(): Promise<{ name: string; count: number }[]> {
  await tab('people');
  await page.locator('[data-testid=people-list]').waitFor();
  return Promise.all((await page.locator('[data-testid=person]').all()).map(async (r) => ({
    name: (await r.locator('[data-testid=person-name-label]').textContent())!.trim(),
    count: Number((await r.locator('[data-testid=person-template-count]').textContent())!.match(/\d+/)![0]),
  })));
}

const card = (name: string) => page.locator(`[data-testid=person][data-name="${name}"]`);

async function addPerson(name: string, files: string[]) {
  await tab('people');
  await page.fill('[data-testid=person-name]', name);
  await page.setInputFiles('[data-testid=person-photos]', files);
  await consentIn(page.locator('people-panel form'));
  await page.click('[data-testid=enrol-submit]');
  await page.locator('[data-testid=enrol-outcome], [data-testid=already-enrolled]').first().waitFor({ timeout: 60_000 });
}

describe('2. someone already enrolled is recognised before a second record is made', () => {
  it('Add a person: "looks like Barack Obama, already enrolled", and the photos go to him', async () => {
    await addPerson('Barack Obama', [facePath('obama/obama.jpg'), facePath('obama/obama1.jpg')]);
    expect(await page.locator('[data-testid=already-enrolled]').count()).toBe(0);
    await card('Barack Obama').waitFor();
    const before = await peopleShown();

    await addPerson('Barack Obama', [facePath('obama/obama2.jpg'), facePath('obama/obama3.jpg')]);
    const question = page.locator('[data-testid=already-enrolled]');
    expect(await question.textContent()).toMatch(/look like Barack Obama, who is already enrolled/);
    expect(await question.getAttribute('data-kind')).toBe('known');
    expect(await peopleShown()).toEqual(before); // nothing stored while asking
    await page.click('[data-testid=add-to-enrolled]');
    await page.locator('[data-testid=enrol-outcome]').nth(1).waitFor({ timeout: 60_000 });
    expect(await page.locator('[data-testid=enrol-outcome]').allTextContents()).toEqual([expect.stringMatching(/obama2\.jpg: added to Barack Obama/), expect.stringMatching(/obama3\.jpg: added to Barack Obama/)]);
    await expect.poll(peopleShown).toEqual(before.map((p) => (p.name === 'Barack Obama' ? { ...p, count: 4 } : p)));
    // The form is ready for the next person: empty, no lines left from this one once they start.
    expect(await page.inputValue('[data-testid=person-name]')).toBe('');
    await page.fill('[data-testid=person-name]', 'Next');
    expect(await page.locator('[data-testid=enrol-outcome]').count()).toBe(0);
    await page.fill('[data-testid=person-name]', '');
  });

  it('Photo library: a group of someone enrolled is marked, and can be added to them', async () => {
    await importPhotos([...['obama.jpg', 'obama1.jpg', 'obama2.jpg', 'obama3.jpg'].map((f) => facePath(`obama/${f}`)), facePath('biden/biden.jpg'), facePath('biden/biden2.jpg')]);
    const obama = await groupOf('obama');
    const biden = await groupOf('biden');
    expect(await obama.locator('[data-testid=group-already-enrolled]').textContent()).toMatch(/look like Barack Obama, who is already enrolled/);
    expect(await biden.locator('[data-testid=group-already-enrolled]').count()).toBe(0);
    const before = await peopleShown();
    await tab('import');
    await (await groupOf('obama')).locator('[data-testid=add-group-to]').click();
    await page.locator('[data-testid=import-notice]', { hasText: 'Added to Barack Obama, who now has 8 photos' }).waitFor({ timeout: 30_000 });
    expect(await peopleShown()).toEqual(before.map((p) => (p.name === 'Barack Obama' ? { ...p, count: 8 } : p)));
  });
});

describe('3. "Add photos" says when a face is not that person, and shows faces', () => {
  it('a Biden photo added to Obama is refused with the reason, and can be added anyway on purpose', async () => {
    await tab('people');
    const obama = card('Barack Obama');
    await obama.locator('[data-testid=add]').click();
    await obama.locator('[data-testid=add-photos]').setInputFiles(facePath('biden/biden.jpg'));
    await obama.locator('[data-testid=message]').waitFor({ timeout: 60_000 });
    expect(await obama.locator('[data-testid=message]').getAttribute('data-code')).toBe('not-this-person');
    expect(await obama.locator('[data-testid=message]').textContent()).toMatch(/biden\.jpg: This face does not look like Barack Obama/);
    expect(await obama.locator('[data-testid=person-template-count]').textContent()).toMatch(/^8 photos/);
    await obama.locator('[data-testid=add-anyway]').click();
    await expect.poll(() => obama.locator('[data-testid=person-template-count]').textContent(), { timeout: 60_000 }).toMatch(/^9 photos/);
    expect(await obama.locator('[data-testid=person-notice]').textContent()).toMatch(/1 photo added to Barack Obama/);
  });

  it('the Photos list shows each face, not only file names', async () => {
    const obama = card('Barack Obama');
    await obama.locator('[data-testid=photos]').click();
    await obama.locator('[data-testid=photo-list]').waitFor();
    const thumbs = obama.locator('[data-testid=photo-thumbnail]');
    expect(await thumbs.count()).toBe(9);
    await expect.poll(() => thumbs.evaluateAll((imgs) => imgs.every((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0))).toBe(true);
    await obama.locator('[data-testid=photos-done]').click();
  });
});

describe('4. renaming rectifies the consent record too', () => {
  it('the stored consent record and the export carry the new name; the audit log says so', async () => {
    await tab('people');
    const obama = card('Barack Obama');
    await obama.locator('[data-testid=rename]').click();
    await obama.locator('[data-testid=rename-input]').fill('Barack H. Obama');
    await obama.locator('[data-testid=rename-save]').click();
    await card('Barack H. Obama').waitFor();
    const stored = (await storedPeople()).find((p) => p.name === 'Barack H. Obama')!;
    expect(stored.consent.subjectName).toBe('Barack H. Obama');
    const download = page.waitForEvent('download');
    await card('Barack H. Obama').locator('[data-testid=export-person]').click();
    const exported = JSON.parse(await streamText(await (await download).createReadStream()));
    expect(exported.people[0].consent.subjectName).toBe('Barack H. Obama');
    expect(await card('Barack H. Obama').locator('[data-testid=person-notice]').textContent()).toMatch(/Saved facelocal-Barack-H-Obama\.json/);
    await tab('data');
    await page.locator('[data-testid=audit-log][data-loaded=true]').waitFor();
    expect(await page.locator('[data-testid=audit-entry][data-action=rename]').first().textContent()).toMatch(/consent record/);
  });
});

async function streamText(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
