import { describe, expect, it } from 'vitest';
import { FaceTracker, associate, smoothedLabel, trackVote, type TrackVote } from '../../src/core/face-tracking';
import { rgbaToI420, y4mFrame, y4mHeader } from '../browser/y4m';

const box = (x: number, y: number, size = 100) => ({ x, y, width: size, height: size });
const ada: TrackVote = { kind: 'known', best: { personId: 'ada', score: 0.7 } };
const bob: TrackVote = { kind: 'known', best: { personId: 'bob', score: 0.6 } };
const unknown: TrackVote = { kind: 'unknown', best: { personId: 'bob', score: 0.1 } };

describe('FaceTracker', () => {
  it('keeps a moving face on one track and starts a new track for a new face', () => {
    const tracker = new FaceTracker();
    const [first] = tracker.update([box(100, 100)]).trackIds;
    for (let i = 1; i <= 10; i++) expect(tracker.update([box(100 + 8 * i, 100 + 3 * i)]).trackIds).toEqual([first]);
    const { trackIds } = tracker.update([box(400, 100), box(181, 131)]);
    expect(trackIds[1]).toBe(first);
    expect(trackIds[0]).not.toBe(first);
    expect(tracker.started).toBe(2);
  });

  it('follows a fast move by its centre when the boxes no longer overlap enough', () => {
    const tracker = new FaceTracker();
    const [id] = tracker.update([box(100, 100)]).trackIds;
    expect(tracker.update([box(140, 100)]).trackIds).toEqual([id]); // IoU 0.43
    expect(tracker.update([box(185, 100)]).trackIds).toEqual([id]); // IoU 0.29, centre shift 0.45
    expect(tracker.update([box(300, 100)]).trackIds).not.toEqual([id]); // too far: someone else
  });

  it('pairs two faces that swap nothing: each detection goes to its nearest track', () => {
    const tracker = new FaceTracker();
    const [a, b] = tracker.update([box(0, 0), box(300, 0)]).trackIds;
    expect(tracker.update([box(305, 2), box(4, 1)]).trackIds).toEqual([b, a]);
  });

  it('keeps a track through a few missed frames, then ages it out', () => {
    const tracker = new FaceTracker({ maxMissedFrames: 3 });
    const [id] = tracker.update([box(100, 100)]).trackIds;
    for (let i = 0; i < 3; i++) expect(tracker.update([]).ended).toEqual([]);
    expect(tracker.update([box(102, 100)]).trackIds).toEqual([id]); // back within the limit: same track
    for (let i = 0; i < 3; i++) tracker.update([]);
    expect(tracker.update([]).ended).toEqual([id]);
    expect(tracker.tracks).toHaveLength(0);
  });

  it('asks for an embedding for a new face, then only on the re-check schedule or a big change', () => {
    const tracker = new FaceTracker({ knownRecheckMs: 1000, unknownRecheckMs: 500, recheckBelowIoU: 0.5 });
    const [id] = tracker.update([box(100, 100)]).trackIds;
    expect(tracker.needsEmbedding(id, 0)).toBe(true);
    tracker.recordVote(id, ada, 0);
    let embeds = 1;
    for (let t = 33; t < 2000; t += 33) {
      tracker.update([box(100 + (t % 4), 100)]);
      if (tracker.needsEmbedding(id, t)) {
        tracker.recordVote(id, ada, t);
        embeds++;
      }
    }
    expect(embeds).toBe(2); // at 0 and ~1 s: 2 of 61 frames
    tracker.update([box(100, 100, 180)]); // much larger now (walked closer)
    expect(tracker.needsEmbedding(id, 2000)).toBe(true);
  });

  it('re-checks an unknown face more often than a named one, and never a face missing from this frame', () => {
    const tracker = new FaceTracker({ knownRecheckMs: 1000, unknownRecheckMs: 500 });
    const [id] = tracker.update([box(100, 100)]).trackIds;
    tracker.recordVote(id, unknown, 0);
    expect(tracker.needsEmbedding(id, 499)).toBe(false);
    expect(tracker.needsEmbedding(id, 500)).toBe(true);
    tracker.update([]);
    expect(tracker.needsEmbedding(id, 600)).toBe(false);
  });

  it('does not flip the name on one bad identification, but does on two in a row, re-checking at once', () => {
    const tracker = new FaceTracker({ votes: 3 });
    const [id] = tracker.update([box(100, 100)]).trackIds;
    tracker.recordVote(id, ada, 0);
    tracker.recordVote(id, ada, 1000);
    tracker.recordVote(id, bob, 2000);
    expect(tracker.track(id)!.label).toMatchObject({ best: { personId: 'ada' } });
    expect(tracker.needsEmbedding(id, 2001)).toBe(true); // the odd vote is confirmed or overturned next frame
    tracker.recordVote(id, ada, 2001);
    expect(tracker.track(id)!.label).toMatchObject({ best: { personId: 'ada' } });
    expect(tracker.needsEmbedding(id, 2002)).toBe(false);
    tracker.recordVote(id, bob, 3000);
    tracker.recordVote(id, bob, 3001);
    expect(tracker.track(id)!.label).toMatchObject({ best: { personId: 'bob' } });
  });
});

