import { describe, expect, it } from 'vitest';
import {
  ARCFACE_TEMPLATE, TEMPLATE_POINTS_4, TEMPLATE_POINTS_5, alignmentTransform, alignmentTransform5, applyAffine, estimateSimilarityTransform,
  invertAffine, rotationDegrees, type Affine, type Point,
} from '../../src/core/alignment';
import {
  MESH_EYE_CORNERS_IMAGE_LEFT, MESH_EYE_CORNERS_IMAGE_RIGHT, MESH_EYE_IMAGE_LEFT, MESH_EYE_IMAGE_RIGHT, MESH_INPUT_SIZE, MESH_LANDMARK_COUNT,
  MESH_MOUTH_IMAGE_LEFT, MESH_MOUTH_IMAGE_RIGHT, MESH_NOSE_TIP, arcFacePointsFromMesh, meshCropTransform, meshPresence,
} from '../../src/core/face-mesh';
import { ALIGNMENT_METHODS, DEFAULT_ALIGNMENT, isAlignmentMethod, keypointAlignment, meshAlignment, usesMesh } from '../../src/core/alignment-method';
import { landmarksFromKeypoints } from '../../src/core/detection-geometry';

function similarity(scale: number, degrees: number, tx: number, ty: number): Affine {
  const r = (degrees * Math.PI) / 180;
  const a = scale * Math.cos(r), b = scale * Math.sin(r);
  return [a, -b, tx, b, a, ty];
}

const close = (p: Point, q: Point, digits = 6) => { expect(p[0]).toBeCloseTo(q[0], digits); expect(p[1]).toBeCloseTo(q[1], digits); };

/**
 * A face mesh as the model would return it for a face whose template points sit at `photoPoints` (image
 * coordinates): every eye-contour landmark on a ring around the eye centre, the nose tip and mouth corners where
 * they are, everything else far away (so a wrong index shows), all in the crop's pixels.
 */
function syntheticMesh(photoPoints: readonly Point[], toCrop: Affine): Float32Array {
  const mesh = new Float32Array(MESH_LANDMARK_COUNT * 3).fill(-1000);
  const put = (i: number, p: Point) => { const [x, y] = applyAffine(toCrop, p); mesh[3 * i] = x; mesh[3 * i + 1] = y; mesh[3 * i + 2] = 0; };
  const ring = (indices: readonly number[], centre: Point, corners: readonly number[]) => indices.forEach((i, k) => {
    // Corners on the horizontal axis (so their midpoint is the centre too), the rest evenly around.
    const angle = corners.includes(i) ? (i === corners[0] ? Math.PI : 0) : (2 * Math.PI * k) / indices.length + 0.1;
    put(i, [centre[0] + 4 * Math.cos(angle), centre[1] + 2 * Math.sin(angle)]);
  });
  const [leftEye, rightEye, nose, mouthLeft, mouthRight] = photoPoints;
  ring(MESH_EYE_IMAGE_LEFT, leftEye, MESH_EYE_CORNERS_IMAGE_LEFT);
  ring(MESH_EYE_IMAGE_RIGHT, rightEye, MESH_EYE_CORNERS_IMAGE_RIGHT);
  put(MESH_NOSE_TIP, nose);
  put(MESH_MOUTH_IMAGE_LEFT, mouthLeft);
  put(MESH_MOUTH_IMAGE_RIGHT, mouthRight);
  return mesh;
}

describe('weighted estimateSimilarityTransform', () => {
  it('a pair with weight 0 is ignored; integer weights count as repeated pairs', () => {
    const truth = similarity(1.3, 20, 5, 7);
    const from: Point[] = [[0, 0], [10, 0], [0, 10], [50, 50]];
    const to = from.map((p) => applyAffine(truth, p));
    to[3] = [999, -999]; // an outlier
    estimateSimilarityTransform(from, to, [1, 1, 1, 0]).forEach((v, i) => expect(v).toBeCloseTo(truth[i], 9));
    const weighted = estimateSimilarityTransform(from, to, [2, 1, 1, 1]);
    const repeated = estimateSimilarityTransform([from[0], ...from], [to[0], ...to]);
    weighted.forEach((v, i) => expect(v).toBeCloseTo(repeated[i], 9));
  });

  it('refuses weights that do not fit the points', () => {
    expect(() => estimateSimilarityTransform([[0, 0], [1, 0]], [[0, 0], [1, 0]], [1])).toThrow(/one non-negative weight/);
    expect(() => estimateSimilarityTransform([[0, 0], [1, 0]], [[0, 0], [1, 0]], [1, -1])).toThrow(/one non-negative weight/);
    expect(() => estimateSimilarityTransform([[0, 0], [1, 0]], [[0, 0], [1, 0]], [0, 0])).toThrow(/positive weight/);
  });
});

