import { describe, expect, it } from 'vitest';
import { sniffImageType } from '../../src/core/image-type';
import {
  clipBox,
  fitWithin,
  intersectionOverUnion,
  landmarksFromKeypoints,
  mapFaceBack,
  padPixels,
  readingOrder,
  suppressOverlaps,
  type DetectedFace,
} from '../../src/core/detection-geometry';
import { toEmbedderTensor } from '../../src/core/embedder-input';

const bytes = (...v: (number | string)[]) =>
  new Uint8Array(v.flatMap((x) => (typeof x === 'string' ? [...x].map((c) => c.charCodeAt(0)) : [x])));

describe('sniffImageType', () => {
  it('recognises images by content', () => {
    expect(sniffImageType(bytes(0xff, 0xd8, 0xff, 0xe0))).toBe('image/jpeg');
    expect(sniffImageType(bytes(0x89, 'PNG', 0x0d, 0x0a, 0x1a, 0x0a))).toBe('image/png');
    expect(sniffImageType(bytes('RIFF', 0, 0, 0, 0, 'WEBPVP8 '))).toBe('image/webp');
    expect(sniffImageType(bytes('GIF89a'))).toBe('image/gif');
    expect(sniffImageType(bytes(0, 0, 0, 24, 'ftypheic'))).toBe('image/heic');
    expect(sniffImageType(bytes(0, 0, 0, 24, 'ftypavif'))).toBe('image/avif');
  });

  it('refuses non-images and empty input', () => {
    expect(sniffImageType(bytes('hello world, not a jpeg'))).toBeNull();
    expect(sniffImageType(new Uint8Array(0))).toBeNull();
    expect(sniffImageType(bytes(0xff, 0xd8))).toBeNull(); // truncated header
  });
});

describe('detection geometry', () => {
  const face = (x: number, y: number, size: number, score = 0.9): DetectedFace => ({
    box: { x, y, width: size, height: size },
    keypoints: [[x + 1, y + 1]],
    score,
  });

  it('fitWithin never upscales and keeps the aspect ratio', () => {
    expect(fitWithin(1920, 1080, 640)).toEqual({ width: 640, height: 360, scale: 1 / 3 });
    expect(fitWithin(300, 200, 640)).toEqual({ width: 300, height: 200, scale: 1 });
  });

  it('mapFaceBack undoes scale and padding offset', () => {
    const back = mapFaceBack(
      { box: { x: 60, y: 40, width: 20, height: 20 }, keypoints: [[70, 50]], score: 1 },
      0.5,
      [10, 10],
    );
    expect(back.box).toEqual({ x: 100, y: 60, width: 40, height: 40 });
    expect(back.keypoints[0]).toEqual([120, 80]);
  });

  it('padPixels centres the image on grey, and mapFaceBack with its offsets finds the original pixel', () => {
    // 3x2 image whose pixel (x, y) is (10x + y, 7, 9, 255).
    const data = new Uint8ClampedArray(3 * 2 * 4);
    for (let y = 0; y < 2; y++) for (let x = 0; x < 3; x++) data.set([10 * x + y, 7, 9, 255], (y * 3 + x) * 4);
    const padded = padPixels({ width: 3, height: 2, data }, 0.5, 128);
    expect(padded).toMatchObject({ width: 7, height: 4, offsetX: 2, offsetY: 1 }); // 1.5 px rounds to 2
    const at = (x: number, y: number) => [
      ...padded.data.subarray((y * padded.width + x) * 4, (y * padded.width + x) * 4 + 4),
    ];
    expect(at(0, 0)).toEqual([128, 128, 128, 255]);
    expect(at(6, 3)).toEqual([128, 128, 128, 255]);
    expect(at(1, 1)).toEqual([128, 128, 128, 255]); // left margin, on an image row
    expect(at(5, 2)).toEqual([128, 128, 128, 255]); // right margin, on an image row
    expect(at(2, 1)).toEqual([0, 7, 9, 255]);
    expect(at(4, 2)).toEqual([21, 7, 9, 255]);
    const back = mapFaceBack({ box: { x: 4, y: 2, width: 1, height: 1 }, keypoints: [[4, 2]], score: 1 }, 1, [
      padded.offsetX,
      padded.offsetY,
    ]);
    expect(back.keypoints[0]).toEqual([2, 1]);
  });

  it('IoU, clipping and overlap suppression', () => {
    expect(intersectionOverUnion(face(0, 0, 10).box, face(5, 0, 10).box)).toBeCloseTo(50 / 150, 9);
    expect(clipBox({ x: -5, y: 2, width: 20, height: 20 }, 10, 10)).toEqual({ x: 0, y: 2, width: 10, height: 8 });
    const kept = suppressOverlaps([face(0, 0, 10, 0.6), face(1, 1, 10, 0.9), face(50, 50, 10, 0.7)]);
    expect(kept.map((f) => f.score)).toEqual([0.9, 0.7]);
    // a small box inside a big one is a duplicate even though their IoU is low
    const nested = suppressOverlaps([face(0, 0, 100, 0.9), face(10, 10, 30, 0.95)]);
    expect(nested.map((f) => f.score)).toEqual([0.95]);
  });

  it('reading order is left to right', () => {
    expect(readingOrder([face(50, 0, 5), face(10, 0, 5)]).map((f) => f.box.x)).toEqual([10, 50]);
  });

  it('landmarks follow MediaPipe keypoint order', () => {
    const l = landmarksFromKeypoints([
      [1, 2],
      [3, 4],
      [5, 6],
      [7, 8],
      [9, 10],
      [11, 12],
    ]);
    expect(l).toEqual({ leftEye: [1, 2], rightEye: [3, 4], noseTip: [5, 6], mouthCentre: [7, 8] });
  });
});

