// The whole app, through its UI, in Chromium: enrol people from real photos, identify, verify, rename, delete,
// reload. Real workers, models and IndexedDB; every request is recorded and none may leave the origin.
import { describe, expect, inject, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { FACES_DIR, WatchedPage, facePath, giveConsent, waitForApp } from './browser';
import { appSuite } from './suite';

const PEOPLE = [
  {
    name: 'Barack Obama',
    enrol: ['obama/obama.jpg', 'obama/obama1.jpg', 'obama/obama2.jpg'],
    probe: 'obama/obama3.jpg',
  },
  {
    name: 'Angelina',
    enrol: ['angelina/img2.jpg', 'angelina/img4.jpg', 'angelina/img5.jpg'],
    probe: 'angelina/img10.jpg',
  },
  { name: 'Sheldon', enrol: ['sheldon/sheldon1.png', 'sheldon/sheldon2.png'], probe: 'sheldon/sheldon4.png' },
  {
    name: 'Person Ten',
    enrol: ['deepface_p10/img27.jpg', 'deepface_p10/img28.jpg', 'deepface_p10/img42.jpg'],
    probe: 'deepface_p10/img43.jpg',
  },
];

const app = appSuite();

async function tab(name: 'people' | 'identify' | 'verify') {
  await app.page.click(`[data-testid=tab-${name}]`);
}

async function enrol(name: string, photos: string[]) {
  await tab('people');
  await app.page.fill('[data-testid=person-name]', name);
  await app.page.setInputFiles('[data-testid=person-photos]', photos.map(facePath));
  await giveConsent(app.page);
  await app.page.click('[data-testid=enrol-submit]');
  await app.page
    .locator('[data-testid=enrol-outcome]')
    .nth(photos.length - 1)
    .waitFor({ timeout: 60_000 });
  const outcomes = app.page.locator('[data-testid=enrol-outcome]');
  return Promise.all(
    (await outcomes.all()).map(async (o) => ({
      ok: await o.getAttribute('data-ok'),
      code: await o.getAttribute('data-code'),
      text: await o.textContent(),
    })),
  );
}

/** Identifies a photo through the UI; returns one label per face box ('unknown' or a name), or the message code. */
async function identify(photo: string): Promise<{ labels: string[]; message: string | null }> {
  await tab('identify');
  // Choosing a file clears the previous answer and shows the busy line until this photo's answer is in.
  await app.page.setInputFiles('[data-testid=identify-photo]', facePath(photo));
  await app.page.locator('[data-testid=identify-busy]').waitFor({ state: 'detached', timeout: 60_000 });
  await app.page.locator('[data-testid=identify-result], [data-testid=message]').first().waitFor({ timeout: 5_000 });
  const message = app.page.locator('[data-testid=message]');
  if (await message.count()) return { labels: [], message: await message.first().getAttribute('data-code') };
  const boxes = await app.page.locator('[data-testid=face-box]').all();
  const count = Number(await app.page.getAttribute('[data-testid=identify-result]', 'data-face-count'));
  const labels = await Promise.all(boxes.map((b) => b.getAttribute('data-label')));
  expect(labels).toHaveLength(count);
  return { labels: labels.map((l) => l ?? ''), message: null };
}

async function people(): Promise<{ name: string; count: number }[]> {
  await tab('people');
  const list = app.page.locator('[data-testid=people-list]');
  await list.waitFor();
  const rows = await app.page.locator('[data-testid=person]').all();
  expect(rows).toHaveLength(Number(await list.getAttribute('data-count')));
  return Promise.all(
    rows.map(async (r) => ({
      name: (await r.locator('[data-testid=person-name-label]').textContent())!.trim(),
      count: Number((await r.locator('[data-testid=person-template-count]').textContent())!.match(/\d+/)![0]),
    })),
  );
}

describe('Facelocal app', () => {
  it('shows which embedding backend runs (WASM with threads in headless Chromium)', async () => {
    expect(await app.page.locator('[data-testid=backend]').textContent()).toMatch(/wasm \(\d+ threads?, SIMD\)/);
  });

  it('enrols people from 2-3 photos each', async () => {
    for (const p of PEOPLE) {
      const outcomes = await enrol(p.name, p.enrol);
      expect(outcomes.map((o) => o.ok)).toEqual(p.enrol.map(() => 'true'));
    }
    expect(await people()).toEqual(
      PEOPLE.map((p) => ({ name: p.name, count: p.enrol.length })).sort((a, b) => a.name.localeCompare(b.name)),
    );
  });

  it('refuses, with a reason per photo, photos without exactly one face; keeps the good one', async () => {
    const outcomes = await enrol('Rose Leslie', [
      '_noface/sharp_Landscape_1.jpg',
      '_group/faceapi_bbt1.jpg',
      'rose_leslie/img1.jpg',
    ]);
    expect(outcomes.map((o) => [o.ok, o.code])).toEqual([
      ['false', 'no-face'],
      ['false', 'several-faces'],
      ['true', null],
    ]);
    expect((await people()).find((p) => p.name === 'Rose Leslie')?.count).toBe(1);
  });

  it('identifies each enrolled person from a photo not used to enrol them', async () => {
    for (const p of PEOPLE) expect(await identify(p.probe), p.probe).toEqual({ labels: [p.name], message: null });
    expect(await identify('rose_leslie/img2.jpg')).toEqual({ labels: ['Rose Leslie'], message: null });
  });

  it('says "unknown" for someone not enrolled', async () => {
    expect(await identify('raj/raj1.png')).toEqual({ labels: ['unknown'], message: null });
    expect(await identify('biden/biden.jpg')).toEqual({ labels: ['unknown'], message: null });
  });

  it('says "no face" for every photo without a face', async () => {
    for (const f of readdirSync(`${FACES_DIR}/_noface`))
      expect(await identify(`_noface/${f}`), f).toEqual({ labels: [], message: 'no-face' });
  });

  it('boxes every face of a group photo and names the enrolled one', async () => {
    const group = await identify('_group/facerec_obama_and_biden.jpg');
    expect(group.labels).toHaveLength(3);
    expect(group.labels.filter((l) => l === 'Barack Obama')).toHaveLength(1);
    expect(group.labels.filter((l) => l === 'unknown')).toHaveLength(2);
    const bbt = await identify('_group/faceapi_bbt4.jpg');
    expect(bbt.labels.length).toBe(6);
  });

  it('says clearly when a file is not an image', async () => {
    await tab('identify');
    await app.page.setInputFiles('[data-testid=identify-photo]', {
      name: 'holiday.jpg',
      mimeType: 'image/jpeg',
      buffer: Buffer.from('definitely not a jpeg'),
    });
    await app.page.locator('[data-testid=message][data-code=unreadable-file]').waitFor({ timeout: 30_000 });
    expect(await app.page.locator('[data-testid=message]').textContent()).toMatch(/not an image/i);
  });

  it('verifies two photos of one person as a match and of two people as no match', async () => {
    const verify = async (a: string, b: string) => {
      await tab('verify');
      await app.page.setInputFiles('[data-testid=verify-photo-a]', facePath(a));
      await app.page.setInputFiles('[data-testid=verify-photo-b]', facePath(b));
      await app.page.click('[data-testid=verify-submit]');
      await app.page.locator('[data-testid=verify-result], [data-testid=message]').first().waitFor({ timeout: 60_000 });
      const result = app.page.locator('[data-testid=verify-result]');
      if (await result.count())
        return { match: await result.getAttribute('data-match'), text: await result.textContent() };
      return { match: null, code: await app.page.locator('[data-testid=message]').getAttribute('data-code') };
    };
    const same = await verify('kit_harington/john1.jpeg', 'kit_harington/john2.jpeg');
    expect(same.match).toBe('true');
    expect(same.text).toMatch(/Same person/);
    const different = await verify('kit_harington/john1.jpeg', 'alex_lacamoire/img1.jpg');
    expect(different.match).toBe('false');
    expect(different.text).toMatch(/Different people/);
    expect(await verify('kit_harington/john1.jpeg', '_group/facerec_two_people.jpg')).toMatchObject({
      code: 'several-faces',
    });
  });

  it('keeps the gallery across a reload', async () => {
    const before = await people();
    await app.page.reload();
    await waitForApp(app.page);
    expect(await people()).toEqual(before);
    expect(await identify(PEOPLE[0].probe)).toEqual({ labels: [PEOPLE[0].name], message: null });
  });

  it('renames a person, and identification uses the new name', async () => {
    await tab('people');
    const row = app.page.locator('[data-testid=person][data-name="Person Ten"]');
    await row.locator('[data-testid=rename]').click();
    await row.locator('[data-testid=rename-input]').fill('Deepface Ten');
    await row.locator('[data-testid=rename-save]').click();
    await app.page.locator('[data-testid=person][data-name="Deepface Ten"]').waitFor();
    expect(await identify('deepface_p10/img43.jpg')).toEqual({ labels: ['Deepface Ten'], message: null });
  });

  it('deletes a person: gone from the list, after a reload, and from identification', async () => {
    await tab('people');
    const row = app.page.locator('[data-testid=person][data-name="Sheldon"]');
    await row.locator('[data-testid=delete]').click();
    await row.locator('[data-testid=delete-confirm]').click();
    await app.page.locator('[data-testid=person][data-name="Sheldon"]').waitFor({ state: 'detached' });
    await app.page.reload();
    await waitForApp(app.page);
    expect((await people()).map((p) => p.name)).not.toContain('Sheldon');
    expect(await identify('sheldon/sheldon4.png')).toEqual({ labels: ['unknown'], message: null });
  });

  it('sent nothing anywhere: no request left the origin, none carried data, no CSP violation', () => {
    expect(app.requests.length).toBeGreaterThan(10);
    expect(app.offOriginRequests()).toEqual([]);
    expect(app.requestsWithData()).toEqual([]);
    expect(app.cspViolations).toEqual([]);
    expect(app.pageErrors).toEqual([]);
  });
});

describe('Facelocal app when a model cannot load', () => {
  it('says the models failed to load, and why', async () => {
    const broken = await WatchedPage.open(app.browser, inject('baseUrl'));
    try {
      await broken.context.route('**/models/face_detection_full_range.tflite', (route) =>
        route.fulfill({ status: 404, body: 'gone' }),
      );
      await broken.page.goto(inject('baseUrl'));
      await broken.page.locator('[data-testid=load-error]').waitFor({ timeout: 60_000 });
      expect(await broken.page.getAttribute('facelocal-app', 'data-ready')).toBe('false');
      expect(await broken.page.locator('[data-testid=load-error]').textContent()).toMatch(
        /face models failed to load.*face_detection_full_range\.tflite: HTTP 404/,
      );
    } finally {
      await broken.close();
    }
  });
});
