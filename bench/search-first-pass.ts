// Does the search's first pass (2 bits a dimension, quantised-rows.ts) keep the true top 10 in its shortlist as well
// on real faces as on the synthetic ones bench:search scales up? Same gallery size, same shortlist sizes, one run.
//
//   npx tsx bench/search-first-pass.ts --embeddings FILE [--queries 400] [--seed 1] [--shortlists 16,32,64,128,256]
//
// FILE: Facelocal's embeddings of a photo folder, from `npx tsx bench/embed-cache.ts --data ../shared/lfw-dev --out
// FILE` (biometric data: keep it out of the repository). Real gallery: every face found, labelled by the photo's
// folder (its person) when it is the photo's only face, else as a person of its own; probes: `queries` faces
// drawn at random and taken out of the gallery. Synthetic gallery: bench:search's faces, as many. For each shortlist
// size the index is searched with brute force off and the floats in memory, so the shortlist is scored exactly and
// recall@10 (against exact brute force) measures the first pass alone.
import { dirname } from 'node:path';
import { TemplateIndex, type PersonScore } from '../src/core/matching';
import { readCache } from './embed-photos';
import { forEachTemplate, probesOf } from './search';
import { seededRandom } from './seeded-random';

interface Face {
  personId: string;
  v: Float32Array;
}

const DIM = 512;

function realFaces(file: string): Face[] {
  const faces: Face[] = [];
  for (const [photo, outcome] of readCache(file)) {
    if ('error' in outcome) continue;
    outcome.faces.forEach((f, i) =>
      faces.push({ personId: outcome.faces.length === 1 ? dirname(photo) : `${photo}#${i}`, v: f.embedding }),
    );
  }
  return faces;
}

function syntheticFaces(n: number, queries: number, seed: number): { gallery: Face[]; probes: Float32Array[] } {
  const gallery: Face[] = [];
  forEachTemplate(n, DIM, 4, seed, (_row, identity, v) =>
    gallery.push({ personId: `p${identity}`, v: Float32Array.from(v) }),
  );
  return { gallery, probes: probesOf(Math.ceil(n / 4), queries, DIM, seed).probes };
}

function exactTop(gallery: readonly Face[], q: Float32Array, k: number): Set<string> {
  const best = new Map<string, number>();
  for (const { personId, v } of gallery) {
    let s = 0;
    for (let i = 0; i < DIM; i++) s += v[i] * q[i];
    if (s > (best.get(personId) ?? -Infinity)) best.set(personId, s);
  }
  return new Set(
    [...best]
      .sort((a, b) => b[1] - a[1])
      .slice(0, k)
      .map(([p]) => p),
  );
}

function recallAt10(gallery: readonly Face[], probes: readonly Float32Array[], shortlists: number[]): number[] {
  const truths = probes.map((q) => exactTop(gallery, q, 10));
  return shortlists.map((shortlist) => {
    const index = new TemplateIndex(DIM, gallery.length, { shortlist, bruteForceRows: 0 });
    gallery.forEach((f, row) => index.add({ templateId: `t${row}`, personId: f.personId, embedding: f.v }));
    let hits = 0;
    probes.forEach((q, i) => {
      const found: PersonScore[] = index.searchPeople(q, 10);
      hits += found.filter((f) => truths[i].has(f.personId)).length / truths[i].size;
    });
    return hits / probes.length;
  });
}

const args = process.argv.slice(2);
const option = (name: string, fallback?: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const file = option('--embeddings');
if (!file) throw new Error('usage: npx tsx bench/search-first-pass.ts --embeddings FILE [--queries N] [--seed S]');
const queries = Number(option('--queries', '400')),
  seed = Number(option('--seed', '1')),
  shortlists = option('--shortlists', '16,32,64,128,256')!.split(',').map(Number);

const faces = realFaces(file);
const random = seededRandom(seed);
for (let i = faces.length - 1; i > 0; i--) {
  const j = Math.floor(random() * (i + 1));
  [faces[i], faces[j]] = [faces[j], faces[i]];
}
const real = { gallery: faces.slice(queries), probes: faces.slice(0, queries).map((f) => f.v) };
const synthetic = syntheticFaces(real.gallery.length, queries, seed);

const realRecall = recallAt10(real.gallery, real.probes, shortlists);
const syntheticRecall = recallAt10(synthetic.gallery, synthetic.probes, shortlists);
console.log(
  `gallery ${real.gallery.length.toLocaleString('en')} faces, ${queries} probes a set; recall@10 of the first pass's shortlist`,
);
console.log('| shortlist | real faces | synthetic faces |');
console.log('|---:|---:|---:|');
shortlists.forEach((s, i) =>
  console.log(
    `| ${s} (${((100 * s) / real.gallery.length).toFixed(2)} %) | ${realRecall[i].toFixed(4)} | ${syntheticRecall[i].toFixed(4)} |`,
  ),
);
console.log(JSON.stringify({ faces: real.gallery.length, queries, shortlists, realRecall, syntheticRecall }));
