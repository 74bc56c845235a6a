import { describe, expect, it } from 'vitest';
import {
  ARCFACE_MOUTH_CENTRE,
  ARCFACE_TEMPLATE,
  TEMPLATE_POINTS_4,
  alignFace,
  alignmentTransform,
  applyAffine,
  composeAffine,
  estimateSimilarityTransform,
  invertAffine,
  rotationDegrees,
  sourceRegion,
  warpAffine,
  type Affine,
  type Point,
  type RgbaImage,
} from '../../src/core/alignment';

function similarity(scale: number, degrees: number, tx: number, ty: number): Affine {
  const r = (degrees * Math.PI) / 180;
  const a = scale * Math.cos(r),
    b = scale * Math.sin(r);
  return [a, -b, tx, b, a, ty];
}

function expectAffineClose(actual: Affine, expected: Affine, digits = 6) {
  actual.forEach((v, i) => expect(v).toBeCloseTo(expected[i], digits));
}

describe('estimateSimilarityTransform', () => {
  it('recovers a known transform exactly from noiseless points', () => {
    const truth = similarity(2.5, 30, 17, -4);
    const from: Point[] = [
      [10, 10],
      [50, 12],
      [30, 40],
      [28, 60],
    ];
    const to = from.map((p) => applyAffine(truth, p));
    expectAffineClose(estimateSimilarityTransform(from, to), truth);
  });

  it('is the least-squares fit under noise (close to the truth, not exact)', () => {
    const truth = similarity(0.4, -12, 3, 9);
    const from: Point[] = [
      [100, 120],
      [220, 118],
      [160, 190],
      [158, 250],
    ];
    const noise: Point[] = [
      [0.5, -0.3],
      [-0.4, 0.2],
      [0.3, 0.4],
      [-0.2, -0.5],
    ];
    const to = from.map((p, i) => {
      const q = applyAffine(truth, p);
      return [q[0] + noise[i][0], q[1] + noise[i][1]] as Point;
    });
    const fit = estimateSimilarityTransform(from, to);
    expect(rotationDegrees(fit)).toBeCloseTo(-12, 0);
    expect(Math.hypot(fit[0], fit[3])).toBeCloseTo(0.4, 2);
  });

  it('rejects degenerate input', () => {
    expect(() =>
      estimateSimilarityTransform(
        [
          [1, 1],
          [1, 1],
        ],
        [
          [0, 0],
          [1, 1],
        ],
      ),
    ).toThrow(/degenerate/);
    expect(() => estimateSimilarityTransform([[1, 1]], [[0, 0]])).toThrow();
  });
});

describe('alignmentTransform', () => {
  it('maps a face rotated by 40 degrees onto the upright template', () => {
    // A face drawn in a photo: the template scaled x3, rotated 40 degrees, moved.
    const photoFromTemplate = similarity(3, 40, 400, 250);
    const [leftEye, rightEye, noseTip, mouthCentre] = TEMPLATE_POINTS_4.map((p) => applyAffine(photoFromTemplate, p));
    const toCrop = alignmentTransform({ leftEye, rightEye, noseTip, mouthCentre });
    expect(rotationDegrees(toCrop)).toBeCloseTo(-40, 6);
    const eye = applyAffine(toCrop, leftEye);
    expect(eye[0]).toBeCloseTo(ARCFACE_TEMPLATE.leftEye[0], 6);
    expect(eye[1]).toBeCloseTo(ARCFACE_TEMPLATE.leftEye[1], 6);
    const mouth = applyAffine(toCrop, mouthCentre);
    expect(mouth[1]).toBeCloseTo(ARCFACE_MOUTH_CENTRE[1], 6);
  });

  it('keeps a face rotated past 90 degrees upright (eyes above the mouth)', () => {
    const photoFromTemplate = similarity(2, 150, 300, 300);
    const [leftEye, rightEye, noseTip, mouthCentre] = TEMPLATE_POINTS_4.map((p) => applyAffine(photoFromTemplate, p));
    const toCrop = alignmentTransform({ leftEye, rightEye, noseTip, mouthCentre });
    const eyeY = applyAffine(toCrop, leftEye)[1],
      mouthY = applyAffine(toCrop, mouthCentre)[1];
    expect(eyeY).toBeLessThan(mouthY);
  });
});

