// The real detector, aligner and embedder (workers + models) in Chromium, driven through the facade on the harness
// page, on real photos from ../shared/faces.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { FACES_DIR, launchBrowser, openHarness } from './browser';
import { harnessSuite } from './suite';

// Nothing in this suite may have left the origin or broken the CSP.
const harness = harnessSuite({ network: 'same-origin' });

beforeAll(async () => {
  await harness.page.evaluate(async () => {
    window.matcher = await window.facelocal.openMatcher({ databaseName: 'pipeline-test' });
  });
});

afterAll(() => {
  expect(harness.cspViolations).toEqual([]);
});

describe('models and backend', () => {
  it('runs the embedder on WASM with threads and SIMD under cross-origin isolation (no software WebGPU)', async () => {
    const info = await harness.page.evaluate(() => window.matcher.info);
    expect(info.crossOriginIsolated).toBe(true);
    expect(info.backend).toBe('wasm');
    expect(info.simd).toBe(true);
    expect(info.backendLabel).toBe(`wasm (${info.wasmThreads} threads, SIMD)`);
    expect(info.wasmThreads).toBeGreaterThanOrEqual(2);
    expect(info.threshold).toBeGreaterThan(0.2);
  });
});

describe('detection', () => {
  it('finds the face in every tight crop that fills the frame', async () => {
    const tight = ['amy', 'bernadette', 'howard', 'leonard', 'penny', 'raj', 'sheldon', 'stuart'].flatMap((d) =>
      readdirSync(`${FACES_DIR}/${d}`).map((f) => `${d}/${f}`),
    );
    const counts = await harness.page.evaluate(async (files) => {
      const out: Record<string, number> = {};
      for (const f of files)
        out[f] = (await window.matcher.detect(await (await fetch(`/__faces/${f}`)).blob())).faces.length;
      return out;
    }, tight);
    expect(Object.keys(counts).length).toBeGreaterThanOrEqual(40);
    expect(Object.entries(counts).filter(([, n]) => n !== 1)).toEqual([]);
  });

  it('puts each box on its face in a 1920-px photo made of known photos at known places', async () => {
    // Six single-face photos pasted into known tiles of a 1920x1080 photo: each tile must hold exactly one box,
    // and it must be that photo's own box carried through the known paste transform (so downscaling for
    // detection and mapping back are right).
    const result = await harness.page.evaluate(async () => {
      const files = [
        'obama/obama1.jpg',
        'biden/biden.jpg',
        'angelina/img2.jpg',
        'kit_harington/john1.jpeg',
        'rose_leslie/img1.jpg',
        'alex_lacamoire/img1.jpg',
      ];
      const m = window.matcher;
      const canvas = new OffscreenCanvas(1920, 1080);
      const ctx = canvas.getContext('2d')!;
      ctx.fillStyle = '#777';
      ctx.fillRect(0, 0, 1920, 1080);
      const expected: {
        tile: { x: number; y: number; w: number; h: number };
        box: { x: number; y: number; width: number; height: number };
      }[] = [];
      for (const [i, f] of files.entries()) {
        const blob = await (await fetch(`/__faces/${f}`)).blob();
        const own = (await m.detect(blob)).faces[0].box;
        const bitmap = await createImageBitmap(blob, { imageOrientation: 'from-image' });
        const scale = Math.min(600 / bitmap.width, 520 / bitmap.height);
        const tile = {
          x: (i % 3) * 640 + 20,
          y: Math.floor(i / 3) * 540 + 10,
          w: bitmap.width * scale,
          h: bitmap.height * scale,
        };
        ctx.drawImage(bitmap, tile.x, tile.y, tile.w, tile.h);
        expected.push({
          tile,
          box: {
            x: tile.x + own.x * scale,
            y: tile.y + own.y * scale,
            width: own.width * scale,
            height: own.height * scale,
          },
        });
      }
      const detected = await m.detect(await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.92 }));
      return { expected, detected };
    });
    type Box = { x: number; y: number; width: number; height: number };
    const iou = (a: Box, b: Box) => {
      const w = Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x));
      const h = Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));
      return (w * h) / (a.width * a.height + b.width * b.height - w * h);
    };
    expect(result.detected.width).toBe(1920);
    expect(result.detected.faces).toHaveLength(6);
    for (const { tile, box } of result.expected) {
      const inTile = result.detected.faces.filter((f) => {
        const cx = f.box.x + f.box.width / 2,
          cy = f.box.y + f.box.height / 2;
        return cx > tile.x && cx < tile.x + tile.w && cy > tile.y && cy < tile.y + tile.h;
      });
      expect(inTile).toHaveLength(1);
      expect(iou(inTile[0].box, box)).toBeGreaterThan(0.6);
    }
  });

  it('finds no face in the _noface photos and several in group photos', async () => {
    const noface = readdirSync(`${FACES_DIR}/_noface`).map((f) => `_noface/${f}`);
    const counts = await harness.page.evaluate(
      async (files) => {
        const out: Record<string, number> = {};
        for (const f of files)
          out[f] = (await window.matcher.detect(await (await fetch(`/__faces/${f}`)).blob())).faces.length;
        return out;
      },
      [...noface, '_group/faceapi_bbt1.jpg', '_group/faceapi_bbt4.jpg', '_group/facerec_obama_and_biden.jpg'],
    );
    for (const f of noface) expect(counts[f], f).toBe(0);
    expect(counts['_group/faceapi_bbt1.jpg']).toBe(4);
    expect(counts['_group/faceapi_bbt4.jpg']).toBe(6);
    // Obama, Biden, and a child low in the right corner, in shadow (found by the tiled pass).
    expect(counts['_group/facerec_obama_and_biden.jpg']).toBe(3);
  });

  it('honours EXIF orientation: a sideways-stored photo tagged "rotate 90" is read upright', async () => {
    const r = await harness.page.evaluate(async () => {
      const original = await (await fetch('/__faces/obama/obama1.jpg')).blob();
      const bitmap = await createImageBitmap(original);
      // Store the pixels rotated 90 degrees counter-clockwise; EXIF orientation 6 says "rotate 90 clockwise to view".
      const canvas = new OffscreenCanvas(bitmap.height, bitmap.width);
      const ctx = canvas.getContext('2d')!;
      ctx.translate(0, bitmap.width);
      ctx.rotate(-Math.PI / 2);
      ctx.drawImage(bitmap, 0, 0);
      const jpeg = new Uint8Array(
        await (await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.95 })).arrayBuffer(),
      );
      const tiff = [0x4d, 0x4d, 0x00, 0x2a, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0];
      const payload = [0x45, 0x78, 0x69, 0x66, 0, 0, ...tiff];
      const app1 = [0xff, 0xe1, (payload.length + 2) >> 8, (payload.length + 2) & 0xff, ...payload];
      const tagged = new Blob([jpeg.subarray(0, 2), new Uint8Array(app1), jpeg.subarray(2)], { type: 'image/jpeg' });
      const m = window.matcher;
      const upright = await m.embedFaces(original);
      const rotated = await m.embedFaces(tagged);
      return {
        size: [rotated.width, rotated.height],
        originalSize: [upright.width, upright.height],
        faces: rotated.faces.length,
        boxes: [upright.faces[0].box, rotated.faces[0]?.box],
        similarity: rotated.faces[0]
          ? window.facelocal.cosineSimilarity(upright.faces[0].embedding, rotated.faces[0].embedding)
          : null,
      };
    });
    expect(r.size).toEqual(r.originalSize);
    expect(r.faces).toBe(1);
    expect(Math.abs(r.boxes[0].x - r.boxes[1].x)).toBeLessThan(0.05 * r.boxes[0].width + 4);
    expect(r.similarity).toBeGreaterThan(0.9);
  });

  it('reads a WebP photo whose name says .jpg (type sniffed from content)', async () => {
    const r = await harness.page.evaluate(async () => {
      const bytes = await (await fetch('/__faces/deepface_p03/img47.jpg')).arrayBuffer();
      const head = Array.from(new Uint8Array(bytes, 8, 4), (c) => String.fromCharCode(c)).join('');
      const file = new File([bytes], 'img47.jpg', { type: 'image/jpeg' });
      return { head, faces: (await window.matcher.detect(file)).faces.length };
    });
    expect(r.head).toBe('WEBP');
    expect(r.faces).toBe(1);
  });

  it('refuses a non-image with a clear message', async () => {
    const r = await harness.page.evaluate(async () => {
      try {
        await window.matcher.detect(new File(['this is not a photo'], 'notes.jpg', { type: 'image/jpeg' }));
        return null;
      } catch (e) {
        return { code: (e as { code?: string }).code, message: (e as Error).message };
      }
    });
    expect(r?.code).toBe('unreadable-file');
    expect(r?.message).toMatch(/not an image/);
  });
});

