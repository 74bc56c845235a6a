// Two tabs of the app at once: both write, neither loses a write, and each sees the other's changes without a
// reload (its search index follows too).
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { WatchedPage, facePath, giveConsent, launchBrowser, waitForApp } from './browser';

let browser: Browser;
let first: WatchedPage;
let second: Page;

beforeAll(async () => {
  browser = await launchBrowser();
  first = await WatchedPage.open(browser, inject('baseUrl'));
  await first.page.goto(inject('baseUrl'));
  await waitForApp(first.page);
  second = await first.context.newPage(); // same browser profile: the same IndexedDB
  await second.goto(inject('baseUrl'));
  await waitForApp(second);
});

afterAll(async () => {
  await first?.close();
  await browser?.close();
});

async function startEnrol(page: Page, name: string, photos: string[]) {
  await page.click('[data-testid=tab-people]');
  await page.fill('[data-testid=person-name]', name);
  await page.setInputFiles('[data-testid=person-photos]', photos.map(facePath));
  await giveConsent(page);
  await page.click('[data-testid=enrol-submit]');
}

describe('two tabs', () => {
  it('enrolling in both at once keeps both people, and each tab lists both without a reload', async () => {
    await Promise.all([
      startEnrol(first.page, 'Barack Obama', ['obama/obama.jpg', 'obama/obama1.jpg']),
      startEnrol(second, 'Angelina', ['angelina/img2.jpg', 'angelina/img4.jpg']),
    ]);
    for (const page of [first.page, second]) {
      await page.locator('[data-testid=person][data-name="Barack Obama"]').waitFor({ timeout: 60_000 });
      await page.locator('[data-testid=person][data-name="Angelina"]').waitFor({ timeout: 60_000 });
    }
  });

  it('a person enrolled in one tab is identified in the other; a deletion there is seen here', async () => {
    await second.click('[data-testid=tab-identify]');
    await second.setInputFiles('[data-testid=identify-photo]', facePath('obama/obama3.jpg'));
    await second.locator('[data-testid=face-box][data-label="Barack Obama"]').waitFor({ timeout: 60_000 });

    await first.page.click('[data-testid=tab-people]');
    const row = first.page.locator('[data-testid=person][data-name="Barack Obama"]');
    await row.locator('[data-testid=delete]').click();
    await row.locator('[data-testid=delete-confirm]').click();
    await row.waitFor({ state: 'detached' });

    await second.setInputFiles('[data-testid=identify-photo]', facePath('obama/obama2.jpg'));
    await second.locator('[data-testid=identify-busy]').waitFor({ state: 'detached', timeout: 60_000 });
    expect(await second.locator('[data-testid=face-box]').getAttribute('data-label')).toBe('unknown');
  });

  it('an import running in one tab while the other enrols: both writes land, and each tab sees the result', async () => {
    const photos = ['sheldon', 'raj', 'penny', 'howard'].flatMap((who) =>
      [1, 2, 3, 4].map((i) => facePath(`${who}/${who}${i}.png`)),
    );
    await first.page.click('[data-testid=tab-import]');
    await first.page.setInputFiles('[data-testid=import-files]', photos);
    await startEnrol(second, 'Leonard', ['leonard/leonard1.png', 'leonard/leonard2.png']);
    await first.page.locator('[data-testid=import-status][data-finished=true]').waitFor({ timeout: 110_000 });
    await first.page.locator('[data-testid=import-groups]').waitFor();
    expect(await first.page.locator('[data-testid=import-status]').getAttribute('data-done')).toBe(
      String(photos.length),
    );
    expect(await first.page.locator('[data-testid=import-face]').count()).toBe(photos.length);
    expect(await first.page.locator('[data-testid=import-group]').count()).toBe(4);
    await second.locator('[data-testid=person][data-name="Leonard"]').waitFor({ timeout: 60_000 });
    await first.page.click('[data-testid=tab-people]');
    await first.page.locator('[data-testid=person][data-name="Leonard"]').waitFor({ timeout: 30_000 });
    // The other tab's session is alive: its import is not erased by this tab's retention check.
    await second.reload();
    await waitForApp(second);
    await first.page.click('[data-testid=tab-import]');
    await first.page.locator('[data-testid=import-groups]').waitFor();
    expect(await first.page.locator('[data-testid=import-face]').count()).toBe(photos.length);
  });
});
