// The live camera's loop body (CameraSession) in Node, with a scripted detector, embedder and gallery: which faces
// are embedded on which frame, what each face is called, and what the session logs. The real workers and camera
// run in test/browser/live-camera.test.ts; this pins the loop's own decisions, fast.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CameraSession, type LiveSessionDeps } from '../../src/facade/live-session';
import type { IdentityVerdict, RankedPerson } from '../../src/core/identity-rule';
import type { DetectedFace } from '../../src/core/detection-geometry';
import type { ScoreReading } from '../../src/types';

type Verdict = IdentityVerdict<RankedPerson>;
const known = (personId: string, score: number): Verdict => ({ kind: 'known', best: { personId, score } });
const unknown = (score: number | null): Verdict => ({
  kind: 'unknown',
  best: score === null ? null : { personId: 'someone', score },
});

const face = (x: number): DetectedFace => ({ box: { x, y: 100, width: 80, height: 100 }, keypoints: [], score: 0.9 });

/** A frame as the camera hands it over: only `close` matters to the session. */
function frame(): ImageBitmap & { closed: boolean } {
  const f = {
    closed: false,
    close: () => {
      f.closed = true;
    },
  };
  return f as unknown as ImageBitmap & { closed: boolean };
}

/** Scripted workers and gallery: each frame shows `faces`; each crop's embedding encodes which face it came from. */
function fakeDeps(options: { votes: (faceX: number) => Verdict; usable?: () => void }) {
  let faces: DetectedFace[] = [];
  const calls = { detect: 0, aligned: [] as number[][], released: 0, ended: [] as unknown[] };
  const deps: LiveSessionDeps = {
    detector: {
      detectFrame: async () => {
        calls.detect++;
        return { ok: true, value: { width: 640, height: 480, faces, detectMs: 5 } };
      },
      alignFrameFaces: async (indices: number[]) => {
        calls.aligned.push(indices);
        return { ok: true, value: indices.map((i) => new Uint8ClampedArray([faces[i].box.x])) };
      },
      releaseFrame: async () => {
        calls.released++;
      },
    } as unknown as LiveSessionDeps['detector'],
    embed: async (crops) => crops.map((c) => new Float32Array([c[0]])),
    decide: async (embedding) => options.votes(embedding[0]),
    // As the facade's matchOf, with a made-up name and reading: what the session shows is the label it passes in.
    matchOf: (vote) =>
      vote.kind === 'unknown'
        ? { kind: 'unknown', bestScore: vote.best?.score ?? null }
        : {
            kind: 'known',
            personId: vote.best.personId,
            name: `name of ${vote.best.personId}`,
            score: vote.best.score,
            reading: {
              similarityPercent: Math.round(vote.best.score * 100),
              isMatch: true,
              strangerChance: 0.001,
            } as ScoreReading,
          },
    assertUsable: options.usable ?? (() => undefined),
    onEnd: async (stats) => {
      calls.ended.push(stats);
    },
  };
  return {
    deps,
    calls,
    show: (xs: number[]) => {
      faces = xs.map(face);
    },
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('CameraSession', () => {
  it('embeds a tracked face once, keeps its name on later frames, and embeds a newcomer alone', async () => {
    vi.useFakeTimers({ toFake: ['performance'] });
    const { deps, calls, show } = fakeDeps({
      votes: (x) => (x === 50 ? known('ada', 0.8) : unknown(0.1)),
    });
    const session = new CameraSession(deps);

    show([50]);
    const first = await session.process(frame());
    expect(first.embedded).toBe(1);
    expect(first.faces[0].match).toEqual({
      kind: 'known',
      personId: 'ada',
      name: 'name of ada',
      score: 0.8,
      reading: { similarityPercent: 80, isMatch: true, strangerChance: 0.001 },
    });

    vi.advanceTimersByTime(40);
    const second = await session.process(frame());
    expect(second.embedded).toBe(0); // the same face, 40 ms later: its label is kept, no embedding
    expect(second.faces[0].match).toMatchObject({ kind: 'known', name: 'name of ada' });
    expect(second.faces[0].trackId).toBe(first.faces[0].trackId);

    vi.advanceTimersByTime(40);
    show([50, 400]);
    const third = await session.process(frame());
    expect(third.embedded).toBe(1); // only the newcomer
    expect(calls.aligned.at(-1)).toEqual([1]);
    expect(third.faces[1].match).toEqual({ kind: 'unknown', bestScore: 0.1 });
    expect(session.stats).toEqual({ frames: 3, embeds: 2, tracks: 2 });
  });

  it('re-checks a named face after a second, and an unknown one sooner', async () => {
    vi.useFakeTimers({ toFake: ['performance'] });
    const { deps, show } = fakeDeps({
      votes: (x) => (x === 50 ? known('ada', 0.8) : unknown(0.1)),
    });
    const session = new CameraSession(deps);
    show([50, 400]);
    await session.process(frame());
    vi.advanceTimersByTime(600); // past the unknown face's re-check, not the named one's
    expect((await session.process(frame())).embedded).toBe(1);
    vi.advanceTimersByTime(500); // 1.1 s after the first embedding: the named face is due too
    expect((await session.process(frame())).embedded).toBe(2);
  });

  it("shows identify()'s possible match as unknown, and counts the face as named by no one", async () => {
    const { deps, calls, show } = fakeDeps({
      votes: () => ({ kind: 'possible', best: { personId: 'ada', score: 0.4 } }),
    });
    const session = new CameraSession(deps);
    show([50]);
    expect((await session.process(frame())).faces[0].match).toEqual({ kind: 'unknown', bestScore: 0.4 });
    await session.end();
    expect(calls.ended).toEqual([{ frames: 1, embeds: 1, tracks: 1, namedTracks: 0 }]);
  });

  it('refuses a frame when the matcher is locked or closed: the frame is closed and nothing reaches the detector', async () => {
    const { deps, calls } = fakeDeps({
      votes: () => unknown(null),
      usable: () => {
        throw new Error('locked');
      },
    });
    const session = new CameraSession(deps);
    const f = frame();
    await expect(session.process(f)).rejects.toThrow('locked');
    expect(f.closed).toBe(true);
    expect(calls.detect).toBe(0);
  });

  it('logs one entry at the end, with how many faces were named, and none for a camera that never gave a frame', async () => {
    const named = fakeDeps({ votes: () => known('ada', 0.8) });
    const session = new CameraSession(named.deps);
    named.show([50]);
    await session.process(frame());
    await session.end();
    await session.end(); // a second end changes nothing
    expect(named.calls.ended).toEqual([{ frames: 1, embeds: 1, tracks: 1, namedTracks: 1 }]);
    expect(named.calls.released).toBe(1);

    const idle = fakeDeps({ votes: () => unknown(null) });
    await new CameraSession(idle.deps).end();
    expect(idle.calls.ended).toEqual([]);
    expect(idle.calls.released).toBe(1);
  });
});
