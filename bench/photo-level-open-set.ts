// Open-set 1:N as someone using the public API sees it: `identify` answers for EVERY face in a photo, not only the
// subject, and `enrol` refuses a photo that shows several faces. So here a stranger's photo counts as a false
// positive when any of its faces is named, and a gallery is enrolled from each person's first photo only when that
// photo shows one face. Read from an embedding cache (bench/embed-cache.ts); applies the shipped rule.
//   npx tsx bench/photo-level-open-set.ts --cache FILE [--data ../shared/lfw-dev] [--people 100,1000,0] [--seed 1]
import { resolve } from 'node:path';
import { readCache } from './embed-photos';
import { identityPhotos } from './photo-list';
import { seededRandom } from './seeded-random';
import { shippedIdentificationRule, subjectFace } from './shipped-rule';

const args = process.argv.slice(2);
const option = (name: string, fallback?: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const cacheFile = option('--cache');
if (!cacheFile)
  throw new Error('usage: tsx bench/photo-level-open-set.ts --cache FILE [--data DIR] [--people 100,1000,0]');
const dataDir = resolve(option('--data', '../shared/lfw-dev')!);
const sizes = option('--people', '100,1000,0')!.split(',').map(Number);
const seed = Number(option('--seed', '1'));

const cache = readCache(cacheFile);
const photos = identityPhotos(dataDir).filter((p) => cache.has(p.file));
const byPerson = new Map<string, string[]>();
for (const p of photos) byPerson.set(p.identity, [...(byPerson.get(p.identity) ?? []), p.file]);
const facesOf = (file: string) => {
  const o = cache.get(file)!;
  return 'error' in o ? [] : o.faces;
};
const normalised = (v: Float32Array) => {
  let n = 0;
  for (const x of v) n += x * x;
  const s = 1 / Math.sqrt(n || 1);
  return v.map((x) => x * s);
};

// Enrolable: ≥ 2 photos, the first showing exactly one face (what `enrol` accepts).
const candidates = [...byPerson].filter(([, files]) => files.length >= 2).map(([person]) => person);
const refused = candidates.filter((person) => facesOf(byPerson.get(person)![0]).length !== 1);
const enrolable = candidates.filter((person) => !refused.includes(person));
const random = seededRandom(seed);
for (let i = enrolable.length - 1; i > 0; i--) {
  const j = Math.floor(random() * (i + 1));
  [enrolable[i], enrolable[j]] = [enrolable[j], enrolable[i]];
}
const rule = shippedIdentificationRule();
const pct = (n: number, d: number) => `${((100 * n) / Math.max(1, d)).toFixed(2)} %`;
console.log(
  `${photos.length} photos in the cache; ${candidates.length} people with ≥ 2 photos, ${refused.length} of them refused at enrolment (first photo shows several faces or none)`,
);

for (const size of sizes) {
  const gallery = enrolable.slice(0, size > 0 ? size : enrolable.length);
  const dim = 512;
  const templates = new Float32Array(gallery.length * dim);
  gallery.forEach((person, g) => templates.set(normalised(facesOf(byPerson.get(person)![0])[0].embedding), g * dim));
  const inGallery = new Map(gallery.map((person, g) => [person, g]));
  const best = (embedding: Float32Array) => {
    const q = normalised(embedding);
    let person = -1,
      score = -Infinity;
    for (let g = 0; g < gallery.length; g++) {
      let s = 0;
      for (let k = 0; k < dim; k++) s += q[k] * templates[g * dim + k];
      if (s > score) {
        score = s;
        person = g;
      }
    }
    return { person, score, second: -Infinity };
  };
  let strangerPhotos = 0,
    anyFaceNamed = 0,
    subjectNamed = 0,
    matedPhotos = 0,
    namedRight = 0,
    namedWrong = 0;
  for (const [person, files] of byPerson) {
    const own = inGallery.get(person);
    for (const [n, file] of files.entries()) {
      if (own !== undefined && n === 0) continue; // its enrolment photo
      const faces = facesOf(file);
      const subject = subjectFace(cache.get(file));
      const verdicts = faces
        .map((f) => ({ face: f, top: best(f.embedding) }))
        .map((x) => ({ ...x, verdict: rule(x.top, gallery.length) }));
      const named = verdicts.filter((v) => v.verdict === 'known');
      if (own === undefined) {
        strangerPhotos++;
        if (named.length) anyFaceNamed++;
        if (named.some((v) => v.face === subject)) subjectNamed++;
      } else {
        matedPhotos++;
        if (named.some((v) => v.top.person === own)) namedRight++;
        if (named.some((v) => v.top.person !== own)) namedWrong++;
      }
    }
  }
  console.log(
    `${gallery.length} people (1 template each): strangers' photos ${strangerPhotos}: any face named ${pct(anyFaceNamed, strangerPhotos)}, subject named ${pct(subjectNamed, strangerPhotos)}; enrolled people's other photos ${matedPhotos}: not named ${pct(matedPhotos - namedRight, matedPhotos)}, someone else named ${pct(namedWrong, matedPhotos)}`,
  );
}
