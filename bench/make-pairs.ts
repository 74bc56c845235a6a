// Makes an LFW-layout copy of a photo set and a 10-fold pairs.txt for `npm run bench -- --data DIR --pairs DIR/pairs.txt`.
//   npm run bench:pairs-set -- --out DIR [--data ../shared/faces] [--seed 1] [--folds 10]
// DIR/<name>/<name>_0001.jpg ... are symbolic links to the photos (the app reads a photo's type from its bytes,
// so a PNG behind a .jpg name is fine). DIR must lie outside the repository: photos are never committed.
import { mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { makePairs } from './lfw-pairs';

const args = process.argv.slice(2);
const option = (name: string, fallback?: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const dataDir = resolve(option('--data', '../shared/faces')!);
const outArg = option('--out');
if (!outArg) throw new Error('usage: npm run bench:pairs-set -- --out DIR');
const outDir = resolve(outArg);
if (!relative(process.cwd(), outDir).startsWith('..'))
  throw new Error(`--out must be outside the repository (photos are never committed): ${outDir}`);

const identities = readdirSync(dataDir, { withFileTypes: true })
  .filter((d) => d.isDirectory() && !d.name.startsWith('_'))
  .map((d) => ({
    name: d.name,
    files: readdirSync(join(dataDir, d.name))
      .filter((f) => /\.(jpe?g|png|webp)$/i.test(f))
      .sort(),
  }))
  .sort((a, b) => a.name.localeCompare(b.name));

if (existsSync(outDir)) rmSync(outDir, { recursive: true });
for (const { name, files } of identities) {
  mkdirSync(join(outDir, name), { recursive: true });
  files.forEach((f, i) =>
    symlinkSync(join(dataDir, name, f), join(outDir, name, `${name}_${String(i + 1).padStart(4, '0')}.jpg`)),
  );
}
const set = makePairs(
  identities.map((i) => ({ name: i.name, count: i.files.length })),
  { folds: Number(option('--folds', '10')), seed: Number(option('--seed', '1')) },
);
writeFileSync(join(outDir, 'pairs.txt'), [`${set.folds} ${set.perFold}`, ...set.lines].join('\n') + '\n');
console.log(
  `${identities.length} people, ${identities.reduce((s, i) => s + i.files.length, 0)} photos linked into ${outDir}`,
);
console.log(
  `pairs.txt: ${set.folds} folds x (${set.perFold} same + ${set.perFold} different) = ${set.lines.length} pairs`,
);
console.log(`next: npm run bench -- --data ${outDir} --pairs ${join(outDir, 'pairs.txt')}`);
