// A fake camera video made from ../shared/faces photos, for Chromium's --use-file-for-fake-video-capture. The
// browser draws each photo on a 640x480 frame (and finds the face on it through the real facade, so tests know
// where the box belongs); Node moves the picture a little from frame to frame, as a hand-held camera would, and
// writes a y4m file to a temporary folder. No media is committed.
import { mkdtempSync, openSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import type { Box } from '../../src/index';
import { openHarness } from './browser';
import { rgbaToI420, y4mFrame, y4mHeader } from './y4m';

export const FRAME_WIDTH = 640;
export const FRAME_HEIGHT = 480;
export const FAKE_CAMERA_FPS = 30;
/** How far (px) the picture drifts from its place: enough to move the boxes, not to lose the face. */
const DRIFT_PX = 8;

/** `photo` relative to FACES_DIR, or null for an empty grey frame (no one in view). */
export interface Segment {
  photo: string | null;
  seconds: number;
}

export interface FakeCameraVideo {
  path: string;
  /** Per segment, where the face is on the undrifted frame (null for an empty segment). */
  faces: (Box | null)[];
  frames: number;
}

export async function writeFakeCameraVideo(
  browser: Browser,
  baseUrl: string,
  segments: Segment[],
): Promise<FakeCameraVideo> {
  const harness = await openHarness(browser, baseUrl);
  try {
    const pictures = await harness.page.evaluate(
      async ({ photos, width, height }) => {
        const matcher = await window.facelocal.openMatcher({ databaseName: 'fake-camera-video' });
        const out: { rgba: string; face: Box | null }[] = [];
        for (const photo of photos) {
          const canvas = new OffscreenCanvas(width, height);
          const ctx = canvas.getContext('2d')!;
          ctx.fillStyle = '#7f7f7f';
          ctx.fillRect(0, 0, width, height);
          let face: Box | null = null;
          if (photo) {
            const image = await createImageBitmap(await (await fetch(`/__faces/${photo}`)).blob(), {
              imageOrientation: 'from-image',
            });
            // The photo fills 70% of the frame's height, centred: the face is near, as in front of a webcam.
            const scale = Math.min((0.7 * height) / image.height, (0.9 * width) / image.width);
            const w = image.width * scale,
              h = image.height * scale;
            ctx.drawImage(image, (width - w) / 2, (height - h) / 2, w, h);
            const { faces } = await matcher.detect(await canvas.convertToBlob({ type: 'image/png' }));
            if (faces.length !== 1)
              throw new Error(`${photo}: expected one face on the fake camera frame, found ${faces.length}`);
            face = faces[0].box;
          }
          const bytes = new Uint8Array(ctx.getImageData(0, 0, width, height).data.buffer);
          let binary = '';
          for (let i = 0; i < bytes.length; i += 0x8000)
            binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
          out.push({ rgba: btoa(binary), face });
        }
        await matcher.close();
        return out;
      },
      { photos: segments.map((s) => s.photo), width: FRAME_WIDTH, height: FRAME_HEIGHT },
    );

    const path = join(mkdtempSync(join(tmpdir(), 'facelocal-camera-')), 'camera.y4m');
    const fd = openSync(path, 'w');
    let frames = 0;
    try {
      writeSync(fd, y4mHeader(FRAME_WIDTH, FRAME_HEIGHT, FAKE_CAMERA_FPS));
      segments.forEach((segment, s) => {
        const rgba = new Uint8Array(Buffer.from(pictures[s].rgba, 'base64'));
        for (let f = 0; f < Math.round(segment.seconds * FAKE_CAMERA_FPS); f++, frames++) {
          const phase = (2 * Math.PI * f) / FAKE_CAMERA_FPS;
          const moved = segment.photo
            ? shifted(rgba, Math.round(DRIFT_PX * Math.sin(phase)), Math.round((DRIFT_PX / 2) * Math.cos(phase)))
            : rgba;
          writeSync(fd, y4mFrame(rgbaToI420(moved, FRAME_WIDTH, FRAME_HEIGHT)));
        }
      });
    } finally {
      closeSync(fd);
    }
    return { path, faces: pictures.map((p) => p.face), frames };
  } finally {
    await harness.close();
  }
}

/** The frame moved by (dx, dy) px, grey where it uncovers. */
function shifted(rgba: Uint8Array, dx: number, dy: number): Uint8Array {
  const out = new Uint8Array(rgba.length).fill(127);
  for (let y = 0; y < FRAME_HEIGHT; y++) {
    const sy = y - dy;
    if (sy < 0 || sy >= FRAME_HEIGHT) continue;
    const x0 = Math.max(0, dx),
      x1 = Math.min(FRAME_WIDTH, FRAME_WIDTH + dx);
    out.set(
      rgba.subarray((sy * FRAME_WIDTH + x0 - dx) * 4, (sy * FRAME_WIDTH + x1 - dx) * 4),
      (y * FRAME_WIDTH + x0) * 4,
    );
  }
  return out;
}

/** Chromium flags for a fake camera showing this video (and no permission prompt). */
export function fakeCameraArgs(video: FakeCameraVideo): string[] {
  return [
    '--use-fake-device-for-media-stream',
    '--use-fake-ui-for-media-stream',
    `--use-file-for-fake-video-capture=${video.path}`,
  ];
}
