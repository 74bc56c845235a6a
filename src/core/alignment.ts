// Face alignment: a least-squares similarity transform (rotation, uniform scale, translation) from detected
// keypoints to the ArcFace 112x112 template, and the warp that applies it. Pure: no DOM, no workers.

export type Point = readonly [number, number];

/** 2x3 affine matrix [a, b, tx, c, d, ty]: x' = a*x + b*y + tx, y' = c*x + d*y + ty. */
export type Affine = readonly [number, number, number, number, number, number];

export const ALIGNED_SIZE = 112;

/** The standard ArcFace 5-point template (InsightFace) for a 112x112 crop. */
export const ARCFACE_TEMPLATE = {
  leftEye: [38.2946, 51.6963], // the eye on the image's left (the subject's right eye)
  rightEye: [73.5318, 51.5014],
  noseTip: [56.0252, 71.7366],
  mouthLeft: [41.5493, 92.3655],
  mouthRight: [70.7299, 92.2041],
} as const satisfies Record<string, Point>;

/** MediaPipe gives the mouth centre, not its corners: the template's mouth centre is their midpoint. */
export const ARCFACE_MOUTH_CENTRE: Point = [
  (ARCFACE_TEMPLATE.mouthLeft[0] + ARCFACE_TEMPLATE.mouthRight[0]) / 2,
  (ARCFACE_TEMPLATE.mouthLeft[1] + ARCFACE_TEMPLATE.mouthRight[1]) / 2,
];

/** The four points the detector gives us, in image coordinates, as the template orders them. */
export interface FaceLandmarks4 {
  leftEye: Point; // on the image's left
  rightEye: Point;
  noseTip: Point;
  mouthCentre: Point;
}

export const TEMPLATE_POINTS_4: readonly Point[] = [
  ARCFACE_TEMPLATE.leftEye,
  ARCFACE_TEMPLATE.rightEye,
  ARCFACE_TEMPLATE.noseTip,
  ARCFACE_MOUTH_CENTRE,
];

/**
 * Least-squares similarity transform mapping `from[i]` onto `to[i]` (Umeyama without reflection).
 * With the parametrisation x' = a x - b y + tx, y' = b x + a y + ty the problem is linear in (a, b, tx, ty),
 * and centring both point sets gives the closed form below.
 */
export function estimateSimilarityTransform(from: readonly Point[], to: readonly Point[]): Affine {
  if (from.length !== to.length || from.length < 2) throw new Error('need at least two point pairs of equal count');
  const n = from.length;
  let fx = 0,
    fy = 0,
    tx = 0,
    ty = 0;
  for (let i = 0; i < n; i++) {
    fx += from[i][0];
    fy += from[i][1];
    tx += to[i][0];
    ty += to[i][1];
  }
  fx /= n;
  fy /= n;
  tx /= n;
  ty /= n;
  let sxx = 0,
    sab = 0,
    sba = 0;
  for (let i = 0; i < n; i++) {
    const x = from[i][0] - fx,
      y = from[i][1] - fy;
    const u = to[i][0] - tx,
      v = to[i][1] - ty;
    sxx += x * x + y * y;
    sab += x * u + y * v;
    sba += x * v - y * u;
  }
  if (sxx === 0) throw new Error('degenerate points: all source points coincide');
  const a = sab / sxx;
  const b = sba / sxx;
  return [a, -b, tx - (a * fx - b * fy), b, a, ty - (b * fx + a * fy)];
}

export function applyAffine(m: Affine, p: Point): Point {
  return [m[0] * p[0] + m[1] * p[1] + m[2], m[3] * p[0] + m[4] * p[1] + m[5]];
}

export function invertAffine(m: Affine): Affine {
  const [a, b, tx, c, d, ty] = m;
  const det = a * d - b * c;
  if (Math.abs(det) < 1e-12) throw new Error('affine transform is not invertible');
  const ia = d / det,
    ib = -b / det,
    ic = -c / det,
    id = a / det;
  return [ia, ib, -(ia * tx + ib * ty), ic, id, -(ic * tx + id * ty)];
}

/** Rotation of the transform in degrees (how far the face is tilted in the photo, sign: clockwise in image). */
export function rotationDegrees(m: Affine): number {
  return (Math.atan2(m[3], m[0]) * 180) / Math.PI;
}