describe('smoothedLabel and associate', () => {
  it('takes the majority, keeps the current label on a tie, else the best-scoring', () => {
    expect(smoothedLabel([ada, unknown, ada], null)).toEqual(ada);
    expect(smoothedLabel([ada, bob], bob)).toEqual(bob);
    expect(smoothedLabel([bob, ada], null)).toEqual(ada);
    expect(smoothedLabel([], ada)).toEqual(ada);
  });

  it('votes as identify() decides, except that a possible match votes unknown (its score kept)', () => {
    expect(trackVote(ada)).toEqual(ada);
    expect(trackVote(unknown)).toEqual(unknown);
    expect(trackVote({ kind: 'possible', best: { personId: 'ada', score: 0.4 } })).toEqual({
      kind: 'unknown',
      best: { personId: 'ada', score: 0.4 },
    });
  });

  it('uses each track and each detection at most once, best overlap first', () => {
    const tracks = [
      { id: 1, box: box(0, 0) },
      { id: 2, box: box(50, 0) },
    ].map((t) => ({ ...t, missed: 0, hits: 1, lastEmbeddedAt: null, lastEmbeddedBox: null, votes: [], label: null }));
    const pairs = associate(tracks, [box(48, 0)], { minIoU: 0.3, maxCentreShift: 0.5 });
    expect(pairs).toEqual([[2, 0]]);
  });
});

describe('y4m for the fake camera', () => {
  it('converts RGBA to I420 with BT.601 studio-range values', () => {
    // 2x2: white, black, red, blue (the reference luma values are 235, 16, 81, 41).
    const rgba = new Uint8Array([255, 255, 255, 255, 0, 0, 0, 255, 255, 0, 0, 255, 0, 0, 255, 255]);
    const yuv = rgbaToI420(rgba, 2, 2);
    expect(yuv).toHaveLength(6);
    expect(Array.from(yuv.subarray(0, 4))).toEqual([235, 16, 81, 41]);
    // One chroma sample for the block: the mean colour (127.5, 63.75, 127.5).
    expect(yuv[4]).toBe(Math.round(128 + (-37.945 * 127.5 - 74.494 * 63.75 + 112.439 * 127.5) / 256));
    expect(yuv[5]).toBe(Math.round(128 + (112.439 * 127.5 - 94.154 * 63.75 - 18.285 * 127.5) / 256));
    const grey = rgbaToI420(new Uint8Array(16).fill(128), 2, 2);
    expect(Array.from(grey.subarray(4))).toEqual([128, 128]);
  });

  it('refuses odd sizes and wrong lengths; writes the header and frame markers', () => {
    expect(() => rgbaToI420(new Uint8Array(12), 3, 1)).toThrow(/even/);
    expect(() => rgbaToI420(new Uint8Array(12), 2, 2)).toThrow(/16 bytes/);
    expect(new TextDecoder().decode(y4mHeader(640, 480, 30))).toBe('YUV4MPEG2 W640 H480 F30:1 C420jpeg\n');
    const frame = y4mFrame(new Uint8Array([1, 2, 3]));
    expect(new TextDecoder().decode(frame.subarray(0, 6))).toBe('FRAME\n');
    expect(Array.from(frame.subarray(6))).toEqual([1, 2, 3]);
  });
});
