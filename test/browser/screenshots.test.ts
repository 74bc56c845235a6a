// Screenshots of the main screens at a phone size (390×844) and a desktop size (1280×900), written to
// test-results/screenshots/ from the real app with real photos: People (a grid of faces), Identify (a group photo
// with named boxes), the photo library's groups (one marked "already enrolled") and Your data.
// docs/screenshots/ holds two of them for the README, copied by hand after looking at them: only screens that show
// no face, since the shared photos may not be copied into the project.
import { beforeAll, expect, it } from 'vitest';
import { mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { facePath, giveConsent } from './browser';
import { appSuite } from './suite';

const OUT = resolve('test-results/screenshots');
const SIZES = [
  { name: 'phone', width: 390, height: 844 },
  { name: 'desktop', width: 1280, height: 900 },
];

const app = appSuite();

beforeAll(() => {
  mkdirSync(OUT, { recursive: true });
});

async function enrol(name: string, photos: string[]) {
  await app.page.click('[data-testid=tab-people]');
  await app.page.fill('[data-testid=person-name]', name);
  await app.page.setInputFiles('[data-testid=person-photos]', photos.map(facePath));
  await giveConsent(app.page);
  await app.page.click('[data-testid=enrol-submit]');
  await app.page.locator(`[data-testid=person][data-name="${name}"]`).waitFor({ timeout: 60_000 });
}

async function shoot(tab: string, file: string, prepare?: () => Promise<void>) {
  for (const size of SIZES) {
    await app.page.setViewportSize({ width: size.width, height: size.height });
    await app.page.click(`[data-testid=tab-${tab}]`);
    await prepare?.();
    await app.page.waitForTimeout(300); // one layout pass (labels are placed after the photo is drawn)
    const path = join(OUT, `${file}-${size.name}.png`);
    await app.page.screenshot({ path, fullPage: false });
    expect(statSync(path).size).toBeGreaterThan(10_000);
  }
}

it('writes the main screens at phone and desktop sizes', async () => {
  await shoot('people', 'people-empty');
  await app.page.locator('[data-testid=encryption-offer]').getByRole('button', { name: 'Not now' }).click();
  await enrol('Barack Obama', ['obama/obama.jpg', 'obama/obama1.jpg']);
  await enrol('Joe Biden', ['biden/biden.jpg']);
  await enrol('Kit Harington', ['kit_harington/john1.jpeg', 'kit_harington/john2.jpeg']);
  await enrol('Rose Leslie', ['rose_leslie/img1.jpg']);
  await shoot('people', 'people', async () => {
    await app.page.locator('[data-testid=people-list]').waitFor();
    await app.page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  });

  await app.page.click('[data-testid=tab-identify]');
  await app.page.setInputFiles('[data-testid=identify-photo]', facePath('_group/facerec_kit_with_rose.jpg'));
  await app.page.locator('[data-testid=identify-result]').waitFor({ timeout: 60_000 });
  await shoot('identify', 'identify', () => app.page.locator('[data-testid=identify-result]').scrollIntoViewIfNeeded());

  await app.page.click('[data-testid=tab-import]');
  await app.page.setInputFiles('[data-testid=import-files]', [
    ...['obama2.jpg', 'obama3.jpg'].map((f) => facePath(`obama/${f}`)),
    ...[1, 2, 3].map((i) => facePath(`penny/penny${i}.png`)),
  ]);
  await app.page.locator('[data-testid=group-already-enrolled]').waitFor({ timeout: 110_000 });
  await shoot('import', 'library', () => app.page.locator('[data-testid=import-groups]').scrollIntoViewIfNeeded());

  await shoot('data', 'data', () => app.page.evaluate(() => window.scrollTo(0, 0)));
});
