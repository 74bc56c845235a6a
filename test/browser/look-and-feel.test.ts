// The app as a product, on a phone first (issue 11, "look and feel"): empty states that say what to do first,
// people shown as a grid of faces, actions that erase set apart, and a focus that can be seen when moving by keyboard.
import { expect, it } from 'vitest';
import { facePath, giveConsent } from './browser';
import { appSuite } from './suite';

/** A phone's screen: the app is made for it first. */
const app = appSuite({ viewport: { width: 390, height: 844 } });

it('empty screens say what to do first', async () => {
  await app.page.locator('[data-testid=people-empty]').waitFor();
  expect(await app.page.locator('[data-testid=people-empty]').textContent()).toMatch(
    /No one enrolled yet.*Start with someone who agrees/s,
  );
  // Said first, above the form, where a first visit sees it without scrolling on a phone.
  const said = (await app.page.locator('[data-testid=people-empty]').boundingBox())!;
  expect(said.y).toBeLessThan((await app.page.locator('people-panel form').boundingBox())!.y);
  expect(said.y + said.height).toBeLessThan(844);
  await app.page.click('[data-testid=tab-identify]');
  expect(await app.page.locator('[data-testid=identify-empty]').textContent()).toMatch(
    /No one is enrolled yet.*People tab/s,
  );
  await app.page.click('[data-testid=tab-import]');
  expect(await app.page.locator('[data-testid=import-chosen]').textContent()).toMatch(/Nothing chosen yet/);
});

it('moving by keyboard, the focused control is outlined where it can be seen', async () => {
  await app.page.click('[data-testid=tab-people]');
  const outlines: string[] = [];
  for (let i = 0; i < 12; i++) {
    await app.page.keyboard.press('Tab');
    outlines.push(
      await app.page.evaluate(() => {
        let el: Element | null = document.activeElement;
        while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
        if (!el || el === document.body) return 'none';
        // A file input shown as its label shows the focus on that label.
        const shown = el instanceof HTMLInputElement && el.type === 'file' ? (el.nextElementSibling ?? el) : el;
        const s = getComputedStyle(shown);
        return `${el.tagName.toLowerCase()}:${s.outlineStyle}:${parseFloat(s.outlineWidth) >= 2 ? 'wide' : 'thin'}`;
      }),
    );
  }
  expect(outlines.filter((o) => o !== 'none').length).toBeGreaterThanOrEqual(8);
  expect(
    outlines.filter((o) => o !== 'none' && !/:solid:wide$/.test(o)),
    outlines.join(' '),
  ).toEqual([]);
});

it('people are a grid of faces on a desktop and a column of face cards on a phone; erasing is set apart', async () => {
  await app.page.click('[data-testid=tab-people]');
  for (const [name, photo] of [
    ['Barack Obama', 'obama/obama1.jpg'],
    ['Joe Biden', 'biden/biden.jpg'],
    ['Kit Harington', 'kit_harington/john1.jpeg'],
  ]) {
    await app.page.fill('[data-testid=person-name]', name);
    await app.page.setInputFiles('[data-testid=person-photos]', facePath(photo));
    await giveConsent(app.page);
    await app.page.click('[data-testid=enrol-submit]');
    await app.page.locator(`[data-testid=person][data-name="${name}"]`).waitFor({ timeout: 60_000 });
  }
  const faces = app.page.locator('[data-testid=person-face]');
  await expect.poll(() => faces.count()).toBe(3);
  await expect
    .poll(() =>
      faces.evaluateAll((imgs) =>
        imgs.every((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0),
      ),
    )
    .toBe(true);
  const boxes = async () =>
    faces.evaluateAll((imgs) =>
      imgs.map((i) => {
        const r = i.getBoundingClientRect();
        return { x: Math.round(r.x), y: Math.round(r.y), w: r.width };
      }),
    );
  // Phone: one column, each face large enough to recognise.
  const phone = await boxes();
  expect(phone.every((b) => b.w >= 80)).toBe(true);
  expect(new Set(phone.map((b) => b.x)).size).toBe(1);
  // Desktop: the faces sit side by side.
  await app.page.setViewportSize({ width: 1280, height: 900 });
  const desktop = await boxes();
  expect(new Set(desktop.map((b) => b.y)).size).toBe(1);
  // Withdraw and Delete are in their own group below the everyday actions.
  const card = app.page.locator('[data-testid=person]').first();
  const everyday = await card.locator('[data-testid=add]').boundingBox();
  const erase = await card.locator('[data-testid=delete]').boundingBox();
  expect(erase!.y).toBeGreaterThan(everyday!.y);
  expect(
    await card
      .locator('[role=group]', { has: app.page.locator('[data-testid=delete]') })
      .locator('button')
      .count(),
  ).toBe(2);
  expect(await app.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
});
