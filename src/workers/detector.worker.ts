// Detector worker: decodes a photo (type sniffed from its bytes, EXIF orientation honoured), finds every face with
// MediaPipe's full-range detector, and cuts each face out aligned to the ArcFace template. A thin shell: the
// geometry lives in src/core.
import * as Comlink from 'comlink';
import { withLifeline } from './lifeline';
import { FaceDetector, FilesetResolver, type Detection } from '@mediapipe/tasks-vision';
import { poseFromKeypoints, sharpnessAndBrightness } from '../core/face-quality';
import {
  ALIGNED_SIZE,
  alignmentTransform,
  affineScale,
  composeAffine,
  sourceRegion,
  warpAffine,
  type Affine,
} from '../core/alignment';
import {
  clipBox,
  fitWithin,
  mapFaceBack,
  padPixels,
  planTiledPass,
  readingOrder,
  reflectPadX,
  suppressOverlaps,
  landmarksFromKeypoints,
  tileGrid,
  TILING_POLICY,
  type DetectedFace,
} from '../core/detection-geometry';
import { MAX_IMAGE_BYTES, MAX_IMAGE_PIXELS, sniffImageType } from '../core/image-type';
import { declaredSizeProblem } from '../core/image-header';
import type {
  AnalyseOptions,
  AnalysedFace,
  AnalysedPhoto,
  DetectedFrame,
  DetectorApi,
  WorkerResult,
} from './worker-protocol';
import { fetchVerifiedModel, fetchVerifiedRuntime } from './verified-model';
import { errorText } from '../core/error-text';
import { LiveModelChoice, type LiveModel } from '../core/live-detection';

/** Photos are scaled so the longer side is at most this before detection: same faces found, several times faster. */
const DETECTION_SIDE = TILING_POLICY.detectionSide;
/**
 * Detections under this score are dropped. On ../shared/faces the only detections under 0.6 were a red panda
 * (0.56, in _noface/) and a face in full profile (0.59), which the embedder cannot match well anyway.
 */
const MIN_CONFIDENCE = 0.6;
const MAX_TILED_PASSES = 2;
/** Width of each mirrored strip added at the sides of a group photo, as a share of its width (see reflectPadX). */
const EDGE_MIRROR_SHARE = 0.3;
const THUMBNAIL_SIZE = 96;
/** A tight crop is retried centred on a grey canvas this much larger on each side (the face then covers ~half). */
const TIGHT_CROP_MARGIN = 0.5;
const PAD_GREY = 128;
const WARM_UP_SIDE = 192;

// MediaPipe loads its wasm glue with importScripts, which module workers lack; it then falls back to
// `self.import(url)` and expects the glue to set `self.ModuleFactory`. The module build exports it instead.
(self as unknown as { import: (url: string) => Promise<void> }).import = async (url: string) => {
  const glue = (await import(/* @vite-ignore */ url)) as { default: unknown };
  (self as unknown as { ModuleFactory: unknown }).ModuleFactory = glue.default;
};

// The module build's debug logger declares `custom_dbg` inside a block, which strict mode (every ES module) scopes
// to that block, so its first debug message throws "custom_dbg is not defined". A global one is found instead.
(self as unknown as { custom_dbg: (...text: unknown[]) => void }).custom_dbg = (...text) => console.debug(...text);

let fullRange: FaceDetector | undefined;
/**
 * The short-range model is only a retry for tight crops, so its graph (~200 ms) is built when a tight crop first
 * needs it, not at start-up; built beside the first photo it slowed that photo's embedding. Its checksum is still
 * checked at start.
 */
let shortRange: (() => Promise<FaceDetector>) | undefined;

