// Phone-class profile: the app's workloads in headless Chromium with a phone's screen and touch (390x844, DPR 3,
// mobile, touch) on a CPU slowed about 4x, with and without cross-origin isolation (without it, WASM runs on one
// thread, as on a host that cannot send COOP/COEP).
//   npm run bench:phone [-- --slowdown 4 --cores 0.3 --visits 3 --live-seconds 8 --modes isolated,plain --linger 0 --chromium-flag=F --live-only]
// The slow CPU is a cgroup CPU quota on every Chromium process (bench/cpu-quota.ts says why not CDP). Before the
// figures, each mode calibrates: the same faces embedded through the facade without and with the quota; the quota
// is tuned until that workload runs --slowdown times slower (or fixed with --cores), and the factor is reported.
// Each mode is tuned on its own: one thread (no isolation) cannot use a second core, so the same quota would slow
// it less than a phone whose every core is slower does.
// Per mode: time to first result on a first and a later visit (ms after navigation, harness page), identify on a
// 12-megapixel photo (made at run time in a temp dir), live camera frames per second (the fake camera), and the
// tab's peak memory (the renderer process's peak resident set, which holds the page and its workers; and, when
// cross-origin isolated, performance.measureUserAgentSpecificMemory after identify). The last line is JSON.
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM, CHROMIUM_ARGS, launchBrowser, openHarness, serveFaces } from '../test/browser/browser';
import { fakeCameraArgs, writeFakeCameraVideo, type FakeCameraVideo } from '../test/browser/fake-camera';
import { enrolThroughUi } from '../test/browser/live-setup';
import { startPreview } from '../test/browser/preview-server';
import { cpuSeconds, cpuSecondsByThread, createCpuQuota, rendererPeaksMB, type CpuQuota } from './cpu-quota';
import type { LiveFrameResult } from '../src/index';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const slowdown = Number(option('--slowdown', '4'));
const fixedCores: number | null = args.includes('--cores') ? Number(option('--cores', '')) : null;
const visits = Number(option('--visits', '3'));
const liveSeconds = Number(option('--live-seconds', '8'));
const modes = option('--modes', 'isolated,plain').split(',') as ('isolated' | 'plain')[];
/** Extra Chromium flags for an experiment, e.g. --chromium-flag=--js-flags=--liftoff-only (repeatable). */
/** Seconds each later visit's page stays open after its first result (as a person would stay), before the next. */
const linger = Number(option('--linger', '0'));
/** Calibrate, then measure only the live camera (no visits, no 12-megapixel identify): to compare live builds. */
const liveOnly = args.includes('--live-only');
const extraFlags = args.filter((a) => a.startsWith('--chromium-flag=')).map((a) => a.slice('--chromium-flag='.length));

const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true } as const;
const FIRST_PHOTO = 'obama/obama1.jpg';
/** The fixed workload: these faces, embedded (decode, detect, align, embed) CALIBRATION_ROUNDS times. */
const CALIBRATION_PHOTOS = ['obama/obama1.jpg', 'obama/obama2.jpg', 'biden/biden.jpg', 'biden/biden2.jpg'];
const CALIBRATION_ROUNDS = 3;
const ENROL_OBAMA = ['obama/obama.jpg', 'obama/obama2.jpg', 'obama/obama3.jpg'];
const BIG_SOURCE = '_group/facerec_obama_and_biden.jpg';
const BIG_W = 4000,
  BIG_H = 3000;
const SETTLE_MS = 2000;
const TARGETS = { liveFps: 15, laterVisitFirstResultMs: 3000, identify12MpMs: 1000 };

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (x: number) => Math.round(x);

/** A 12-megapixel JPEG (a group photo scaled to cover 4000x3000), written to a temp dir; and the fake camera video. */
async function makeMedia(url: string): Promise<{ bigPhoto: string; video: FakeCameraVideo; dir: string }> {
  const maker = await launchBrowser();
  try {
    const harness = await openHarness(maker, url);
    const base64 = await harness.page.evaluate(
      async ({ source, w, h }) => {
        const image = await createImageBitmap(await (await fetch(`/__faces/${source}`)).blob(), {
          imageOrientation: 'from-image',
        });
        const canvas = new OffscreenCanvas(w, h);
        const scale = Math.max(w / image.width, h / image.height);
        canvas
          .getContext('2d')!
          .drawImage(
            image,
            (w - image.width * scale) / 2,
            (h - image.height * scale) / 2,
            image.width * scale,
            image.height * scale,
          );
        const bytes = new Uint8Array(
          await (await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.9 })).arrayBuffer(),
        );
        let binary = '';
        for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
        return btoa(binary);
      },
      { source: BIG_SOURCE, w: BIG_W, h: BIG_H },
    );
    await harness.close();
    const dir = mkdtempSync(join(tmpdir(), 'facelocal-phone-'));
    const bigPhoto = join(dir, 'photo-12mp.jpg');
    writeFileSync(bigPhoto, Buffer.from(base64, 'base64'));
    const video = await writeFakeCameraVideo(maker, url, [
      { photo: 'angelina/img10.jpg', seconds: 5 },
      { photo: null, seconds: 1 },
      { photo: 'raj/raj1.png', seconds: 3 },
      { photo: null, seconds: 1 },
    ]);
    return { bigPhoto, video, dir };
  } finally {
    await maker.close();
  }
}

