// Embeds every photo of a folder of identities (DIR/<identity>/<photo>, LFW's layout) with Facelocal's real
// facade in headless Chromium and writes one JSON line per photo to --out, for calibration and offline metrics.
//   npx tsx bench/embed-cache.ts --data ../shared/lfw-dev --out /tmp/lfw-dev.embeddings.jsonl [--pairs FILE] [--limit N]
// With --pairs, only the photos that the pairs list names.
import { resolve } from 'node:path';
import { withPhotoHarness } from './photo-harness';
import { embedPhotos, startCache } from './embed-photos';
import { identityPhotos } from './photo-list';
import { readFileSync } from 'node:fs';
import { parseLfwPairs } from './metrics';

const args = process.argv.slice(2);
const option = (name: string, fallback?: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const dataDir = resolve(option('--data', '../shared/lfw-dev')!);
const out = option('--out');
if (!out) throw new Error('usage: tsx bench/embed-cache.ts --data DIR --out FILE [--limit N]');
const limit = Number(option('--limit', 'Infinity'));

const pairsFile = option('--pairs');
const named = pairsFile ? new Set(parseLfwPairs(readFileSync(pairsFile, 'utf8')).flatMap((p) => [p.a, p.b])) : null;
const files = identityPhotos(dataDir)
  .map((p) => p.file)
  .filter((f) => !named || named.has(f))
  .slice(0, limit);
await withPhotoHarness(dataDir, async (page) => {
  await page.evaluate(async () => {
    const matcher = await window.facelocal.openMatcher({ databaseName: 'embed-cache' });
    (window as unknown as { __embed: unknown }).__embed = (blob: Blob) => matcher.embedFaces(blob);
  });
  await embedPhotos(page, files, 'Facelocal', startCache(out));
});
console.error(`wrote ${files.length} photos to ${out}`);