async function init(baseUrl: string): Promise<WorkerResult<{ model: string }>> {
  try {
    // `true`: the module-worker build of the wasm loader (with `false` a module worker fails: "ModuleFactory not set").
    const fileset = await FilesetResolver.forVisionTasks(
      new URL('vendor/mediapipe', baseUrl).href.replace(/\/$/, ''),
      true,
    );
    const [full, short, wasmBinary] = await Promise.all([
      fetchVerifiedModel(baseUrl, 'faceDetector'),
      fetchVerifiedModel(baseUrl, 'faceDetectorShortRange'),
      fetchVerifiedRuntime(baseUrl, fileset.wasmBinaryPath),
    ]);
    const create = (bytes: Uint8Array) => {
      // MediaPipe hands `self.Module` to its wasm loader (and clears it after): with `wasmBinary` set, the runtime
      // is instantiated from these checked bytes and never fetched unchecked.
      (self as unknown as { Module: unknown }).Module = { wasmBinary };
      return FaceDetector.createFromOptions(fileset, {
        baseOptions: { modelAssetBuffer: bytes, delegate: 'CPU' },
        runningMode: 'IMAGE',
        minDetectionConfidence: MIN_CONFIDENCE,
      });
    };
    fullRange = await create(full.bytes);
    // A graph's first detection costs ~400 ms more than the next (measured on obama1.jpg): pay it on a blank
    // image as soon as init has answered, while the page shows, instead of on the first photo.
    const warm = fullRange;
    setTimeout(() => {
      try {
        warm.detect(new ImageData(WARM_UP_SIDE, WARM_UP_SIDE));
      } catch {
        // A failed warm-up only means the first photo pays the cost; that photo reports any real failure.
      }
    }, 0);
    let built: Promise<FaceDetector> | undefined;
    shortRange = () => (built ??= create(short.bytes));
    return { ok: true, value: { model: 'MediaPipe face detection, full range' } };
  } catch (error) {
    return { ok: false, code: 'model-load-failed', message: `The face detector failed to load: ${errorText(error)}` };
  }
}

async function analyse(bytes: ArrayBuffer, options: AnalyseOptions): Promise<WorkerResult<AnalysedPhoto>> {
  if (!fullRange || !shortRange)
    return { ok: false, code: 'model-load-failed', message: 'The face detector is not loaded.' };
  const t0 = performance.now();
  const decoded = await decode(bytes);
  if (!decoded.ok) return decoded;
  const bitmap = decoded.value;
  try {
    const t1 = performance.now();
    const found = options.region
      ? await detectInRegion(bitmap, options.region, fullRange, shortRange)
      : await detectFaces(bitmap, fullRange, shortRange);
    const t2 = performance.now();
    const faces: AnalysedFace[] = [];
    for (const face of found) {
      const aligned = alignFromBitmap(bitmap, face);
      const thumbnail = options.thumbnails ? await faceThumbnail(bitmap, face) : undefined;
      const quality = {
        sizePx: Math.max(face.box.width, face.box.height),
        ...poseFromKeypoints(face.keypoints),
        ...sharpnessAndBrightness(aligned, ALIGNED_SIZE, ALIGNED_SIZE),
      };
      faces.push({ ...face, aligned, thumbnail, quality });
    }
    const t3 = performance.now();
    const value: AnalysedPhoto = {
      width: bitmap.width,
      height: bitmap.height,
      faces,
      decodeMs: t1 - t0,
      detectMs: t2 - t1,
      alignMs: t3 - t2,
    };
    const transfers = faces.flatMap((f) => [f.aligned.buffer as ArrayBuffer, ...(f.thumbnail ? [f.thumbnail] : [])]);
    return Comlink.transfer({ ok: true as const, value }, transfers);
  } finally {
    bitmap.close();
  }
}