export interface RgbaImage {
  width: number;
  height: number;
  /** RGBA, row-major, 4 bytes per pixel. */
  data: Uint8ClampedArray;
}

/**
 * Warps `src` into a `size`x`size` crop with `toCrop` (image -> crop coordinates), bilinear sampling;
 * pixels that fall outside the source are black (as OpenCV's warpAffine with a constant border).
 */
export function warpAffine(src: RgbaImage, toCrop: Affine, size = ALIGNED_SIZE): RgbaImage {
  const inv = invertAffine(toCrop);
  const out = new Uint8ClampedArray(size * size * 4);
  const { width: w, height: h, data } = src;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const sx = inv[0] * x + inv[1] * y + inv[2];
      const sy = inv[3] * x + inv[4] * y + inv[5];
      const o = (y * size + x) * 4;
      out[o + 3] = 255;
      const x0 = Math.floor(sx),
        y0 = Math.floor(sy);
      if (x0 < -1 || y0 < -1 || x0 >= w || y0 >= h) continue;
      const fx = sx - x0,
        fy = sy - y0;
      for (let ch = 0; ch < 3; ch++) {
        const p00 = pixel(data, w, h, x0, y0, ch),
          p10 = pixel(data, w, h, x0 + 1, y0, ch);
        const p01 = pixel(data, w, h, x0, y0 + 1, ch),
          p11 = pixel(data, w, h, x0 + 1, y0 + 1, ch);
        out[o + ch] = (p00 * (1 - fx) + p10 * fx) * (1 - fy) + (p01 * (1 - fx) + p11 * fx) * fy;
      }
    }
  }
  return { width: size, height: size, data: out };
}

function pixel(data: Uint8ClampedArray, w: number, h: number, x: number, y: number, ch: number): number {
  if (x < 0 || y < 0 || x >= w || y >= h) return 0;
  return data[(y * w + x) * 4 + ch];
}

/** Transform from image coordinates into the aligned 112x112 crop for a face's four landmarks. */
export function alignmentTransform(landmarks: FaceLandmarks4): Affine {
  return estimateSimilarityTransform(
    [landmarks.leftEye, landmarks.rightEye, landmarks.noseTip, landmarks.mouthCentre],
    TEMPLATE_POINTS_4,
  );
}

/** Detects the aligned face crop of `image` for the given landmarks. */
export function alignFace(image: RgbaImage, landmarks: FaceLandmarks4): RgbaImage {
  return warpAffine(image, alignmentTransform(landmarks));
}

/** The transform that applies `first`, then `second`. */
export function composeAffine(second: Affine, first: Affine): Affine {
  const [a2, b2, t2, c2, d2, u2] = second;
  const [a1, b1, t1, c1, d1, u1] = first;
  return [
    a2 * a1 + b2 * c1,
    a2 * b1 + b2 * d1,
    a2 * t1 + b2 * u1 + t2,
    c2 * a1 + d2 * c1,
    c2 * b1 + d2 * d1,
    c2 * t1 + d2 * u1 + u2,
  ];
}

/** Uniform scale of a similarity transform. */
export function affineScale(m: Affine): number {
  return Math.sqrt(Math.abs(m[0] * m[4] - m[1] * m[3]));
}

/**
 * The region of the source image a crop of `size` reads from (its corners mapped back), padded by one pixel.
 * The worker decodes only this region, pre-scaled, instead of the whole photo.
 */
export function sourceRegion(
  toCrop: Affine,
  size = ALIGNED_SIZE,
): { x: number; y: number; width: number; height: number } {
  const inv = invertAffine(toCrop);
  const corners = (
    [
      [0, 0],
      [size, 0],
      [0, size],
      [size, size],
    ] as Point[]
  ).map((p) => applyAffine(inv, p));
  const xs = corners.map((p) => p[0]),
    ys = corners.map((p) => p[1]);
  const x = Math.floor(Math.min(...xs)) - 1,
    y = Math.floor(Math.min(...ys)) - 1;
  return { x, y, width: Math.ceil(Math.max(...xs)) + 1 - x, height: Math.ceil(Math.max(...ys)) + 1 - y };
}