describe('affine helpers', () => {
  it('invert and compose are consistent', () => {
    const m = similarity(1.7, 23, 5, -8);
    expectAffineClose(composeAffine(invertAffine(m), m), [1, 0, 0, 0, 1, 0]);
    const p: Point = [12, 34];
    const n = similarity(0.5, -60, 1, 2);
    const direct = applyAffine(n, applyAffine(m, p));
    const composed = applyAffine(composeAffine(n, m), p);
    expect(composed[0]).toBeCloseTo(direct[0], 9);
    expect(composed[1]).toBeCloseTo(direct[1], 9);
  });

  it('sourceRegion covers every pixel the crop reads', () => {
    const toCrop = similarity(0.5, 30, -20, 10);
    const region = sourceRegion(toCrop, 112);
    const inv = invertAffine(toCrop);
    for (const c of [
      [0, 0],
      [111, 0],
      [0, 111],
      [111, 111],
      [56, 56],
    ] as Point[]) {
      const [x, y] = applyAffine(inv, c);
      expect(x).toBeGreaterThanOrEqual(region.x);
      expect(y).toBeGreaterThanOrEqual(region.y);
      expect(x).toBeLessThanOrEqual(region.x + region.width);
      expect(y).toBeLessThanOrEqual(region.y + region.height);
    }
  });
});

describe('warpAffine', () => {
  function image(width: number, height: number, paint: (x: number, y: number) => [number, number, number]): RgbaImage {
    const data = new Uint8ClampedArray(width * height * 4);
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) {
        const [r, g, b] = paint(x, y);
        data.set([r, g, b, 255], (y * width + x) * 4);
      }
    return { width, height, data };
  }
  const at = (img: RgbaImage, x: number, y: number) =>
    Array.from(img.data.subarray((y * img.width + x) * 4, (y * img.width + x) * 4 + 3));

  it('identity copies pixels; outside the source is black', () => {
    const src = image(8, 8, (x, y) => [x * 10, y * 10, 7]);
    const out = warpAffine(src, [1, 0, 0, 0, 1, 0], 10);
    expect(at(out, 3, 5)).toEqual([30, 50, 7]);
    expect(at(out, 9, 9)).toEqual([0, 0, 0]);
  });

  it('a 90-degree rotation moves a marked pixel where the transform says', () => {
    const src = image(20, 20, (x, y) => (x === 4 && y === 2 ? [255, 0, 0] : [0, 0, 255]));
    const rot: Affine = [0, -1, 19, 1, 0, 0]; // (x, y) -> (19 - y, x)
    const out = warpAffine(src, rot, 20);
    expect(at(out, 17, 4)).toEqual([255, 0, 0]);
    expect(at(out, 4, 2)).toEqual([0, 0, 255]);
  });

  it('alignFace turns a rotated synthetic face upright: eyes land on the template', () => {
    // Paint dots at the template positions, rotate the whole picture by 35 degrees into a bigger photo,
    // then align from the rotated landmark positions: the dots must come back where the template puts them.
    const photoFromTemplate = similarity(2, 35, 150, 60);
    const templateFromPhoto = invertAffine(photoFromTemplate);
    const dots = [ARCFACE_TEMPLATE.leftEye, ARCFACE_TEMPLATE.rightEye];
    const photo = image(400, 400, (x, y) => {
      const [u, v] = applyAffine(templateFromPhoto, [x, y]);
      return dots.some(([dx, dy]) => Math.hypot(u - dx, v - dy) < 3) ? [255, 255, 255] : [0, 0, 0];
    });
    const [leftEye, rightEye, noseTip, mouthCentre] = TEMPLATE_POINTS_4.map((p) => applyAffine(photoFromTemplate, p));
    const crop = alignFace(photo, { leftEye, rightEye, noseTip, mouthCentre });
    expect(crop.width).toBe(112);
    for (const [dx, dy] of dots) expect(at(crop, Math.round(dx), Math.round(dy))[0]).toBeGreaterThan(200);
    expect(at(crop, 56, 100)[0]).toBe(0);
  });
});
