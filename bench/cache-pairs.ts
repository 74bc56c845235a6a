// LFW pairs accuracy of one or more embedding caches (bench/embed-cache.ts) on one pairs list, side by side, to
// compare pipeline variants (e.g. alignment methods) without re-running the whole benchmark. The subject of a
// photo is its largest face, as in bench/run.ts; a pair with a missed face counts as "different".
//   npx tsx bench/cache-pairs.ts --pairs FILE CACHE.jsonl [CACHE.jsonl ...]
import { readFileSync } from 'node:fs';
import { readCache } from './embed-photos';
import { lfwAccuracy, parseLfwPairs } from './metrics';
import { subjectFace } from './shipped-rule';

const args = process.argv.slice(2);
const at = args.indexOf('--pairs');
if (at < 0 || args.length < at + 3) throw new Error('usage: tsx bench/cache-pairs.ts --pairs FILE CACHE.jsonl [CACHE.jsonl ...]');
const pairs = parseLfwPairs(readFileSync(args[at + 1], 'utf8'));
const caches = args.filter((_, i) => i !== at && i !== at + 1);

const dot = (a: Float32Array, b: Float32Array) => { let s = 0; for (let i = 0; i < a.length; i++) s += a[i] * b[i]; return s; };
const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : NaN);

for (const path of caches) {
  const cache = readCache(path);
  const missing = pairs.flatMap((p) => [p.a, p.b]).filter((f) => !cache.has(f));
  if (missing.length) throw new Error(`${path} lacks ${new Set(missing).size} photos of the pairs list (e.g. ${missing[0]})`);
  const scores = pairs.map((p) => {
    const a = subjectFace(cache.get(p.a)), b = subjectFace(cache.get(p.b));
    return a && b ? dot(a.embedding, b.embedding) : null;
  });
  const found = pairs.map((_, i) => i).filter((i) => scores[i] !== null);
  const all = lfwAccuracy(pairs, scores);
  const both = lfwAccuracy(found.map((i) => pairs[i]), found.map((i) => scores[i]));
  // Timings per face: alignMs covers finding the alignment points and cutting the crops (bench caches keep it).
  const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l.endsWith('}')).map((l) => JSON.parse(l) as { faces?: unknown[]; timings?: { alignMs?: number; embedMs: number } });
  const timed = lines.filter((l) => l.timings && l.faces && l.faces.length > 0);
  const faces = timed.reduce((s, l) => s + l.faces!.length, 0);
  const perFace = (k: 'alignMs' | 'embedMs') => timed.reduce((s, l) => s + (l.timings![k] ?? NaN), 0) / faces;
  console.log(JSON.stringify({
    cache: path,
    pairs: pairs.length,
    accuracy: +(100 * all.mean).toFixed(2),
    accuracySd: +(100 * all.sd).toFixed(2),
    accuracyBothFound: +(100 * both.mean).toFixed(2),
    missedPairs: pairs.length - found.length,
    genuineMean: +mean(found.filter((i) => pairs[i].same).map((i) => scores[i]!)).toFixed(4),
    impostorMean: +mean(found.filter((i) => !pairs[i].same).map((i) => scores[i]!)).toFixed(4),
    alignMsPerFace: +perFace('alignMs').toFixed(1),
    alignEmbedMsPerFace: +perFace('embedMs').toFixed(1),
  }));
}
