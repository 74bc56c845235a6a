import { describe, expect, it } from 'vitest';
import {
  ENROLMENT_LIMITS,
  enrolmentProblem,
  poseFromKeypoints,
  sharpnessAndBrightness,
  type FaceQuality,
} from '../../src/core/face-quality';

const good: FaceQuality = { sizePx: 200, rollDeg: 3, yaw: 0.05, sharpness: 300, brightness: 120 };

describe('face quality', () => {
  it('reads roll and yaw from the keypoints', () => {
    expect(
      poseFromKeypoints([
        [0, 0],
        [10, 0],
        [5, 8],
      ]),
    ).toEqual({ rollDeg: 0, yaw: 0 });
    expect(
      poseFromKeypoints([
        [0, 0],
        [10, 10],
        [5, 5],
      ]).rollDeg,
    ).toBeCloseTo(45, 9);
    expect(
      poseFromKeypoints([
        [0, 0],
        [10, 0],
        [9, 8],
      ]).yaw,
    ).toBeCloseTo(0.4, 9); // nose far to one side
  });

  it('sharpness is high for detail and zero for a flat crop; brightness is the mean luminance', () => {
    const size = 16;
    const flat = new Uint8ClampedArray(size * size * 4).fill(100);
    const checker = new Uint8ClampedArray(size * size * 4).map((_, i) =>
      (((i >> 2) % size) + Math.floor((i >> 2) / size)) % 2 ? 255 : 0,
    );
    expect(sharpnessAndBrightness(flat, size, size)).toEqual({ sharpness: 0, brightness: 100 });
    expect(sharpnessAndBrightness(checker, size, size).sharpness).toBeGreaterThan(10_000);
  });

  it('refuses poor faces with the reason, accepts a good one', () => {
    expect(enrolmentProblem(good)).toBeNull();
    expect(enrolmentProblem({ ...good, sizePx: 30 })).toMatch(/too small/);
    expect(enrolmentProblem({ ...good, rollDeg: -60 })).toMatch(/tilted/);
    expect(enrolmentProblem({ ...good, yaw: 0.6 })).toMatch(/turned too far/);
    expect(enrolmentProblem({ ...good, sharpness: ENROLMENT_LIMITS.minSharpness - 1 })).toMatch(/blurred/);
    expect(enrolmentProblem({ ...good, brightness: 20 })).toMatch(/too dark/);
    expect(enrolmentProblem({ ...good, brightness: 250 })).toMatch(/too bright/);
  });
});
