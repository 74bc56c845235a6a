// Face tracking for the live camera: which detection in this frame is which face of the last frames, and which
// faces need (re-)embedding. Embedding costs more than detection, so a face is embedded when it first appears,
// then only now and then, and its name is smoothed over its last few identifications. Pure: times come in as
// arguments, so tests replay any sequence of frames.
import { present } from './present';
import { intersectionOverUnion, type Box } from './detection-geometry';
import type { IdentityVerdict, RankedPerson } from './identity-rule';

export interface TrackerOptions {
  /** A detection joins a track when their boxes overlap at least this much (IoU)... */
  minIoU: number;
  /** ...or when its centre is within this share of the track's box size (fast motion between frames). */
  maxCentreShift: number;
  /** A track not seen for more than this many frames in a row is dropped. */
  maxMissedFrames: number;
  /** A named face is embedded again after this long, to notice a change of person in the same place. */
  knownRecheckMs: number;
  /** A face still unknown is re-checked at this (slower than every frame) rate: it may turn towards the camera. */
  unknownRecheckMs: number;
  /** A face whose box now overlaps its last embedded box less than this (moved or resized a lot) is re-checked. */
  recheckBelowIoU: number;
  /** The label is the majority of this many latest identifications, so one bad frame does not flip it. */
  votes: number;
}

export const DEFAULT_TRACKER_OPTIONS: TrackerOptions = {
  minIoU: 0.3,
  maxCentreShift: 0.5,
  maxMissedFrames: 5,
  knownRecheckMs: 1000,
  unknownRecheckMs: 500,
  recheckBelowIoU: 0.5,
  votes: 3,
};

/**
 * One identification of a tracked face: the 1:N rule's verdict (identity-rule.ts), the one identify() gets, less
 * "possible" (see trackVote).
 */
export type TrackVote = Exclude<IdentityVerdict<RankedPerson>, { kind: 'possible' }>;

/** A live view names someone or no one: a possible match (identify()'s "check for yourself") votes unknown. */
export function trackVote(verdict: IdentityVerdict<RankedPerson>): TrackVote {
  return verdict.kind === 'possible' ? { kind: 'unknown', best: verdict.best } : verdict;
}

export interface Track {
  id: number;
  box: Box;
  /** Frames in a row this track has not been detected (0: seen in the latest frame). */
  missed: number;
  /** Frames this track has been detected in. */
  hits: number;
  lastEmbeddedAt: number | null;
  lastEmbeddedBox: Box | null;
  /** Latest identifications, oldest first, at most options.votes. */
  votes: TrackVote[];
  /** The smoothed identification shown; null until the first embedding. */
  label: TrackVote | null;
}

export interface TrackUpdate {
  /** Track id of each detection, in the detections' order. */
  trackIds: number[];
  /** Tracks dropped in this update (not seen for too long). */
  ended: number[];
}

export class FaceTracker {
  private readonly options: TrackerOptions;
  private readonly live = new Map<number, Track>();
  private nextId = 1;

  constructor(options: Partial<TrackerOptions> = {}) {
    this.options = { ...DEFAULT_TRACKER_OPTIONS, ...options };
  }

  /** Every track still alive, including those missed in the latest frame (not yet aged out). */
  get tracks(): readonly Track[] {
    return [...this.live.values()];
  }

  track(id: number): Track | undefined {
    return this.live.get(id);
  }

  /** How many tracks were ever started. */
  get started(): number {
    return this.nextId - 1;
  }

  /** Associates this frame's detections with the tracks, starts tracks for new faces and ages out lost ones. */
  update(boxes: readonly Box[]): TrackUpdate {
    const pairs = associate([...this.live.values()], boxes, this.options);
    const trackIds = boxes.map(() => 0);
    const seen = new Set<number>();
    for (const [trackId, detection] of pairs) {
      const t = present(this.live.get(trackId), `live track ${trackId}`); // associate() pairs only live tracks
      t.box = boxes[detection];
      t.missed = 0;
      t.hits++;
      trackIds[detection] = trackId;
      seen.add(trackId);
    }
    boxes.forEach((box, i) => {
      if (trackIds[i] !== 0) return;
      const id = this.nextId++;
      this.live.set(id, {
        id,
        box,
        missed: 0,
        hits: 1,
        lastEmbeddedAt: null,
        lastEmbeddedBox: null,
        votes: [],
        label: null,
      });
      trackIds[i] = id;
      seen.add(id);
    });
    const ended: number[] = [];
    for (const t of this.live.values()) {
      if (seen.has(t.id)) continue;
      t.missed++;
      if (t.missed > this.options.maxMissedFrames) ended.push(t.id);
    }
    for (const id of ended) this.live.delete(id);
    return { trackIds, ended };
  }

