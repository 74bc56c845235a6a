// Names survive a model change, the photo-library way: a folder imported and a group named by another embedding
// set-up (the import kept), then the app (the running model) asked to update faces from that folder picked again,
// through the UI, on real photos. A wrong folder is refused and changes nothing; the right one, with one photo
// touched since the import, re-embeds the rest: the person no longer needs re-enrolling and is named again. Then the
// whole way through the app's UI (import, name, keep), to another set-up and back, updated from the folder each time:
// the import's unnamed faces of the other set-up are neither grouped, compared nor named until updated, and are then
// grouped and named with the running model's id.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FACES_DIR, launchBrowser, openHarness, readDeviceStorage, waitForApp, type WatchedPage } from './browser';

let browser: Browser;
let harness: WatchedPage;
let page: Page;
/** Obama (but obama3.jpg, kept to identify him by) and Biden, one folder each. */
let library: string;
/** Another folder: the same people's photos under other paths, and one of the library's under its own name. */
let otherFolder: string;
const PROBE = join(FACES_DIR, 'obama/obama3.jpg');

beforeAll(async () => {
  const root = mkdtempSync(join(tmpdir(), 'facelocal-reembed-'));
  library = join(root, 'library');
  for (const who of ['obama', 'biden']) {
    mkdirSync(join(library, who), { recursive: true });
    for (const f of readdirSync(join(FACES_DIR, who)))
      if (f !== 'obama3.jpg') copyFileSync(join(FACES_DIR, who, f), join(library, who, f));
  }
  otherFolder = join(root, 'elsewhere');
  mkdirSync(join(otherFolder, 'obama'), { recursive: true });
  for (const f of ['obama1.jpg', 'obama2.jpg']) copyFileSync(join(FACES_DIR, 'obama', f), join(otherFolder, f));
  // The same relative name as in the library, but another folder: a different path, so not the import's photo.
  copyFileSync(join(FACES_DIR, 'obama/obama.jpg'), join(otherFolder, 'obama/obama.jpg'));
  browser = await launchBrowser();
  harness = await openHarness(browser, inject('baseUrl'));
  page = harness.page;
});

afterAll(async () => {
  await harness?.close();
  await browser?.close();
}, 30_000);

async function templatesStored(): Promise<unknown[]> {
  return (await readDeviceStorage(page)).stores['facelocal/templates'];
}

