// Embeds every photo of a folder of identities (DIR/<identity>/<photo>, LFW's layout) with Facelocal's real
// facade in headless Chromium and writes one JSON line per photo to --out, for calibration and offline metrics.
//   npx tsx bench/embed-cache.ts --data ../shared/lfw-dev --out /tmp/lfw-dev.embeddings.jsonl [--limit N]
import { resolve } from 'node:path';
import { withPhotoHarness } from './photo-harness';
import { embedPhotos, startCache } from './embed-photos';
import { identityPhotos } from './photo-list';

const args = process.argv.slice(2);
const option = (name: string, fallback?: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const dataDir = resolve(option('--data', '../shared/lfw-dev')!);
const out = option('--out');
if (!out) throw new Error('usage: tsx bench/embed-cache.ts --data DIR --out FILE [--limit N]');
const limit = Number(option('--limit', 'Infinity'));

const files = identityPhotos(dataDir).slice(0, limit).map((p) => p.file);
await withPhotoHarness(dataDir, async (page) => {
  await page.evaluate(async () => {
    const matcher = await window.facelocal.openMatcher({ databaseName: 'embed-cache' });
    (window as unknown as { __embed: unknown }).__embed = (blob: Blob) => matcher.embedFaces(blob);
  });
  await embedPhotos(page, files, 'Facelocal', startCache(out));
});
console.error(`wrote ${files.length} photos to ${out}`);
