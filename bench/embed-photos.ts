// Runs a photo list through an embedding runner on a page (Facelocal's facade or the peer), in batches so that
// progress reaches stderr and a run over ten thousand photos never holds one giant evaluate call. Each result is
// kept as compact float32 arrays; a cache file (JSON lines) lets calibration and later metric runs reuse one pass.
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Page } from 'playwright-core';

export interface EmbeddedFaceRecord {
  box: { x: number; y: number; width: number; height: number };
  embedding: Float32Array;
}

export interface EmbeddedPhoto {
  faces: EmbeddedFaceRecord[];
  timings: { decodeMs: number; detectMs: number; embedMs: number; totalMs: number };
}

export type EmbedOutcome = EmbeddedPhoto | { error: string };

const BATCH = 100;

/**
 * Embeds every file (paths under the page's /__photos/) with `window.__embed`, which the caller installed on
 * the page. Photos are fetched one at a time inside the page, as a person would pick them.
 */
export async function embedPhotos(
  page: Page,
  files: readonly string[],
  label: string,
  onResult?: (file: string, outcome: EmbedOutcome) => void,
): Promise<Map<string, EmbedOutcome>> {
  const results = new Map<string, EmbedOutcome>();
  const started = Date.now();
  for (let start = 0; start < files.length; start += BATCH) {
    const batch = files.slice(start, start + BATCH);
    const raw = await page.evaluate(async (batch) => {
      const embed = (
        window as unknown as {
          __embed: (b: Blob) => Promise<{
            faces: { box: { x: number; y: number; width: number; height: number }; embedding: ArrayLike<number> }[];
            timings: EmbeddedPhoto['timings'];
          }>;
        }
      ).__embed;
      const out: (
        | {
            faces: { box: { x: number; y: number; width: number; height: number }; embedding: number[] }[];
            timings: EmbeddedPhoto['timings'];
          }
        | { error: string }
      )[] = [];
      for (const f of batch) {
        try {
          const r = await embed(await (await fetch(`/__photos/${f}`)).blob());
          out.push({
            faces: r.faces.map((face) => ({ box: face.box, embedding: Array.from(face.embedding) })),
            timings: r.timings,
          });
        } catch (e) {
          out.push({ error: (e as Error).message });
        }
      }
      return out;
    }, batch);
    raw.forEach((r, i) => {
      const outcome: EmbedOutcome =
        'error' in r
          ? r
          : {
              timings: r.timings,
              faces: r.faces.map((f) => ({ box: f.box, embedding: Float32Array.from(f.embedding) })),
            };
      results.set(batch[i], outcome);
      onResult?.(batch[i], outcome);
    });
    const done = Math.min(files.length, start + BATCH);
    const seconds = (Date.now() - started) / 1000;
    const left = (seconds / done) * (files.length - done);
    process.stderr.write(
      `\r${label}: ${done}/${files.length} photos, ${seconds.toFixed(0)} s, about ${left.toFixed(0)} s left   `,
    );
  }
  process.stderr.write('\n');
  return results;
}

/** One line per photo: {file, faces:[{box, e: base64 float32}], timings} or {file, error}. */
export function cacheLine(file: string, outcome: EmbedOutcome): string {
  if ('error' in outcome) return JSON.stringify({ file, error: outcome.error });
  const faces = outcome.faces.map((f) => ({
    box: f.box,
    e: Buffer.from(f.embedding.buffer, f.embedding.byteOffset, f.embedding.byteLength).toString('base64'),
  }));
  return JSON.stringify({ file, faces, timings: outcome.timings });
}

export function readCache(path: string): Map<string, EmbedOutcome> {
  const out = new Map<string, EmbedOutcome>();
  if (!existsSync(path)) return out;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.endsWith('}')) continue; // blank, or the last line of a run still writing
    const r = JSON.parse(line) as {
      file: string;
      error?: string;
      faces?: { box: EmbeddedFaceRecord['box']; e: string }[];
      timings?: EmbeddedPhoto['timings'];
    };
    if (r.error !== undefined) {
      out.set(r.file, { error: r.error });
      continue;
    }
    out.set(r.file, {
      timings: r.timings!,
      faces: r.faces!.map((f) => {
        const bytes = Buffer.from(f.e, 'base64');
        return {
          box: f.box,
          embedding: new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)),
        };
      }),
    });
  }
  return out;
}

/** A writer of cache lines; a new file unless `append`. */
export function startCache(
  path: string,
  options: { append?: boolean } = {},
): (file: string, outcome: EmbedOutcome) => void {
  if (!options.append) writeFileSync(path, '');
  return (file, outcome) => appendFileSync(path, cacheLine(file, outcome) + '\n');
}
