// Live camera with Chromium's fake camera playing a video made in the test from ../shared/faces: an enrolled
// person (from photos not in the video), no one, then someone not enrolled. Checks the name drawn on the face,
// that it holds from frame to frame, that the embedder runs far less often than frames are processed, "Unknown",
// one audit entry per session, and that nothing leaves the origin. Speed is measured by `npm run bench:live`.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { intersectionOverUnion } from '../../src/core/detection-geometry';
import type { Box } from '../../src/index';
import { readDeviceStorage } from './browser';
import { prepareLiveCamera, type LiveSetup } from './live-setup';

const ENROLLED = { name: 'Angelina', photos: ['angelina/img2.jpg', 'angelina/img4.jpg', 'angelina/img5.jpg'] };
const SEGMENTS = [
  { photo: 'angelina/img10.jpg', seconds: 4 },
  { photo: null, seconds: 1 },
  { photo: 'raj/raj1.png', seconds: 3 },
  { photo: null, seconds: 1 },
];

interface RecordedFrame {
  faces: { track: number; label: string | null; box: Box }[];
}

let live: LiveSetup;
let page: Page;

beforeAll(async () => {
  live = await prepareLiveCamera(inject('baseUrl'), SEGMENTS, ENROLLED);
  page = live.app.page;
}, 240_000);

afterAll(async () => {
  await live?.close();
}, 30_000);

/** Records every processed frame's faces (the component's live-frame event) into window.__liveFrames. */
async function recordFrames(): Promise<void> {
  await page.evaluate(() => {
    const camera = document
      .querySelector('facelocal-app')!
      .shadowRoot!.querySelector('identify-panel')!
      .shadowRoot!.querySelector('live-camera')!;
    const frames: RecordedFrame[] = [];
    (window as unknown as { __liveFrames: RecordedFrame[] }).__liveFrames = frames;
    camera.addEventListener('live-frame', (e) => {
      const r = (e as CustomEvent<import('../../src/index').LiveFrameResult>).detail;
      frames.push({
        faces: r.faces.map((f) => ({
          track: f.trackId,
          label: f.match === null ? null : f.match.kind === 'known' ? f.match.name : 'unknown',
          box: f.box,
        })),
      });
    });
  });
}

const recorded = () => page.evaluate(() => (window as unknown as { __liveFrames: RecordedFrame[] }).__liveFrames);

async function liveAuditEntries(): Promise<number> {
  const { stores } = await readDeviceStorage(page);
  return Object.entries(stores)
    .filter(([name]) => name.endsWith('/audit'))
    .flatMap(([, rows]) => rows as { action: string }[])
    .filter((r) => r.action === 'live-camera').length;
}

