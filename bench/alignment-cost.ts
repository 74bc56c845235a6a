// What an alignment method costs per face, paired: two matchers on one harness page (their own workers), each
// photo embedded by one then the other (order alternating), so load from other processes hits both alike.
//   npx tsx bench/alignment-cost.ts --data DIR --pairs FILE [--limit N] [--methods keypoints,mesh]
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { withPhotoHarness } from './photo-harness';
import { parseLfwPairs } from './metrics';
import { ALIGNMENT_METHODS, isAlignmentMethod } from '../src/core/alignment-method';

const args = process.argv.slice(2);
const option = (name: string, fallback?: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const dataDir = resolve(option('--data', '../shared/lfw-dev')!);
const pairsFile = option('--pairs');
if (!pairsFile) throw new Error('usage: tsx bench/alignment-cost.ts --data DIR --pairs FILE [--limit N] [--methods a,b]');
const limit = Number(option('--limit', '200'));
const methods = option('--methods', 'keypoints,mesh')!.split(',');
for (const m of methods) if (!isAlignmentMethod(m)) throw new Error(`unknown method ${m}: use ${ALIGNMENT_METHODS.join(', ')}`);
const files = [...new Set(parseLfwPairs(readFileSync(pairsFile, 'utf8')).flatMap((p) => [p.a, p.b]))].slice(0, limit);

const perFace = await withPhotoHarness(dataDir, (page) => page.evaluate(async ({ files, methods }) => {
  const matchers = await Promise.all(methods.map((alignment, i) => window.facelocal.openMatcher({ databaseName: `alignment-cost-${i}`, alignment: alignment as never })));
  const blob = async (f: string) => (await fetch(`/__photos/${f}`)).blob();
  for (const m of matchers) await m.embedFaces(await blob(files[0])); // warm-up, not counted
  const ms: number[][] = methods.map(() => []);
  for (let k = 1; k < files.length; k++) {
    const b = await blob(files[k]);
    const order = k % 2 ? matchers.map((_, i) => i) : matchers.map((_, i) => i).reverse();
    for (const i of order) {
      const r = await matchers[i].embedFaces(b);
      if (r.faces.length) ms[i].push(r.timings.alignMs / r.faces.length);
    }
  }
  return ms;
}, { files, methods }));

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { n: s.length, mean: +(s.reduce((a, b) => a + b, 0) / s.length).toFixed(1), median: +s[s.length >> 1].toFixed(1), p90: +s[Math.floor(0.9 * (s.length - 1))].toFixed(1) };
};
console.log(JSON.stringify({ photos: files.length - 1, alignMsPerFace: Object.fromEntries(methods.map((m, i) => [m, stats(perFace[i])])) }));
