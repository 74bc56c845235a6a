// Photo-library import through the UI on the real app: a folder of the shared photos with progress, cancel and
// resume after a reload, grouping by person (quality measured against the folders), merge / split / move, naming a
// group with consent (enrols that person), and unnamed faces held only for the tab's session unless kept.
import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FACES_DIR, readDeviceStorage, waitForApp } from './browser';
import { appSuite } from './suite';

const app = appSuite();
/** A folder laid out as a photo library: one subfolder per person, plus a group photo, a landscape and a note. */
let library: string;
let photoCount = 0;

beforeAll(async () => {
  library = join(mkdtempSync(join(tmpdir(), 'facelocal-library-')), 'library');
  for (const identity of readdirSync(FACES_DIR, { withFileTypes: true }).filter(
    (d) => d.isDirectory() && !d.name.startsWith('_'),
  )) {
    mkdirSync(join(library, identity.name), { recursive: true });
    for (const f of readdirSync(join(FACES_DIR, identity.name))) {
      copyFileSync(join(FACES_DIR, identity.name, f), join(library, identity.name, f));
      photoCount++;
    }
  }
  mkdirSync(join(library, 'misc'));
  copyFileSync(join(FACES_DIR, '_group/facerec_two_people.jpg'), join(library, 'misc/two_people.jpg'));
  copyFileSync(join(FACES_DIR, '_noface/sharp_Landscape_1.jpg'), join(library, 'misc/landscape.jpg'));
  writeFileSync(join(library, 'misc/broken.jpg'), 'not a photo at all');
  photoCount += 3;
});

async function openImportTab(p = app.page) {
  await p.click('[data-testid=tab-import]');
  await p.locator('import-panel').waitFor();
}

async function status(p = app.page) {
  const s = p.locator('[data-testid=import-status]');
  return {
    done: Number(await s.getAttribute('data-done')),
    total: Number(await s.getAttribute('data-total')),
    skipped: Number(await s.getAttribute('data-skipped')),
    cancelled: (await s.getAttribute('data-cancelled')) === 'true',
  };
}

async function waitFinished(p = app.page) {
  await p.locator('[data-testid=import-status][data-finished=true]').waitFor({ timeout: 110_000 });
  await p.locator('[data-testid=import-groups]').waitFor({ timeout: 30_000 });
}

/** Each group's faces as the identity folders they came from. */
async function groupsByIdentity(p = app.page): Promise<string[][]> {
  const groups = await p.locator('[data-testid=import-group]').all();
  return Promise.all(
    groups.map(async (g) =>
      (
        await g.locator('[data-testid=import-face]').evaluateAll((els) => els.map((e) => e.getAttribute('title') ?? ''))
      ).map((path) => path.split('/')[1]),
    ),
  );
}

/** Pairwise precision and recall of the groups against the folders (a face in no group counts as its own group). */
function pairwise(groups: string[][], identityCounts: Map<string, number>) {
  let samePairsInGroups = 0,
    pairsInGroups = 0;
  for (const g of groups) {
    pairsInGroups += (g.length * (g.length - 1)) / 2;
    const counts = new Map<string, number>();
    for (const id of g) counts.set(id, (counts.get(id) ?? 0) + 1);
    for (const c of counts.values()) samePairsInGroups += (c * (c - 1)) / 2;
  }
  let truePairs = 0;
  for (const c of identityCounts.values()) truePairs += (c * (c - 1)) / 2;
  return { precision: samePairsInGroups / pairsInGroups, recall: samePairsInGroups / truePairs };
}

