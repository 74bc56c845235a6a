// The public types of the Facelocal facade (src/index.ts). The UI, the widget and other apps see only these.
import type { Box } from './core/detection-geometry';
import type { ScoreReading } from './core/calibration';
import type { ConsentRecord } from './core/consent';
import type { AuditEntry } from './core/audit';
import type { ConsentReceipt } from './core/consent-receipt';
import type { FaceQuality } from './core/face-quality';

export type { Box } from './core/detection-geometry';
export type { ScoreReading } from './core/calibration';
export type { ConsentRecord, ConsentPurpose, RetentionPeriod } from './core/consent';
export { CONSENT_PURPOSES, RETENTION_PRESETS, describeExpiry, consentProblems } from './core/consent';
export { MIN_PASSPHRASE_LENGTH, passphraseProblems } from './core/passphrase';
export type { AuditEntry, AuditAction } from './core/audit';
export type { ConsentReceipt, KantaraConsentReceipt } from './core/consent-receipt';
export { AUDIT_ACTION_LABELS } from './core/audit';
export type { FaceQuality } from './core/face-quality';
export type { PaperworkKind, PaperworkDocument } from './core/paperwork';
import type { PaperworkKind, PaperworkDocument } from './core/paperwork';

/** Where the embedder runs. */
export type Backend = 'wasm' | 'webgpu';
/** What a caller may ask for: a backend, or 'auto' to let the start-up measurement choose. */
export type BackendChoice = 'auto' | Backend;

export interface MatcherOptions {
  /** Embedding backend. 'auto' uses WebGPU only on a real (non-fallback) adapter that measures faster than WASM. */
  backend?: BackendChoice;
  /**
   * Where the models (models/) and wasm runtimes (vendor/) are served, when Facelocal is used as a library;
   * defaults to the app's own base URL. It must be on the page's own origin: nothing is loaded from elsewhere.
   */
  assetsBaseUrl?: string;
  /** IndexedDB database name (tests and embedders use their own). */
  databaseName?: string;
  /** Where the gallery lives, when not the page's own `indexedDB` (the widget's storage-access handle). */
  idbFactory?: IDBFactory;
  /** Called while models load, so the UI can show progress. */
  onProgress?: (progress: LoadProgress) => void;
  /**
   * Called when the gallery changed without a call from this page: retention erased someone on the timer, or
   * another tab of the app changed it (this page's search index is already reloaded when this runs).
   */
  onGalleryChange?: (reason: 'expired' | 'other-tab' | 'locked') => void;
  /** Pre-processing choices, for calibration and benchmarks; the defaults are the measured best. */
  embedderTuning?: EmbedderTuning;
}

export interface EmbedderTuning {
  channelOrder?: 'rgb' | 'bgr';
  /** Average the embeddings of the face and its mirror image (test-time augmentation: twice the work). */
  flipAverage?: boolean;
}

export interface LoadProgress {
  stage: 'detector' | 'embedder' | 'gallery' | 'ready';
  /** 0..1 over the whole load. */
  fraction: number;
  message: string;
}

