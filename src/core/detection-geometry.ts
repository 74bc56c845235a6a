// Geometry around the detector: scaling a photo down for detection and mapping results back, padding tight crops,
// and turning the detector's keypoints into alignment landmarks. Pure.
import type { FaceLandmarks4, Point } from './alignment';

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A detected face in the original photo's pixel coordinates. */
export interface DetectedFace {
  box: Box;
  /** MediaPipe's six keypoints in pixels: right eye, left eye (the subject's), nose tip, mouth centre, right ear, left ear. */
  keypoints: Point[];
  score: number;
}

/** Size to scale a photo to so its longer side is at most `maxSide` (never upscales). */
export function fitWithin(
  width: number,
  height: number,
  maxSide: number,
): { width: number; height: number; scale: number } {
  const scale = Math.min(1, maxSide / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)), scale };
}

/** Maps a face found in a transformed image (scaled by `scale` then offset by `offset`) back to the original. */
export function mapFaceBack(face: DetectedFace, scale: number, offset: Point = [0, 0]): DetectedFace {
  const back = (p: Point): Point => [(p[0] - offset[0]) / scale, (p[1] - offset[1]) / scale];
  const [x, y] = back([face.box.x, face.box.y]);
  return {
    box: { x, y, width: face.box.width / scale, height: face.box.height / scale },
    keypoints: face.keypoints.map(back),
    score: face.score,
  };
}

/** Clips a box to the image. */
export function clipBox(box: Box, width: number, height: number): Box {
  const x0 = Math.max(0, box.x),
    y0 = Math.max(0, box.y);
  const x1 = Math.min(width, box.x + box.width),
    y1 = Math.min(height, box.y + box.height);
  return { x: x0, y: y0, width: Math.max(0, x1 - x0), height: Math.max(0, y1 - y0) };
}

/** The area two boxes share (0 when they do not overlap). */
function intersectionArea(a: Box, b: Box): number {
  const x0 = Math.max(a.x, b.x),
    y0 = Math.max(a.y, b.y);
  const x1 = Math.min(a.x + a.width, b.x + b.width),
    y1 = Math.min(a.y + a.height, b.y + b.height);
  return Math.max(0, x1 - x0) * Math.max(0, y1 - y0);
}

export function intersectionOverUnion(a: Box, b: Box): number {
  const inter = intersectionArea(a, b);
  const union = a.width * a.height + b.width * b.height - inter;
  return union > 0 ? inter / union : 0;
}

/** Share of the smaller box that lies inside the other. */
export function overlapOfSmaller(a: Box, b: Box): number {
  const inter = intersectionArea(a, b);
  const smaller = Math.min(a.width * a.height, b.width * b.height);
  return smaller > 0 ? inter / smaller : 0;
}

/**
 * Greedy non-maximum suppression: keeps the best-scoring face of every overlapping group. A box mostly inside
 * another is a duplicate too (a face cut by a tile edge gives a smaller box inside the whole face's box).
 */
export function suppressOverlaps(faces: readonly DetectedFace[], iouLimit = 0.3, containedLimit = 0.6): DetectedFace[] {
  const kept: DetectedFace[] = [];
  for (const f of [...faces].sort((a, b) => b.score - a.score)) {
    if (
      kept.every(
        (k) => intersectionOverUnion(k.box, f.box) < iouLimit && overlapOfSmaller(k.box, f.box) < containedLimit,
      )
    )
      kept.push(f);
  }
  return kept;
}

/**
 * The alignment landmarks from MediaPipe's keypoints. MediaPipe's first keypoint is the subject's right eye, which
 * is on the image's left in an unmirrored photo: the template's "leftEye". Index order (not x order) keeps a face
 * that is rotated past 90 degrees aligned upright.
 */
export function landmarksFromKeypoints(keypoints: readonly Point[]): FaceLandmarks4 {
  if (keypoints.length < 4) throw new Error('need at least four keypoints');
  const [leftEye, rightEye, noseTip, mouthCentre] = keypoints;
  return { leftEye, rightEye, noseTip, mouthCentre };
}

/** Orders faces left to right, then top to bottom, so results read naturally and tests are stable. */
export function readingOrder(faces: readonly DetectedFace[]): DetectedFace[] {
  return [...faces].sort((a, b) => a.box.x - b.box.x || a.box.y - b.box.y);
}

/**
 * Overlapping square-ish tiles of at most `tile` px covering a `width`x`height` image, each overlapping its
 * neighbours by at least `overlap` of a tile, so a small face cut by one tile's edge is whole in the next.
 */
export function tileGrid(width: number, height: number, tile: number, overlap = 0.25): Box[] {
  const starts = (length: number): number[] => {
    const size = Math.min(tile, length);
    if (length <= tile) return [0];
    const step = size * (1 - overlap);
    const count = Math.ceil((length - size) / step) + 1;
    const stride = (length - size) / (count - 1);
    return Array.from({ length: count }, (_, i) => Math.round(i * stride));
  };
  const w = Math.min(tile, width),
    h = Math.min(tile, height);
  return starts(height).flatMap((y) => starts(width).map((x) => ({ x, y, width: w, height: h })));
}

export interface Pixels {
  width: number;
  height: number;
  /** RGBA, row-major. */
  data: Uint8ClampedArray;
}