describe('meshCropTransform', () => {
  it('centres the box in the 192-px crop at 1.5x its longer side, eyes level', () => {
    const box = { x: 100, y: 50, width: 80, height: 100 };
    const leftEye: Point = [120, 90], rightEye: Point = [160, 110]; // tilted by atan(20/40)
    const toCrop = meshCropTransform(box, leftEye, rightEye);
    close(applyAffine(toCrop, [140, 100]), [MESH_INPUT_SIZE / 2, MESH_INPUT_SIZE / 2]);
    const [l, r] = [applyAffine(toCrop, leftEye), applyAffine(toCrop, rightEye)];
    expect(l[1]).toBeCloseTo(r[1], 9);
    expect(r[0]).toBeGreaterThan(l[0]);
    expect(Math.hypot(toCrop[0], toCrop[3])).toBeCloseTo(MESH_INPUT_SIZE / (1.5 * 100), 9);
    expect(rotationDegrees(toCrop)).toBeCloseTo((-Math.atan2(20, 40) * 180) / Math.PI, 9);
  });

  it('refuses an empty box', () => {
    expect(() => meshCropTransform({ x: 0, y: 0, width: 0, height: 0 }, [0, 0], [1, 0])).toThrow(/empty/);
  });
});

describe('arcFacePointsFromMesh', () => {
  const photoFromTemplate = similarity(2.2, -25, 300, 180);
  const photoPoints = TEMPLATE_POINTS_5.map((p) => applyAffine(photoFromTemplate, p));
  const toCrop = meshCropTransform({ x: 280, y: 120, width: 260, height: 260 }, photoPoints[0], photoPoints[1]);
  const mesh = syntheticMesh(photoPoints, toCrop);

  it('takes eye centres, nose tip and mouth corners from the right landmarks, back in image coordinates', () => {
    for (const eyeCentre of ['contour', 'corners'] as const) {
      const p = arcFacePointsFromMesh(mesh, invertAffine(toCrop), eyeCentre);
      [p.leftEye, p.rightEye, p.noseTip, p.mouthLeft, p.mouthRight].forEach((q, i) => close(q, photoPoints[i], 4));
    }
  });

  it('aligned with all five points, the face lands on the ArcFace template', () => {
    const toAligned = meshAlignment('mesh', mesh, toCrop);
    TEMPLATE_POINTS_5.forEach((t, i) => close(applyAffine(toAligned, photoPoints[i]), t, 4));
    close(applyAffine(toAligned, photoPoints[3]), ARCFACE_TEMPLATE.mouthLeft, 4);
  });

  it('refuses a mesh that is too short or holds a non-finite landmark', () => {
    expect(() => arcFacePointsFromMesh(new Float32Array(100), [1, 0, 0, 0, 1, 0])).toThrow(/100 values, not 1404/);
    const broken = mesh.slice();
    broken[3 * MESH_NOSE_TIP] = NaN;
    expect(() => arcFacePointsFromMesh(broken, [1, 0, 0, 0, 1, 0])).toThrow(/landmark 1 is not finite/);
  });

  it('presence is the sigmoid of the face flag', () => {
    expect(meshPresence(0)).toBeCloseTo(0.5, 9);
    expect(meshPresence(8)).toBeGreaterThan(0.99);
    expect(meshPresence(-Infinity)).toBe(0);
  });
});

describe('alignment methods', () => {
  const photoFromTemplate = similarity(3, 40, 400, 250);
  const keypoints = [...TEMPLATE_POINTS_4, [10, 120], [100, 120]].map((p) => applyAffine(photoFromTemplate, p as Point));

  it('keypoints: the detector\'s four points, as before', () => {
    expect(keypointAlignment('keypoints', keypoints)).toEqual(alignmentTransform(landmarksFromKeypoints(keypoints)));
  });

  it('keypoints-no-nose: the nose tip does not move the alignment', () => {
    const moved = keypoints.map((p, i) => (i === 2 ? ([p[0] + 40, p[1] - 30] as Point) : p));
    keypointAlignment('keypoints-no-nose', moved).forEach((v, i) => expect(v).toBeCloseTo(keypointAlignment('keypoints-no-nose', keypoints)[i], 9));
    expect(keypointAlignment('keypoints', moved)).not.toEqual(keypointAlignment('keypoints', keypoints));
  });

  it('names: only the listed methods; the mesh ones need the mesh; the default is one of them', () => {
    expect(ALIGNMENT_METHODS.filter(usesMesh)).toEqual(['mesh', 'mesh-eye-corners']);
    expect(isAlignmentMethod(DEFAULT_ALIGNMENT)).toBe(true);
    expect(isAlignmentMethod('mesh')).toBe(true);
    expect(isAlignmentMethod('Mesh')).toBe(false);
    expect(isAlignmentMethod(undefined)).toBe(false);
  });

  it('five template points give the same transform as the 5-point helper', () => {
    const points = TEMPLATE_POINTS_5.map((p) => applyAffine(photoFromTemplate, p));
    const [leftEye, rightEye, noseTip, mouthLeft, mouthRight] = points;
    expect(rotationDegrees(alignmentTransform5({ leftEye, rightEye, noseTip, mouthLeft, mouthRight }))).toBeCloseTo(-40, 6);
  });
});