export type FacelocalErrorCode =
  | 'unreadable-file' // not an image, corrupt, or a type this browser cannot decode
  | 'image-too-large'
  | 'no-face'
  | 'several-faces'
  | 'poor-quality' // too small, turned away, blurred, too dark or too bright to enrol
  | 'model-load-failed'
  | 'person-not-found'
  | 'photo-not-found' // a photo (template) that was removed meanwhile
  | 'last-photo' // removing a person's only photo: delete the person instead
  | 'reason-required' // a restriction must say who asked and what they contest
  | 'invalid-name'
  | 'storage-full'
  | 'consent-required' // the store refuses to enrol without a valid consent record
  | 'not-this-person' // a photo added to someone does not look like them (add it anyway only on purpose)
  | 'locked' // encryption is on and the passphrase has not been entered
  | 'wrong-passphrase'
  | 'invalid-passphrase'
  | 'invalid-import'
  | 'invalid-template' // a face template that is not 512 finite float32 numbers of unit length (forged or broken)
  | 'import-not-found' // a photo-library import that was discarded, or whose session ended
  | 'not-this-folder' // a folder picked again holds none of the import's photos as it read them (moved, edited, another folder)
  | 'outdated-faces' // import faces embedded by another model than the running one: update them from the import's folder first
  | 'cancelled'
  | 'worker-crashed' // a detector, embedder or grouping worker died mid-call; it was restarted, so a retry works
  | 'closed'
  | 'withdrawn' // an import holds a person who withdrew consent or was erased here (a tombstone): refused whole
  | 'restricted' // the person's processing is restricted: lift the restriction first
  | 'invalid-setting' // a gallery setting out of range
  | 'passphrase-required' // an encrypted export was given without its passphrase
  | 'busy' // refused because another operation on the gallery (an import, in any tab) is running
  | 'tampered'; // a stored record is not as Facelocal writes it (e.g. in clear while encryption is on): not read

/** Every failure the facade reports carries a code (for code) and a message written for people (for the UI). */
export class FacelocalError extends Error {
  readonly code: FacelocalErrorCode;
  constructor(code: FacelocalErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FacelocalError';
    this.code = code;
  }
}

// The errors raised in more than one place, each built once so its words stay the same everywhere.
export const personNotFound = () => new FacelocalError('person-not-found', 'This person is no longer in the gallery.');
export const photoNotFound = () => new FacelocalError('photo-not-found', 'This photo is no longer in the gallery.');
/** Import faces made by another embedding model cannot become templates of this one (a template records its model). */
export const outdatedFaces = (models: readonly string[]) =>
  new FacelocalError(
    'outdated-faces',
    `These faces were read by another face model (${models.join(', ')}), which this one cannot be compared with, so they cannot be named or added to anyone yet. Use "Update faces from this folder" on this import: its photos are read again and the faces updated.`,
  );

export interface MatcherInfo {
  /** Which ONNX Runtime backend runs the embedder. */
  backend: Backend;
  /** The same for people: e.g. "wasm (2 threads, SIMD)". */
  backendLabel: string;
  /** Why that backend: e.g. "only a software (fallback) WebGPU adapter: WASM is far faster". */
  backendReason: string;
  wasmThreads: number;
  /** Whether the WASM build runs with SIMD (false on WebGPU, where it does not apply). */
  simd: boolean;
  crossOriginIsolated: boolean;
  detectorModel: string;
  embedderModel: string;
  /** Cosine similarity at or above which two faces are taken as one person (calibrated for FMR 1e-3). */
  threshold: number;
}

/** A face found in a photo, in the photo's pixel coordinates (after EXIF orientation). */
export interface FoundFace {
  box: Box;
  /** Detector confidence 0..1. */
  detectionScore: number;
  /** Size, pose, sharpness and brightness (enrolment refuses poor faces with the reason). */
  quality: FaceQuality;
}

export interface DetectResult {
  width: number;
  height: number;
  faces: FoundFace[];
}

export interface Person {
  id: string;
  name: string;
  createdAt: number;
  templateCount: number;
  consent: ConsentRecord;
  /** When retention ends and Facelocal erases this person; null: kept until consent is withdrawn. */
  expiresAt: number | null;
  /** Processing restricted (kept, never matched or shown as a result) since when and why; null: not restricted. */
  restriction: { since: number; reason: string } | null;
  /**
   * Every template of this person was made by another embedding model (listed), which the running one cannot be
   * compared with: they are not recognised until photos are added again. Null: recognised as usual.
   */
  reenrol: { fromModels: string[] } | null;
  /** Left out of the people list by choice (still recognised). */
  hidden: boolean;
  /** The enrolled photo chosen to represent them; null: the first with a picture. */
  coverTemplateId: string | null;
}

