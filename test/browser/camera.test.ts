// Camera capture (Chromium's fake camera): open it, switch front/back, take a photo, and the photo goes through
// the same pipeline as a file.
import { beforeAll, describe, expect, it } from 'vitest';
import { appSuite } from './suite';

const app = appSuite({ launchArgs: ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'] });

beforeAll(async () => {
  await app.context.grantPermissions(['camera'], { origin: app.origin });
});

describe('camera', () => {
  it('takes a photo from the camera (front, then back) and identifies it like a file', async () => {
    const page = app.page;
    await page.click('[data-testid=tab-identify]');
    await page.getByRole('button', { name: 'Use camera' }).click();
    const video = page.locator('video');
    await video.waitFor();
    await page.waitForFunction(() => {
      const find = (root: Document | ShadowRoot): HTMLVideoElement | null =>
        root.querySelector('video') ??
        Array.from(root.querySelectorAll('*'))
          .map((e) => (e.shadowRoot ? find(e.shadowRoot) : null))
          .find(Boolean) ??
        null;
      return (find(document)?.videoWidth ?? 0) > 0;
    });
    await page.getByRole('button', { name: /Switch to back camera/ }).click();
    await page.getByRole('button', { name: /Switch to front camera/ }).waitFor();
    await page.getByRole('button', { name: 'Take photo' }).click();
    // Chromium's fake camera shows a test pattern, not a face: the captured frame is read and says so.
    await page.locator('[data-testid=message][data-code=no-face]').waitFor({ timeout: 60_000 });
    expect(await video.count()).toBe(0); // the camera is closed after the photo
  });
});
