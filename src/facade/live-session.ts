// The live camera's loop body: detect -> track -> embed only the faces that need it -> search. Frames go to the
// detector worker as transferred ImageBitmaps; tracked faces keep their label between embeddings.
import * as Comlink from 'comlink';
import { FaceTracker, trackVote, type TrackVote } from '../core/face-tracking';
import type { IdentityVerdict, RankedPerson } from '../core/identity-rule';
import { unwrap } from './worker-clients';
import type { DetectorApi } from '../workers/worker-protocol';
import type { LiveFace, LiveFrameResult, LiveMatch, LiveSession, LiveSessionStats } from '../types';

export interface LiveSessionDeps {
  detector: Comlink.Remote<DetectorApi>;
  embed(crops: Uint8ClampedArray[]): Promise<Float32Array[]>;
  /** Search the gallery and decide, as identify() does (a possible match then votes unknown: see trackVote). */
  decide(embedding: Float32Array): Promise<IdentityVerdict<RankedPerson>>;
  /** A track's label as shown, with its name and reading: identify()'s own builder, so both read alike. */
  matchOf(vote: TrackVote): LiveMatch;
  /** Throws when the matcher is closed or locked. */
  assertUsable(): void;
  /** The session's one audit entry. */
  onEnd(stats: LiveSessionStats & { namedTracks: number }): Promise<void>;
}

export class CameraSession implements LiveSession {
  private readonly tracker = new FaceTracker();
  private readonly named = new Set<number>();
  private ended = false;
  readonly stats: LiveSessionStats = { frames: 0, embeds: 0, tracks: 0 };

  constructor(private readonly deps: LiveSessionDeps) {}

  async process(frame: ImageBitmap): Promise<LiveFrameResult> {
    try {
      this.deps.assertUsable();
    } catch (error) {
      frame.close();
      throw error;
    }
    const detected = unwrap(await this.deps.detector.detectFrame(Comlink.transfer(frame, [frame])));
    const now = performance.now();
    const { trackIds } = this.tracker.update(detected.faces.map((f) => f.box));
    const due = trackIds.map((id, i) => ({ id, i })).filter(({ id }) => this.tracker.needsEmbedding(id, now));
    let embedMs = 0;
    if (due.length > 0) {
      const t = performance.now();
      const crops = unwrap(await this.deps.detector.alignFrameFaces(due.map((d) => d.i)));
      const embeddings = await this.deps.embed(crops);
      const votes = await Promise.all(embeddings.map(async (e) => trackVote(await this.deps.decide(e))));
      due.forEach(({ id }, k) => this.tracker.recordVote(id, votes[k], now));
      embedMs = performance.now() - t;
    }
    this.stats.frames++;
    this.stats.embeds += due.length;
    this.stats.tracks = this.tracker.started;
    const faces: LiveFace[] = trackIds.map((trackId, i) => {
      const label = this.tracker.track(trackId)?.label ?? null;
      if (label?.kind === 'known') this.named.add(trackId);
      return { trackId, box: detected.faces[i].box, match: label ? this.deps.matchOf(label) : null };
    });
    return {
      width: detected.width,
      height: detected.height,
      faces,
      embedded: due.length,
      detectMs: detected.detectMs,
      embedMs,
    };
  }

  async end(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    await this.deps.detector.releaseFrame().catch(() => undefined);
    // A camera that never gave a frame (permission refused, no camera) identified no one: nothing to log.
    if (this.stats.frames > 0) await this.deps.onEnd({ ...this.stats, namedTracks: this.named.size });
  }
}
