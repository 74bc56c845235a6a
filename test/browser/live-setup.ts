// Shared by the live camera test and benchmark: make the fake camera video, start a Chromium whose camera plays
// it, open the app and enrol one person through the UI (from photos that are not in the video).
import type { Browser, Page } from 'playwright-core';
import { facePath, giveConsent, launchBrowser, openApp, type WatchedPage } from './browser';
import { fakeCameraArgs, writeFakeCameraVideo, type FakeCameraVideo, type Segment } from './fake-camera';

export interface LiveSetup {
  browser: Browser;
  app: WatchedPage;
  video: FakeCameraVideo;
  close(): Promise<void>;
}

export async function prepareLiveCamera(
  baseUrl: string,
  segments: Segment[],
  person: { name: string; photos: string[] },
): Promise<LiveSetup> {
  const maker = await launchBrowser();
  let video: FakeCameraVideo;
  try {
    video = await writeFakeCameraVideo(maker, baseUrl, segments);
  } finally {
    await maker.close();
  }
  const browser = await launchBrowser(fakeCameraArgs(video));
  const app = await openApp(browser, baseUrl);
  await app.context.grantPermissions(['camera'], { origin: new URL(baseUrl).origin });
  await enrolThroughUi(app.page, person.name, person.photos);
  return {
    browser,
    app,
    video,
    close: async () => {
      await app.close();
      await browser.close();
    },
  };
}

export async function enrolThroughUi(page: Page, name: string, photos: string[]): Promise<void> {
  await page.click('[data-testid=tab-people]');
  await page.fill('[data-testid=person-name]', name);
  await page.setInputFiles('[data-testid=person-photos]', photos.map(facePath));
  await giveConsent(page);
  await page.click('[data-testid=enrol-submit]');
  await page
    .locator('[data-testid=enrol-outcome]')
    .nth(photos.length - 1)
    .waitFor({ timeout: 60_000 });
  const refused = await page.locator('[data-testid=enrol-outcome][data-ok=false]').count();
  if (refused > 0) throw new Error(`${refused} enrolment photo(s) of ${name} refused`);
}

/** Starts the live view in the Identify tab and waits for the first processed frame. */
export async function startLiveView(page: Page): Promise<void> {
  await page.click('[data-testid=tab-identify]');
  await page.getByRole('button', { name: 'Live camera', exact: true }).click();
  await page.waitForFunction(
    () =>
      Number(
        document
          .querySelector('facelocal-app')
          ?.shadowRoot?.querySelector('identify-panel')
          ?.shadowRoot?.querySelector('live-camera')
          ?.getAttribute('data-frames') ?? 0,
      ) > 0,
    undefined,
    { timeout: 60_000 },
  );
}