/**
 * The image centred on a `grey` canvas with `margin` times its width (height) added on the left and right (top
 * and bottom). The offsets say where the image's top-left corner lands, for mapFaceBack.
 */
export function padPixels(
  image: Pixels,
  margin: number,
  grey: number,
): { width: number; height: number; data: Uint8ClampedArray<ArrayBuffer>; offsetX: number; offsetY: number } {
  const offsetX = Math.round(image.width * margin),
    offsetY = Math.round(image.height * margin);
  const width = image.width + 2 * offsetX,
    height = image.height + 2 * offsetY;
  const data = new Uint8ClampedArray(width * height * 4);
  const background = new Uint32Array(data.buffer);
  // One 32-bit word per pixel: opaque grey, whatever the platform's byte order.
  new Uint8ClampedArray(background.buffer, 0, 4).set([grey, grey, grey, 255]);
  background.fill(background[0]);
  const rowBytes = image.width * 4;
  for (let y = 0; y < image.height; y++) {
    data.set(image.data.subarray(y * rowBytes, (y + 1) * rowBytes), ((y + offsetY) * width + offsetX) * 4);
  }
  return { width, height, data, offsetX, offsetY };
}

/** How the second, tiled pass over a photo is cut, in the photo's own pixels; null: no second pass. */
export interface TiledPassPlan {
  /** Tile side in the photo's pixels (tiles overlap by a quarter, see tileGrid). */
  tile: number;
  /** Why, for benchmarks and tests. */
  reason: 'nothing-found' | 'small-faces';
}

export interface TilingPolicy {
  /** The side the whole photo is scaled to for the first pass. */
  detectionSide: number;
  /** Photos with a longer side above this get tiles of `detectionSide` from a copy this big when nothing was found. */
  tilingSide: number;
  /** A tile is this many times the smallest face found, so a face of that size or a little smaller is large in it. */
  tilePerFace: number;
  /** Tiles are never smaller than this (px): the detector's input is 192 px, and tinier tiles only add cost. */
  minTile: number;
  /** Most tiles a photo gets: past it, tiles grow (faces that small cost too much to hunt for). */
  maxTiles: number;
  /** With one face found, it counts as small (others of its size may be missed) under this share of the longer side. */
  smallFaceShare: number;
}

export const TILING_POLICY: TilingPolicy = {
  detectionSide: 640,
  tilingSide: 1280,
  tilePerFace: 5,
  minTile: 192,
  maxTiles: 40,
  smallFaceShare: 0.15,
};

/**
 * Whether to look again in tiles, and how big. The first pass sees the photo at `detectionSide` (and the model at
 * 192 px), so in a group photo a face of 45 px in 2048 shrinks to ~4 px and is lost, while its larger neighbours are
 * found. When several faces were found, they say how large faces are here: tiles about `tilePerFace` times the
 * smallest of them show a face of that size at ~38 px of the model's input, and one half that size at ~19 px, where
 * it is still found. Photos whose faces are already large for the first pass (a couple close up) get no second
 * pass.
 */
export function planTiledPass(
  width: number,
  height: number,
  found: readonly DetectedFace[],
  policy: TilingPolicy = TILING_POLICY,
): TiledPassPlan | null {
  const side = Math.max(width, height);
  const smallest = Math.min(...found.map((f) => Math.max(f.box.width, f.box.height)));
  // One face or none: a portrait or a photo without people, as most are; only a large photo is looked at again,
  // coarsely, when nothing or only a small face was found (as before group photos had their own pass).
  if (found.length < 2) {
    if (side <= policy.tilingSide || (found.length === 1 && smallest >= policy.smallFaceShare * side)) return null;
    return {
      tile: Math.round(policy.detectionSide * (side / policy.tilingSide)),
      reason: found.length ? 'small-faces' : 'nothing-found',
    };
  }
  let tile = Math.max(policy.minTile, Math.round(smallest * policy.tilePerFace));
  while (tileGrid(width, height, tile).length > policy.maxTiles) tile = Math.round(tile * 1.2);
  // Tiles nearly as large as the photo would see what the first pass saw.
  if (tile > 0.6 * side) return null;
  return { tile, reason: 'small-faces' };
}

/**
 * The image with `margin` times its width added on the left and right, each strip the mirror image of the edge
 * beside it. A face cut in half by the photo's edge becomes a whole (symmetric) face the detector finds, where a
 * grey pad leaves it half a face (measured: the selfie of seven in ../shared/faces/_group, 4 faces found → 5).
 */
export function reflectPadX(
  image: Pixels,
  margin: number,
): { width: number; height: number; data: Uint8ClampedArray<ArrayBuffer>; offsetX: number; offsetY: number } {
  const m = Math.min(image.width, Math.round(image.width * margin));
  const width = image.width + 2 * m;
  const data = new Uint8ClampedArray(width * image.height * 4);
  const source = new Uint32Array(image.data.buffer, image.data.byteOffset, image.width * image.height);
  const target = new Uint32Array(data.buffer);
  for (let y = 0; y < image.height; y++) {
    const from = y * image.width,
      to = y * width;
    target.set(source.subarray(from, from + image.width), to + m);
    for (let j = 0; j < m; j++) {
      target[to + m - 1 - j] = source[from + j];
      target[to + m + image.width + j] = source[from + image.width - 1 - j];
    }
  }
  return { width, height: image.height, data, offsetX: m, offsetY: 0 };
}