async function decode(bytes: ArrayBuffer): Promise<WorkerResult<ImageBitmap>> {
  if (bytes.byteLength === 0) return { ok: false, code: 'unreadable-file', message: 'This file is empty.' };
  if (bytes.byteLength > MAX_IMAGE_BYTES)
    return {
      ok: false,
      code: 'image-too-large',
      message: `This file is too large (${(bytes.byteLength / 1e6).toFixed(0)} MB; the limit is ${MAX_IMAGE_BYTES / 1024 / 1024} MB).`,
    };
  const type = sniffImageType(new Uint8Array(bytes, 0, Math.min(32, bytes.byteLength)));
  if (!type)
    return {
      ok: false,
      code: 'unreadable-file',
      message: 'This file is not an image Facelocal can read (JPEG, PNG, WebP, GIF, BMP or AVIF).',
    };
  // Before decoding: a tiny file can declare billions of pixels, and the decoder would allocate them all.
  const tooLarge = declaredSizeProblem(new Uint8Array(bytes), type, MAX_IMAGE_PIXELS);
  if (tooLarge) return { ok: false, code: 'image-too-large', message: tooLarge };
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(new Blob([bytes], { type }), { imageOrientation: 'from-image' });
  } catch {
    const what =
      type === 'image/heic'
        ? 'HEIC photos cannot be opened in this browser; convert it to JPEG first.'
        : 'This image is damaged or cannot be decoded by this browser.';
    return { ok: false, code: 'unreadable-file', message: what };
  }
  if (bitmap.width * bitmap.height > MAX_IMAGE_PIXELS) {
    const mp = (bitmap.width * bitmap.height) / 1e6;
    bitmap.close();
    return {
      ok: false,
      code: 'image-too-large',
      message: `This photo is too large (${mp.toFixed(0)} megapixels; the limit is ${MAX_IMAGE_PIXELS / 1e6}).`,
    };
  }
  return { ok: true, value: bitmap };
}

/** An OffscreenCanvas's 2D context: always there in the browsers this app runs in, so a missing one is a bug here. */
function context2d(
  canvas: OffscreenCanvas,
  settings?: { willReadFrequently?: boolean },
): OffscreenCanvasRenderingContext2D {
  const context = canvas.getContext('2d', settings);
  if (!context) throw new Error('internal: no 2D context on an OffscreenCanvas');
  return context;
}

function toDetectedFaces(detections: Detection[], width: number, height: number): DetectedFace[] {
  return detections.flatMap((d) => {
    const b = d.boundingBox;
    if (!b || d.keypoints.length < 4) return [];
    return [
      {
        box: { x: b.originX, y: b.originY, width: b.width, height: b.height },
        keypoints: d.keypoints.map((k) => [k.x * width, k.y * height] as [number, number]),
        score: d.categories[0]?.score ?? 0,
      },
    ];
  });
}

async function detectFaces(
  bitmap: ImageBitmap,
  full: FaceDetector,
  short: () => Promise<FaceDetector>,
): Promise<DetectedFace[]> {
  const small = fitWithin(bitmap.width, bitmap.height, DETECTION_SIDE);
  const scaled = scaledPixels(bitmap, small.width, small.height);
  const whole = toDetectedFaces(full.detect(scaled).detections, small.width, small.height).map((f) =>
    mapFaceBack(f, small.scale),
  );
  // Up to two tiled passes: faces found by one (in a crowd where the first pass found none) size the next.
  let found = whole;
  // In a group photo, people at the sides are often cut by the frame: look once more with the sides mirrored.
  if (whole.length >= 2) {
    const mirrored = reflectPadX(scaled, EDGE_MIRROR_SHARE);
    const atEdges = toDetectedFaces(
      full.detect(new ImageData(mirrored.data, mirrored.width, mirrored.height)).detections,
      mirrored.width,
      mirrored.height,
    )
      .map((f) => mapFaceBack(f, small.scale, [mirrored.offsetX, 0]))
      .filter((f) => f.box.x + f.box.width / 2 >= 0 && f.box.x + f.box.width / 2 <= bitmap.width) // a mirror image is not a face
      .map((f) => ({ ...f, box: clipBox(f.box, bitmap.width, bitmap.height) }));
    found = suppressOverlaps([...found, ...atEdges]);
  }
  let lastTile = Infinity;
  for (let pass = 0; pass < MAX_TILED_PASSES; pass++) {
    const plan = planTiledPass(bitmap.width, bitmap.height, found);
    if (!plan || plan.tile > 0.8 * lastTile) break;
    found = suppressOverlaps([...found, ...(await detectInTiles(bitmap, full, plan.tile))]);
    lastTile = plan.tile;
  }
  if (found.length > 0) return readingOrder(found);
  // A face that fills the frame (a tight crop) is too large for the detector's anchors: pad the photo so the
  // face covers about half of it. The short-range model finds every such face in ../shared/faces (40 of 40, with a
  // higher score than the full-range model in 39) at a third of the cost, so the full-range model runs only if it
  // finds nothing.
  const padded = padPixels(scaled, TIGHT_CROP_MARGIN, PAD_GREY);
  const toOriginal = (found: Detection[]) =>
    toDetectedFaces(found, padded.width, padded.height).map((f) =>
      mapFaceBack(f, small.scale, [padded.offsetX, padded.offsetY]),
    );
  const image = new ImageData(padded.data, padded.width, padded.height);
  const byShort = toOriginal((await short()).detect(image).detections);
  const faces = byShort.length > 0 ? byShort : toOriginal(full.detect(image).detections);
  return readingOrder(suppressOverlaps(faces));
}

