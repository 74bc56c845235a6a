// Per-photo times of the real pipeline (workers + models) in headless Chromium: decode, detect, align, embed and
// end to end, median and p90 over the photos of a folder of identities (../shared/faces by default).
//   npm run bench:times [-- --data DIR] [--sample N] [--seed N] [--backend wasm|webgpu|auto]
// --sample takes a seeded sample of N photos (LFW (dev part) has 10,844: a sample of 1,000 runs in a few minutes).
import { resolve } from 'node:path';
import { withPhotoHarness } from './photo-harness';
import { identityPhotos, seededSample } from './photo-list';
import type { BackendChoice } from '../src/types';

const args = process.argv.slice(2);
const option = (name: string, fallback?: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const dataDir = resolve(option('--data', '../shared/faces')!);
const backend = option('--backend', 'auto') as BackendChoice;
const sampleSize = Number(option('--sample', '0'));
const seed = Number(option('--seed', '1'));

const photos = seededSample(
  identityPhotos(dataDir).map((p) => p.file),
  sampleSize,
  seed,
);

interface Row {
  decodeMs: number;
  detectMs: number;
  alignMs: number;
  embedMs: number;
  totalMs: number;
  faces: number;
}

const r = await withPhotoHarness(dataDir, (page) =>
  page.evaluate(
    async ({ photos, backend }) => {
      const t0 = performance.now();
      const matcher = await window.facelocal.openMatcher({ databaseName: 'bench-times', backend });
      const loadMs = performance.now() - t0;
      const rows: Row[] = [];
      for (const p of photos) {
        const blob = await (await fetch(`/__photos/${p}`)).blob();
        const { faces, timings } = await matcher.embedFaces(blob);
        // embedMs includes alignment: split them so each step is on its own line.
        rows.push({ ...timings, embedMs: timings.embedMs - timings.alignMs, faces: faces.length });
      }
      await matcher.close();
      return { loadMs, rows, info: matcher.info };
    },
    { photos, backend },
  ),
);

type Key = Exclude<keyof Row, 'faces'>;
const stat = (key: Key, perFace = false) => {
  const v = r.rows
    .filter((x) => x.faces > 0)
    .map((x) => (perFace ? x[key] / x.faces : x[key]))
    .sort((a, b) => a - b);
  const q = (p: number) => v[Math.min(v.length - 1, Math.floor(p * v.length))];
  const mean = v.reduce((s, x) => s + x, 0) / v.length;
  return `median ${q(0.5).toFixed(1)} ms, mean ${mean.toFixed(1)} ms, p90 ${q(0.9).toFixed(1)} ms`;
};
const faceCounts = new Map<number, number>();
for (const row of r.rows) faceCounts.set(row.faces, (faceCounts.get(row.faces) ?? 0) + 1);
console.log(`data: ${dataDir}`);
console.log(
  `backend: ${r.info.backendLabel}; ${r.rows.length} photos, ${r.rows.reduce((s, x) => s + x.faces, 0)} faces; matcher ready in ${r.loadMs.toFixed(0)} ms`,
);
console.log(
  `photos by faces found: ${[...faceCounts]
    .sort((a, b) => a[0] - b[0])
    .map(([n, c]) => `${n}: ${c}`)
    .join(', ')}`,
);
console.log(`decode:        ${stat('decodeMs')}`);
console.log(`detect:        ${stat('detectMs')}`);
console.log(`align:         ${stat('alignMs', true)} (per face)`);
console.log(`embed:         ${stat('embedMs', true)} (per face)`);
console.log(`end to end:    ${stat('totalMs')} (per photo)`);