/** One enrolled photo of a person (for rectification: remove a bad one). */
export interface EnrolledPhoto {
  templateId: string;
  sourceName: string;
  createdAt: number;
  /** The detector's confidence in this face, 0..1 (a face's `quality` is its size, pose, sharpness and light). */
  detectionScore: number;
  /** Small JPEG of the face, so a person can see which photo is which; null when the gallery keeps no thumbnails. */
  thumbnail: Blob | null;
}

/** An enrolled person that new faces look like: asked about before a second record of them is made. */
export interface EnrolledLookAlike {
  personId: string;
  name: string;
  /** 'known': at least one face is named as them; 'possible': only close enough to check. */
  kind: 'known' | 'possible';
  /** How many of the faces look like them. */
  faces: number;
}

/** Whether a face in the gallery matches the selfie at the calibrated threshold: then under which name. */
export type SelfCheckResult =
  | { found: true; name: string; score: number }
  | { found: false; /** The closest score in the gallery, if anyone is enrolled. */ bestScore: number | null };

/** One thing Facelocal stores, described for people (the transparency page is built from these). */
export interface StoredItemDescription {
  store: string;
  field: string;
  what: string;
  why: string;
  encrypted: boolean;
}

export interface PersonMatch {
  kind: 'known';
  personId: string;
  name: string;
  score: number;
  reading: ScoreReading;
}

/**
 * A score between "confident" and "no match" for this gallery's size: shown as "possible match — check for
 * yourself", never as a name given.
 */
export interface PossibleMatch {
  kind: 'possible';
  personId: string;
  name: string;
  score: number;
  reading: ScoreReading;
}

export interface UnknownMatch {
  kind: 'unknown';
  /** Best score against the gallery, or null when the gallery is empty. */
  bestScore: number | null;
}

/**
 * Who a face is, by the 1:N rule (src/core/identity-rule.ts), with the name and what the score means: one type for
 * identify() and the live camera, built in one place (the facade's matchOf).
 */
export type FaceMatch = PersonMatch | PossibleMatch | UnknownMatch;

/** The live camera's match: a live view names someone or no one, so a possible match shows there as unknown. */
export type LiveMatch = Exclude<FaceMatch, PossibleMatch>;

export interface IdentifiedFace extends FoundFace {
  match: FaceMatch;
  /** Up to five closest people, best first, for a "did you mean" list. */
  candidates: { personId: string; name: string; score: number }[];
}

export interface IdentifyResult {
  width: number;
  height: number;
  faces: IdentifiedFace[];
  timings: Timings;
}

export interface VerifyResult {
  score: number;
  isMatch: boolean;
  reading: ScoreReading;
  faceA: FoundFace;
  faceB: FoundFace;
}

/** What happened to each photo given to enrol. */
export type EnrolPhotoOutcome =
  | {
      fileName: string;
      ok: true;
      /** The template stored from this photo; null when the call stored nothing (`alreadyEnrolled`). */
      templateId: string | null;
    }
  | { fileName: string; ok: false; error: { code: FacelocalErrorCode; message: string } };

export interface EnrolResult {
  /** The person, or null when no photo was accepted (then no one was created and nothing was stored). */
  person: Person | null;
  photos: EnrolPhotoOutcome[];
  /** Set when enrol was asked to check first and the faces look like someone enrolled: nothing was stored. */
  alreadyEnrolled?: EnrolledLookAlike;
}

export interface Timings {
  decodeMs: number;
  detectMs: number;
  /** Alignment and embedding of every face found, together. */
  embedMs: number;
  /** The alignment part of embedMs (cropping, warping, quality) on its own. */
  alignMs: number;
  totalMs: number;
}

/** A photo handed to the facade: a File (name used in messages) or any Blob. */
export type PhotoInput = Blob;

/** A face with its embedding: stays on the device (used by the benchmark and calibration, never sent anywhere). */
export interface EmbeddedFace extends FoundFace {
  embedding: Float32Array;
}

export type { ImportProgress } from './core/import-progress';

