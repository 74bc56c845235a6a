// Which face detector looks at a live camera frame. The short-range model (128×128 input, made for faces within
// ~2 m of a front camera) costs about half what the full-range one does, but missed faces under 15-18 % of a
// 640×480 frame's height (20 photos of ../shared/faces placed in a frame; the full-range model found them down to
// 8 %). So it is used while every face in view is large, and the full-range model looks again every so often, and
// whenever a face seems lost, so that a far face is still found. Pure: times come in as arguments.

export type LiveModel = 'short' | 'full';

export interface LiveDetectionPolicy {
  /**
   * A face is near enough for the short-range model when its box's longer side is this share of the frame's longer
   * side (0.15: 20 % of a 4:3 frame's height).
   */
  nearShare: number;
  /** While on the short-range model, the full-range model looks at one frame at least this often. */
  fullEveryMs: number;
}

export const LIVE_DETECTION_POLICY: LiveDetectionPolicy = { nearShare: 0.15, fullEveryMs: 1000 };

const other = (model: LiveModel): LiveModel => (model === 'short' ? 'full' : 'short');

export class LiveModelChoice {
  /** The faces of the last frame, each as its share of the frame (see nearShare). */
  private shares: number[] = [];
  private lastFullAt = -Infinity;

  constructor(private readonly policy: LiveDetectionPolicy = LIVE_DETECTION_POLICY) {}

  /** The model that looks at this frame first: short-range only while every face of the last frame was near. */
  first(now: number): LiveModel {
    const allNear = this.shares.length > 0 && this.shares.every((s) => s >= this.policy.nearShare);
    return allNear && now - this.lastFullAt < this.policy.fullEveryMs ? 'short' : 'full';
  }

  /**
   * After the first model found `found` faces: the other model too, when that is fewer than the last frame had (a
   * face moved away from the short-range model's reach, or came so close that the full-range one misses it).
   */
  second(first: LiveModel, found: number): LiveModel | null {
    return found < this.shares.length ? other(first) : null;
  }

  /** What looked at this frame, and the faces found (each box's longer side over the frame's longer side). */
  record(ran: readonly LiveModel[], shares: readonly number[], now: number): void {
    if (ran.includes('full')) this.lastFullAt = now;
    this.shares = [...shares];
  }

  /** A new camera session starts from nothing known. */
  reset(): void {
    this.shares = [];
    this.lastFullAt = -Infinity;
  }
}
