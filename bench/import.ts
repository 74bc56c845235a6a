// Photo-library import throughput: every photo of ../shared/faces (identity folders, group photos and photos
// without faces) through matcher.imports in headless Chromium, the real workers and store, as a person's import
// runs (detection of the next photo overlapping embedding of this one, each photo committed with its faces, then
// grouping in its worker). The photos are read into the page before the clock starts, as a picked folder is.
//   npm run bench:import -- [--data DIR] [--repeat N] [--out FILE]
// Prints a table, and as its last line one JSON object (also written to --out).
import { readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { withPhotoHarness } from './photo-harness';

const args = process.argv.slice(2);
const option = (name: string, fallback?: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const dataDir = resolve(option('--data', '../shared/faces')!);
const repeat = Number(option('--repeat', '3'));
const outFile = option('--out');

const photos = readdirSync(dataDir, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .flatMap((d) =>
    readdirSync(join(dataDir, d.name))
      .filter((f) => /\.(jpe?g|png|webp)$/i.test(f))
      .sort()
      .map((f) => `${d.name}/${f}`),
  );

const runs = await withPhotoHarness(dataDir, (page) =>
  page.evaluate(
    async ({ photos, repeat }) => {
      const files = await Promise.all(
        photos.map(async (p) => new File([await (await fetch(`/__photos/${p}`)).blob()], p, { lastModified: 1 })),
      );
      const matcher = await window.facelocal.openMatcher({ databaseName: 'bench-import' });
      const results = [];
      for (let r = 0; r < repeat; r++) {
        const t0 = performance.now();
        const run = await matcher.imports.start(files);
        const progress = await run.done;
        const ms = performance.now() - t0;
        const groups = await matcher.imports.groups(run.jobId);
        results.push({
          ms,
          photos: progress.done,
          faces: progress.faces,
          failed: progress.failed,
          groups: groups.groups.length,
        });
        await matcher.imports.discard(run.jobId); // each run starts from an empty import
      }
      await matcher.close();
      return results;
    },
    { photos, repeat },
  ),
);
const rates = runs.map((r) => (r.photos * 1000) / r.ms).sort((a, b) => a - b);
const median = rates[Math.floor(rates.length / 2)];
console.log(`Import of ${photos.length} photos from ${dataDir} (${repeat} runs, headless Chromium, this machine):`);
console.log('| run | photos | faces | unreadable | groups | seconds | photos/s |\n|---|---|---|---|---|---|---|');
runs.forEach((r, i) =>
  console.log(
    `| ${i + 1} | ${r.photos} | ${r.faces} | ${r.failed} | ${r.groups} | ${(r.ms / 1000).toFixed(1)} | ${((r.photos * 1000) / r.ms).toFixed(1)} |`,
  ),
);
const summary = { photos: photos.length, runs, photosPerSecond: { median, min: rates[0], max: rates.at(-1) } };
if (outFile) writeFileSync(outFile, JSON.stringify(summary, null, 1));
console.log(JSON.stringify(summary));