/** A face found by a photo-library import: nobody's template until a group is named with consent. */
export interface ImportedFace {
  id: string;
  fileName: string;
  box: Box;
  /** Small JPEG of the face (from storage, or from this tab's memory when the gallery keeps no thumbnails); null: gone. */
  thumbnail: Blob | null;
  /** Why the face is kept out of groups; null: usable. */
  problem: string | null;
  groupId: string | null;
}

export interface ImportGroups {
  jobId: string;
  /** Likely one person each, largest first. */
  groups: { id: string; faces: ImportedFace[]; alreadyEnrolled: EnrolledLookAlike | null }[];
  /** Usable faces that match no group (yet). */
  unassigned: ImportedFace[];
  /** Faces too poor to group (too small, blurred, turned away…), with the reason on each. */
  poor: ImportedFace[];
  /**
   * Faces read by another embedding model (before a model change), with the models they came from: not grouped,
   * compared or enrolled until `updateFaces` embeds them again from the import's folder (their groups are kept).
   */
  outdated: { faces: ImportedFace[]; fromModels: string[] };
}

export interface ImportJob {
  id: string;
  createdAt: number;
  /** Kept beyond this browser tab's session (for `retentionDays`, at most 30, from its last change) when true. */
  keep: boolean;
  /** Why it is kept, as recorded by whoever kept it; null while held for the session only. */
  purpose: string | null;
  retentionDays: number | null;
  expiresAt: number | null;
  photosRead: number;
  faces: number;
}

/** Unnamed faces of an import, as held on this device. */
export interface HeldImport extends ImportJob {
  /** Held for this tab's session (not kept): erased when this tab closes. */
  thisSession: boolean;
}

/** A running import: progress while it runs, a summary when it ends (cancelled or not). */
export interface ImportRun {
  readonly jobId: string;
  readonly progress: import('./core/import-progress').ImportProgress;
  /** Per-photo problems so far (one bad file never stops the batch). */
  readonly failures: { fileName: string; code: FacelocalErrorCode; message: string }[];
  cancel(): void;
  readonly done: Promise<import('./core/import-progress').ImportProgress>;
}

/** One side of a "Same person?" question. */
export type SuggestionSide =
  | { kind: 'group'; groupId: string; faces: ImportedFace[] }
  | { kind: 'face'; face: ImportedFace }
  | { kind: 'person'; personId: string; name: string };

/** "Same person?": two groups (or a face in no group, or an enrolled person) that may be one person. */
export interface SamePersonSuggestion {
  /** A group or a face of the import. */
  a: Exclude<SuggestionSide, { kind: 'person' }>;
  b: SuggestionSide;
  /** Cosine similarity of their closest faces (below the match threshold, or the grouping would have joined them). */
  similarity: number;
}

/** Who a face in a found photo is: an enrolled person, an unnamed group of the import, or nobody known. */
export type FaceWho = { kind: 'person'; personId: string; name: string } | { kind: 'group'; groupId: string } | null;

/** A photo of the library with the people in it, found by `findPhotos` (the photo itself is not stored: the UI reads it again from the folder). */
export interface FoundPhoto {
  fileName: string;
  faces: { box: Box; who: FaceWho }[];
}

/** What `imports.updateFaces` did. */
export interface FaceUpdate {
  /** Photos of the import read again from the folder (those holding faces made by another model). */
  photosRead: number;
  /** Faces (templates) re-embedded by the running model. */
  facesReembedded: number;
  /** The import's unnamed faces re-embedded by the running model (grouped and compared again from now on). */
  unnamedFacesReembedded: number;
  /** Faces not found again where they were in their photo: left as they were. */
  facesNotFound: number;
  /** People recognised again: before, none of their templates was the running model's. */
  peopleUpdated: { personId: string; name: string }[];
  /** People who still need re-enrolling (all their photos missing, changed, or not from this import). */
  stillNeedReenrolling: number;
  /** The import's photos not in the folder as picked. */
  photosMissing: number;
  /** Paths of photos in the folder that changed since the import read them (size or date): skipped, not trusted. */
  photosChanged: string[];
}