/**
 * The photo scaled for detection, as pixels: MediaPipe's first run on a photo measured ~5 ms faster from ImageData
 * than from a resized ImageBitmap in headless Chromium (alternating A/B over ../shared/faces), and the padded
 * retry reuses the pixels.
 */
function scaledPixels(bitmap: ImageBitmap, width: number, height: number): ImageData {
  const canvas = new OffscreenCanvas(width, height);
  const ctx = context2d(canvas, { willReadFrequently: true });
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(bitmap, 0, 0, width, height);
  return ctx.getImageData(0, 0, width, height);
}

/**
 * The second pass (src/core/detection-geometry.ts planTiledPass says when, and how large): overlapping tiles of
 * the full-resolution photo, each scaled to at most DETECTION_SIDE, so faces too small for the first pass are found.
 */
async function detectInTiles(bitmap: ImageBitmap, full: FaceDetector, tileSide: number): Promise<DetectedFace[]> {
  const faces: DetectedFace[] = [];
  for (const tile of tileGrid(bitmap.width, bitmap.height, tileSide)) {
    const fit = fitWithin(tile.width, tile.height, DETECTION_SIDE);
    // Crop from the full-resolution bitmap and scale in one step (sharper than cropping a scaled copy).
    const crop = await createImageBitmap(bitmap, tile.x, tile.y, tile.width, tile.height, {
      resizeWidth: fit.width,
      resizeHeight: fit.height,
      resizeQuality: 'high',
    });
    try {
      const found = toDetectedFaces(full.detect(crop).detections, fit.width, fit.height);
      faces.push(...found.map((f) => mapFaceBack(f, fit.scale, [-tile.x * fit.scale, -tile.y * fit.scale])));
    } finally {
      crop.close();
    }
  }
  return faces;
}

/**
 * Aligned crop without reading the whole photo's pixels: draw only the region the crop needs, pre-scaled by the
 * browser's high-quality resampler (anti-aliased, unlike a plain bilinear warp of a large face), then apply the
 * remaining similarity transform with the pure warp from core.
 */
function alignFromBitmap(bitmap: ImageBitmap, face: DetectedFace): Uint8ClampedArray {
  const toCrop = alignmentTransform(landmarksFromKeypoints(face.keypoints));
  const region = sourceRegion(toCrop);
  const scale = Math.min(1, affineScale(toCrop));
  const w = Math.max(1, Math.ceil(region.width * scale)),
    h = Math.max(1, Math.ceil(region.height * scale));
  const canvas = new OffscreenCanvas(w, h);
  const ctx = context2d(canvas, { willReadFrequently: true });
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(
    bitmap,
    region.x,
    region.y,
    region.width,
    region.height,
    0,
    0,
    region.width * scale,
    region.height * scale,
  );
  const regionToImage: Affine = [1 / scale, 0, region.x, 0, 1 / scale, region.y];
  const pixels = ctx.getImageData(0, 0, w, h);
  return warpAffine({ width: w, height: h, data: pixels.data }, composeAffine(toCrop, regionToImage)).data;
}

