// Which points a face is aligned from. The app uses DEFAULT_ALIGNMENT; the others stay selectable so a benchmark
// can measure them through the same pipeline (see the README's accuracy section). Pure.
import { ARCFACE_MOUTH_CENTRE, TEMPLATE_POINTS_4, alignmentTransform, alignmentTransform5, estimateSimilarityTransform, invertAffine, type Affine, type Point } from './alignment';
import { landmarksFromKeypoints } from './detection-geometry';
import { arcFacePointsFromMesh } from './face-mesh';

export const ALIGNMENT_METHODS = [
  /** The face detector's eye centres, nose tip and mouth centre (4 points). */
  'keypoints',
  /** The detector's eyes and mouth centre only: its nose tip moves with head pose more than the template allows. */
  'keypoints-no-nose',
  /** The 5-point template from the face mesh: eye-contour centres, nose tip, mouth corners. */
  'mesh',
  /** As 'mesh', with each eye's centre taken as the midpoint of its corners. */
  'mesh-eye-corners',
] as const;

export type AlignmentMethod = (typeof ALIGNMENT_METHODS)[number];

/**
 * Measured on LFW (dev part), folds 1-2 (1,200 pairs, missed faces counted as different, 2-fold threshold), through
 * the facade in headless Chromium: 'keypoints' 97.83 %, 'mesh' 99.25 % (README, "Alignment").
 */
export const DEFAULT_ALIGNMENT: AlignmentMethod = 'mesh';

export function isAlignmentMethod(value: unknown): value is AlignmentMethod {
  return typeof value === 'string' && (ALIGNMENT_METHODS as readonly string[]).includes(value);
}

export function usesMesh(method: AlignmentMethod): boolean {
  return method === 'mesh' || method === 'mesh-eye-corners';
}

/** Image -> 112x112 aligned crop from the detector's keypoints (the fallback for every method). */
export function keypointAlignment(method: AlignmentMethod, keypoints: readonly Point[]): Affine {
  if (method !== 'keypoints-no-nose') return alignmentTransform(landmarksFromKeypoints(keypoints));
  const l = landmarksFromKeypoints(keypoints);
  return estimateSimilarityTransform([l.leftEye, l.rightEye, l.mouthCentre], [TEMPLATE_POINTS_4[0], TEMPLATE_POINTS_4[1], ARCFACE_MOUTH_CENTRE]);
}

/** Image -> 112x112 aligned crop from a face mesh read on the crop `imageToCrop` cut out. */
export function meshAlignment(method: AlignmentMethod, mesh: ArrayLike<number>, imageToCrop: Affine): Affine {
  return alignmentTransform5(arcFacePointsFromMesh(mesh, invertAffine(imageToCrop), method === 'mesh-eye-corners' ? 'corners' : 'contour'));
}