async function harnessPage(context: BrowserContext, url: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(new URL('test/harness/', url).href);
  await page.waitForFunction(() => document.body.dataset.ready === 'true', undefined, { polling: 10 });
  return page;
}

/** The fixed workload on an open matcher (window.matcher): wall time and the CPU time Chromium spent on it. */
async function workload(page: Page, quota: CpuQuota): Promise<{ ms: number; cpuS: number }> {
  const cpu0 = cpuSeconds(quota.pids());
  const ms = await page.evaluate(
    async ({ photos, rounds }) => {
      const blobs = await Promise.all(photos.map(async (p) => (await fetch(`/__faces/${p}`)).blob()));
      const t0 = performance.now();
      for (let r = 0; r < rounds; r++) for (const b of blobs) await window.matcher.embedFaces(b);
      return performance.now() - t0;
    },
    { photos: CALIBRATION_PHOTOS, rounds: CALIBRATION_ROUNDS },
  );
  return { ms, cpuS: cpuSeconds(quota.pids()) - cpu0 };
}

/** Measures the workload unthrottled and throttled; unless --cores, sets the quota so the factor comes near `slowdown`. */
async function calibrate(browser: Browser, url: string, quota: CpuQuota) {
  const context = await browser.newContext(PHONE);
  await context.addInitScript({ content: 'globalThis.__name = globalThis.__name || ((f) => f);' });
  await serveFaces(context, new URL(url).origin);
  const page = await harnessPage(context, url);
  await page.evaluate(async () => {
    window.matcher = await window.facelocal.openMatcher({ databaseName: 'phone-calibration' });
  });
  quota.set(null);
  await workload(page, quota); // warm-up: compile, tier up, fill caches
  // The faster of two: a burst of load elsewhere on the machine should not set the baseline.
  const base = [await workload(page, quota), await workload(page, quota)].sort((a, b) => a.ms - b.ms)[0];
  const tries: { cores: number; ms: number }[] = [];
  let cores = fixedCores ?? 0;
  if (fixedCores === null) {
    // First guess: the CPU the workload used per second, divided by the slow-down; then correct by what it gave,
    // twice, and take the mean of the two corrected quotas (each try is noisy).
    cores = base.cpuS / (base.ms / 1000) / slowdown;
    const corrected: number[] = [];
    for (let i = 0; i < 2; i++) {
      quota.set(cores);
      const t = await workload(page, quota);
      tries.push({ cores: +cores.toFixed(3), ms: round(t.ms) });
      cores = (cores * (t.ms / base.ms)) / slowdown;
      corrected.push(cores);
    }
    cores = (corrected[0] + corrected[1]) / 2;
  }
  quota.set(cores);
  const slow = await workload(page, quota);
  await page.evaluate(() => window.matcher.close());
  await context.close();
  return {
    workload: `${CALIBRATION_PHOTOS.length} photos x ${CALIBRATION_ROUNDS} through embedFaces`,
    unthrottledMs: round(base.ms),
    unthrottledCpuCores: +(base.cpuS / (base.ms / 1000)).toFixed(2),
    throttledMs: round(slow.ms),
    cores: +cores.toFixed(3),
    factor: +(slow.ms / base.ms).toFixed(2),
    tries,
  };
}

