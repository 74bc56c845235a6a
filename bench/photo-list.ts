// The photos of a folder of identities: DIR/<identity>/<photo> (LFW's layout; folders starting with "_" skipped).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { seededRandom } from './seeded-random';

export interface IdentityPhoto {
  identity: string;
  /** Path relative to the folder: "<identity>/<photo>". */
  file: string;
}

export function identityPhotos(dataDir: string): IdentityPhoto[] {
  return readdirSync(dataDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith('_'))
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((d) =>
      readdirSync(join(dataDir, d.name))
        .filter((f) => /\.(jpe?g|png|webp)$/i.test(f))
        .sort()
        .map((f) => ({ identity: d.name, file: `${d.name}/${f}` })),
    );
}

/** `size` of `files` drawn by a seeded shuffle, in sorted order; all of them when size is 0 or not smaller. */
export function seededSample(files: readonly string[], size: number, seed: number): string[] {
  if (size <= 0 || size >= files.length) return [...files];
  const random = seededRandom(seed);
  const shuffled = [...files];
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
  }
  return shuffled.slice(0, size).sort();
}
