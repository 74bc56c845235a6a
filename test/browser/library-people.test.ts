// Photo-library people features through the UI on the real app and real photos: "not this person" sticks across a
// later import, "Same person?" questions (No is remembered, Yes joins), finding photos by the people in them (read
// again from the folder, boxes drawn), and hiding a person / choosing the photo that represents them.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Locator } from 'playwright-core';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FACES_DIR, readDeviceStorage } from './browser';
import { appSuite } from './suite';

const app = appSuite();
/** One folder per person: the cast of one sitcom (look-alike questions are likely), Obama and Biden. */
let library: string;
const PEOPLE = ['amy', 'bernadette', 'howard', 'leonard', 'penny', 'raj', 'sheldon', 'stuart', 'obama', 'biden'];

beforeAll(async () => {
  library = join(mkdtempSync(join(tmpdir(), 'facelocal-people-')), 'library');
  for (const who of PEOPLE) {
    mkdirSync(join(library, who), { recursive: true });
    for (const f of readdirSync(join(FACES_DIR, who))) copyFileSync(join(FACES_DIR, who, f), join(library, who, f));
  }
});

const panel = () => app.page.locator('import-panel');
const groupCards = () => app.page.locator('[data-testid=import-group]');

async function waitFinished() {
  await app.page.locator('[data-testid=import-status][data-finished=true]').waitFor({ timeout: 110_000 });
  await app.page.locator('[data-testid=import-groups]').waitFor({ timeout: 30_000 });
}

/** The group card holding most of this person's folder (at least two of its photos, and mostly theirs). */
async function groupOf(who: string): Promise<Locator> {
  let best: { card: Locator; count: number } | null = null;
  for (const card of await groupCards().all()) {
    const files = await card
      .locator('[data-testid=import-face]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-file') ?? ''));
    const count = files.filter((f) => f.split('/')[1] === who).length;
    if (count >= 2 && count * 2 > files.length && (!best || count > best.count)) best = { card, count };
  }
  if (!best) throw new Error(`no group of ${who}`);
  return best.card;
}

async function storedJob(): Promise<{
  constraints: { mustLink: string[][]; cannotLink: { a: string[]; b: string[] }[] };
}> {
  const jobs = (await readDeviceStorage(app.page)).stores['facelocal/importJobs'] as { constraints: never }[];
  expect(jobs).toHaveLength(1);
  return jobs[0];
}

async function question(): Promise<{ a: string[]; b: string[] }> {
  const sides = app.page.locator('[data-testid=same-person-question] [data-testid=same-person-side]');
  await sides.first().waitFor();
  const ids = await sides.evaluateAll((els) =>
    els.map((e) => (e.getAttribute('data-faces') ?? '').split(' ').filter(Boolean)),
  );
  return { a: ids[0], b: ids[1] ?? [] };
}