describe('updating faces from an import after a model change', () => {
  it('re-reads the kept import from its folder: a wrong folder changes nothing, the right one re-enrols by name', async () => {
    // The earlier set-up (mirror-averaged embeddings: another model id) imports the folder into the app's gallery,
    // names Obama's group with his consent and keeps the import. The folder is picked by a real folder input, so
    // each file carries its path, size and date as the app's own picker gives them.
    await pickFolderOnPage(page, 'old-app-folder', library);
    const old = await page.evaluate(async () => {
      const files = Array.from((document.getElementById('old-app-folder') as HTMLInputElement).files ?? []);
      const m = await window.facelocal.openMatcher({ embedderTuning: { flipAverage: true } });
      const run = await m.imports.start(files);
      await run.done;
      const { groups } = await m.imports.groups(run.jobId);
      const obama = groups.find((g) => g.faces.every((f) => f.fileName.includes('/obama/')));
      if (!obama)
        throw new Error(
          `no group of Obama's alone: ${JSON.stringify(groups.map((g) => g.faces.map((f) => f.fileName)))}`,
        );
      await m.imports.enrolGroup(run.jobId, obama.id, {
        name: 'Barack Obama',
        consent: {
          subjectName: 'Barack Obama',
          givenAt: Date.now(),
          purpose: 'photo-library',
          purposeDetail: '',
          method: 'checkbox',
          retention: { kind: 'days', days: 30 },
          collectedBy: 'Test',
        },
      });
      await m.imports.setKept(run.jobId, { purpose: 'to ask the others for consent', days: 7 });
      const model = m.info.embedderModel;
      const [person] = await m.listPeople();
      const left = await m.imports.groups(run.jobId);
      await m.close();
      return {
        model,
        named: obama.faces.map((f) => f.fileName),
        person,
        // The import's unnamed faces (Biden's, and any other), made by this set-up too.
        unnamed: [...left.groups.flatMap((g) => g.faces), ...left.unassigned, ...left.poor].map((f) => f.fileName),
      };
    });
    expect(old.named.length).toBeGreaterThanOrEqual(3);

    // The app, running the default model: the People tab says he needs re-enrolling, and he is not named.
    await page.goto(inject('baseUrl'));
    await waitForApp(page);
    await page.click('[data-testid=tab-people]');
    const card = () => page.locator('[data-testid=person][data-name="Barack Obama"]');
    await card().locator('[data-testid=person-reenrol]').waitFor();
    expect(await card().locator('[data-testid=person-reenrol]').innerText()).toContain(old.model);
    await page.click('[data-testid=tab-identify]');
    await page.setInputFiles('[data-testid=identify-photo]', PROBE);
    const label = page.locator('[data-testid=face-label]');
    await label.first().waitFor({ timeout: 60_000 });
    expect(await label.allInnerTexts()).toEqual([expect.stringMatching(/^Unknown/)]);

    // The kept import offers the update; a wrong folder is refused, and nothing stored changes.
    await page.click('[data-testid=tab-import]');
    const update = page.locator('face-update [data-testid=update-faces]');
    await update.waitFor();
    expect(await update.getAttribute('data-waiting')).toBe('1');
    expect(Number(await update.getAttribute('data-outdated'))).toBe(old.unnamed.length);
    const before = await templatesStored();
    await page.setInputFiles('face-update [data-testid=update-faces-folder]', otherFolder);
    const refused = page.locator('face-update [data-testid=update-faces-message]');
    await refused.waitFor({ timeout: 60_000 });
    expect(await refused.getAttribute('data-code')).toBe('not-this-folder');
    expect(await refused.innerText()).toMatch(/None of the files in this folder is a photo this import read/);
    expect(await templatesStored()).toEqual(before);

    // One of his photos touched since the import (a new date): it is not trusted; the others are read again.
    const touched = old.named.find((f) => f.endsWith('/obama1.jpg'));
    expect(touched).toBeDefined();
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(library, 'obama/obama1.jpg'), later, later);
    await page.setInputFiles('face-update [data-testid=update-faces-folder]', library);
    const outcome = page.locator('face-update [data-testid=update-faces-outcome]');
    await outcome.waitFor({ timeout: 90_000 });
    expect(Number(await outcome.getAttribute('data-faces'))).toBe(old.named.length - 1);
    // The import's unnamed faces are updated too, from their (untouched) photos.
    const untouched = (f: string) => !f.endsWith('/obama1.jpg');
    expect(Number(await outcome.getAttribute('data-unnamed'))).toBe(old.unnamed.filter(untouched).length);
    expect(Number(await outcome.getAttribute('data-photos-read'))).toBe(
      new Set([...old.named, ...old.unnamed].filter(untouched)).size,
    );
    expect(await outcome.getAttribute('data-people')).toBe('1');
    expect(await outcome.getAttribute('data-changed')).toBe('1');
    expect(await outcome.innerText()).toContain('Recognised again: Barack Obama');
    expect(await outcome.innerText()).toContain('obama1.jpg');
    expect(await update.getAttribute('data-waiting')).toBe('0');

    // The People tab: no longer needs re-enrolling; name, consent and retention as they were.
    await page.click('[data-testid=tab-people]');
    await card().waitFor();
    expect(await card().locator('[data-testid=person-reenrol]').count()).toBe(0);
    expect(await card().locator('[data-testid=person-template-count]').innerText()).toBe(
      `${old.person.templateCount} photos`,
    );
    expect(await card().locator('[data-testid=person-expiry]').getAttribute('data-expires-at')).toBe(
      String(old.person.expiresAt),
    );
    // ...and a photo of him that was never imported names him again.
    await page.click('[data-testid=tab-identify]');
    await page.setInputFiles('[data-testid=identify-photo]', PROBE);
    await page.locator('[data-testid=face-label]', { hasText: 'Barack Obama: a confident match' }).waitFor({
      timeout: 60_000,
    });
    expect(await page.locator('[data-testid=face-label]').count()).toBe(1);
    expect(harness.offOriginRequests()).toEqual([]);
  });

  it('a folder imported and named in the app survives a change of model and back, updated from the folder each time', async () => {
    // A fresh gallery: the app imports the folder, a group is named with consent and the import kept, all in the UI.
    const fresh = await openHarness(browser, inject('baseUrl'));
    const ui = fresh.page;
    try {
      await ui.goto(inject('baseUrl'));
      await waitForApp(ui);
      await ui.click('[data-testid=tab-import]');
      await ui.setInputFiles('[data-testid=import-folder]', library);
      await ui.locator('[data-testid=import-status][data-finished=true]').waitFor({ timeout: 110_000 });
      await ui.locator('[data-testid=import-groups]').waitFor();
      // Obama's group: every face from his folder.
      const obama = await groupOfFolder(ui, 'obama', 3);
      if (!obama) throw new Error("no group of Obama's faces");
      const named = await obama.locator('[data-testid=import-face]').count();
      const faces = await ui.locator('[data-testid=import-groups] [data-testid=import-face]').count();
      await obama.locator('[data-testid=name-group]').click();
      await obama.locator('[data-testid=group-name]').fill('Barack Obama');
      await obama.locator('[data-testid=consent-retention]').selectOption('0');
      await obama.locator('[data-testid=consent-collected-by]').fill('Test Operator');
      await obama.locator('[data-testid=consent-attest]').check();
      await obama.locator('[data-testid=enrol-group]').click();
      await ui.locator('[data-testid=import-notice]', { hasText: 'Barack Obama was enrolled' }).waitFor();
      await ui.fill('[data-testid=import-keep-purpose]', 'to ask Biden for consent');
      await ui.click('[data-testid=import-keep]');
      await ui.locator('[data-testid=import-kept]').waitFor();
      // No one needs re-enrolling yet: the update is not offered.
      expect(await ui.locator('face-update [data-testid=update-faces]').count()).toBe(0);

      // Another embedding set-up opens the gallery: Obama needs re-enrolling there, until it updates his faces from
      // the folder (as the app would in its place).
      await ui.goto(new URL('test/harness/', inject('baseUrl')).href);
      await ui.waitForFunction(() => document.body.dataset.ready === 'true');
      await pickFolderOnPage(ui, 'other-app-folder', library);
      const other = await ui.evaluate(async () => {
        const files = Array.from((document.getElementById('other-app-folder') as HTMLInputElement).files ?? []);
        const m = await window.facelocal.openMatcher({ embedderTuning: { flipAverage: true } });
        const [before] = await m.listPeople();
        const [job] = await m.imports.jobs();
        // The import's unnamed faces are the app's model's: not grouped, asked about or named by this set-up.
        const waiting = await m.imports.groups(job.id);
        const questions = await m.imports.suggestions(job.id);
        const groupId = waiting.outdated.faces.find((f) => f.groupId !== null)?.groupId ?? '';
        const refused = await m.imports
          .enrolGroup(job.id, groupId, {
            name: 'Joe Biden',
            consent: {
              subjectName: 'Joe Biden',
              givenAt: Date.now(),
              purpose: 'photo-library',
              purposeDetail: '',
              method: 'checkbox',
              retention: { kind: 'days', days: 30 },
              collectedBy: 'Test',
            },
          })
          .then(
            () => 'enrolled',
            (e: { code?: string }) => e.code ?? String(e),
          );
        const outcome = await m.imports.updateFaces(job.id, files);
        const updated = await m.imports.groups(job.id);
        const [after] = await m.listPeople();
        const people = (await m.listPeople()).length;
        await m.close();
        return {
          before: before.reenrol,
          waiting: { groups: waiting.groups.length, unassigned: waiting.unassigned.length, outdated: waiting.outdated },
          questions: questions.length,
          refused,
          outcome,
          updatedGroups: updated.groups.map((g) => g.id),
          stillOutdated: updated.outdated.faces.length,
          groupId,
          after: after.reenrol,
          people,
        };
      });
      expect(other.before).not.toBeNull();
      expect(other.waiting.groups).toBe(0);
      expect(other.waiting.unassigned).toBe(0);
      expect(other.waiting.outdated.faces).toHaveLength(faces - named);
      expect(other.waiting.outdated.fromModels).toEqual([expect.not.stringContaining('flip-average')]);
      expect(other.questions).toBe(0);
      expect(other.refused).toBe('outdated-faces');
      expect(other.people).toBe(1); // no one was enrolled by the refusal
      expect(other.outcome).toMatchObject({
        facesReembedded: named,
        unnamedFacesReembedded: faces - named,
        photosChanged: [],
        photosMissing: 0,
      });
      expect(other.outcome.peopleUpdated.map((p) => p.name)).toEqual(['Barack Obama']);
      expect(other.after).toBeNull();
      // Updated, Biden's group is there again, as it was (the same group), and nothing waits.
      expect(other.updatedGroups).toContain(other.groupId);
      expect(other.stillOutdated).toBe(0);

      // Back in the app: his faces are the other set-up's now, so he needs re-enrolling, and the folder updates him.
      await ui.goto(inject('baseUrl'));
      await waitForApp(ui);
      await ui.click('[data-testid=tab-people]');
      const card = ui.locator('[data-testid=person][data-name="Barack Obama"]');
      await card.locator('[data-testid=person-reenrol]').waitFor();
      await ui.click('[data-testid=tab-import]');
      // The import's unnamed faces are the other set-up's now: listed as waiting, in no group shown, nothing asked.
      const waiting = ui.locator('[data-testid=import-outdated-faces]');
      await waiting.waitFor();
      expect(Number(await waiting.getAttribute('data-count'))).toBe(faces - named);
      expect(await ui.locator('[data-testid=import-groups]').getAttribute('data-count')).toBe('0');
      expect(await ui.locator('[data-testid=import-group]').count()).toBe(0);
      expect(Number(await ui.locator('face-update [data-testid=update-faces]').getAttribute('data-outdated'))).toBe(
        faces - named,
      );
      await ui.setInputFiles('face-update [data-testid=update-faces-folder]', library);
      const outcome = ui.locator('face-update [data-testid=update-faces-outcome]');
      await outcome.waitFor({ timeout: 90_000 });
      expect(Number(await outcome.getAttribute('data-faces'))).toBe(named);
      expect(Number(await outcome.getAttribute('data-unnamed'))).toBe(faces - named);
      expect(await outcome.getAttribute('data-people')).toBe('1');
      // Updated: Biden's faces are grouped again and nothing waits; his group is named with consent, in the UI.
      await ui.locator('[data-testid=import-outdated-faces]').waitFor({ state: 'detached' });
      const biden = await groupOfFolder(ui, 'biden', 2);
      if (!biden) throw new Error("no group of Biden's faces after the update");
      await biden.locator('[data-testid=name-group]').click();
      await biden.locator('[data-testid=group-name]').fill('Joe Biden');
      await biden.locator('[data-testid=consent-retention]').selectOption('0');
      await biden.locator('[data-testid=consent-collected-by]').fill('Test Operator');
      await biden.locator('[data-testid=consent-attest]').check();
      await biden.locator('[data-testid=enrol-group]').click();
      await ui.locator('[data-testid=import-notice]', { hasText: 'Joe Biden was enrolled' }).waitFor();
      // Every template stored now records the running model: none claims the other set-up.
      const templates = (await readDeviceStorage(ui)).stores['facelocal/templates'];
      expect(templates.length).toBeGreaterThanOrEqual(named + 2);
      for (const t of templates) {
        expect(JSON.stringify(t)).toContain('fr_feature.onnx');
        expect(JSON.stringify(t)).not.toContain('flip-average');
      }
      await ui.click('[data-testid=tab-people]');
      await card.waitFor();
      expect(await card.locator('[data-testid=person-reenrol]').count()).toBe(0);
      const bidenCard = ui.locator('[data-testid=person][data-name="Joe Biden"]');
      await bidenCard.waitFor();
      expect(await bidenCard.locator('[data-testid=person-reenrol]').count()).toBe(0);
      await ui.click('[data-testid=tab-identify]');
      await ui.setInputFiles('[data-testid=identify-photo]', PROBE);
      await ui
        .locator('[data-testid=face-label]', { hasText: 'Barack Obama: a confident match' })
        .waitFor({ timeout: 60_000 });
      expect(fresh.offOriginRequests()).toEqual([]);
    } finally {
      await fresh.close();
    }
  });
});

/**
 * Picks `folder` through a real folder input added to the page (id `id`), so that each file carries its path, size and
 * date as the app's own picker gives them; the page then reads them from `#id`.
 */
async function pickFolderOnPage(on: Page, id: string, folder: string): Promise<void> {
  await on.evaluate((id) => {
    const input = document.createElement('input');
    input.type = 'file';
    input.webkitdirectory = true;
    input.id = id;
    document.body.append(input);
  }, id);
  await on.setInputFiles(`#${id}`, folder);
}

/** The last import group card of at least `atLeast` faces, every one from photos in `folder`; null if none. */
async function groupOfFolder(on: Page, folder: string, atLeast: number): Promise<Locator | null> {
  let found: Locator | null = null;
  for (const card of await on.locator('[data-testid=import-group]').all()) {
    const files = await card
      .locator('[data-testid=import-face]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-file') ?? ''));
    if (files.length >= atLeast && files.every((f) => f.includes(`/${folder}/`))) found = card;
  }
  return found;
}