  /** Whether this track's face should be embedded in the current frame. */
  needsEmbedding(trackId: number, now: number): boolean {
    const t = this.live.get(trackId);
    if (!t || t.missed > 0) return false;
    if (t.lastEmbeddedAt === null || t.lastEmbeddedBox === null || !t.label) return true;
    // The latest identification disagrees with the label: confirm (or overturn) it at once rather than in a second.
    const latest = t.votes[t.votes.length - 1];
    if (latest && voteKey(latest) !== voteKey(t.label)) return true;
    if (intersectionOverUnion(t.box, t.lastEmbeddedBox) < this.options.recheckBelowIoU) return true;
    const every = t.label.kind === 'known' ? this.options.knownRecheckMs : this.options.unknownRecheckMs;
    return now - t.lastEmbeddedAt >= every;
  }

  /** Records an identification of the track's face (embedded at `now`) and updates its smoothed label. */
  recordVote(trackId: number, vote: TrackVote, now: number): void {
    const t = this.live.get(trackId);
    if (!t) return;
    t.lastEmbeddedAt = now;
    t.lastEmbeddedBox = t.box;
    t.votes = [...t.votes, vote].slice(-this.options.votes);
    t.label = smoothedLabel(t.votes, t.label);
  }
}

function voteKey(v: TrackVote): string {
  return v.kind === 'known' ? `known:${v.best.personId}` : 'unknown';
}

/**
 * The majority of the latest votes. On a tie the current label stays (if it is among the tied), else the tied
 * identity with the best score. The label's score is that identity's latest one.
 */
export function smoothedLabel(votes: readonly TrackVote[], current: TrackVote | null): TrackVote | null {
  if (votes.length === 0) return current;
  const counts = new Map<string, { count: number; latest: TrackVote; best: number }>();
  for (const v of votes) {
    const key = voteKey(v);
    const score = v.best?.score ?? -1;
    const c = counts.get(key);
    counts.set(key, { count: (c?.count ?? 0) + 1, latest: v, best: Math.max(c?.best ?? -Infinity, score) });
  }
  const most = Math.max(...[...counts.values()].map((c) => c.count));
  const tied = [...counts.entries()].filter(([, c]) => c.count === most);
  const keep = current ? tied.find(([key]) => key === voteKey(current)) : undefined;
  if (keep) return keep[1].latest;
  return tied.sort((a, b) => b[1].best - a[1].best)[0][1].latest;
}

/**
 * Greedy association: every (track, detection) pair that is close enough, best first, each used once. Closeness
 * is IoU, or for boxes that do not overlap enough, a small centre shift relative to the track's size. A few faces
 * per frame make a full assignment solver unnecessary.
 */
export function associate(
  tracks: readonly Track[],
  boxes: readonly Box[],
  options: Pick<TrackerOptions, 'minIoU' | 'maxCentreShift'>,
): [number, number][] {
  const candidates: { trackId: number; detection: number; closeness: number }[] = [];
  for (const t of tracks) {
    boxes.forEach((box, detection) => {
      const iou = intersectionOverUnion(t.box, box);
      const shift = centreShift(t.box, box);
      // IoU ranks first (0..1); a centre-only match ranks below any IoU match.
      const closeness = iou >= options.minIoU ? 1 + iou : shift <= options.maxCentreShift ? 1 - shift : -1;
      if (closeness >= 0) candidates.push({ trackId: t.id, detection, closeness });
    });
  }
  candidates.sort((a, b) => b.closeness - a.closeness);
  const usedTracks = new Set<number>(),
    usedDetections = new Set<number>();
  const pairs: [number, number][] = [];
  for (const c of candidates) {
    if (usedTracks.has(c.trackId) || usedDetections.has(c.detection)) continue;
    usedTracks.add(c.trackId);
    usedDetections.add(c.detection);
    pairs.push([c.trackId, c.detection]);
  }
  return pairs;
}

/** Distance between the centres of two boxes, in units of the first box's larger side. */
function centreShift(a: Box, b: Box): number {
  const dx = a.x + a.width / 2 - (b.x + b.width / 2);
  const dy = a.y + a.height / 2 - (b.y + b.height / 2);
  return Math.hypot(dx, dy) / Math.max(1, a.width, a.height);
}
