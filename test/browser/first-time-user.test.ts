// A first-time user's walk through the app (issue 11), on real photos through the real UI: each defect that walk
// found is driven here the way a person would hit it, and each check fails on the old behaviour.
import { describe, expect, it } from 'vitest';
import type { Locator } from 'playwright-core';
import { facePath, readDeviceStorage } from './browser';
import { appSuite } from './suite';

const app = appSuite({ viewport: { width: 1280, height: 900 } });

const photos = (folder: string, count: number, ext = 'png') =>
  Array.from({ length: count }, (_, i) => facePath(`${folder}/${folder}${i + 1}.${ext}`));

async function tab(name: string) {
  await app.page.click(`[data-testid=tab-${name}]`);
}

/** Imports photos in the Photo library tab and waits for the groups. */
async function importPhotos(files: string[]) {
  await tab('import');
  await app.page.locator('import-panel[data-loaded]').waitFor(); // the session's import is known: "start a separate one" is offered if there is one
  const fresh = app.page.locator('[data-testid=import-new]');
  if (await fresh.count()) await fresh.click();
  await app.page.setInputFiles('[data-testid=import-files]', files);
  await app.page.locator('[data-testid=import-status][data-finished=true]').waitFor({ timeout: 110_000 });
  // The groups shown are this import's once its last photo's faces are among them (not the groups from before).
  const last = files[files.length - 1].split('/').pop()!;
  await expect
    .poll(() => app.page.locator(`[data-testid=import-face][data-file="${last}"]`).count(), { timeout: 30_000 })
    .toBeGreaterThan(0);
}

/**
 * The group whose faces all come from photos whose names start with `prefix`. The panel is made afresh each time
 * its tab is opened and reads its groups then: they are looked for once it has (data-loaded), and for a few seconds.
 */
async function groupOf(prefix: string): Promise<Locator> {
  await app.page.locator('import-panel[data-loaded]').waitFor();
  let found: Locator | null = null;
  await expect
    .poll(async () => (found = await findGroupOf(prefix)) !== null, { timeout: 10_000 })
    .toBe(true)
    .catch(() => undefined);
  if (found) return found;
  const all = await Promise.all(
    (await app.page.locator('[data-testid=import-group]').all()).map((g) =>
      g.locator('[data-testid=import-face]').evaluateAll((els) => els.map((e) => e.getAttribute('data-file'))),
    ),
  );
  throw new Error(`no group of ${prefix} photos among ${JSON.stringify(all)}`);
}

async function findGroupOf(prefix: string): Promise<Locator | null> {
  for (const g of await app.page.locator('[data-testid=import-group]').all()) {
    const names = await g
      .locator('[data-testid=import-face]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-file') ?? e.getAttribute('title') ?? ''));
    if (names.length && names.every((n) => n.startsWith(prefix))) return g;
  }
  return null;
}

/** Fills in a consent record inside one part of the page (a group's or a person's form). */
async function consentIn(scope: Locator) {
  await scope.locator('[data-testid=consent-retention]').selectOption('0');
  await scope.locator('[data-testid=consent-collected-by]').fill('Test Operator');
  await scope.locator('[data-testid=consent-attest]').check();
}

/** People as stored on the device, read from IndexedDB directly (not through the app; this gallery is not encrypted). */
async function storedPeople(): Promise<{ name: string; consent: { subjectName: string } }[]> {
  const stores = (await readDeviceStorage(app.page)).stores;
  // Each payload is a packed record: u32 header length, u32 meta length, then the JSON header (src/core/record-packing.ts).
  return (stores['facelocal/people'] as { payload: { bytes: string } }[]).map(({ payload: { bytes } }) => {
    const length = [0, 1, 2, 3].reduce((n, i) => n + bytes.charCodeAt(i) * 256 ** i, 0);
    return JSON.parse(bytes.slice(8, 8 + length));
  });
}

