// Face quality from what the detector and aligner already give us: size, pose (roll and yaw from the keypoints),
// sharpness (variance of the Laplacian of the aligned crop) and brightness. Pure, so thresholds are testable.
import type { Point } from './alignment';

export interface FaceQuality {
  /** Face box side in the photo's pixels. */
  sizePx: number;
  /** Head tilt in degrees (eye line against horizontal). */
  rollDeg: number;
  /** Nose offset from the eyes' midpoint, in eye distances: about 0 frontal, ±0.5 and beyond in profile. */
  yaw: number;
  /** Variance of the Laplacian of the aligned grey crop: low when blurred. */
  sharpness: number;
  /** Mean luminance of the aligned crop, 0..255. */
  brightness: number;
}

/**
 * Limits for enrolment. Chosen to refuse only clearly poor faces: on ../shared/faces every identity photo passes
 * (`npx tsx scripts/face-quality-survey.ts` prints the observed ranges).
 */
export const ENROLMENT_LIMITS = {
  minSizePx: 40,
  maxAbsRollDeg: 45,
  maxAbsYaw: 0.45,
  minSharpness: 15,
  minBrightness: 35,
  maxBrightness: 230,
};

export function poseFromKeypoints(keypoints: readonly Point[]): { rollDeg: number; yaw: number } {
  const [a, b, nose] = keypoints;
  const eyeDx = b[0] - a[0],
    eyeDy = b[1] - a[1];
  const eyeDistance = Math.hypot(eyeDx, eyeDy) || 1;
  const rollDeg = (Math.atan2(eyeDy, eyeDx) * 180) / Math.PI;
  // Nose offset along the eye line, from the eyes' midpoint.
  const mid: Point = [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
  const yaw = ((nose[0] - mid[0]) * eyeDx + (nose[1] - mid[1]) * eyeDy) / (eyeDistance * eyeDistance);
  return { rollDeg, yaw };
}

/** Sharpness and brightness of an RGBA crop. */
export function sharpnessAndBrightness(
  rgba: Uint8ClampedArray,
  width: number,
  height: number,
): { sharpness: number; brightness: number } {
  const grey = new Float32Array(width * height);
  let sum = 0;
  for (let i = 0; i < grey.length; i++) {
    grey[i] = 0.299 * rgba[4 * i] + 0.587 * rgba[4 * i + 1] + 0.114 * rgba[4 * i + 2];
    sum += grey[i];
  }
  let n = 0,
    mean = 0,
    m2 = 0;
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x;
      const lap = grey[i - 1] + grey[i + 1] + grey[i - width] + grey[i + width] - 4 * grey[i];
      n++;
      const d = lap - mean;
      mean += d / n;
      m2 += d * (lap - mean);
    }
  }
  return { sharpness: n > 1 ? m2 / (n - 1) : 0, brightness: sum / grey.length };
}

/** Why a face is too poor to enrol, in words for people; null when it is good enough. */
export function enrolmentProblem(q: FaceQuality, limits = ENROLMENT_LIMITS): string | null {
  if (q.sizePx < limits.minSizePx)
    return `The face is too small (${Math.round(q.sizePx)} px; at least ${limits.minSizePx} px needed): use a closer photo.`;
  if (Math.abs(q.rollDeg) > limits.maxAbsRollDeg)
    return `The head is tilted too far (${Math.round(Math.abs(q.rollDeg))}°).`;
  if (Math.abs(q.yaw) > limits.maxAbsYaw)
    return 'The face is turned too far to the side: use a photo facing the camera.';
  // Exposure before sharpness: a dark face also has little contrast, and "too dark" is the useful reason.
  if (q.brightness < limits.minBrightness) return 'The face is too dark.';
  if (q.brightness > limits.maxBrightness) return 'The face is too bright (overexposed).';
  if (q.sharpness < limits.minSharpness) return 'The face is too blurred.';
  return null;
}