describe('embedding', () => {
  it('gives L2-normalised 512-d embeddings; same person scores far above different people', async () => {
    const r = await harness.page.evaluate(async () => {
      const m = window.matcher;
      const embed = async (f: string) =>
        (await m.embedFaces(await (await fetch(`/__faces/${f}`)).blob())).faces[0].embedding as Float32Array;
      const [a1, a2, b1] = [
        await embed('obama/obama.jpg'),
        await embed('obama/obama1.jpg'),
        await embed('biden/biden.jpg'),
      ];
      const norm = Math.hypot(...a1);
      const sim = window.facelocal.cosineSimilarity;
      return { dim: a1.length, norm, same: sim(a1, a2), different: sim(a1, b1), threshold: m.info.threshold };
    });
    expect(r.dim).toBe(512);
    expect(r.norm).toBeCloseTo(1, 4);
    expect(r.same).toBeGreaterThan(r.threshold);
    expect(r.different).toBeLessThan(r.threshold);
  });
});

describe('model integrity', () => {
  it('refuses to start with a model whose checksum does not match the manifest, and says so', async () => {
    const page = await openHarness(harness.browser, inject('baseUrl'));
    try {
      // Serve a model with one byte changed, as a tampered or truncated download would be.
      await page.context.route('**/models/fr_feature.onnx', async (route) => {
        const response = await route.fetch();
        const body = Buffer.from(await response.body());
        body[body.length >> 1] ^= 0xff;
        await route.fulfill({ response, body });
      });
      const error = await page.page.evaluate(async () => {
        try {
          await window.facelocal.openMatcher({ databaseName: 'tampered' });
          return null;
        } catch (e) {
          return { code: (e as { code?: string }).code, message: (e as Error).message };
        }
      });
      expect(error?.code).toBe('model-load-failed');
      expect(error?.message).toMatch(/fr_feature\.onnx failed its checksum/);
    } finally {
      await page.close();
    }
  });
});

describe('backend choice', () => {
  it('does not pick a software WebGPU adapter: with WebGPU enabled, auto still runs WASM and says why', async () => {
    const gpuBrowser = await launchBrowser(['--enable-unsafe-webgpu']);
    try {
      const page = await openHarness(gpuBrowser, inject('baseUrl'));
      const r = await page.page.evaluate(async () => {
        const hasGpu =
          'gpu' in navigator &&
          (await (navigator as Navigator & { gpu: { requestAdapter(): Promise<unknown> } }).gpu.requestAdapter()) !==
            null;
        const m = await window.facelocal.openMatcher({ databaseName: 'gpu-check' });
        const info = m.info;
        await m.close();
        return { hasGpu, backend: info.backend, reason: info.backendReason };
      });
      expect(r.backend).toBe('wasm');
      expect(r.reason).toMatch(r.hasGpu ? /fallback|faster/ : /no WebGPU adapter/);
    } finally {
      await gpuBrowser.close();
    }
  });
});