describe('1. the library naming form is bound to its group', () => {
  it('after one group is enrolled, the next group starts empty and cannot enrol without its own consent', async () => {
    await importPhotos([...photos('bernadette', 5), ...photos('amy', 5)]);
    expect(await app.page.locator('[data-testid=import-group]').count()).toBe(2);
    // Name the first group (whose element the next group would take over if elements were reused by position).
    const first = app.page.locator('[data-testid=import-group]').first();
    const firstFiles = await first
      .locator('[data-testid=import-face]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-file') ?? e.getAttribute('title') ?? ''));
    const [named, other] = firstFiles.every((f) => f.startsWith('bernadette'))
      ? ['Bernadette', 'Amy']
      : ['Amy', 'Bernadette'];
    expect(firstFiles.every((f) => f.startsWith(named.toLowerCase()))).toBe(true);
    await first.locator('[data-testid=name-group]').click();
    await first.locator('[data-testid=group-name]').fill(named);
    await consentIn(first);
    await first.locator('[data-testid=enrol-group]').click();
    await app.page
      .locator('[data-testid=import-notice]', { hasText: `${named} was enrolled with 5 photos` })
      .waitFor({ timeout: 30_000 });

    // The one group left is the other person's: its form is closed, and opened it is empty, consent unticked.
    const next = app.page.locator('[data-testid=import-group]');
    await expect.poll(() => next.count()).toBe(1);
    expect(await next.locator('[data-testid=group-name]').count()).toBe(0);
    await next.locator('[data-testid=name-group]').click();
    expect(await next.locator('[data-testid=group-name]').inputValue()).toBe('');
    expect(await next.locator('[data-testid=consent-attest]').isChecked()).toBe(false);
    expect(await next.locator('[data-testid=consent-attest]').isDisabled()).toBe(true); // no name yet: nobody to consent
    expect(await next.locator('[data-testid=enrol-group]').textContent()).not.toContain(named);

    // No name: said, and the error goes once a name is typed.
    await next.locator('[data-testid=enrol-group]').click();
    expect(await next.locator('[data-testid=group-problem]').textContent()).toMatch(/Enter the name/);
    // A name alone does not enrol: consent must be given in this person's name.
    await next.locator('[data-testid=group-name]').fill(other);
    expect(await next.locator('[data-testid=group-problem]').count()).toBe(0);
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
  await app.page.locator('[data-testid=people-list]').waitFor();
  return Promise.all(
    (await app.page.locator('[data-testid=person]').all()).map(async (r) => ({
      name: (await r.locator('[data-testid=person-name-label]').textContent())!.trim(),
      count: Number((await r.locator('[data-testid=person-template-count]').textContent())!.match(/\d+/)![0]),
    })),
  );
}

const card = (name: string) => app.page.locator(`[data-testid=person][data-name="${name}"]`);

async function addPerson(name: string, files: string[]) {
  await tab('people');
  await app.page.fill('[data-testid=person-name]', name);
  await app.page.setInputFiles('[data-testid=person-photos]', files);
  await consentIn(app.page.locator('people-panel form'));
  await app.page.click('[data-testid=enrol-submit]');
  await app.page
    .locator('[data-testid=enrol-outcome], [data-testid=already-enrolled]')
    .first()
    .waitFor({ timeout: 60_000 });
}

describe('2. someone already enrolled is recognised before a second record is made', () => {
  it('Add a person: "looks like Barack Obama, already enrolled", and the photos go to him', async () => {
    await addPerson('Barack Obama', [facePath('obama/obama.jpg'), facePath('obama/obama1.jpg')]);
    expect(await app.page.locator('[data-testid=already-enrolled]').count()).toBe(0);
    await card('Barack Obama').waitFor();
    const before = await peopleShown();

    await addPerson('Barack Obama', [facePath('obama/obama2.jpg'), facePath('obama/obama3.jpg')]);
    const question = app.page.locator('[data-testid=already-enrolled]');
    expect(await question.textContent()).toMatch(/look like Barack Obama, who is already enrolled/);
    expect(await question.getAttribute('data-kind')).toBe('known');
    expect(await peopleShown()).toEqual(before); // nothing stored while asking
    await app.page.click('[data-testid=add-to-enrolled]');
    await app.page.locator('[data-testid=enrol-outcome]').nth(1).waitFor({ timeout: 60_000 });
    expect(await app.page.locator('[data-testid=enrol-outcome]').allTextContents()).toEqual([
      expect.stringMatching(/obama2\.jpg: added to Barack Obama/),
      expect.stringMatching(/obama3\.jpg: added to Barack Obama/),
    ]);
    await expect.poll(peopleShown).toEqual(before.map((p) => (p.name === 'Barack Obama' ? { ...p, count: 4 } : p)));
    // The form is ready for the next person: empty, no lines left from this one once they start.
    expect(await app.page.inputValue('[data-testid=person-name]')).toBe('');
    await app.page.fill('[data-testid=person-name]', 'Next');
    expect(await app.page.locator('[data-testid=enrol-outcome]').count()).toBe(0);
    await app.page.fill('[data-testid=person-name]', '');
  });

  it('Photo library: a group of someone enrolled is marked, and can be added to them', async () => {
    await importPhotos([
      ...['obama.jpg', 'obama1.jpg', 'obama2.jpg', 'obama3.jpg'].map((f) => facePath(`obama/${f}`)),
      facePath('biden/biden.jpg'),
      facePath('biden/biden2.jpg'),
    ]);
    const obama = await groupOf('obama');
    const biden = await groupOf('biden');
    expect(await obama.locator('[data-testid=group-already-enrolled]').textContent()).toMatch(
      /look like Barack Obama, who is already enrolled/,
    );
    expect(await biden.locator('[data-testid=group-already-enrolled]').count()).toBe(0);
    const before = await peopleShown();
    await tab('import');
    await (await groupOf('obama')).locator('[data-testid=add-group-to]').click();
    await app.page
      .locator('[data-testid=import-notice]', { hasText: 'Added to Barack Obama, who now has 8 photos' })
      .waitFor({ timeout: 30_000 });
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
    expect(await obama.locator('[data-testid=message]').textContent()).toMatch(
      /biden\.jpg: This face does not look like Barack Obama/,
    );
    expect(await obama.locator('[data-testid=person-template-count]').textContent()).toMatch(/^8 photos/);
    await obama.locator('[data-testid=add-anyway]').click();
    await expect
      .poll(() => obama.locator('[data-testid=person-template-count]').textContent(), { timeout: 60_000 })
      .toMatch(/^9 photos/);
    expect(await obama.locator('[data-testid=person-notice]').textContent()).toMatch(/1 photo added to Barack Obama/);
  });

  it('the Photos list shows each face, not only file names', async () => {
    const obama = card('Barack Obama');
    await obama.locator('[data-testid=photos]').click();
    await obama.locator('[data-testid=photo-list]').waitFor();
    const thumbs = obama.locator('[data-testid=photo-thumbnail]');
    expect(await thumbs.count()).toBe(9);
    await expect
      .poll(() =>
        thumbs.evaluateAll((imgs) =>
          imgs.every((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0),
        ),
      )
      .toBe(true);
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
    const download = app.page.waitForEvent('download');
    await card('Barack H. Obama').locator('[data-testid=export-person]').click();
    const exported = JSON.parse(await streamText(await (await download).createReadStream()));
    expect(exported.people[0].consent.subjectName).toBe('Barack H. Obama');
    expect(await card('Barack H. Obama').locator('[data-testid=person-notice]').textContent()).toMatch(
      /Saved facelocal-Barack-H-Obama\.json/,
    );
    await tab('data');
    await app.page.locator('[data-testid=audit-log][data-loaded=true]').waitFor();
    expect(await app.page.locator('[data-testid=audit-entry][data-action=rename]').first().textContent()).toMatch(
      /consent record/,
    );
  });
});

async function streamText(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** Rectangles of the face labels shown on the Identify result, as laid out on screen. */
async function tagRects() {
  return app.page.locator('[data-testid=face-tag]').evaluateAll((tags) =>
    tags.map((t) => {
      const r = t.getBoundingClientRect();
      return { left: r.left, right: r.right, top: r.top, bottom: r.bottom };
    }),
  );
}

const overlapping = (rects: { left: number; right: number; top: number; bottom: number }[]) =>
  rects.flatMap((a, i) =>
    rects
      .slice(i + 1)
      .filter((b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom)
      .map((b) => [a, b]),
  );

/** True when the page scrolls sideways (something is wider than the screen). */
const overflowsSideways = () => app.page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);

describe('5. phone layout', () => {
  it('face labels never cover one another, at a phone width and on a desktop', async () => {
    for (const width of [390, 360, 1280]) {
      await app.page.setViewportSize({ width, height: width === 1280 ? 900 : 844 });
      await tab('identify');
      await app.page.setInputFiles('[data-testid=identify-photo]', facePath('_group/facerec_obama_and_biden.jpg'));
      await app.page.locator('[data-testid=identify-busy]').waitFor({ state: 'detached', timeout: 60_000 });
      await app.page.locator('[data-testid=identify-result]').waitFor();
      await app.page.waitForTimeout(100); // one layout pass after the photo is decoded
      const rects = await tagRects();
      expect(rects.length).toBe(
        Number(await app.page.getAttribute('[data-testid=identify-result]', 'data-face-count')),
      );
      expect(rects.length).toBeGreaterThanOrEqual(2);
      expect(overlapping(rects), `labels overlap at ${width} px`).toEqual([]);
      expect(await overflowsSideways(), `page wider than ${width} px`).toBe(false);
    }
  });

  it('no tab is wider than a 360 px phone, and the storage table fits', async () => {
    await app.page.setViewportSize({ width: 360, height: 780 });
    for (const t of ['people', 'import', 'identify', 'verify', 'self-check', 'data']) {
      await tab(t);
      await app.page.waitForTimeout(150);
      expect(await overflowsSideways(), `the ${t} tab is wider than the screen`).toBe(false);
    }
    // The consent purposes are sentences: each is shown whole (a select would cut them off).
    await tab('people');
    const purposes = app.page.locator('people-panel [data-testid=consent-purpose] label');
    expect(await purposes.count()).toBe(4);
    expect(
      await purposes.evaluateAll((labels) =>
        labels.filter((l) => l.scrollWidth > l.clientWidth + 1).map((l) => l.textContent),
      ),
    ).toEqual([]);
    // No select cuts its choices off: every option's text fits inside the box (arrow and padding aside).
    for (const t of ['people', 'data']) {
      await tab(t);
      const cut = await app.page.evaluate(() => {
        const selects: HTMLSelectElement[] = [];
        const walk = (root: Document | ShadowRoot) =>
          root.querySelectorAll('*').forEach((el) => {
            if (el instanceof HTMLSelectElement) selects.push(el);
            if (el.shadowRoot) walk(el.shadowRoot);
          });
        walk(document);
        const ctx = document.createElement('canvas').getContext('2d')!;
        return selects.flatMap((sel) => {
          const style = getComputedStyle(sel);
          ctx.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
          const room = sel.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 20;
          return [...sel.options]
            .filter((o) => ctx.measureText(o.text).width > room)
            .map((o) => `${sel.dataset.testid}: ${o.text}`);
        });
      });
      expect(cut, `selects on the ${t} tab`).toEqual([]);
    }
    await tab('data');
    const table = app.page.locator('[data-testid=storage-description]');
    expect(await table.evaluate((t) => t.scrollWidth <= (t.parentElement as HTMLElement).clientWidth + 1)).toBe(true);
    await app.page.setViewportSize({ width: 1280, height: 900 });
  });
});

describe('6. feedback that agrees with itself and does not linger', () => {
  it('one status per picker; a fixed error goes; the Identify answer survives a tab switch', async () => {
    await tab('people');
    await app.page.setInputFiles('[data-testid=person-photos]', [
      facePath('raj/raj1.png'),
      facePath('raj/raj2.png'),
      facePath('raj/raj3.png'),
    ]);
    // innerText: the words as shown (the template's own line breaks are not part of them).
    expect(await app.page.locator('[data-testid=person-photos-chosen]').innerText()).toMatch(
      /^3 photos chosen: raj1\.png, raj2\.png, raj3\.png/,
    );
    // The browser's own "No file chosen" is not shown beside it.
    expect(
      await app.page.locator('[data-testid=person-photos]').evaluate((i) => i.getBoundingClientRect().width <= 1),
    ).toBe(true);
    await app.page.click('[data-testid=enrol-submit]');
    expect(await app.page.locator('people-panel [data-testid=message]').getAttribute('data-code')).toBe('invalid-name');
    await app.page.fill('[data-testid=person-name]', 'Raj');
    expect(await app.page.locator('people-panel [data-testid=message]').count()).toBe(0);

    await tab('identify'); // the answer from the test above
    const faces = Number(await app.page.locator('[data-testid=identify-result]').getAttribute('data-face-count'));
    expect(faces).toBeGreaterThanOrEqual(2);
    await tab('verify');
    await tab('identify');
    expect(Number(await app.page.locator('[data-testid=identify-result]').getAttribute('data-face-count'))).toBe(faces);
    expect(await app.page.locator('[data-testid=face-box]').count()).toBe(faces);
  });
});

describe('6b. every picker and every export says what happened', () => {
  it('the library and import pickers have one status each; exports and receipts say where the file went', async () => {
    await tab('import');
    await app.page.locator('import-panel[data-loaded]').waitFor();
    const chosen = app.page.locator('[data-testid=import-chosen]');
    expect(await chosen.textContent()).toMatch(/Nothing chosen yet/);
    for (const picker of ['import-files', 'import-folder']) {
      expect(
        await app.page.locator(`[data-testid=${picker}]`).evaluate((i) => i.getBoundingClientRect().width <= 1),
        `${picker} shows the browser's own status`,
      ).toBe(true);
    }
    await app.page.setInputFiles('[data-testid=import-files]', [
      facePath('penny/penny1.png'),
      facePath('penny/penny2.png'),
    ]);
    expect(await chosen.innerText()).toBe('2 photos chosen.');
    await app.page.locator('[data-testid=import-status][data-finished=true]').waitFor({ timeout: 110_000 });

    await tab('data');
    expect(
      await app.page.locator('[data-testid=import-file]').evaluate((i) => i.getBoundingClientRect().width <= 1),
    ).toBe(true);
    expect(await app.page.locator('[data-testid=import-file-chosen]').textContent()).toMatch(/No export chosen yet/);
    let download = app.page.waitForEvent('download');
    await app.page.click('[data-testid=export-audit]');
    expect((await download).suggestedFilename()).toBe('facelocal-audit-log.csv');
    expect(await app.page.locator('[data-testid=data-info]').textContent()).toMatch(
      /Saved facelocal-audit-log\.csv to this device's downloads/,
    );
    download = app.page.waitForEvent('download');
    await app.page.click('[data-testid=export-gallery]');
    const name = (await download).suggestedFilename();
    expect(await app.page.locator('[data-testid=data-info]').textContent()).toContain(
      `Saved ${name} to this device's downloads: not encrypted`,
    );

    await tab('people');
    const first = app.page.locator('[data-testid=person]').first();
    const who = await first.getAttribute('data-name');
    await first.locator('[data-testid=consent-receipt]').click();
    expect(await first.locator('[data-testid=person-notice]').textContent()).toMatch(
      new RegExp(`Saved ${who}'s consent receipt to this device's downloads: facelocal-receipt-.*\\.html`),
    );
  });
});

describe('7. requirements stated before they are failed', () => {
  it('required consent fields are marked; the passphrase rule and labels are visible; known causes are said plainly', async () => {
    await tab('people');
    const collected = app.page.locator('people-panel [data-testid=consent-collected-by]');
    expect(await collected.getAttribute('aria-required')).toBe('true');
    expect(
      await app.page
        .locator('people-panel consent-form label')
        .filter({ has: app.page.locator('[data-testid=consent-collected-by]') })
        .textContent(),
    ).toContain('*');
    await tab('data');
    const state = await app.page.locator('[data-testid=encryption-state]').textContent();
    expect(state).toMatch(/at least 12 characters/);
    // Visible labels, not only aria-labels.
    expect(
      await app.page
        .locator('data-panel label')
        .filter({ has: app.page.locator('[data-testid=new-passphrase]') })
        .textContent(),
    ).toMatch(/Passphrase/);
    // The rule is checked as the passphrase is typed, before "Encrypt" is pressed.
    const check = app.page.locator('[data-testid=passphrase-check]');
    await app.page.fill('[data-testid=new-passphrase]', 'short');
    expect(await check.textContent()).toMatch(/Not yet: It is too short: use at least 12 characters/);
    await app.page.fill('[data-testid=new-passphrase]', 'password1234');
    expect(await check.textContent()).toMatch(/common password/);
    await app.page.fill('[data-testid=new-passphrase]', 'violet anchor meadow thunder 42');
    expect(await check.getAttribute('data-ok')).toBe('true');
    await app.page.fill('[data-testid=new-passphrase]', 'short');
    await app.page.fill('[data-testid=new-passphrase-again]', 'short');
    await app.page.click('[data-testid=enable-encryption]');
    expect(await app.page.locator('data-panel [data-testid=message]').getAttribute('data-code')).toBe(
      'invalid-passphrase',
    );
    await app.page.fill('[data-testid=new-passphrase]', 'violet anchor meadow thunder 42');
    await app.page.fill('[data-testid=new-passphrase-again]', 'violet anchor meadow thunder 4');
    await app.page.click('[data-testid=enable-encryption]');
    const message = await app.page.locator('data-panel [data-testid=message]').textContent();
    expect(message).toMatch(/The two passphrases differ/);
    expect(message).not.toMatch(/Something went wrong/);
  });
});

describe('9. scores in words that agree with the verdict', () => {
  it('Verify says "different people" without a chance that reads as a match; no raw numbers on screen', async () => {
    await tab('verify');
    await app.page.setInputFiles('[data-testid=verify-photo-a]', facePath('obama/obama1.jpg'));
    await app.page.setInputFiles('[data-testid=verify-photo-b]', facePath('raj/raj1.png'));
    await app.page.click('[data-testid=verify-submit]');
    const result = app.page.locator('[data-testid=verify-result]');
    await result.waitFor({ timeout: 60_000 });
    expect(await result.getAttribute('data-match')).toBe('false');
    const text = (await result.textContent())!;
    expect(text).toMatch(/Different people/);
    expect(text).not.toMatch(/chance|%/);
    await tab('identify');
    for (const label of await app.page.locator('[data-testid=face-label]').allTextContents())
      expect(label).not.toMatch(/%|\d\.\d{3}/);
    // Internals (backend, threshold) are in "About this device", closed by default.
    const about = app.page.locator('[data-testid=about-device]');
    expect(await about.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
    expect(await app.page.locator('footer').evaluate((f) => (f as HTMLElement).innerText)).not.toMatch(
      /threshold|wasm/,
    );
  });
});

describe('10. wording and affordances', () => {
  it('says what the library reads, offers one folder picker, says faces can be selected, and reports non-photos', async () => {
    await tab('import');
    const panel = app.page.locator('import-panel');
    await app.page.locator('import-panel[data-loaded]').waitFor(); // counted below: the panel must have rendered first
    expect(await panel.locator('p').first().textContent()).not.toMatch(/every photo on this device/);
    expect(await panel.locator('label.button, button', { hasText: /folder/i }).count()).toBe(1);
    // One picker to import a folder (the photo finder and the missed-face tool read a folder again for their own job).
    expect(
      await panel
        .locator('input[webkitdirectory]:not([data-testid=finder-folder]):not([data-testid=missed-folder])')
        .count(),
    ).toBe(1);
    const fresh = app.page.locator('[data-testid=import-new]');
    if (await fresh.count()) await fresh.click();
    const { mkdtempSync, copyFileSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const folder = mkdtempSync(join(tmpdir(), 'facelocal-folder-'));
    copyFileSync(facePath('penny/penny1.png'), join(folder, 'penny1.png'));
    copyFileSync(facePath('penny/penny2.png'), join(folder, 'penny2.png'));
    writeFileSync(join(folder, 'notes.txt'), 'a shopping list');
    await app.page.setInputFiles('[data-testid=import-folder]', folder);
    await app.page
      .locator('[data-testid=import-notice]', { hasText: /1 file that is not a photo was left out: notes\.txt/ })
      .waitFor({ timeout: 30_000 });
    await app.page.locator('[data-testid=import-status][data-finished=true]').waitFor({ timeout: 110_000 });
    await app.page.locator('[data-testid=import-groups]').waitFor();
    expect(await app.page.locator('[data-testid=import-group] .hint').first().textContent()).toMatch(/select them/);
  });

  it('the audit log and the storage table speak in words; withdraw and delete explain the difference', async () => {
    await tab('data');
    await app.page.locator('[data-testid=audit-log][data-loaded=true]').waitFor();
    const whats = await app.page.locator('[data-testid=audit-entry] td:nth-child(2)').allTextContents();
    expect(whats).toContain('Person renamed');
    expect(whats.filter((w) => /^[a-z-]+$/.test(w))).toEqual([]);
    expect(await app.page.locator('[data-testid=storage-description]').innerText()).not.toMatch(
      /people\.createdAt|\b[a-z]+[A-Z][a-zA-Z]*\b/,
    );
    await tab('people');
    const c = app.page.locator('[data-testid=person]').first();
    await c.locator('[data-testid=withdraw]').click();
    expect(await c.locator('[role=alert]').textContent()).toMatch(/asks to withdraw their consent/);
    await c.getByRole('button', { name: 'Cancel' }).click();
    await c.locator('[data-testid=delete]').click();
    expect(await c.locator('[role=alert]').textContent()).toMatch(/added by mistake/);
    await c.getByRole('button', { name: 'Keep' }).click();
  });
});

describe('8. the lock is not a dead end', () => {
  it('Verify works while locked, Lock is in the header, and a forgotten passphrase can be recovered from by erasing', async () => {
    await tab('data');
    await app.page.fill('[data-testid=new-passphrase]', 'violet anchor meadow thunder 42');
    await app.page.fill('[data-testid=new-passphrase-again]', 'violet anchor meadow thunder 42');
    await app.page.click('[data-testid=enable-encryption]');
    await app.page.locator('[data-testid=data-info]', { hasText: 'Encryption is on' }).waitFor({ timeout: 30_000 });
    await app.page.locator('header [data-testid=lock-app]').click();
    await app.page.locator('[data-testid=lock-screen]').waitFor();

    await tab('verify');
    expect(await app.page.locator('[data-testid=lock-screen]').count()).toBe(0);
    await app.page.setInputFiles('[data-testid=verify-photo-a]', facePath('obama/obama1.jpg'));
    await app.page.setInputFiles('[data-testid=verify-photo-b]', facePath('obama/obama2.jpg'));
    await app.page.click('[data-testid=verify-submit]');
    await app.page.locator('[data-testid=verify-result][data-match=true]').waitFor({ timeout: 60_000 });

    await tab('people');
    await app.page.locator('[data-testid=forgot-passphrase] summary').click();
    await app.page.click('[data-testid=reset-gallery]');
    await app.page.click('[data-testid=reset-confirm]');
    await app.page.locator('[data-testid=people-list][data-count="0"]').waitFor({ timeout: 30_000 });
    expect(await app.page.locator('[data-testid=lock-screen]').count()).toBe(0);
    expect((await readDeviceStorage(app.page)).stores['facelocal/people']).toEqual([]);
  });
});
