// The 468-point face mesh (MediaPipe's face_landmark.tflite) as a source of alignment points: the crop the model
// reads, and the ArcFace template's five points taken from its landmarks. Pure: no DOM, no workers.
import { applyAffine, type Affine, type FaceLandmarks5, type Point } from './alignment';
import type { Box } from './detection-geometry';

/** The model reads a 192x192 RGB crop; its landmarks come back in that crop's pixels. */
export const MESH_INPUT_SIZE = 192;
export const MESH_LANDMARK_COUNT = 468;
/** MediaPipe's own face-mesh graph crops a square 1.5x the detector's box (on its longer side); the model was trained so. */
export const MESH_CROP_SCALE = 1.5;
/** Below this presence (sigmoid of the model's face flag) the crop held no face the mesh recognises. */
export const MESH_MIN_PRESENCE = 0.5;

/** The eye contours (MediaPipe's FACEMESH_RIGHT_EYE / FACEMESH_LEFT_EYE): the subject's right eye is on the image's left. */
export const MESH_EYE_IMAGE_LEFT: readonly number[] = [33, 7, 163, 144, 145, 153, 154, 155, 133, 173, 157, 158, 159, 160, 161, 246];
export const MESH_EYE_IMAGE_RIGHT: readonly number[] = [263, 249, 390, 373, 374, 380, 381, 382, 362, 398, 384, 385, 386, 387, 388, 466];
/** The eye corners (outer, inner) of each eye, for the corner-midpoint variant. */
export const MESH_EYE_CORNERS_IMAGE_LEFT: readonly number[] = [33, 133];
export const MESH_EYE_CORNERS_IMAGE_RIGHT: readonly number[] = [362, 263];
export const MESH_NOSE_TIP = 1;
export const MESH_MOUTH_IMAGE_LEFT = 61;
export const MESH_MOUTH_IMAGE_RIGHT = 291;

/**
 * Image -> mesh crop: a square of MESH_CROP_SCALE times the box's longer side, centred on the box, turned so the
 * line from `leftEye` to `rightEye` (the detector's eye keypoints, image-left first) is level, as MediaPipe's graph
 * does. An upright face therefore reaches the model upright whatever its tilt in the photo.
 */
export function meshCropTransform(box: Box, leftEye: Point, rightEye: Point): Affine {
  const side = MESH_CROP_SCALE * Math.max(box.width, box.height);
  if (!(side > 0)) throw new Error('the face box is empty');
  const s = MESH_INPUT_SIZE / side;
  const angle = Math.atan2(rightEye[1] - leftEye[1], rightEye[0] - leftEye[0]);
  const c = s * Math.cos(angle), n = s * Math.sin(angle);
  const cx = box.x + box.width / 2, cy = box.y + box.height / 2;
  const half = MESH_INPUT_SIZE / 2;
  // Rotate by -angle and scale about the box centre, which lands on the crop's centre.
  return [c, n, half - (c * cx + n * cy), -n, c, half - (-n * cx + c * cy)];
}

/** Sigmoid of the model's face-flag logit. */
export function meshPresence(faceFlagLogit: number): number {
  return 1 / (1 + Math.exp(-faceFlagLogit));
}

export type MeshEyeCentre = 'contour' | 'corners';

/**
 * The ArcFace template's five points from the mesh's landmarks (`values`: 468 x (x, y, z) in crop pixels),
 * mapped back to the image with `cropToImage`. An eye's centre is the mean of its contour (close to the pupil,
 * which is what the template's eye points are), or the midpoint of its two corners.
 */
export function arcFacePointsFromMesh(values: ArrayLike<number>, cropToImage: Affine, eyeCentre: MeshEyeCentre = 'contour'): FaceLandmarks5 {
  if (values.length < MESH_LANDMARK_COUNT * 3) throw new Error(`the face mesh has ${values.length} values, not ${MESH_LANDMARK_COUNT * 3}`);
  const point = (i: number): Point => {
    const x = values[3 * i], y = values[3 * i + 1];
    if (!Number.isFinite(x) || !Number.isFinite(y)) throw new Error(`face mesh landmark ${i} is not finite`);
    return [x, y];
  };
  const mean = (indices: readonly number[]): Point => {
    let x = 0, y = 0;
    for (const i of indices) { const p = point(i); x += p[0]; y += p[1]; }
    return [x / indices.length, y / indices.length];
  };
  const toImage = (p: Point) => applyAffine(cropToImage, p);
  const [leftEye, rightEye] = eyeCentre === 'contour'
    ? [mean(MESH_EYE_IMAGE_LEFT), mean(MESH_EYE_IMAGE_RIGHT)]
    : [mean(MESH_EYE_CORNERS_IMAGE_LEFT), mean(MESH_EYE_CORNERS_IMAGE_RIGHT)];
  return {
    leftEye: toImage(leftEye),
    rightEye: toImage(rightEye),
    noseTip: toImage(point(MESH_NOSE_TIP)),
    mouthLeft: toImage(point(MESH_MOUTH_IMAGE_LEFT)),
    mouthRight: toImage(point(MESH_MOUTH_IMAGE_RIGHT)),
  };
}