/** Opens the harness, a matcher, and embeds one photo: ms after navigation start to ready and to the result. */
async function firstResult(
  context: BrowserContext,
  url: string,
  quota: CpuQuota,
): Promise<{
  page: Page;
  readyMs: number;
  resultMs: number;
  cpuS: number;
  cpuByThread: Record<string, number>;
  info: unknown;
}> {
  const cpu0 = cpuSeconds(quota.pids());
  const threads0 = cpuSecondsByThread(quota.pids());
  const page = await harnessPage(context, url);
  const r = await page.evaluate(async (photo) => {
    const blob = fetch(`/__faces/${photo}`).then((x) => x.blob());
    window.matcher = await window.facelocal.openMatcher({ databaseName: 'phone' });
    const readyMs = performance.now();
    await window.matcher.embedFaces(await blob);
    return { readyMs, resultMs: performance.now(), info: window.matcher.info };
  }, FIRST_PHOTO);
  // Where that CPU went, by kind of thread (the largest; threads that ended before this are not counted).
  const used = [...cpuSecondsByThread(quota.pids())]
    .map(([k, v]) => [k, v - (threads0.get(k) ?? 0)] as const)
    .filter(([, v]) => v >= 0.05);
  const cpuByThread = Object.fromEntries(
    used
      .sort((a, b) => b[1] - a[1])
      .slice(0, 8)
      .map(([k, v]) => [k, +v.toFixed(2)]),
  );
  return { page, ...r, cpuS: cpuSeconds(quota.pids()) - cpu0, cpuByThread };
}

async function identifyBig(page: Page) {
  return page.evaluate(
    async ({ enrol }) => {
      const consent = window.facelocal.consentFor('Barack Obama', { collectedBy: 'Bench' });
      const photos = await Promise.all(enrol.map(async (p) => (await fetch(`/__faces/${p}`)).blob()));
      await window.matcher.enrol({ name: 'Barack Obama', consent }, photos);
      const big = await (await fetch('/__phone/photo-12mp.jpg')).blob();
      const ms: number[] = [];
      let labels: string[] = [];
      for (let i = 0; i < 3; i++) {
        const t0 = performance.now();
        const { faces } = await window.matcher.identify(big);
        ms.push(performance.now() - t0);
        labels = faces.map((f) => (f.match.kind === 'unknown' ? 'unknown' : f.match.name));
      }
      let uaMemoryMB: number | null = null;
      const measure = (performance as unknown as { measureUserAgentSpecificMemory?: () => Promise<{ bytes: number }> })
        .measureUserAgentSpecificMemory;
      if (self.crossOriginIsolated && measure) uaMemoryMB = (await measure.call(performance)).bytes / 1e6;
      return { ms, labels, uaMemoryMB };
    },
    { enrol: ENROL_OBAMA },
  );
}

/** One processed live frame, as the page records it. */
interface LiveFrameSample {
  at: number;
  detectMs: number;
  embedded: number;
  embedMs: number;
}

async function liveFps(context: BrowserContext, url: string, quota: CpuQuota) {
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForFunction(
    () => document.querySelector('facelocal-app')?.getAttribute('data-ready') === 'true',
    undefined,
    { timeout: 120_000 },
  );
  await enrolThroughUi(page, 'Angelina', ['angelina/img2.jpg', 'angelina/img4.jpg', 'angelina/img5.jpg']);
  await page.locator('[data-testid=tab-identify]').tap();
  await page.evaluate(() => {
    const camera = document
      .querySelector('facelocal-app')!
      .shadowRoot!.querySelector('identify-panel')!
      .shadowRoot!.querySelector('live-camera')!;
    const frames: LiveFrameSample[] = [];
    (window as unknown as { __frames: typeof frames }).__frames = frames;
    camera.addEventListener('live-frame', (e) => {
      const r = (e as CustomEvent<LiveFrameResult>).detail;
      if (r) frames.push({ at: performance.now(), detectMs: r.detectMs, embedded: r.embedded, embedMs: r.embedMs });
    });
  });
  await page.getByRole('button', { name: 'Live camera', exact: true }).tap();
  await page.waitForFunction(() => (window as unknown as { __frames: unknown[] }).__frames.length > 0, undefined, {
    timeout: 60_000,
  });
  await sleep(2000); // warm-up, as bench:live
  const threads0 = cpuSecondsByThread(quota.pids());
  const start = await page.evaluate(() => performance.now());
  await sleep(liveSeconds * 1000);
  // Where the CPU went while the camera ran, per second, by kind of thread (the largest).
  const cpuByThread = Object.fromEntries(
    [...cpuSecondsByThread(quota.pids())]
      .map(([k, v]) => [k, (v - (threads0.get(k) ?? 0)) / liveSeconds] as const)
      .filter(([, v]) => v >= 0.005)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 8)
      .map(([k, v]) => [k, +v.toFixed(3)]),
  );
  const frames = (await page.evaluate(() => (window as unknown as { __frames: LiveFrameSample[] }).__frames)).filter(
    (f) => f.at >= start && f.at < start + liveSeconds * 1000,
  );
  await page.getByRole('button', { name: 'Stop live camera' }).tap();
  await page.close();
  const perSecond = Array.from(
    { length: liveSeconds },
    (_, w) => frames.filter((f) => f.at >= start + w * 1000 && f.at < start + (w + 1) * 1000).length,
  );
  const detectMsMedian = frames.length ? +median(frames.map((f) => f.detectMs)).toFixed(1) : null;
  const embedding = frames.filter((f) => f.embedded > 0);
  const embeds = embedding.reduce((n, f) => n + f.embedded, 0);
  const embedMsMedian = embedding.length ? +median(embedding.map((f) => f.embedMs)).toFixed(1) : null;
  return { fpsMedian: median(perSecond), fpsPerSecond: perSecond, detectMsMedian, embeds, embedMsMedian, cpuByThread };
}

