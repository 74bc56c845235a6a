// Embeds every photo of a folder of identities (DIR/<identity>/<photo>, LFW's layout) with Facelocal's real
// facade in headless Chromium and writes one JSON line per photo to --out, for calibration and offline metrics.
//   npx tsx bench/embed-cache.ts --data ../shared/lfw-dev --out /tmp/lfw-dev.embeddings.jsonl [--pairs FILE] [--limit N] [--alignment METHOD] [--resume]
// With --pairs, only the photos that the pairs list names; --resume keeps the lines already in --out (a run that was
// stopped) and embeds only the photos they lack; --alignment picks one of src/core/alignment-method.ts's
// methods instead of the app's default, to compare them through the same pipeline.
import { resolve } from 'node:path';
import { withPhotoHarness } from './photo-harness';
import { embedPhotos, readCache, startCache } from './embed-photos';
import { identityPhotos } from './photo-list';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { parseLfwPairs } from './metrics';
import { ALIGNMENT_METHODS, isAlignmentMethod } from '../src/core/alignment-method';

const args = process.argv.slice(2);
const option = (name: string, fallback?: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const dataDir = resolve(option('--data', '../shared/lfw-dev')!);
const out = option('--out');
if (!out) throw new Error('usage: tsx bench/embed-cache.ts --data DIR --out FILE [--limit N]');
const limit = Number(option('--limit', 'Infinity'));
const alignment = option('--alignment');
if (alignment !== undefined && !isAlignmentMethod(alignment)) throw new Error(`--alignment must be one of ${ALIGNMENT_METHODS.join(', ')}`);

const pairsFile = option('--pairs');
const named = pairsFile ? new Set(parseLfwPairs(readFileSync(pairsFile, 'utf8')).flatMap((p) => [p.a, p.b])) : null;
const resume = args.includes('--resume');
const done = resume ? readCache(out) : new Map();
const files = identityPhotos(dataDir).map((p) => p.file).filter((f) => !named || named.has(f)).slice(0, limit).filter((f) => !done.has(f));
if (resume) {
  // A stopped run may have left half a line: end it, so it stays one unreadable line that readCache skips.
  if (existsSync(out) && !readFileSync(out, 'utf8').endsWith('\n')) appendFileSync(out, '\n');
  console.error(`resuming: ${done.size} photos already in ${out}, ${files.length} to embed`);
}
await withPhotoHarness(dataDir, async (page) => {
  await page.evaluate(async (alignment) => {
    const matcher = await window.facelocal.openMatcher({ databaseName: 'embed-cache', alignment });
    (window as unknown as { __embed: unknown }).__embed = (blob: Blob) => matcher.embedFaces(blob);
  }, alignment);
  await embedPhotos(page, files, 'Facelocal', startCache(out, { append: resume }));
});
console.error(`wrote ${files.length} photos to ${out}`);
