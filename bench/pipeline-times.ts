// Per-photo times of the real pipeline (workers + models) in headless Chromium on ../shared/faces:
// decode, detect, align+embed and end to end, median and p90 over every identity photo.
//   npm run bench:times [-- --backend wasm|webgpu|auto]
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { FACES_DIR, launchBrowser, openHarness } from '../test/browser/browser';
import { startPreview } from '../test/browser/preview-server';
import type { BackendChoice } from '../src/types';

const args = process.argv.slice(2);
const backend = (args.includes('--backend') ? args[args.indexOf('--backend') + 1] : 'auto') as BackendChoice;
const photos = readdirSync(FACES_DIR, { withFileTypes: true })
  .filter((d) => d.isDirectory() && !d.name.startsWith('_'))
  .flatMap((d) => readdirSync(join(FACES_DIR, d.name)).map((f) => `${d.name}/${f}`));

const server = await startPreview();
const browser = await launchBrowser(backend === 'webgpu' ? ['--enable-unsafe-webgpu'] : []);
try {
  const harness = await openHarness(browser, server.url);
  const r = await harness.page.evaluate(
    async ({ photos, backend }) => {
      const t0 = performance.now();
      const matcher = await window.facelocal.openMatcher({ databaseName: 'bench-times', backend });
      const loadMs = performance.now() - t0;
      const rows: { decodeMs: number; detectMs: number; embedMs: number; totalMs: number; faces: number }[] = [];
      for (const p of photos) {
        const blob = await (await fetch(`/__faces/${p}`)).blob();
        const { faces, timings } = await matcher.embedFaces(blob);
        rows.push({ ...timings, faces: faces.length });
      }
      await matcher.close();
      return { loadMs, rows, info: matcher.info };
    },
    { photos, backend },
  );
  const stat = (key: 'decodeMs' | 'detectMs' | 'embedMs' | 'totalMs', perFace = false) => {
    const v = r.rows
      .filter((x) => x.faces > 0)
      .map((x) => (perFace ? x[key] / x.faces : x[key]))
      .sort((a, b) => a - b);
    const q = (p: number) => v[Math.min(v.length - 1, Math.floor(p * v.length))];
    return `median ${q(0.5).toFixed(1)} ms, p90 ${q(0.9).toFixed(1)} ms`;
  };
  console.log(
    `backend: ${r.info.backendLabel}; ${r.rows.length} photos, ${r.rows.reduce((s, x) => s + x.faces, 0)} faces; matcher ready in ${r.loadMs.toFixed(0)} ms`,
  );
  console.log(`decode:        ${stat('decodeMs')}`);
  console.log(`detect:        ${stat('detectMs')}`);
  console.log(`align+embed:   ${stat('embedMs', true)} (per face)`);
  console.log(`end to end:    ${stat('totalMs')} (per photo)`);
} finally {
  await browser.close();
  await server.close();
}