function liveLine(mode: string, live: Awaited<ReturnType<typeof liveFps>>, peakMB: number): string {
  return `[${mode}] live camera: median ${live.fpsMedian} fps (${live.fpsPerSecond.join(' ')}), detect median ${live.detectMsMedian} ms, ${live.embeds} embeds (median ${live.embedMsMedian} ms); renderer peak ${peakMB} MB`;
}

async function runMode(mode: 'isolated' | 'plain', media: { bigPhoto: string; video: FakeCameraVideo }) {
  const server = await startPreview({ crossOriginIsolated: mode === 'isolated' });
  const quota = createCpuQuota(CHROMIUM);
  const profile = mkdtempSync(join(tmpdir(), 'facelocal-phone-profile-'));
  const launchArgs = [
    ...CHROMIUM_ARGS,
    ...fakeCameraArgs(media.video),
    '--enable-blink-features=ForceEagerMeasureMemory',
    ...extraFlags,
  ];
  // Peak memory: every renderer's VmHWM, sampled (a process's figure is lost when it exits).
  const peaks = new Map<number, number>();
  const sampler = setInterval(() => {
    for (const [pid, mb] of rendererPeaksMB(quota.pids())) peaks.set(pid, Math.max(mb, peaks.get(pid) ?? 0));
  }, 250);
  const peakNow = () => {
    for (const [pid, mb] of rendererPeaksMB(quota.pids())) peaks.set(pid, Math.max(mb, peaks.get(pid) ?? 0));
    return round(Math.max(0, ...peaks.values()));
  };
  try {
    const scratch = await chromium.launch({ executablePath: quota.executablePath, headless: true, args: launchArgs });
    const calibration = await calibrate(scratch, server.url, quota);
    await scratch.close();
    console.log(
      `[${mode}] calibration: ${calibration.workload}: ${calibration.unthrottledMs} ms unthrottled (${calibration.unthrottledCpuCores} cores busy), ${calibration.throttledMs} ms under ${calibration.cores} cores: ${calibration.factor}x`,
    );

    quota.set(calibration.cores);
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: quota.executablePath,
      headless: true,
      args: launchArgs,
      ...PHONE,
    });
    await context.addInitScript({ content: 'globalThis.__name = globalThis.__name || ((f) => f);' });
    const origin = new URL(server.url).origin;
    await serveFaces(context, origin);
    await context.route(`${origin}/__phone/**`, (route) =>
      route.fulfill({
        status: 200,
        body: readFileSync(media.bigPhoto),
        headers: { 'Content-Type': 'image/jpeg', 'Cross-Origin-Resource-Policy': 'same-origin' },
      }),
    );
    await context.grantPermissions(['camera'], { origin });
    try {
      peaks.clear();
      if (liveOnly) {
        const live = await liveFps(context, server.url, quota);
        console.log(
          `${liveLine(mode, live, peakNow())}; CPU-s per s: ${Object.entries(live.cpuByThread)
            .map(([k, s]) => `${k} ${s}`)
            .join(', ')}`,
        );
        return { calibration, live };
      }
      // First visit: nothing cached; the harness registers no service worker, so models come from the network.
      const first = await firstResult(context, server.url, quota);
      const info = first.info as { backendLabel: string; crossOriginIsolated: boolean };
      await first.page.evaluate(() => window.matcher.close());
      await first.page.close();
      console.log(
        `[${mode}] first visit: ready ${round(first.readyMs)} ms, first result ${round(first.resultMs)} ms (${info.backendLabel}, crossOriginIsolated ${info.crossOriginIsolated})`,
      );
      // The app's own first visit installs the service worker and precaches models and wasm for later visits.
      const app = await context.newPage();
      await app.goto(server.url);
      await app.waitForFunction(
        () => document.querySelector('facelocal-app')?.getAttribute('data-ready') === 'true',
        undefined,
        { timeout: 180_000 },
      );
      const appFirstReadyMs = await app.evaluate(() => performance.now());
      await app.evaluate(async () => {
        const registration = await navigator.serviceWorker.ready;
        while (registration.active?.state !== 'activated') await new Promise((r) => setTimeout(r, 50));
      });
      await app.close();
      await sleep(SETTLE_MS);

      const later: { readyMs: number; resultMs: number; cpuS: number; cpuByThread: Record<string, number> }[] = [];
      let page: Page | undefined;
      for (let v = 0; v < visits; v++) {
        const r = await firstResult(context, server.url, quota);
        later.push({
          readyMs: round(r.readyMs),
          resultMs: round(r.resultMs),
          cpuS: +r.cpuS.toFixed(2),
          cpuByThread: r.cpuByThread,
        });
        console.log(
          `[${mode}] later visit ${v + 1}: ready ${round(r.readyMs)} ms, first result ${round(r.resultMs)} ms (Chromium used ${r.cpuS.toFixed(2)} CPU-s: ${Object.entries(
            r.cpuByThread,
          )
            .map(([k, s]) => `${k} ${s}`)
            .join(', ')})`,
        );
        if (v < visits - 1) {
          await sleep(linger * 1000);
          await r.page.evaluate(() => window.matcher.close());
          await r.page.close();
          await sleep(SETTLE_MS);
        } else page = r.page;
      }
      const identify = await identifyBig(page!);
      await page!.evaluate(() => window.matcher.close());
      await page!.close();
      const harnessPeakMB = peakNow();
      console.log(
        `[${mode}] identify 12 MP: ${identify.ms.map(round).join(', ')} ms (${identify.labels.join(', ')}); renderer peak ${harnessPeakMB} MB`,
      );

      peaks.clear();
      const live = await liveFps(context, server.url, quota);
      const livePeakMB = peakNow();
      console.log(liveLine(mode, live, livePeakMB));
      const laterMedian = round(median(later.map((l) => l.resultMs)));
      return {
        calibration,
        backend: info.backendLabel,
        crossOriginIsolated: info.crossOriginIsolated,
        firstVisit: {
          readyMs: round(first.readyMs),
          firstResultMs: round(first.resultMs),
          cpuS: +first.cpuS.toFixed(2),
          appReadyMs: round(appFirstReadyMs),
        },
        laterVisit: { firstResultMsMedian: laterMedian, visits: later },
        identify12Mp: {
          firstMs: round(identify.ms[0]),
          laterMsMedian: round(median(identify.ms.slice(1))),
          ms: identify.ms.map(round),
          faces: identify.labels,
        },
        live,
        memory: {
          harnessRendererPeakMB: harnessPeakMB,
          liveRendererPeakMB: livePeakMB,
          uaMemoryAfterIdentifyMB: identify.uaMemoryMB === null ? null : round(identify.uaMemoryMB),
        },
        targets: {
          liveFps: { target: `>= ${TARGETS.liveFps}`, value: live.fpsMedian, met: live.fpsMedian >= TARGETS.liveFps },
          laterVisitFirstResultMs: {
            target: `< ${TARGETS.laterVisitFirstResultMs}`,
            value: laterMedian,
            met: laterMedian < TARGETS.laterVisitFirstResultMs,
          },
          identify12MpMs: {
            target: `< ${TARGETS.identify12MpMs}`,
            value: round(median(identify.ms.slice(1))),
            first: round(identify.ms[0]),
            met: median(identify.ms.slice(1)) < TARGETS.identify12MpMs,
          },
        },
      };
    } finally {
      await context.close();
    }
  } finally {
    clearInterval(sampler);
    quota.remove();
    rmSync(profile, { recursive: true, force: true });
    await server.close();
  }
}

const setupServer = await startPreview();
let media: Awaited<ReturnType<typeof makeMedia>>;
try {
  media = await makeMedia(setupServer.url);
} finally {
  await setupServer.close();
}
const loadBefore = loadavg().map((l) => +l.toFixed(2));
const results: Record<string, Awaited<ReturnType<typeof runMode>>> = {};
try {
  for (const mode of modes) results[mode] = await runMode(mode, media);
} finally {
  rmSync(media.dir, { recursive: true, force: true });
  rmSync(join(media.video.path, '..'), { recursive: true, force: true });
}
console.log(
  JSON.stringify({
    date: new Date().toISOString(),
    slowdownTarget: slowdown,
    fixedCores,
    extraFlags,
    phone: PHONE,
    loadAverage: { before: loadBefore, after: loadavg().map((l) => +l.toFixed(2)) },
    ...results,
  }),
);
