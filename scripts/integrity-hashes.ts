// The sha256 of every model and wasm runtime the browser loads, computed at build time and compiled into the
// bundle (vite.config.ts serves them as the virtual module "virtual:facelocal-integrity"). The browser checks each
// file against these before using it, so a file swapped on the server (or in a cache) cannot vouch for itself the
// way a hash list served beside the models could.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { runtimeAssets } from './runtime-assets.ts';

export const INTEGRITY_MODULE_ID = 'virtual:facelocal-integrity';

import type { ExpectedHashes } from '../src/core/expected-hashes.ts';
export type { ExpectedHashes };

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/**
 * Models: the manifest's servedSha256 (scripts/fetch-models.mjs checked it against the npm tarball), and the file
 * on disk must match it now, or the build fails. Runtimes: hashed from the installed packages (pinned by
 * package-lock.json's integrity).
 */
export function expectedHashes(root = resolve(import.meta.dirname, '..')): ExpectedHashes {
  const manifest = JSON.parse(readFileSync(resolve(root, 'models/manifest.json'), 'utf8')) as {
    models: Record<string, ExpectedHashes['models'][string]>;
  };
  const models: ExpectedHashes['models'] = {};
  for (const [key, m] of Object.entries(manifest.models)) {
    const path = resolve(root, 'models', m.file);
    if (!existsSync(path)) throw new Error(`missing models/${m.file}: run "npm run models" first`);
    const actual = sha256(readFileSync(path));
    if (actual !== m.servedSha256)
      throw new Error(`models/${m.file} does not match models/manifest.json (sha256 ${actual}): run "npm run models"`);
    models[key] = { file: m.file, servedSha256: m.servedSha256, package: m.package, version: m.version };
  }
  const runtimes: ExpectedHashes['runtimes'] = {};
  for (const [urlPath, file] of Object.entries(runtimeAssets)) {
    if (urlPath.endsWith('.wasm')) runtimes[urlPath] = sha256(readFileSync(file));
  }
  return { models, runtimes };
}
