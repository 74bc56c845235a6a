// Prints the range of each face-quality measure over every identity photo in ../shared/faces, so the enrolment
// limits in src/core/face-quality.ts can be checked against real photos.  npx tsx scripts/face-quality-survey.ts
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { FACES_DIR, launchBrowser, openHarness } from '../test/browser/browser';
import { startPreview } from '../test/browser/preview-server';

const photos = readdirSync(FACES_DIR, { withFileTypes: true })
  .filter((d) => d.isDirectory() && !d.name.startsWith('_'))
  .flatMap((d) => readdirSync(join(FACES_DIR, d.name)).map((f) => `${d.name}/${f}`));
const server = await startPreview();
const browser = await launchBrowser();
try {
  const harness = await openHarness(browser, server.url);
  const rows = await harness.page.evaluate(async (photos) => {
    const m = await window.facelocal.openMatcher({ databaseName: 'quality-survey' });
    const out: { photo: string; q: Record<string, number> }[] = [];
    for (const p of photos) {
      const { faces } = await m.detect(await (await fetch(`/__faces/${p}`)).blob());
      const f = faces.reduce((a, b) => (a.box.width >= b.box.width ? a : b));
      out.push({ photo: p, q: { ...f.quality } });
    }
    return out;
  }, photos);
  for (const key of ['sizePx', 'rollDeg', 'yaw', 'sharpness', 'brightness']) {
    const sorted = [...rows].sort((a, b) => a.q[key] - b.q[key]);
    const fmt = (r: (typeof rows)[number]) => `${r.q[key].toFixed(2)} (${r.photo})`;
    console.log(`${key.padEnd(11)} min ${fmt(sorted[0])}  max ${fmt(sorted[sorted.length - 1])}`);
  }
} finally {
  await browser.close();
  await server.close();
}