describe('photo-library import', () => {
  it('imports a folder with progress; survives a reload mid-import and a cancel, never reading a photo twice', async () => {
    const doneAtLeast = (n: number) =>
      app.page.waitForFunction(
        (n) =>
          Number(
            document
              .querySelector('facelocal-app')
              ?.shadowRoot?.querySelector('import-panel')
              ?.shadowRoot?.querySelector('[data-testid=import-status]')
              ?.getAttribute('data-done') ?? 0,
          ) >= n,
        n,
        { timeout: 60_000 },
      );
    const committedPhotos = async () =>
      ((await readDeviceStorage(app.page)).stores['facelocal/importFiles'] ?? []).length;
    await openImportTab();
    await app.page.setInputFiles('[data-testid=import-folder]', library);
    await doneAtLeast(10);
    expect((await status()).total).toBe(photoCount); // broken.jpg is named like a photo: it is read and gets its message

    // A reload in the middle (as a crash would): what was committed stays, and is not read again.
    await app.page.reload();
    await waitForApp(app.page);
    const committed = await committedPhotos();
    expect(committed).toBeGreaterThanOrEqual(10);
    await openImportTab();
    await app.page.locator('[data-testid=import-resume]').waitFor();
    await app.page.setInputFiles('[data-testid=import-folder]', library);
    expect(await app.page.locator('[data-testid=import-notice]').textContent()).toContain(
      `${committed} photos were already read`,
    );
    expect((await status()).skipped).toBe(committed);

    // Cancelled: stops after the photo at hand; resuming skips everything read so far.
    await doneAtLeast(committed + 10);
    await app.page.click('[data-testid=import-cancel]');
    await app.page
      .locator('[data-testid=import-status][data-finished=true][data-cancelled=true]')
      .waitFor({ timeout: 30_000 });
    const stopped = await status();
    expect(stopped.done).toBeLessThan(stopped.total);
    expect(await committedPhotos()).toBe(stopped.done);
    await app.page.setInputFiles('[data-testid=import-folder]', library);
    // The resumed run starts after it takes the gallery's shared lock: wait for its status, not the cancelled one's.
    await app.page.locator('[data-testid=import-status]:not([data-cancelled=true])').waitFor({ timeout: 60_000 });
    await waitFinished();
    const resumed = await status();
    expect(resumed.cancelled).toBe(false);
    expect(resumed.done).toBe(resumed.total);
    expect(resumed.skipped).toBe(stopped.done);
    // The broken file has its own message; the batch went on.
    expect(
      await app.page.locator('[data-testid=import-failure][data-code=unreadable-file]').count(),
    ).toBeLessThanOrEqual(1);
    expect(await committedPhotos()).toBe(photoCount);
    // Every photo's faces are there exactly once: one per portrait, two in the group photo.
    const faces = await app.page.locator('[data-testid=import-face]').count();
    expect(faces).toBe(photoCount - 3 + 2);
    const rate = await app.page.locator('[data-testid=import-rate]').textContent();
    console.log(`import: ${resumed.total - resumed.skipped} photos read in the last run at ${rate} photos/s`);
  });

  it('groups the faces by person: measured against the folders, few wrong pairs and most right ones', async () => {
    const groups = await groupsByIdentity();
    const identityCounts = new Map<string, number>();
    for (const d of readdirSync(library, { withFileTypes: true }).filter((x) => x.isDirectory() && x.name !== 'misc'))
      identityCounts.set(d.name, readdirSync(join(library, d.name)).length);
    const labelled = groups.map((g) => g.filter((id) => id !== 'misc'));
    const { precision, recall } = pairwise(labelled, identityCounts);
    console.log(
      `grouping on ${FACES_DIR}: ${groups.length} groups for ${identityCounts.size} people; pairwise precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)}`,
    );
    expect(precision).toBeGreaterThanOrEqual(0.95);
    expect(recall).toBeGreaterThanOrEqual(0.8);
    expect(groups.length).toBeGreaterThanOrEqual(20);
  });

  it('merges, splits, moves a face, and enrols a named group with consent', async () => {
    const sizes = async () =>
      Promise.all(
        (await app.page.locator('[data-testid=import-group]').all()).map(async (g) =>
          Number((await g.locator('[data-testid=group-size]').textContent())!.match(/\d+/)![0]),
        ),
      );
    /** Waits until the panel shows `n` groups, or at least `n` (a split may find more than the merge joined). */
    const groupsShown = (n: number, atLeast = false) =>
      app.page.waitForFunction(
        ({ n, atLeast }) => {
          const shown = Number(
            document
              .querySelector('facelocal-app')
              ?.shadowRoot?.querySelector('import-panel')
              ?.shadowRoot?.querySelector('[data-testid=import-groups]')
              ?.getAttribute('data-count'),
          );
          return atLeast ? shown >= n : shown === n;
        },
        { n, atLeast },
      );
    const before = await sizes();
    // Merge the first two groups.
    const groupCards = app.page.locator('[data-testid=import-group]');
    await groupCards.nth(0).locator('[data-testid=group-select]').check();
    await groupCards.nth(1).locator('[data-testid=group-select]').check();
    await app.page.click('[data-testid=merge-groups]');
    await groupsShown(before.length - 1);
    const merged = await sizes();
    expect(merged).toContain(before[0] + before[1]);
    // Split it again: two people that far apart come apart.
    const mergedIndex = merged.indexOf(before[0] + before[1]);
    await groupCards.nth(mergedIndex).locator('[data-testid=split-group]').click();
    await groupsShown(before.length, true);
    expect((await sizes()).sort()).toEqual([...before].sort());
    // Move two faces of the largest group out, together, to a new group.
    const largest = groupCards.nth(0);
    const largestSize = (await sizes())[0];
    await largest.locator('[data-testid=import-face]').nth(0).click();
    await largest.locator('[data-testid=import-face]').nth(1).click();
    await largest.locator('[data-testid=move-target]').selectOption('new');
    await largest.locator('[data-testid=move-faces]').click();
    await groupsShown(before.length + 1);
    expect(await sizes()).toContain(largestSize - 2);
    expect(await sizes()).toContain(2);

    // Name the Obama group (found by its faces' folders) and enrol him with consent.
    const groups = await groupsByIdentity();
    // (misc/two_people.jpg shows Obama too, so a face from misc/ may join him.)
    const isObama = (g: string[]) =>
      g.filter((id) => id === 'obama').length >= 2 && g.every((id) => id === 'obama' || id === 'misc');
    const obama = groups.findIndex(isObama);
    expect(obama).toBeGreaterThanOrEqual(0);
    const card = groupCards.nth(obama);
    await card.locator('[data-testid=name-group]').click();
    await card.locator('[data-testid=enrol-group]').click(); // no name, no consent: refused
    expect(await card.locator('[data-testid=group-problem]').textContent()).toMatch(/name/);
    await card.locator('[data-testid=group-name]').fill('Barack Obama');
    await card.locator('[data-testid=enrol-group]').click();
    expect(await card.locator('[data-testid=group-problem]').textContent()).toMatch(/consent/);
    await card.locator('[data-testid=consent-retention]').selectOption('0');
    await card.locator('[data-testid=consent-collected-by]').fill('Test Operator');
    await card.locator('[data-testid=consent-attest]').check();
    await card.locator('[data-testid=enrol-group]').click();
    await app.page.locator('[data-testid=import-notice]', { hasText: 'Barack Obama was enrolled' }).waitFor();
    // The notice comes before the groups are read again: wait for the list to drop the enrolled group.
    await expect.poll(async () => (await groupsByIdentity()).some(isObama), { timeout: 15_000 }).toBe(false);
    await app.page.click('[data-testid=tab-people]');
    await app.page.locator('[data-testid=person][data-name="Barack Obama"]').waitFor();
    // He is now recognised like anyone enrolled.
    await app.page.click('[data-testid=tab-identify]');
    await app.page.setInputFiles('[data-testid=identify-photo]', join(FACES_DIR, '_group/facerec_obama_and_biden.jpg'));
    await app.page.locator('[data-testid=identify-busy]').waitFor({ state: 'detached', timeout: 60_000 });
    expect(await app.page.locator('[data-testid=face-label]').allTextContents()).toEqual(
      expect.arrayContaining([expect.stringContaining('Barack Obama')]),
    );
    expect(app.offOriginRequests()).toEqual([]);
  });

  it('holds unnamed faces only for the tab session, unless kept', async () => {
    const context = app.context;
    const importFaces = async (p: Page) => ((await readDeviceStorage(p)).stores['facelocal/importFaces'] ?? []).length;
    expect(await importFaces(app.page)).toBeGreaterThan(0);
    // A second tab is another session: it leaves this tab's import alone while this tab is open.
    const second = await context.newPage();
    await second.goto(inject('baseUrl'));
    await waitForApp(second);
    expect(await importFaces(second)).toBeGreaterThan(0);
    await openImportTab(second);
    expect(await second.locator('[data-testid=import-resume]').count()).toBe(0); // not its import
    // Close the first tab: its session ends, and the next start of the app erases its unnamed faces.
    await app.page.close();
    const third = await context.newPage();
    await third.goto(inject('baseUrl'));
    await waitForApp(third);
    expect(await importFaces(third)).toBe(0);

    // Kept: survives the end of the session.
    await openImportTab(third);
    await third.setInputFiles('[data-testid=import-files]', [
      join(library, 'obama/obama1.jpg'),
      join(library, 'obama/obama2.jpg'),
    ]);
    await waitFinished(third);
    await third.fill('[data-testid=import-keep-purpose]', 'to ask them for consent at the next meeting');
    await third.click('[data-testid=import-keep]');
    await third.locator('[data-testid=import-kept]').waitFor();
    await third.close();
    const fourth = await context.newPage();
    await fourth.goto(inject('baseUrl'));
    await waitForApp(fourth);
    expect(await importFaces(fourth)).toBe(2);
    await openImportTab(fourth);
    await fourth.locator('[data-testid=import-resume]').waitFor();
    await fourth.click('[data-testid=import-discard]');
    await fourth.locator('[data-testid=import-notice]', { hasText: 'discarded' }).waitFor();
    expect(await importFaces(fourth)).toBe(0);
  });
});
