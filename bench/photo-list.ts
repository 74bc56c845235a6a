// The photos of a folder of identities: DIR/<identity>/<photo> (LFW's layout; folders starting with "_" skipped).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

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