async function faceThumbnail(bitmap: ImageBitmap, face: DetectedFace): Promise<ArrayBuffer> {
  const side = Math.max(face.box.width, face.box.height) * 1.3;
  const cx = face.box.x + face.box.width / 2,
    cy = face.box.y + face.box.height / 2;
  const canvas = new OffscreenCanvas(THUMBNAIL_SIZE, THUMBNAIL_SIZE);
  const ctx = context2d(canvas);
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(bitmap, cx - side / 2, cy - side / 2, side, side, 0, 0, THUMBNAIL_SIZE, THUMBNAIL_SIZE);
  const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.85 });
  return blob.arrayBuffer();
}

// Live camera. A frame is detected whole (the tiled and tight-crop passes are for photos), at LIVE_DETECTION_SIDE,
// by the model LiveModelChoice picks, then kept so the facade can ask for crops of only the faces it will embed.
/**
 * A live frame's longer side for detection. Both models see less (192 and 128 square), and MediaPipe copies its
 * input through WebGL on each call: the full-range model took ~5 ms less on this copy of a 640×480 frame, copy
 * included (in a worker, headless Chromium). From it, it found every face it found in the whole frame, for 20
 * photos of ../shared/faces placed in a frame at 8 % of its height and up, but one at 8 %.
 */
const LIVE_DETECTION_SIDE = 256;
const liveModels = new LiveModelChoice();
/** The short-range graph once built (a live session starts building it; until then the full-range model looks). */
let liveShortRange: FaceDetector | undefined;
/** One canvas for every frame's scaled copy, not one each. */
let liveCanvas: OffscreenCanvasRenderingContext2D | undefined;
let liveFrame: { bitmap: ImageBitmap; faces: DetectedFace[] } | undefined;

async function detectFrame(frame: ImageBitmap): Promise<WorkerResult<DetectedFrame>> {
  releaseFrame();
  if (!fullRange || !shortRange) {
    frame.close();
    return { ok: false, code: 'model-load-failed', message: 'The face detector is not loaded.' };
  }
  if (!liveShortRange) void warmShortRange(shortRange);
  const t0 = performance.now();
  const small = fitWithin(frame.width, frame.height, LIVE_DETECTION_SIDE);
  const pixels = livePixels(frame, small.width, small.height);
  const look = (model: LiveModel) => {
    const detector = model === 'short' ? liveShortRange : fullRange;
    if (!detector) return null;
    return toDetectedFaces(detector.detect(pixels).detections, small.width, small.height).map((f) =>
      mapFaceBack(f, small.scale),
    );
  };
  const first = liveShortRange ? liveModels.first(t0) : 'full';
  let faces = look(first) ?? [];
  const ran = [first];
  const second = liveModels.second(first, faces.length);
  const more = second ? look(second) : null;
  if (second && more) {
    faces = suppressOverlaps([...faces, ...more]);
    ran.push(second);
  }
  const side = Math.max(frame.width, frame.height);
  liveModels.record(
    ran,
    faces.map((f) => Math.max(f.box.width, f.box.height) / side),
    t0,
  );
  liveFrame = { bitmap: frame, faces };
  return { ok: true, value: { width: frame.width, height: frame.height, faces, detectMs: performance.now() - t0 } };
}

/** Builds the short-range graph and pays its first, slow detection on a blank image, between live frames. */
let warming: Promise<void> | undefined;
function warmShortRange(build: () => Promise<FaceDetector>): Promise<void> {
  return (warming ??= build()
    .then((detector) => {
      detector.detect(new ImageData(WARM_UP_SIDE, WARM_UP_SIDE));
      liveShortRange = detector;
    })
    .catch(() => undefined)); // without it, the full-range model looks at every frame, as it can
}

/** The frame scaled for detection, as pixels (see scaledPixels), drawn on the one live canvas. */
function livePixels(frame: ImageBitmap, width: number, height: number): ImageData {
  if (!liveCanvas || liveCanvas.canvas.width !== width || liveCanvas.canvas.height !== height)
    liveCanvas = context2d(new OffscreenCanvas(width, height), { willReadFrequently: true });
  liveCanvas.drawImage(frame, 0, 0, width, height);
  return liveCanvas.getImageData(0, 0, width, height);
}

