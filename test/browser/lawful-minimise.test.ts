// Issue 13, items 3 (minimise) and 8 (paperwork), on the real app and facade in Chromium with real photos. Where a
// claim is about storage, IndexedDB is read directly: a stored JPEG shows its start-of-image marker (FF D8 FF).
import { describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { facePath, giveConsent, readDeviceStorage, waitForApp } from './browser';
import { harnessSuite } from './suite';
import { consentFor } from '../test-consent';

/** Paperwork, thumbnails, imports: nothing of it may leave the device. */
const harness = harnessSuite({ network: 'no-data-sent' });

/** A JPEG's start-of-image marker as readDeviceStorage renders bytes (latin1). */
const JPEG = '\u00ff\u00d8\u00ff';

/** The stored records of one store of one database, as text, read straight from IndexedDB. */
async function stored(database: string, store: string): Promise<string> {
  return JSON.stringify((await readDeviceStorage(harness.page)).stores[`${database}/${store}`] ?? []);
}

/** Opens the app in another tab of the harness's browser profile (same IndexedDB). */
async function openAppTab(): Promise<Page> {
  const ui = await harness.context.newPage();
  await ui.goto(inject('baseUrl'));
  await waitForApp(ui);
  return ui;
}

/** Clicks a button that saves a file and returns the file's name and text. */
async function download(ui: Page, selector: string): Promise<{ name: string; text: string }> {
  const [d] = await Promise.all([ui.waitForEvent('download'), ui.click(selector)]);
  return { name: d.suggestedFilename(), text: readFileSync((await d.path())!, 'utf8') };
}

describe('minimise: face thumbnails (item 3)', () => {
  it('without thumbnails no image of a face is stored (switching off erases them, audited) and nothing else changes', async () => {
    const db = 'minimise-thumbnails';
    const r = await harness.page.evaluate(
      async ({ db, obama }) => {
        const m = await window.facelocal.openMatcher({ databaseName: db });
        const file = (f: string) => window.facelocal.facePhoto(f);
        const initial = await m.thumbnailSetting();
        await m.setThumbnails('keep');
        const { person } = await m.enrol({ name: 'Barack Obama', consent: obama }, [
          await file('obama/obama.jpg'),
          await file('obama/obama1.jpg'),
        ]);
        const probe = await file('obama/obama3.jpg');
        const before = (await m.identify(probe)).faces[0].match;
        (window as unknown as { m: typeof m }).m = m;
        return { initial, id: person!.id, before };
      },
      { db, obama: consentFor('Barack Obama') },
    );
    expect(r.initial).toBeNull(); // not chosen yet: the app asks at first run
    expect(await stored(db, 'templates')).toContain(JPEG); // kept: the check below can fail

    const after = await harness.page.evaluate(
      async ({ id, biden }) => {
        const m = (window as unknown as { m: Awaited<ReturnType<typeof window.facelocal.openMatcher>> }).m;
        const file = (f: string) => window.facelocal.facePhoto(f);
        const { erased } = await m.setThumbnails('drop');
        const { person: joe } = await m.enrol({ name: 'Joe Biden', consent: biden }, [await file('biden/biden.jpg')]);
        const run = await m.imports.start(
          await Promise.all(['_group/facerec_obama_and_biden.jpg', '_group/faceapi_bbt1.jpg'].map(file)),
        );
        await run.done;
        const groups = await m.imports.groups(run.jobId);
        const shown = [...groups.groups.flatMap((g) => g.faces), ...groups.unassigned, ...groups.poor];
        const match = (await m.identify(await file('obama/obama3.jpg'))).faces[0].match;
        const receipt = await m.consentReceipt(id);
        const exported = JSON.parse(await (await m.exportPerson(id)).text());
        const result = {
          erased,
          setting: await m.thumbnailSetting(),
          match,
          thumbnail: await m.thumbnail(id),
          photos: (await m.photosOf(joe!.id)).map((p) => p.thumbnail),
          listed: (await m.listPeople()).map((p) => [p.name, p.templateCount]),
          importFaces: shown.length,
          importPictures: shown.filter((f) => f.thumbnail instanceof Blob && f.thumbnail.size > 0).length,
          categories: receipt.json.services[0].purposes[0].piiCategory.join('; '),
          exportedThumbnails: exported.people[0].templates.map((t: { thumbnail: unknown }) => t.thumbnail),
          audit: (await m.auditLog()).filter((e) => e.action === 'thumbnails').map((e) => e.outcome),
        };
        await m.close();
        return result;
      },
      { id: r.id, biden: consentFor('Joe Biden') },
    );
    expect(after.erased).toBe(2);
    expect(after.setting).toBe('drop');
    expect(after.audit).toEqual([
      'a face thumbnail is kept beside each new template',
      'templates only from now on; 2 stored face thumbnail(s) erased',
    ]);
    // Nothing image-like of a face in storage: templates (old and new), nor the import's faces.
    const templates = await stored(db, 'templates');
    expect(templates).not.toContain(JPEG);
    expect(JSON.parse(templates)).toHaveLength(3);
    expect(await stored(db, 'importFaces')).not.toContain(JPEG);
    // The import still shows its faces in this tab (held in memory only) so groups can be named.
    expect(after.importFaces).toBeGreaterThan(2);
    expect(after.importPictures).toBe(after.importFaces);
    // Nothing else changes: same person, same templates, same match and score (the reading differs only by the
    // gallery's size, now one template larger).
    expect(after.match).toMatchObject({
      kind: r.before.kind,
      score: (r.before as { score: number }).score,
      personId: r.id,
    });
    expect(after.listed).toEqual([
      ['Barack Obama', 2],
      ['Joe Biden', 1],
    ]);
    expect(after.thumbnail).toBeNull();
    expect(after.photos).toEqual([null]);
    expect(after.categories).not.toMatch(/thumbnail/);
    expect(after.exportedThumbnails).toEqual([null, null]);
  });

  it('the app asks at first run, saying what each choice means; without thumbnails the people list shows initials', async () => {
    const ui = await openAppTab();
    try {
      await ui.click('[data-testid=tab-people]');
      const question = ui.locator('[data-testid=thumbnails-question]');
      await question.waitFor();
      expect(await question.textContent()).toMatch(
        /Templates only[\s\S]*no picture of any face is stored[\s\S]*Keep face thumbnails[\s\S]*a small \(96×96\) picture/,
      );
      await ui.click('[data-testid=thumbnails-choose-drop]');
      await question.waitFor({ state: 'detached' });

      await ui.fill('[data-testid=person-name]', 'Penny Hofstadter');
      await ui.setInputFiles('[data-testid=person-photos]', [facePath('penny/penny1.png')]);
      await giveConsent(ui);
      await ui.click('[data-testid=enrol-submit]');
      const card = ui.locator('[data-testid=person][data-name="Penny Hofstadter"]');
      await card.locator('[data-testid=face-initials]', { hasText: 'PH' }).waitFor({ timeout: 60_000 });
      expect(await card.locator('img').count()).toBe(0);
      expect(await stored('facelocal', 'templates')).not.toContain(JPEG);

      // Switched on, a new enrolment keeps one; switched off again, it is erased and the list shows initials.
      await ui.click('[data-testid=tab-data]');
      await ui.click('[data-testid=thumbnails-keep]');
      await ui.locator('[data-testid=thumbnails-setting][data-value=keep]').waitFor();
      await ui.click('[data-testid=tab-people]');
      await ui.fill('[data-testid=person-name]', 'Amy Farrah Fowler');
      await ui.setInputFiles('[data-testid=person-photos]', [facePath('amy/amy1.png')]);
      await giveConsent(ui);
      await ui.click('[data-testid=enrol-submit]');
      await ui
        .locator('[data-testid=person][data-name="Amy Farrah Fowler"] [data-testid=person-face]')
        .waitFor({ timeout: 60_000 });
      expect(await stored('facelocal', 'templates')).toContain(JPEG);
      await ui.click('[data-testid=tab-data]');
      await ui.click('[data-testid=thumbnails-drop]');
      await ui.locator('[data-testid=data-info]', { hasText: '1 face thumbnail erased' }).waitFor();
      expect(await stored('facelocal', 'templates')).not.toContain(JPEG);
      await ui.click('[data-testid=tab-people]');
      await ui
        .locator('[data-testid=person][data-name="Amy Farrah Fowler"] [data-testid=face-initials]', { hasText: 'AF' })
        .waitFor();
    } finally {
      await ui.close();
    }
  });
});

describe('minimise: unnamed bystander faces (item 3)', () => {
  it('are kept beyond the tab only with a purpose and at most 30 days, and Your data lists them', async () => {
    const ui = await openAppTab();
    try {
      await ui.click('[data-testid=tab-import]');
      await ui.setInputFiles('[data-testid=import-files]', [facePath('_group/facerec_kit_with_rose.jpg')]);
      await ui.locator('[data-testid=import-status][data-finished=true]').waitFor({ timeout: 110_000 });
      await ui.locator('[data-testid=import-keeping]').waitFor();
      await ui.click('[data-testid=import-keep]'); // no purpose
      await ui.locator('[data-testid=message][data-code=invalid-setting]', { hasText: 'Say why' }).waitFor();
      let jobs = JSON.parse(await stored('facelocal', 'importJobs')) as {
        keep: boolean;
        purpose: string | null;
        retentionDays: number | null;
        expiresAt: number | null;
      }[];
      expect(jobs.map((j) => j.keep)).toEqual([false]); // refused: nothing changed

      await ui.fill('[data-testid=import-keep-purpose]', 'to ask them for consent at the next meeting');
      await ui.selectOption('[data-testid=import-keep-days]', '14');
      await ui.click('[data-testid=import-keep]');
      await ui.locator('[data-testid=import-kept]', { hasText: 'to ask them for consent' }).waitFor();
      jobs = JSON.parse(await stored('facelocal', 'importJobs'));
      expect(jobs).toHaveLength(1);
      expect(jobs[0]).toMatchObject({
        keep: true,
        purpose: 'to ask them for consent at the next meeting',
        retentionDays: 14,
      });
      const days = (jobs[0].expiresAt! - Date.now()) / 86_400_000;
      expect(days).toBeGreaterThan(13.9);
      expect(days).toBeLessThanOrEqual(14);

      await ui.click('[data-testid=tab-data]');
      const row = ui.locator('[data-testid=held-import][data-kept=true]');
      await row.waitFor();
      expect(await row.locator('[data-testid=held-purpose]').textContent()).toBe(
        'to ask them for consent at the next meeting',
      );
      expect(Number(await row.getAttribute('data-faces'))).toBe(2);
      // The transparency table describes the two new fields too.
      await ui.locator('[data-testid=stored-item][data-field="importJobs.purpose"]').waitFor();
    } finally {
      await ui.close();
    }
    // The tab is gone; the kept import stays (its purpose recorded), as the next start of the app shows.
    const next = await openAppTab();
    try {
      expect(JSON.parse(await stored('facelocal', 'importJobs'))).toHaveLength(1);
    } finally {
      await next.close();
    }
  });
});

describe('paperwork (item 8)', () => {
  it('writes a record of processing, a DPIA starter and accuracy and limits from the real gallery, as Markdown and printable HTML', async () => {
    const ui = await openAppTab();
    try {
      await ui.click('[data-testid=tab-data]');
      const rop = await download(ui, '[data-testid=paperwork-record-of-processing-md]');
      expect(rop.name).toMatch(/^facelocal-record-of-processing-\d{4}-\d\d-\d\d\.md$/);
      // From the gallery the tests above made: two people, one photo each, 30 days, no thumbnails, one kept import.
      expect(rop.text).toContain('| Group and name this person in a private photo library | — | 2 |');
      expect(rop.text).toContain('| 30 days | 2 |');
      expect(rop.text).toContain('People enrolled with their consent: 2 (0 with processing restricted).');
      expect(rop.text).toContain('Face templates (biometric data, special category under GDPR Art. 9): 2,');
      expect(rop.text).toContain('not kept (templates only); 0 stored.');
      expect(rop.text).toContain('2 kept for "to ask them for consent at the next meeting" for 14 days');
      expect(rop.text).toContain(`IndexedDB database "facelocal" for ${new URL(inject('baseUrl')).origin}`);
      expect(rop.text).toContain('Encryption at rest: OFF');
      expect(rop.text).toContain('Consent was collected by: Test Operator.');
      expect(rop.text).not.toMatch(/Penny|Amy/); // counts and purposes, never who

      const ropHtml = await download(ui, '[data-testid=paperwork-record-of-processing-html]');
      expect(ropHtml.name).toMatch(/\.html$/);
      expect(ropHtml.text).toMatch(/^<!doctype html>[\s\S]*<h1>Record of processing activities<\/h1>/);
      expect(ropHtml.text).toContain('<td>30 days</td><td>2</td>');

      const dpia = await download(ui, '[data-testid=paperwork-dpia-starter-md]');
      const thresholds = await harness.page.evaluate(() => window.facelocal.thresholdsFor(2));
      expect(dpia.text).toContain(
        `names a person only above ${thresholds.named.toFixed(3)} for this gallery's 2 templates`,
      );
      expect(dpia.text).toContain('Encryption at rest is OFF');

      const accuracy = await download(ui, '[data-testid=paperwork-accuracy-and-limits-md]');
      expect(accuracy.text).toContain('98.81 % ± 0.51 %');
      expect(accuracy.text).toContain('| threshold in use (cosine similarity) | 0.3437 |');
      expect(accuracy.text).toContain(
        `In this gallery (2 templates) a face is named from ${thresholds.named.toFixed(3)} and shown as a possible match from ${thresholds.possible.toFixed(3)}.`,
      );
      expect(accuracy.text).toContain('| 1,000 × ≤3 | 0.41 % | 5.95 % | 7.36 % | 0.03 % |');
      const accuracyHtml = await download(ui, '[data-testid=paperwork-accuracy-and-limits-html]');
      expect(accuracyHtml.text).toContain('<h2>Known limits</h2>');
    } finally {
      await ui.close();
    }
  });
});
