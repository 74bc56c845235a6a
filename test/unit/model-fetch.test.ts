// The model step: real tarballs from the npm registry (cached in .cache/ by `npm run models`), checked and patched.
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error plain ES module script without type declarations
import { attachTfliteMetadata, buildModelMetadata, hasTfliteMetadata } from '../../scripts/tflite-metadata.mjs';

const manifest = JSON.parse(readFileSync('models/manifest.json', 'utf8'));
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function runFetch(manifestObject: unknown) {
  const dir = mkdtempSync(join(tmpdir(), 'facelocal-models-'));
  const manifestPath = join(dir, 'manifest.json');
  writeFileSync(manifestPath, JSON.stringify(manifestObject));
  const run = spawnSync('node', ['scripts/fetch-models.mjs', '--manifest', manifestPath, '--out', join(dir, 'out')], {
    encoding: 'utf8',
  });
  return { ...run, out: join(dir, 'out') };
}

function onlyModel(key: string, change: Record<string, unknown>) {
  return { models: { [key]: { ...manifest.models[key], ...change } } };
}

describe('fetch-models', () => {
  it('places the short-range detector, verified and patched, where the manifest says', () => {
    const run = runFetch(onlyModel('faceDetectorShortRange', {}));
    expect(run.status, run.stderr).toBe(0);
    const file = readFileSync(join(run.out, 'face_detection_short_range.tflite'));
    expect(sha256(file)).toBe(manifest.models.faceDetectorShortRange.servedSha256);
  });

  it('stops with a clear error when the file in the package has another sha256', () => {
    const run = runFetch(onlyModel('faceDetectorShortRange', { sha256: '0'.repeat(64) }));
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/sha256 mismatch for package\/face_detection_short_range\.tflite/);
    expect(existsSync(join(run.out, 'face_detection_short_range.tflite'))).toBe(false);
  });

  it('stops with a clear error when the patched file has another sha256', () => {
    const run = runFetch(onlyModel('faceDetectorShortRange', { servedSha256: 'f'.repeat(64) }));
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/sha256 mismatch for served face_detection_short_range\.tflite/);
  });

  it('stops when the tarball does not match its pinned integrity', () => {
    const run = runFetch(onlyModel('faceDetectorShortRange', { integrity: 'sha512-AAAA' }));
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/tarball integrity mismatch/);
  });
});

describe('TFLite metadata patch', () => {
  const tarball = '.cache/npm-tarballs/mediapipe-face_detection-0.4.1657300184.tgz';
  const original = new Uint8Array(
    execFileSync('tar', ['-xzOf', tarball, 'package/face_detection_full_range.tflite'], { maxBuffer: 64 << 20 }),
  );

  it('adds TFLITE_METADATA to a model that has none, deterministically', () => {
    expect(hasTfliteMetadata(original)).toBe(false);
    const metadata = buildModelMetadata({ name: 'face_detection_full_range', mean: [127.5], std: [127.5] });
    const patched = attachTfliteMetadata(original, metadata);
    expect(hasTfliteMetadata(patched)).toBe(true);
    expect(new TextDecoder().decode(patched.subarray(4, 8))).toBe('TFL3');
    expect(new TextDecoder().decode(metadata.subarray(4, 8))).toBe('M001');
    expect(sha256(patched)).toBe(manifest.models.faceDetector.servedSha256);
    // the original model is carried whole, after the new root
    expect(Buffer.from(patched.subarray(patched.length - original.length)).equals(Buffer.from(original))).toBe(true);
  });

  it('refuses to patch twice or to patch a non-TFLite file', () => {
    const patched = attachTfliteMetadata(original, buildModelMetadata({ name: 'x', mean: [127.5], std: [127.5] }));
    expect(() => attachTfliteMetadata(patched, new Uint8Array(8))).toThrow(/already/);
    expect(() => attachTfliteMetadata(new Uint8Array(64), new Uint8Array(8))).toThrow(/not a TFLite model/);
  });
});