async function alignFrameFaces(faceIndices: number[]): Promise<WorkerResult<Uint8ClampedArray[]>> {
  const frame = liveFrame;
  if (!frame) return { ok: false, code: 'no-face', message: 'No camera frame to take faces from.' };
  const crops = faceIndices.map((i) => alignFromBitmap(frame.bitmap, frame.faces[i]));
  return Comlink.transfer(
    { ok: true as const, value: crops },
    crops.map((c) => c.buffer as ArrayBuffer),
  );
}

function releaseFrame(): void {
  liveFrame?.bitmap.close();
  liveFrame = undefined;
}

/** The live session ended: let go of its frame, and the next session starts with nothing known of the faces. */
function endLive(): void {
  releaseFrame();
  liveModels.reset();
}

/** Confidence asked of a face in a box someone drew: they say a face is there, so a weaker detection is taken. */
const REGION_CONFIDENCE = 0.4;
/** A box drawn around a face is at most this many times the face's size: a much smaller "face" in it is a false find. */
const REGION_MAX_BOX_PER_FACE = 2.5;

/**
 * The face in a drawn box: the region (with a margin, so the face is whole) is cropped from the full-resolution
 * photo at the detector's scale, padded as a tight crop is, and searched by both models at REGION_CONFIDENCE; the
 * best face whose centre lies in the box and whose size fits it is kept, with its landmarks mapped back to the photo.
 * None: [].
 */
async function detectInRegion(
  bitmap: ImageBitmap,
  box: { x: number; y: number; width: number; height: number },
  full: FaceDetector,
  short: () => Promise<FaceDetector>,
): Promise<DetectedFace[]> {
  const margin = 0.25 * Math.max(box.width, box.height);
  const x0 = Math.max(0, Math.floor(box.x - margin)),
    y0 = Math.max(0, Math.floor(box.y - margin));
  const x1 = Math.min(bitmap.width, Math.ceil(box.x + box.width + margin)),
    y1 = Math.min(bitmap.height, Math.ceil(box.y + box.height + margin));
  if (x1 - x0 < 8 || y1 - y0 < 8) return [];
  // Up or down to the detector's input scale: a small face gains pixels, a large one fits the anchors.
  // (At most 4×: a face smaller than that is too small to read, and the detector finds noise in blown-up pixels.)
  const scale = Math.min(4, (WARM_UP_SIDE * 2) / Math.max(x1 - x0, y1 - y0));
  const width = Math.max(1, Math.round((x1 - x0) * scale)),
    height = Math.max(1, Math.round((y1 - y0) * scale));
  const crop = await createImageBitmap(bitmap, x0, y0, x1 - x0, y1 - y0, {
    resizeWidth: width,
    resizeHeight: height,
    resizeQuality: 'high',
  });
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) {
    crop.close();
    return [];
  }
  ctx.drawImage(crop, 0, 0);
  crop.close();
  const padded = padPixels(ctx.getImageData(0, 0, width, height), TIGHT_CROP_MARGIN, PAD_GREY);
  const image = new ImageData(padded.data, padded.width, padded.height);
  const found: DetectedFace[] = [];
  for (const detector of [await short(), full]) {
    await detector.setOptions({ minDetectionConfidence: REGION_CONFIDENCE });
    try {
      found.push(
        ...toDetectedFaces(detector.detect(image).detections, padded.width, padded.height).map((f) =>
          mapFaceBack(f, scale, [padded.offsetX - x0 * scale, padded.offsetY - y0 * scale]),
        ),
      );
    } finally {
      await detector.setOptions({ minDetectionConfidence: MIN_CONFIDENCE });
    }
  }
  const inBox = found.filter((f) => {
    const cx = f.box.x + f.box.width / 2,
      cy = f.box.y + f.box.height / 2;
    const bigEnough = Math.max(f.box.width, f.box.height) * REGION_MAX_BOX_PER_FACE >= Math.max(box.width, box.height);
    return bigEnough && cx >= box.x && cx <= box.x + box.width && cy >= box.y && cy <= box.y + box.height;
  });
  return inBox.sort((a, b) => b.score - a.score).slice(0, 1);
}

const api: DetectorApi = { init, analyse, detectFrame, alignFrameFaces, releaseFrame: async () => endLive() };
Comlink.expose(withLifeline(api));