describe('toEmbedderTensor', () => {
  it('writes BGR planes normalised to [-1, 1]', () => {
    const rgba = new Uint8ClampedArray(112 * 112 * 4);
    rgba.set([255, 0, 127.5, 255], 0); // first pixel: R=255, G=0, B=128
    const t = toEmbedderTensor(rgba);
    const plane = 112 * 112;
    expect(t).toHaveLength(3 * plane);
    expect(t[0]).toBeCloseTo((128 - 127.5) / 127.5, 6); // B plane first
    expect(t[plane]).toBeCloseTo(-1, 6); // G
    expect(t[2 * plane]).toBeCloseTo(1, 6); // R
  });

  it('mirrors when asked', () => {
    const rgba = new Uint8ClampedArray(112 * 112 * 4);
    rgba.set([255, 255, 255, 255], 111 * 4); // last pixel of the first row
    const t = toEmbedderTensor(rgba, undefined, undefined, 0, true);
    expect(t[0]).toBeCloseTo(1, 6);
  });

  it('rejects the wrong size', () => {
    expect(() => toEmbedderTensor(new Uint8ClampedArray(10))).toThrow(/112x112/);
  });
});

describe('tileGrid', () => {
  it('covers the image with overlapping tiles', async () => {
    const { tileGrid } = await import('../../src/core/detection-geometry');
    const tiles = tileGrid(1280, 720, 640, 0.25);
    expect(tiles.every((t) => t.width === 640 && t.height === 640)).toBe(true);
    expect(tiles.map((t) => t.x)).toEqual([0, 320, 640, 0, 320, 640]);
    expect(tiles.map((t) => t.y)).toEqual([0, 0, 0, 80, 80, 80]);
    // every pixel is covered, and neighbours overlap by at least a quarter tile
    for (let x = 0; x < 1280; x += 37)
      for (let y = 0; y < 720; y += 29) {
        expect(tiles.some((t) => x >= t.x && x < t.x + t.width && y >= t.y && y < t.y + t.height)).toBe(true);
      }
  });

  it('is one tile for a small image', async () => {
    const { tileGrid } = await import('../../src/core/detection-geometry');
    expect(tileGrid(500, 300, 640)).toEqual([{ x: 0, y: 0, width: 500, height: 300 }]);
  });
});