/** Photo-library import and grouping by person. */
export interface PhotoImports {
  /**
   * Reads every photo in workers (one bad file never stops the batch), commits each photo with its faces, then
   * groups the faces. With `jobId`, resumes that import: photos it has already read are skipped.
   */
  start(
    photos: File[],
    options?: { jobId?: string; onProgress?: (p: import('./core/import-progress').ImportProgress) => void },
  ): Promise<ImportRun>;
  /** The import running now in this tab, if any (it survives the UI switching tabs). */
  readonly running: ImportRun | null;
  /** This tab session's imports and kept ones. */
  jobs(): Promise<ImportJob[]>;
  groups(jobId: string): Promise<ImportGroups>;
  mergeGroups(jobId: string, groupIds: string[]): Promise<void>;
  /** Splits a group by re-grouping its faces more strictly; returns how many groups it became. */
  splitGroup(jobId: string, groupId: string): Promise<number>;
  /**
   * Moves faces to a group, together to a new group ('new'), or out of any group (null). A face taken out of a group
   * is remembered as not that person: no regroup puts it back.
   */
  moveFaces(jobId: string, faceIds: string[], to: string | 'new' | null): Promise<void>;
  /** "Same person?" questions, most likely first; a pair answered No is never asked again. */
  suggestions(jobId: string, options?: { limit?: number }): Promise<SamePersonSuggestion[]>;
  /**
   * Answers one: Yes joins them (one group, kept together from then on; with an enrolled person, the faces become
   * their templates); No is remembered, and no grouping ever joins them.
   */
  answerSuggestion(jobId: string, suggestion: SamePersonSuggestion, same: boolean): Promise<void>;
  /**
   * The photos among `fileNames` (as the folder is picked again: relative paths) with all of / any of / none of these
   * people (enrolled person ids or group ids of this import), each with its faces and who they are.
   */
  findPhotos(
    jobId: string,
    query: { allOf: string[]; anyOf: string[]; noneOf: string[] },
    fileNames: string[],
  ): Promise<FoundPhoto[]>;
  /**
   * A face the detector missed, boxed by hand in a photo this import has read (picked again): the face is found
   * and aligned inside the box (landmarks and all), embedded, and grouped like any other. 'no-face' if no face can be
   * read there; 'import-not-found' if the import never read this photo.
   */
  addFace(jobId: string, photo: File, box: Box): Promise<ImportedFace>;
  /**
   * Names a group with the person's consent: enrols them from its faces of the running model, which leave the
   * import ('outdated-faces', nothing changed, when all its faces were read by another model).
   */
  enrolGroup(jobId: string, groupId: string, person: { name: string; consent: ConsentRecord }): Promise<Person>;
  /** The group's faces (of the running model, as enrolGroup) are more photos of someone already enrolled: they become that person's templates. */
  addGroupTo(jobId: string, groupId: string, personId: string): Promise<Person>;
  /**
   * Keep this import's unnamed faces beyond this tab's session, for a stated purpose and 1–30 days from its last
   * change ('invalid-setting' otherwise), or go back to session-only (null).
   */
  setKept(jobId: string, keeping: { purpose: string; days: number } | null): Promise<void>;
  /**
   * After a model change: reads again, from the import's folder picked again (`folderFiles`), the photos that named
   * faces of this import came from, and re-embeds those faces with the running model, so their people (names,
   * consent and retention kept) are recognised again; the import's own faces of another model are re-embedded too
   * (groups kept), so they are grouped, compared and can be named again. Only a file at the same path with the same size and date as
   * the import read is trusted; others are skipped and counted. 'not-this-folder' (nothing changed) when the folder
   * holds none of the import's photos as it read them.
   */
  updateFaces(jobId: string, folderFiles: File[]): Promise<FaceUpdate>;
  /** Every import's unnamed faces held on this device (any tab's), for the transparency page. */
  held(): Promise<HeldImport[]>;
  discard(jobId: string): Promise<void>;
}

/** A face in a live camera frame: its track (the same face keeps its id between frames) and its name. */
export interface LiveFace {
  trackId: number;
  /** In the frame's pixel coordinates. */
  box: Box;
  /** The smoothed identification of this track; null until its first one is in. */
  match: LiveMatch | null;
}

