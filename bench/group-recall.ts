// Detection recall on the group photos of ../shared/faces/_group against hand counts (test/group-photo-faces.ts),
// with the time per photo (decode + detect + align, in the detector worker), median of --runs runs. Then crowds:
// LFW (dev part) photos laid out in rows on one canvas (made in the page, never saved), so every face's place is
// known: faces ~45 px wide in a 2048x922 photo (as in the group portrait of issue 11), ~30 px in 1280x576 and
// ~45 px in 640x640.
//   npm run bench:group-recall [-- --runs 5 --lfw ../shared/lfw-dev]
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { GROUP_PHOTOS, facesFound, type GroupPhoto } from '../test/group-photo-faces';
import { launchBrowser, openHarness } from '../test/browser/browser';
import { startPreview } from '../test/browser/preview-server';

const args = process.argv.slice(2);
const runs = args.includes('--runs') ? Number(args[args.indexOf('--runs') + 1]) : 5;
const lfw = resolve(args.includes('--lfw') ? args[args.indexOf('--lfw') + 1] : '../shared/lfw-dev');
/** The first photo of the first 200 people of LFW (dev part) by name: the same crowd every run. */
const crowdPhotos = existsSync(lfw)
  ? readdirSync(lfw, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort()
      .slice(0, 200)
      .map((name) => join(name, readdirSync(join(lfw, name)).sort()[0]))
  : [];
/** Crowd photos: width x height, and the cell each LFW photo is drawn into (its face is ~0.4 of the cell). */
const CROWDS = [
  { width: 2048, height: 922, cell: 112 },
  { width: 1280, height: 576, cell: 75 },
  { width: 640, height: 640, cell: 112 },
];

type Box = { x: number; y: number; width: number; height: number };
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

const server = await startPreview();
const browser = await launchBrowser();
try {
  const harness = await openHarness(browser, server.url);
  await harness.context.route(`${harness.origin}/__lfw/**`, (route) => {
    const file = resolve(lfw, decodeURIComponent(new URL(route.request().url()).pathname.replace('/__lfw/', '')));
    if (!file.startsWith(lfw) || !existsSync(file)) return route.fulfill({ status: 404 });
    return route.fulfill({
      status: 200,
      body: readFileSync(file),
      headers: { 'Content-Type': 'image/jpeg', 'Cross-Origin-Resource-Policy': 'same-origin' },
    });
  });
  const result = await harness.page.evaluate(
    async ({ files, runs, crowdPhotos, crowds }) => {
      const matcher = await window.facelocal.openMatcher({ databaseName: 'bench-group-recall' });
      const measure = async (blob: Blob) => {
        const ms: number[] = [];
        let boxes: Box[] = [];
        for (let r = 0; r < runs; r++) {
          const t0 = performance.now();
          const found = await matcher.detect(blob);
          ms.push(performance.now() - t0);
          boxes = found.faces.map((f) => f.box);
        }
        return { boxes, ms };
      };
      const photos = [];
      for (const file of files)
        photos.push({ file, ...(await measure(await (await fetch(`/__faces/${file}`)).blob())) });
      const bitmaps = await Promise.all(
        crowdPhotos.map(async (p) => createImageBitmap(await (await fetch(`/__lfw/${p}`)).blob())),
      );
      const crowdResults = [];
      for (const { width, height, cell } of crowds) {
        const canvas = new OffscreenCanvas(width, height);
        const ctx = canvas.getContext('2d')!;
        ctx.fillStyle = '#6b6f76';
        ctx.fillRect(0, 0, width, height);
        const centres: [number, number][] = [];
        const columns = Math.floor(width / cell),
          rows = Math.floor(height / cell);
        for (let r = 0, i = 0; r < rows; r++) {
          for (let c = 0; c < columns && i < bitmaps.length; c++, i++) {
            const x = c * cell + (width - columns * cell) / 2,
              y = r * cell + (height - rows * cell) / 2;
            ctx.drawImage(bitmaps[i], x, y, cell, cell);
            centres.push([x + cell / 2, y + cell / 2]);
          }
        }
        const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.9 });
        const m = await measure(blob);
        crowdResults.push({ file: `crowd ${width}x${height}, faces ~${Math.round(cell * 0.4)} px`, centres, ...m });
      }
      await matcher.close();
      return { photos, crowds: crowdResults };
    },
    { files: GROUP_PHOTOS.map((p) => p.file), runs, crowdPhotos, crowds: CROWDS },
  );

  const report = (rows: { photo: GroupPhoto; boxes: Box[]; ms: number[] }[]) => {
    let truth = 0,
      found = 0,
      extra = 0;
    const times: number[] = [];
    for (const { photo, boxes, ms } of rows) {
      const hits = facesFound(photo, boxes);
      truth += photo.faces;
      found += hits;
      extra += boxes.length - hits;
      times.push(median(ms));
      console.log(
        `${photo.file.padEnd(40)} ${String(photo.faces).padStart(4)} ${String(hits).padStart(6)} ${String(boxes.length - hits).padStart(12)} ${median(ms).toFixed(0).padStart(12)}`,
      );
    }
    console.log(
      `recall ${found}/${truth} = ${((100 * found) / truth).toFixed(1)} %; ${extra} box(es) on no counted face; ` +
        `time per photo: median ${median(times).toFixed(0)} ms, mean ${(times.reduce((a, b) => a + b, 0) / times.length).toFixed(0)} ms, max ${Math.max(...times).toFixed(0)} ms (median of ${runs} runs each)\n`,
    );
  };
  console.log('photo                                    hand  found  other boxes  ms (median)');
  report(result.photos.map((r) => ({ photo: GROUP_PHOTOS.find((p) => p.file === r.file)!, boxes: r.boxes, ms: r.ms })));
  if (result.crowds.length && crowdPhotos.length) {
    console.log('crowd (LFW photos in rows)               laid  found  other boxes  ms (median)');
    report(
      result.crowds.map((r) => ({
        photo: { file: r.file, faces: r.centres.length, centres: r.centres, note: '' },
        boxes: r.boxes,
        ms: r.ms,
      })),
    );
  }
} finally {
  await browser.close();
  await server.close();
}