describe('planTiledPass', () => {
  const face = (size: number): DetectedFace => ({
    box: { x: 0, y: 0, width: size, height: size },
    keypoints: [],
    score: 0.9,
  });

  it('looks again in tiles about five times the smallest face found, so faces smaller than the found ones are large in them', async () => {
    const { planTiledPass, tileGrid } = await import('../../src/core/detection-geometry');
    // The group portrait of issue 11: 2048x922, faces ~45 px; the first pass found a few of the larger ones.
    const plan = planTiledPass(2048, 922, [face(60), face(52), face(70)]);
    expect(plan?.reason).toBe('small-faces');
    expect(plan!.tile).toBeLessThanOrEqual(400);
    // A 45 px face is at least a ninth of its tile (the detector finds it at ~20 px of its 192 px input).
    expect(45 / plan!.tile).toBeGreaterThan(1 / 9);
    expect(tileGrid(2048, 922, plan!.tile).length).toBeLessThanOrEqual(40);
  });

  it('gives tiny faces no more than 40 tiles', async () => {
    const { planTiledPass, tileGrid } = await import('../../src/core/detection-geometry');
    const plan = planTiledPass(4000, 3000, [face(12)]);
    expect(tileGrid(4000, 3000, plan!.tile).length).toBeLessThanOrEqual(40);
  });

  it('skips the second pass where faces are already large (a portrait, a couple)', async () => {
    const { planTiledPass } = await import('../../src/core/detection-geometry');
    expect(planTiledPass(2280, 1588, [face(700), face(800)])).toBeNull();
    expect(planTiledPass(600, 604, [face(100), face(125), face(150)])).toBeNull();
  });

  it('keeps the coarse tiling for a large photo where nothing or one small face was found, and none for a small one or a portrait', async () => {
    const { planTiledPass } = await import('../../src/core/detection-geometry');
    expect(planTiledPass(2560, 1440, [])).toEqual({ tile: 1280, reason: 'nothing-found' });
    expect(planTiledPass(1000, 800, [])).toBeNull();
    expect(planTiledPass(2560, 1440, [face(200)])).toEqual({ tile: 1280, reason: 'small-faces' });
    expect(planTiledPass(2560, 1440, [face(900)])).toBeNull();
    expect(planTiledPass(900, 600, [face(40)])).toBeNull();
  });
});

describe('reflectPadX', () => {
  it('mirrors each edge into its strip, and mapFaceBack with its offset finds the original pixel', async () => {
    const { reflectPadX, mapFaceBack } = await import('../../src/core/detection-geometry');
    // A 4x2 image whose pixels are numbered 1..8 in their red channel.
    const data = new Uint8ClampedArray(4 * 2 * 4);
    for (let i = 0; i < 8; i++) data.set([i + 1, 0, 0, 255], i * 4);
    const padded = reflectPadX({ width: 4, height: 2, data }, 0.5);
    expect([padded.width, padded.height, padded.offsetX]).toEqual([8, 2, 2]);
    const reds = (row: number) => Array.from({ length: 8 }, (_, x) => padded.data[(row * 8 + x) * 4]);
    expect(reds(0)).toEqual([2, 1, 1, 2, 3, 4, 4, 3]);
    expect(reds(1)).toEqual([6, 5, 5, 6, 7, 8, 8, 7]);
    const back = mapFaceBack(
      { box: { x: padded.offsetX + 1, y: 0, width: 1, height: 1 }, keypoints: [], score: 1 },
      1,
      [padded.offsetX, 0],
    );
    expect(back.box.x).toBe(1);
  });
});