describe('live camera', () => {
  it('names the enrolled face on its box, keeps the name between frames, embeds rarely, and says Unknown for a stranger', async () => {
    await page.click('[data-testid=tab-identify]');
    await recordFrames();
    await page.getByRole('button', { name: 'Live camera', exact: true }).click();
    const [faceA, , faceB] = live.video.faces as Box[];

    // The name is drawn over the video, on the face: the box's place on screen, mapped back to video pixels.
    const drawn = page.locator(`[data-testid=live-face-box][data-label="${ENROLLED.name}"]`);
    await drawn.first().waitFor({ timeout: 90_000 });
    const onScreen = await page.evaluate(() => {
      const root = document
        .querySelector('facelocal-app')!
        .shadowRoot!.querySelector('identify-panel')!
        .shadowRoot!.querySelector('live-camera')!.shadowRoot!;
      const video = root.querySelector('video')!.getBoundingClientRect();
      const box = root.querySelector('[data-testid=live-face-box]')!;
      const b = box.getBoundingClientRect();
      const scale = root.querySelector('video')!.videoWidth / video.width;
      return {
        label: box.getAttribute('data-label'),
        tag: box.textContent!.trim(),
        box: {
          x: (b.x - video.x) * scale,
          y: (b.y - video.y) * scale,
          width: b.width * scale,
          height: b.height * scale,
        },
      };
    });
    expect(onScreen.tag).toMatch(new RegExp(`^${ENROLLED.name} \\d+%$`));
    expect(intersectionOverUnion(onScreen.box, faceA)).toBeGreaterThan(0.5);
    await expect
      .poll(() => page.locator('[data-testid=live-names]').textContent(), { timeout: 10_000 })
      .toContain(ENROLLED.name);

    // Wait for the stranger, then for the enrolled person to come round again (the video loops).
    await expect
      .poll(async () => (await recorded()).some((f) => f.faces.some((x) => x.label === 'unknown')), {
        timeout: 60_000,
        interval: 250,
      })
      .toBe(true);
    await page.locator('[data-testid=live-names]').filter({ hasText: 'Unknown' }).waitFor({ timeout: 10_000 });
    await expect
      .poll(
        async () => {
          const frames = await recorded();
          const lastUnknown = frames.findLastIndex((f) => f.faces.some((x) => x.label === 'unknown'));
          return frames.slice(lastUnknown + 1).filter((f) => f.faces.some((x) => x.label === ENROLLED.name)).length;
        },
        { timeout: 60_000, interval: 250 },
      )
      .toBeGreaterThanOrEqual(10);

    const frames = await recorded();
    const stats = {
      frames: Number(await page.getAttribute('live-camera', 'data-frames')),
      embeds: Number(await page.getAttribute('live-camera', 'data-embeds')),
    };
    const faces = frames.flatMap((f) => f.faces);
    const named = faces.filter((x) => x.label === ENROLLED.name);
    const strangers = faces.filter((x) => x.label === 'unknown');
    // Every box named Angelina is on her face, every "unknown" on the stranger's: no name on the wrong face.
    for (const x of named) expect(intersectionOverUnion(x.box, faceA)).toBeGreaterThan(0.5);
    for (const x of strangers) expect(intersectionOverUnion(x.box, faceB)).toBeGreaterThan(0.5);
    // Once a track is named, it keeps the name on every following frame it is in.
    const tracks = new Set(named.map((x) => x.track));
    for (const track of tracks) {
      const labels = faces.filter((x) => x.track === track).map((x) => x.label);
      expect(
        labels.slice(labels.indexOf(ENROLLED.name)).every((l) => l === ENROLLED.name),
        `track ${track}: ${labels.join(' ')}`,
      ).toBe(true);
    }
    expect(named.length).toBeGreaterThanOrEqual(20);
    // Tracked faces are embedded only when new, on the ~1 s re-check, or after a big change: far fewer than frames.
    expect(stats.frames).toBeGreaterThanOrEqual(frames.length);
    expect(stats.embeds).toBeGreaterThan(0);
    expect(stats.embeds * 3).toBeLessThan(faces.length);
    expect(Number(await page.getAttribute('[data-testid=live-fps]', 'data-fps'))).toBeGreaterThan(0);
  });

  it('stops the camera with Stop and when leaving the tab; one audit entry per session, nothing leaves the origin', async () => {
    await page.getByRole('button', { name: 'Stop live camera' }).click();
    await expect.poll(() => page.locator('video').count()).toBe(0);
    await expect.poll(liveAuditEntries).toBe(1);

    await page.getByRole('button', { name: 'Live camera', exact: true }).click();
    await page.locator('[data-testid=live-face-box]').first().waitFor({ timeout: 60_000 });
    await page.click('[data-testid=tab-people]');
    expect(await page.locator('video').count()).toBe(0);
    await expect.poll(liveAuditEntries).toBe(2);

    expect(live.app.offOriginRequests()).toEqual([]);
    expect(live.app.requestsWithData()).toEqual([]);
    expect(live.app.cspViolations).toEqual([]);
    expect(live.app.pageErrors).toEqual([]);
  });
});