describe('photo-library people features', () => {
  it('remembers a face taken out of a group ("not this person"): a later import does not put it back', async () => {
    await app.page.click('[data-testid=tab-import]');
    await panel().waitFor();
    await app.page.setInputFiles('[data-testid=import-folder]', library);
    await waitFinished();
    const obama = await groupOf('obama');
    const groupId = await obama.getAttribute('data-group-id');
    const face = obama.locator('[data-testid=import-face]').first();
    const faceId = (await face.getAttribute('data-face-id'))!;
    await face.click();
    await obama.locator('[data-testid=move-target]').selectOption('');
    await obama.locator('[data-testid=move-faces]').click();
    await app.page
      .locator(`[data-testid=import-unassigned] [data-testid=import-face][data-face-id="${faceId}"]`)
      .waitFor();
    const { constraints } = await storedJob();
    expect(constraints.cannotLink.some((c) => c.a.includes(faceId) && c.b.length >= 2)).toBe(true);

    // A later import regroups every loose face: this one matches the Obama group (it was in it), yet stays out.
    await app.page.setInputFiles('[data-testid=import-files]', join(FACES_DIR, '_group/facerec_obama_and_biden.jpg'));
    await waitFinished();
    await app.page
      .locator(`[data-testid=import-unassigned] [data-testid=import-face][data-face-id="${faceId}"]`)
      .waitFor();
    expect(
      await app.page
        .locator(
          `[data-testid=import-group][data-group-id="${groupId}"] [data-testid=import-face][data-face-id="${faceId}"]`,
        )
        .count(),
    ).toBe(0);
    // ...and the new photo's Obama face joined his group, so regrouping did run.
    expect(
      await app.page
        .locator(
          `[data-testid=import-group][data-group-id="${groupId}"] [data-testid=import-face][data-file$="facerec_obama_and_biden.jpg"]`,
        )
        .count(),
    ).toBe(1);
    // Nor is it asked about with that group.
    const obamaFaces = await app.page
      .locator(`[data-testid=import-group][data-group-id="${groupId}"] [data-testid=import-face]`)
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-face-id')));
    const q = await question();
    expect([...q.a, ...q.b].includes(faceId) && [...q.a, ...q.b].some((id) => obamaFaces.includes(id))).toBe(false);
  });

  it('finds photos by the people in them, read again from the folder, with the faces boxed', async () => {
    const sheldon = await groupOf('sheldon');
    const sheldonId = (await sheldon.getAttribute('data-group-id'))!;
    const sheldonFiles = new Set(
      await sheldon
        .locator('[data-testid=import-face]')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-file'))),
    );
    const finder = app.page.locator('photo-finder');
    // Nobody chosen: a message, nothing found.
    await finder.locator('[data-testid=finder-find]').click();
    await finder.locator('[data-testid=finder-message]').waitFor();
    await finder.locator(`[data-testid=finder-role][data-who="${sheldonId}"]`).selectOption('all');
    await app.page.setInputFiles('photo-finder [data-testid=finder-folder]', library);
    await finder.locator('[data-testid=finder-count]').waitFor();
    const found = await finder
      .locator('[data-testid=finder-photo]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-file')));
    expect(new Set(found)).toEqual(sheldonFiles);
    await expect.poll(() => finder.locator('canvas[data-drawn=true]').count()).toBe(found.length);
    // Each result is the photo itself (its full size), drawn now from the picked folder.
    const widths = await finder.locator('canvas').evaluateAll((els) => els.map((c) => (c as HTMLCanvasElement).width));
    expect(widths.every((w) => w > 96)).toBe(true);
    // None of: Sheldon out, Leonard in.
    const leonardId = (await (await groupOf('leonard')).getAttribute('data-group-id'))!;
    await finder.locator(`[data-testid=finder-role][data-who="${sheldonId}"]`).selectOption('none');
    await finder.locator(`[data-testid=finder-role][data-who="${leonardId}"]`).selectOption('all');
    await finder.locator('[data-testid=finder-find]').click();
    await expect
      .poll(async () =>
        (
          await finder
            .locator('[data-testid=finder-photo]')
            .evaluateAll((els) => els.map((e) => e.getAttribute('data-file')))
        ).every((f) => f?.includes('/leonard/')),
      )
      .toBe(true);
    expect(await finder.locator('[data-testid=finder-photo]').count()).toBeGreaterThanOrEqual(2);
    expect(app.offOriginRequests()).toEqual([]);
  });

  it('hides a person and shows the photo chosen to represent them', async () => {
    const penny = await groupOf('penny');
    await penny.locator('[data-testid=name-group]').click();
    await penny.locator('[data-testid=group-name]').fill('Penny');
    await penny.locator('[data-testid=consent-retention]').selectOption('0');
    await penny.locator('[data-testid=consent-collected-by]').fill('Test Operator');
    await penny.locator('[data-testid=consent-attest]').check();
    await penny.locator('[data-testid=enrol-group]').click();
    await app.page.locator('[data-testid=import-notice]', { hasText: 'Penny was enrolled' }).waitFor();
    await app.page.click('[data-testid=tab-people]');
    const card = app.page.locator('[data-testid=person][data-name="Penny"]');
    await card.waitFor();
    // The picture shown, as pixels (its blob URL changes with every load).
    const thumbnail = () =>
      app.page
        .locator('[data-testid=person][data-name="Penny"] [data-testid=person-face]')
        .evaluate(async (img: HTMLImageElement) => {
          await img.decode();
          const canvas = new OffscreenCanvas(16, 16);
          const ctx = canvas.getContext('2d')!;
          ctx.drawImage(img, 0, 0, 16, 16);
          return Array.from(ctx.getImageData(0, 0, 16, 16).data).join();
        })
        .catch(() => '');
    await expect.poll(thumbnail).not.toBe('');
    const before = await thumbnail();
    await card.locator('[data-testid=photos]').click();
    await card.locator('[data-testid=set-cover]').last().click();
    const again = app.page.locator('[data-testid=person][data-name="Penny"]');
    await again.locator('[data-testid=photos]').click();
    await again.locator('[data-testid=cover-photo]').waitFor();
    await again.locator('[data-testid=photos-done]').click();
    await expect
      .poll(async () => {
        const now = await thumbnail();
        return now !== '' && now !== before;
      })
      .toBe(true);

    await again.locator('[data-testid=hide-person]').click();
    await app.page.locator('[data-testid=person][data-name="Penny"]').waitFor({ state: 'detached' });
    await app.page.check('[data-testid=show-hidden]');
    await app.page.locator('[data-testid=person][data-name="Penny"] [data-testid=person-hidden]').waitFor();
    await app.page.click('[data-testid=person][data-name="Penny"] [data-testid=unhide-person]');
    await app.page.locator('[data-testid=person][data-name="Penny"]:not(:has([data-testid=person-hidden]))').waitFor();
    expect(app.offOriginRequests()).toEqual([]);
  });

  it('adds a face by drawing a box on an imported photo, and says so when no face can be read there', async () => {
    await app.page.click('[data-testid=tab-import]');
    await app.page.locator('[data-testid=import-groups]').waitFor();
    // A large photo of Obama whose face is in a group, and where the face is, as the photo finder shows it.
    let file = '',
      obamaId = '';
    for (const name of ['obama.jpg', 'obama1.jpg', 'obama2.jpg', 'obama3.jpg']) {
      const card = app.page.locator(
        `[data-testid=import-group]:has([data-testid=import-face][data-file="library/obama/${name}"])`,
      );
      if ((await card.count()) === 1) {
        file = `library/obama/${name}`;
        obamaId = (await card.getAttribute('data-group-id'))!;
        break;
      }
    }
    expect(file).not.toBe('');
    const finder = app.page.locator('photo-finder');
    for (const select of await finder.locator('[data-testid=finder-role]').all()) await select.selectOption('');
    await finder.locator(`[data-testid=finder-role][data-who="${obamaId}"]`).selectOption('all');
    await app.page.setInputFiles('photo-finder [data-testid=finder-folder]', library);
    const figure = finder.locator(`[data-testid=finder-photo][data-file="${file}"]`);
    await figure.waitFor();
    const [[fx, fy, fw, fh]] = JSON.parse((await figure.getAttribute('data-boxes'))!) as number[][];

    const missed = app.page.locator('missed-face');
    await app.page.setInputFiles('missed-face [data-testid=missed-folder]', library);
    await missed.locator('[data-testid=missed-choose]').selectOption(file);
    const canvas = missed.locator('[data-testid=missed-canvas]');
    await canvas.waitFor();
    /** Drags a box on the photo, in the photo's pixels (the canvas is shown scaled). */
    const drag = async (x0: number, y0: number, x1: number, y1: number) => {
      const r = (await canvas.boundingBox())!;
      const css = r.width / (await canvas.evaluate((c: HTMLCanvasElement) => c.width));
      // hover() scrolls the point into view first (the photo may be taller than the window).
      await canvas.hover({ position: { x: x0 * css, y: y0 * css } });
      await app.page.mouse.down();
      await canvas.hover({ position: { x: x1 * css, y: y1 * css } });
      await app.page.mouse.up();
    };
    const group = () =>
      app.page.locator(`[data-testid=import-group][data-group-id="${obamaId}"] [data-testid=import-face]`);
    const before = await group().count();

    // A stretch of the photo's bottom edge away from the face: no face there, and nothing changes.
    const height = await canvas.evaluate((c: HTMLCanvasElement) => c.height);
    await drag(0, height - fh * 1.2, fw * 1.2, height - 1);
    await missed.locator('[data-testid=missed-add]').click();
    await missed.locator('[data-testid=missed-message][data-code=no-face]').waitFor({ timeout: 30_000 });
    expect(await group().count()).toBe(before);

    // Around the face, a little larger than it: found inside the box, aligned, embedded, and grouped with Obama.
    await drag(fx - fw * 0.2, fy - fh * 0.2, fx + fw * 1.2, fy + fh * 1.2);
    await missed.locator('[data-testid=missed-add]').click();
    await missed.locator('[data-testid=missed-notice]').waitFor({ timeout: 30_000 });
    expect(await missed.locator('[data-testid=missed-notice]').textContent()).toContain('joined the group');
    await expect.poll(() => group().count()).toBe(before + 1);
    expect(app.offOriginRequests()).toEqual([]);
  });

  it('asks "Same person?": No is remembered and not asked again; Yes joins the two', async () => {
    await app.page.locator('[data-testid=same-person-count]').waitFor();
    const asked = Number(await app.page.getAttribute('[data-testid=same-person-count]', 'data-count'));
    expect(asked).toBeGreaterThan(0);
    const first = await question();
    const cannotBefore = (await storedJob()).constraints.cannotLink.length;
    await app.page.click('[data-testid=same-person-no]');
    await expect.poll(async () => (await storedJob()).constraints.cannotLink.length).toBe(cannotBefore + 1);
    const stored = (await storedJob()).constraints.cannotLink.at(-1)!;
    expect([...stored.a].sort()).toEqual([...first.a].sort());
    // Never the same pair again.
    const next = await question();
    expect(next.a.join() === first.a.join() && next.b.join() === first.b.join()).toBe(false);

    // Yes: both sides end up in one group, and stay together (a must-link). (Asked last in this file: the other
    // tests look for each person's group.)
    const groupsBefore = Number(await app.page.getAttribute('[data-testid=import-groups]', 'data-count'));
    const both = [...next.a, ...next.b];
    await app.page.click('[data-testid=same-person-yes]');
    await expect
      .poll(async () => (await storedJob()).constraints.mustLink.some((set) => both.every((id) => set.includes(id))))
      .toBe(true);
    await expect
      .poll(async () => {
        const groupIds = await Promise.all(
          both.map((id) =>
            app.page
              .locator(`[data-testid=import-group]:has([data-face-id="${id}"])`)
              .getAttribute('data-group-id')
              .catch(() => null),
          ),
        );
        return new Set(groupIds).size === 1 && groupIds[0] !== null;
      })
      .toBe(true);
    expect(Number(await app.page.getAttribute('[data-testid=import-groups]', 'data-count'))).toBeLessThanOrEqual(
      groupsBefore,
    );
  });
});
