// Live camera speed in headless Chromium with a fake camera (a 30 fps y4m video made from ../shared/faces): frames
// processed per second (median over 1-s windows), detect and embed times, and how many faces were embedded.
// The last line is JSON.   npm run bench:live [-- --seconds 10]
import { FAKE_CAMERA_FPS } from '../test/browser/fake-camera';
import { prepareLiveCamera, startLiveView } from '../test/browser/live-setup';
import { startPreview } from '../test/browser/preview-server';

const args = process.argv.slice(2);
const seconds = args.includes('--seconds') ? Number(args[args.indexOf('--seconds') + 1]) : 10;

interface FrameRow {
  at: number;
  faces: number;
  embedded: number;
  detectMs: number;
  embedMs: number;
}

const server = await startPreview();
const live = await prepareLiveCamera(
  server.url,
  [
    { photo: 'angelina/img10.jpg', seconds: 5 },
    { photo: null, seconds: 1 },
    { photo: 'raj/raj1.png', seconds: 3 },
    { photo: null, seconds: 1 },
  ],
  { name: 'Angelina', photos: ['angelina/img2.jpg', 'angelina/img4.jpg', 'angelina/img5.jpg'] },
);
try {
  const page = live.app.page;
  await page.click('[data-testid=tab-identify]');
  await page.evaluate(() => {
    const camera = document
      .querySelector('facelocal-app')!
      .shadowRoot!.querySelector('identify-panel')!
      .shadowRoot!.querySelector('live-camera')!;
    const rows: FrameRow[] = [];
    (window as unknown as { __rows: FrameRow[] }).__rows = rows;
    camera.addEventListener('live-frame', (e) => {
      const r = (e as CustomEvent<import('../src/index').LiveFrameResult>).detail;
      rows.push({
        at: performance.now(),
        faces: r.faces.length,
        embedded: r.embedded,
        detectMs: r.detectMs,
        embedMs: r.embedMs,
      });
    });
  });
  await startLiveView(page);
  await page.waitForTimeout(1000); // warm-up: first frames compile shaders and fill caches
  const start = await page.evaluate(() => performance.now());
  await page.waitForTimeout(seconds * 1000);
  const rows = (await page.evaluate(() => (window as unknown as { __rows: FrameRow[] }).__rows)).filter(
    (r) => r.at >= start && r.at < start + seconds * 1000,
  );
  await page.getByRole('button', { name: 'Stop live camera' }).click();

  const perWindow = Array.from(
    { length: seconds },
    (_, w) => rows.filter((r) => r.at >= start + w * 1000 && r.at < start + (w + 1) * 1000).length,
  );
  const median = (v: number[]) => {
    const s = [...v].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  };
  const p90 = (v: number[]) => [...v].sort((a, b) => a - b)[Math.min(v.length - 1, Math.floor(0.9 * v.length))];
  const detect = rows.map((r) => r.detectMs);
  const embedding = rows.filter((r) => r.embedded > 0).map((r) => r.embedMs);
  const result = {
    seconds,
    cameraFps: FAKE_CAMERA_FPS,
    framesProcessed: rows.length,
    fpsMedian: median(perWindow),
    fpsPerSecond: perWindow,
    detectMsMedian: +median(detect).toFixed(1),
    detectMsP90: +p90(detect).toFixed(1),
    facesSeen: rows.reduce((s, r) => s + r.faces, 0),
    embeds: rows.reduce((s, r) => s + r.embedded, 0),
    embedMsMedian: embedding.length ? +median(embedding).toFixed(1) : null,
  };
  console.log(`live camera, ${seconds} s after 1 s warm-up; fake camera ${FAKE_CAMERA_FPS} fps, 640x480`);
  console.log(`frames processed per second: median ${result.fpsMedian} (per 1-s window: ${perWindow.join(' ')})`);
  console.log(`detect: median ${result.detectMsMedian} ms, p90 ${result.detectMsP90} ms`);
  console.log(
    `embeds: ${result.embeds} for ${result.facesSeen} faces seen in ${rows.length} frames (align+embed+search median ${result.embedMsMedian} ms when it runs)`,
  );
  console.log(JSON.stringify(result));
} finally {
  await live.close();
  await server.close();
}