export interface LiveFrameResult {
  width: number;
  height: number;
  faces: LiveFace[];
  /** Faces embedded for this frame: 0 on most frames, since tracked faces keep their label. */
  embedded: number;
  detectMs: number;
  /** Align + embed + search for this frame (0 when nothing was embedded). */
  embedMs: number;
}

export interface LiveSessionStats {
  frames: number;
  /** Faces embedded over the session (far fewer than faces seen: see src/core/face-tracking.ts). */
  embeds: number;
  /** Distinct face tracks started. */
  tracks: number;
}

/** Continuous identification from a camera; one audit entry per session, when it ends. */
export interface LiveSession {
  /** Detects, tracks and, only where needed, embeds and identifies the faces of one frame. The frame is transferred. */
  process(frame: ImageBitmap): Promise<LiveFrameResult>;
  readonly stats: LiveSessionStats;
  end(): Promise<void>;
}

export interface Matcher {
  readonly info: MatcherInfo;
  /** Photo-library import and grouping by person. */
  readonly imports: PhotoImports;
  detect(photo: PhotoInput): Promise<DetectResult>;
  /** Every face in the photo with its L2-normalised embedding. */
  embedFaces(photo: PhotoInput): Promise<{ width: number; height: number; faces: EmbeddedFace[]; timings: Timings }>;
  /**
   * Creates a person with their consent record and enrols each photo that holds exactly one face. With
   * `checkEnrolled`, faces that look like someone already enrolled stop it before anything is stored (the result's
   * `alreadyEnrolled` says who), so the caller can ask.
   */
  enrol(
    person: { name: string; consent: ConsentRecord },
    photos: PhotoInput[],
    options?: { checkEnrolled?: boolean },
  ): Promise<EnrolResult>;
  /**
   * Adds photos to an existing person. With `onlyIfAlike`, a photo whose face does not look like them is refused
   * ('not-this-person'), so the caller can ask before adding it anyway.
   */
  addPhotos(personId: string, photos: PhotoInput[], options?: { onlyIfAlike?: boolean }): Promise<EnrolResult>;
  identify(photo: PhotoInput): Promise<IdentifyResult>;
  /** Live camera: process frames one at a time (never more than one in flight), then end() the session. */
  startLiveSession(): LiveSession;
  verify(photoA: PhotoInput, photoB: PhotoInput): Promise<VerifyResult>;
  /**
   * 1:1: is the one face in this photo the enrolled person (any of their templates at the calibrated threshold)?
   * For the widget: `forOrigin` names the site that asked, in the audit entry. Restricted: 'restricted'.
   */
  verifyPerson(
    personId: string,
    photo: PhotoInput,
    options?: { forOrigin?: string },
  ): Promise<{ matched: boolean; score: number }>;
  /**
   * The id this person is revealed as to one site: an HMAC of their id under this gallery's secret, keyed by the
   * origin (src/core/revealed-id.ts), so each site gets a different one. Every call is audited with the origin.
   */
  revealIdTo(personId: string, origin: string): Promise<string>;
  listPeople(): Promise<Person[]>;
  renamePerson(personId: string, name: string): Promise<Person>;
  deletePerson(personId: string): Promise<void>;
  /** A small JPEG of the person's chosen photo (else their first with a picture), for the UI; null if none. */
  thumbnail(personId: string): Promise<Blob | null>;
  /** Hides a person from the people list, or shows them again (they are still recognised). */
  setHidden(personId: string, hidden: boolean): Promise<Person>;
  /** Chooses which enrolled photo represents the person ('photo-not-found' if it is not theirs). */
  setCoverPhoto(personId: string, templateId: string): Promise<Person>;
  photosOf(personId: string): Promise<EnrolledPhoto[]>;
  /** Rectification: removes one enrolled photo (its template and thumbnail). */
  removePhoto(personId: string, templateId: string): Promise<void>;
  /** Rectification, or a fresh consent to extend retention (expiry is recomputed from it). */
  updateConsent(personId: string, consent: ConsentRecord): Promise<Person>;
  /**
   * Restriction of processing (GDPR Art. 18): the person is kept with their consent record but never matched, never
   * a result (identify, live camera, self-check, widget) and cannot get more photos, until lifted. Audited both ways.
   */
  restrictPerson(personId: string, reason: string): Promise<Person>;
  liftRestriction(personId: string): Promise<Person>;
  /**
   * The person withdraws consent: everything of theirs is erased at once. Returns their withdrawal receipt (made
   * before the erasure; null when the gallery is locked, since the consent record cannot be read then).
   */
  withdrawConsent(personId: string): Promise<ConsentReceipt | null>;
  /** The receipt of the person's current consent: Kantara CR v1.1 JSON and a printable page; the export carries the same. */
  consentReceipt(personId: string): Promise<ConsentReceipt>;
  /** Erases every person whose retention has ended (also run at start and every minute). Returns how many. */
  enforceRetention(now?: number): Promise<number>;
  /** Empties every store and cache the app owns. */
  eraseEverything(): Promise<void>;
  /**
   * One person's data (consent, templates as numbers, metadata, thumbnails, consent receipt) as a JSON file; with
   * `passphrase`, sealed under it (scrypt + AES-GCM; refused when the passphrase is weak).
   */
  exportPerson(personId: string, options?: { passphrase?: string }): Promise<Blob>;
  exportGallery(options?: { passphrase?: string }): Promise<Blob>;
  /**
   * Adds the people in an export file; a bad file is refused whole with the reasons, changing nothing. An encrypted
   * export needs its passphrase ('passphrase-required', then 'wrong-passphrase' when it does not open it).
   */
  importGallery(file: Blob, options?: { passphrase?: string }): Promise<Person[]>;
  /** "Am I in this gallery?": compared on the device, nothing stored, nothing logged. */
  selfCheck(selfie: PhotoInput): Promise<SelfCheckResult>;
  auditLog(): Promise<AuditEntry[]>;
  exportAuditLog(): Promise<Blob>;
  /** What is stored, where and why: from the store's real schema. */
  describeStorage(): StoredItemDescription[];
  /** Encryption at rest. */
  readonly encryption: { enabled: boolean; locked: boolean };
  enableEncryption(passphrase: string): Promise<void>;
  unlock(passphrase: string): Promise<void>;
  /**
   * Forgets the key, the search index and the names: nothing personal can be read until unlock. Every other tab and
   * same-origin widget of this gallery does the same (BroadcastChannel).
   */
  lock(): void;
  /** Lock after `idleMs` without input (null: never) and/or when the page is hidden; shared by every tab of the gallery. */
  setAutoLock(setting: { idleMs: number | null; whenHidden: boolean }): Promise<void>;
  autoLockSetting(): Promise<{ idleMs: number | null; whenHidden: boolean }>;
  /**
   * Whether the browser keeps the gallery under storage pressure (persistent storage, asked for at the first
   * enrolment), with what it means in words.
   */
  storagePersistence(): Promise<{ persisted: boolean | null; message: string }>;
  /** Whether enrolments keep a face thumbnail beside each template; null: not chosen yet (thumbnails are kept). */
  thumbnailSetting(): Promise<'keep' | 'drop' | null>;
  /**
   * Data minimisation: 'drop' keeps templates only (no image of a face is stored; the people list shows initials)
   * and erases every thumbnail already stored, audited; 'keep' keeps one from now on. Returns how many were erased.
   */
  setThumbnails(choice: 'keep' | 'drop'): Promise<{ erased: number }>;
  /**
   * Paperwork generated on this device from the gallery's real configuration (record of processing, DPIA starter)
   * or from the measured benchmark figures (accuracy and limits), as Markdown and as a printable HTML page.
   */
  paperwork(kind: PaperworkKind): Promise<PaperworkDocument>;
  close(): Promise<void>;
}
