// The facade behind src/index.ts: photo -> detect -> align -> embed -> store / search -> result.
// The UI, the widget and other apps use only this; it alone talks to the workers and the gallery store.
import * as Comlink from 'comlink';
import { TemplateIndex, type PersonScore } from '../core/matching';
import {
  decideIdentityVerdict,
  identificationThresholds,
  type IdentificationThresholds,
  type IdentityVerdict,
  type RankedPerson,
} from '../core/identity-rule';
import type { TrackVote } from '../core/face-tracking';
import { cosineSimilarity } from '../core/vectors';
import { revealedId } from '../core/revealed-id';
import { enrolledLookAlike } from '../core/look-alike';
import { readScore, type ShippedCalibration } from '../core/calibration';
import calibrationData from '../core/calibration-data.json';
import {
  openGalleryStore,
  STORAGE_DESCRIPTION,
  type GalleryStore,
  type NewTemplate,
  type PersonRecord,
  type TemplateRecord,
} from '../store/gallery-store';
import { templateProblem } from '../core/template-check';
import {
  checkExportFile,
  EXPORT_FORMAT,
  EXPORT_VERSION,
  exportedTemplate,
  importedTemplate,
  type ExportFile,
  type ExportedPerson,
} from '../core/export-format';
import { auditToCsv, type AuditAction } from '../core/audit';
import type { ConsentRecord } from '../core/consent';
import { enrolmentProblem } from '../core/face-quality';
import { startDetector, startEmbedder, startGroupingWorker, unwrap, serialised } from './worker-clients';
import { joinTabSession, type TabSession } from './tab-session';
import { PhotoImporter } from './photo-imports';
import type { AnalysedFace, AnalysedPhoto, Box } from '../workers/worker-protocol';
import { CameraSession } from './live-session';
import { receiptFor } from './receipts';
import { openedExport, sealedIfAsked } from './export-sealing';
import { AutoLock } from './auto-lock';
import { askForPersistentStorage, storagePersistence, type StoragePersistence } from './persistence';
import type { ConsentReceipt } from '../core/consent-receipt';
import {
  accuracyAndLimits,
  dpiaStarter,
  recordOfProcessing,
  type BenchmarkFigures,
  type CalibrationFacts,
  type GalleryFacts,
  type PaperworkDocument,
  type PaperworkKind,
} from '../core/paperwork';
import benchmarkData from '../core/benchmark-figures.json';
import { untilServiceWorkerControls } from './service-worker-gate';
import { comparableTemplates, reenrolmentNeeded } from '../core/model-change';
import {
  FacelocalError,
  personNotFound,
  type FacelocalErrorCode,
  photoNotFound,
  type DetectResult,
  type EmbeddedFace,
  type EnrolledLookAlike,
  type EnrolPhotoOutcome,
  type EnrolResult,
  type EnrolledPhoto,
  type FaceMatch,
  type IdentifiedFace,
  type IdentifyResult,
  type LiveMatch,
  type LiveSession,
  type Matcher,
  type MatcherInfo,
  type MatcherOptions,
  type Person,
  type PhotoInput,
  type SelfCheckResult,
  type StoredItemDescription,
  type Timings,
  type VerifyResult,
} from '../types';
import { errorText } from '../core/error-text';

const EMBEDDING_DIM = 512;
const calibration: ShippedCalibration = calibrationData;
const benchmarkFigures: BenchmarkFigures = benchmarkData;

function calibrationFacts(): CalibrationFacts {
  return {
    model: calibrationData.model,
    measured: calibrationData.measured,
    dataSet: calibrationData.dataSet,
    threshold: calibration.threshold,
    falseMatchRate: calibrationData.falseMatchRate,
    falseNonMatchRate: calibrationData.falseNonMatchRate,
    equalErrorRate: calibrationData.equalErrorRate,
    genuinePairs: calibrationData.genuinePairs,
    impostorPairs: calibrationData.impostorPairs,
    namedStrangerRate: calibration.identification.namedStrangerRate,
    possibleStrangerRate: calibration.identification.possibleStrangerRate,
  };
}
/** Retention is enforced at start and then on this timer while the app runs. */
const RETENTION_CHECK_MS = 60_000;
/** The share of the first-load bar the first visit's download takes (the models then load in a few seconds). */
const DOWNLOAD_SHARE = 0.8;

export async function openMatcher(options: MatcherOptions = {}): Promise<Matcher> {
  const progress = options.onProgress ?? (() => undefined);
  const baseUrl = new URL(options.assetsBaseUrl ?? import.meta.env.BASE_URL, self.location.href).href;
  if (new URL(baseUrl).origin !== self.location.origin) {
    throw new FacelocalError('model-load-failed', "Models and runtimes must be served from this page's own origin.");
  }
  // On a first visit the download is most of the wait: it takes the bar to DOWNLOAD_SHARE, the loading the rest.
  let base = 0;
  await untilServiceWorkerControls((download) => {
    base = DOWNLOAD_SHARE;
    const megabytes = (bytes: number) => (bytes / 1e6).toFixed(bytes < 10e6 ? 1 : 0);
    progress({
      stage: 'detector',
      fraction: DOWNLOAD_SHARE * (download?.fraction ?? 0),
      message: download
        ? `Downloading the face models (only this once): ${megabytes(Math.min(download.loaded, download.total))} of ${megabytes(download.total)} MB…`
        : 'Downloading the face models (only this once)…',
    });
  });
  const stage = (fraction: number) => base + (1 - base) * fraction;
  const detector = startDetector();
  const embedder = startEmbedder();
  const stopWorkers = () => {
    detector.worker.terminate();
    embedder.worker.terminate();
  };
  // The gallery opens while the models load; if they fail, it is closed again below.
  const storeOpening = openGalleryStore({ name: options.databaseName, idbFactory: options.idbFactory });
  const sessionJoining = joinTabSession();
  for (const opening of [storeOpening, sessionJoining]) opening.catch(() => undefined); // awaited below
  try {
    progress({ stage: 'detector', fraction: stage(0.05), message: 'Loading the face detector…' });
    // Both models load at once; the detector is smaller, so report it first.
    const embedderReady = embedder.api.init(baseUrl, options.backend ?? 'auto', options.embedderTuning);
    const detectorInfo = unwrap(await detector.api.init(baseUrl));
    progress({ stage: 'embedder', fraction: stage(0.45), message: 'Loading the face recognition model…' });
    const embedderInfo = unwrap(await embedderReady);
    progress({ stage: 'gallery', fraction: stage(0.9), message: 'Opening the gallery on this device…' });
    const store = await storeOpening;
    const session = await sessionJoining;
    const info: MatcherInfo = {
      backend: embedderInfo.backend,
      backendLabel:
        embedderInfo.backend === 'wasm'
          ? `wasm (${embedderInfo.threads} thread${embedderInfo.threads === 1 ? '' : 's'}${embedderInfo.simd ? ', SIMD' : ''})`
          : 'webgpu',
      backendReason: embedderInfo.reason,
      wasmThreads: embedderInfo.threads,
      simd: embedderInfo.backend === 'wasm' && embedderInfo.simd,
      crossOriginIsolated: self.crossOriginIsolated,
      detectorModel: detectorInfo.model,
      embedderModel: embedderInfo.model,
      threshold: calibration.threshold,
    };
    const matcher = await FaceMatcher.create(
      store,
      detector.api,
      embedder.api,
      info,
      () => {
        stopWorkers();
        session.release();
      },
      session,
      options.databaseName ?? 'facelocal',
      options.onGalleryChange,
    );
    progress({ stage: 'ready', fraction: 1, message: 'Ready' });
    return matcher;
  } catch (error) {
    stopWorkers();
    storeOpening.then(
      (store) => store.close(),
      () => undefined,
    );
    sessionJoining.then(
      (session) => session.release(),
      () => undefined,
    );
    if (error instanceof FacelocalError) throw error;
    throw new FacelocalError('model-load-failed', `Facelocal could not start: ${errorText(error)}`, { cause: error });
  }
}

type DetectorRemote = ReturnType<typeof startDetector>['api'];
type EmbedderRemote = ReturnType<typeof startEmbedder>['api'];

class FaceMatcher implements Matcher {
  /** Holds codes only past ~100,000 templates; `search` then re-ranks exactly from the store's embeddings. */
  private readonly index: TemplateIndex;
  private readonly names = new Map<string, string>();
  /** People whose templates all come from another embedding model, and which (see core/model-change.ts). */
  private reenrol = new Map<string, string[]>();
  private closed = false;
  private thresholdsFor: { size: number; thresholds: IdentificationThresholds } | undefined;
  private retentionTimer: ReturnType<typeof setInterval> | undefined;
  /** Tells the app's other tabs that the gallery changed, so their search index never goes stale. */
  private tabs: BroadcastChannel | undefined;
  private readonly embedCrops: (crops: Uint8ClampedArray[]) => Promise<Float32Array[]>;
  readonly imports: PhotoImporter;
  private groupingWorker: ReturnType<typeof startGroupingWorker> | undefined;
  private autoLock: AutoLock | undefined;

  private constructor(
    private readonly store: GalleryStore,
    private readonly detector: DetectorRemote,
    embedder: EmbedderRemote,
    readonly info: MatcherInfo,
    private readonly stopWorkers: () => void,
    private readonly session: TabSession,
  ) {
    this.index = new TemplateIndex(EMBEDDING_DIM, 256, {
      exactSource: { embeddings: (ids) => store.templateEmbeddings(ids) },
    });
    this.embedCrops = serialised(async (crops) =>
      unwrap(
        await embedder.embed(
          Comlink.transfer(
            crops,
            crops.map((c) => c.buffer as ArrayBuffer),
          ),
        ),
      ),
    );
    this.imports = new PhotoImporter({
      store,
      session,
      threshold: calibration.threshold,
      modelId: info.embedderModel,
      analyse: (photo, region) => this.analyse(photo, true, region),
      embed: (crops) => this.embedCrops(crops),
      audit: (action, outcome, personId) => this.audit(action, outcome, personId),
      enrolled: (person, templates) => {
        this.names.set(person.id, person.name);
        this.indexTemplates(templates);
        this.announceChange();
        return toPerson(person, templates.length);
      },
      assertUnlocked: () => this.assertUnlocked(),
      lookAlike: (embeddings) => this.lookAlike(embeddings),
      grouping: () => (this.groupingWorker ??= startGroupingWorker()).api,
      shownPeople: async () => new Map(this.names),
      templatesUpdated: async () => {
        await this.reloadGallery();
        this.announceChange();
      },
      closestPerson: async (embedding) => {
        const [best] = await this.index.search(embedding, 1);
        return best ? { personId: best.personId, name: this.names.get(best.personId) ?? '?', score: best.score } : null;
      },
    });
  }

  static async create(
    store: GalleryStore,
    detector: DetectorRemote,
    embedder: EmbedderRemote,
    info: MatcherInfo,
    stop: () => void,
    session: TabSession,
    databaseName: string,
    onChange?: (reason: 'expired' | 'other-tab' | 'locked') => void,
  ) {
    const matcher = new FaceMatcher(store, detector, embedder, info, stop, session);
    matcher.autoLock = new AutoLock(() => {
      if (!store.encrypted || store.locked) return;
      matcher.lock();
      onChange?.('locked');
    });
    matcher.autoLock.apply((await store.preferences()).autoLock);
    if (typeof BroadcastChannel !== 'undefined') {
      matcher.tabs = new BroadcastChannel(`facelocal-gallery:${databaseName}`);
      matcher.tabs.onmessage = async (event: MessageEvent) => {
        // Another tab (or a same-origin widget) locked: drop the key, the index and the names here too.
        if (event.data === 'locked') {
          matcher.dropSecrets();
          onChange?.('locked');
          return;
        }
        matcher.autoLock?.apply((await store.preferences()).autoLock);
        await store.refreshSettings();
        if (store.locked)
          matcher.dropSecrets(); // not lock(): that would tell every tab to lock
        else await matcher.reloadGallery();
        onChange?.('other-tab');
      };
    }
    await matcher.enforceRetention();
    await store.pruneAudit();
    if (!store.locked) await matcher.reloadGallery();
    matcher.retentionTimer = setInterval(async () => {
      const erased = await matcher.enforceRetention().catch(() => 0);
      await store.pruneAudit().catch(() => 0);
      if (erased > 0) onChange?.('expired');
    }, RETENTION_CHECK_MS);
    return matcher;
  }

  /** Rebuilds the in-memory search index from the store (the store is the source of truth). */
  private async reloadGallery(): Promise<void> {
    this.forgetGallery();
    // Restricted people stay out of the index and the names: nothing can match them or show them as a result.
    for (const p of await this.store.listPeople()) if (!p.restriction) this.names.set(p.id, p.name);
    let refused = 0;
    const templates = await this.store.allTemplates();
    // Another model's templates are never compared with this one's embeddings: their people are asked to re-enrol.
    this.reenrol = reenrolmentNeeded(templates, this.info.embedderModel);
    for (const t of comparableTemplates(templates, this.info.embedderModel)) {
      if (!this.names.has(t.personId)) continue;
      // A broken template stored before the store checked them is left out of search, not allowed to stop the app.
      if (templateProblem(t.embedding)) refused++;
      else this.index.add({ templateId: t.id, personId: t.personId, embedding: t.embedding });
    }
    if (refused) await this.audit('template-refused', `${refused} broken face template(s) left out of search`);
  }

  private assertOpen(): void {
    if (this.closed) throw new FacelocalError('closed', 'This matcher has been closed.');
  }

  private assertUnlocked(): void {
    this.assertOpen();
    if (this.store.locked) throw new FacelocalError('locked', 'The gallery is locked: enter the passphrase to use it.');
    this.autoLock?.restart(); // using the gallery is activity
  }

  /**
   * The 1:N thresholds for the gallery as it is now: each template is one more chance for a stranger to score
   * high, so they rise with the gallery (src/core/identity-rule.ts).
   */
  private thresholds(): IdentificationThresholds {
    const size = this.index.size;
    if (this.thresholdsFor?.size !== size) {
      const policy = { ...calibration.identification, verifyThreshold: calibration.threshold };
      this.thresholdsFor = { size, thresholds: identificationThresholds(calibration.strangerTails, policy, size) };
    }
    return this.thresholdsFor.thresholds;
  }

  private decide(best: PersonScore | undefined): IdentityVerdict<PersonScore> {
    return decideIdentityVerdict(best, this.thresholds());
  }

  /** What a score means in this gallery: the chance a stranger's best match among its templates scores this high. */
  private reading(score: number) {
    return readScore(score, calibration, { threshold: this.thresholds().named, comparisons: this.index.size });
  }

  /** A face's match, the rule's verdict with a name and a reading: identify()'s and the live camera's alike. */
  private matchOf(verdict: TrackVote): LiveMatch;
  private matchOf(verdict: IdentityVerdict<RankedPerson>): FaceMatch;
  private matchOf(verdict: IdentityVerdict<RankedPerson>): FaceMatch {
    if (verdict.kind === 'unknown') return { kind: 'unknown', bestScore: verdict.best?.score ?? null };
    const { personId, score } = verdict.best;
    return { kind: verdict.kind, personId, name: this.names.get(personId) ?? '?', score, reading: this.reading(score) };
  }

  /** The enrolled person these faces look like, by the identification verdicts (nothing stored, nothing logged). */
  private async lookAlike(embeddings: Float32Array[]): Promise<EnrolledLookAlike | null> {
    const verdicts = await Promise.all(embeddings.map(async (e) => this.decide((await this.index.search(e, 1))[0])));
    const found = enrolledLookAlike(verdicts);
    return found && { ...found, name: this.names.get(found.personId) ?? '?' };
  }

  private announceChange(): void {
    this.tabs?.postMessage('changed');
  }

  /** The audit log must never make an action fail. */
  private async audit(action: AuditAction, outcome: string, personId?: string): Promise<void> {
    await this.store.log({ action, outcome, ...(personId ? { personId } : {}) }).catch(() => undefined);
  }

  private async analyse(photo: PhotoInput, thumbnails: boolean, region?: Box): Promise<AnalysedPhoto> {
    this.assertOpen();
    let bytes: ArrayBuffer;
    try {
      bytes = await photo.arrayBuffer();
    } catch (error) {
      throw new FacelocalError('unreadable-file', `${nameOf(photo)} could not be read.`, { cause: error });
    }
    return unwrap(
      await this.detector.analyse(Comlink.transfer(bytes, [bytes]), region ? { thumbnails, region } : { thumbnails }),
    );
  }

  private async embedAnalysed(photo: AnalysedPhoto): Promise<{ embeddings: Float32Array[]; embedMs: number }> {
    if (photo.faces.length === 0) return { embeddings: [], embedMs: 0 };
    const t = performance.now();
    const embeddings = await this.embedCrops(photo.faces.map((f) => f.aligned));
    return { embeddings, embedMs: performance.now() - t };
  }

  async detect(photo: PhotoInput): Promise<DetectResult> {
    const analysed = await this.analyse(photo, false);
    return { width: analysed.width, height: analysed.height, faces: analysed.faces.map(foundFace) };
  }

  async embedFaces(photo: PhotoInput) {
    const t0 = performance.now();
    const analysed = await this.analyse(photo, false);
    const { embeddings, embedMs } = await this.embedAnalysed(analysed);
    const faces: EmbeddedFace[] = analysed.faces.map((f, i) => ({ ...foundFace(f), embedding: embeddings[i] }));
    return { width: analysed.width, height: analysed.height, faces, timings: timings(analysed, embedMs, t0) };
  }

  async enrol(
    person: { name: string; consent: ConsentRecord },
    photos: PhotoInput[],
    options: { checkEnrolled?: boolean } = {},
  ): Promise<EnrolResult> {
    this.assertUnlocked();
    if (!person.name.trim()) throw new FacelocalError('invalid-name', 'Enter a name for this person.');
    const readings = await this.templatesFrom(photos);
    const templates = acceptedTemplates(readings);
    if (templates.length === 0) {
      await this.audit('enrol', `refused: no usable photo (${photos.length} given)`);
      return { person: null, photos: outcomesOf(readings, []) };
    }
    const alreadyEnrolled = options.checkEnrolled ? await this.lookAlike(templates.map((t) => t.embedding)) : null;
    if (alreadyEnrolled) return { person: null, photos: outcomesOf(readings, []), alreadyEnrolled };
    let saved: { person: PersonRecord; templates: TemplateRecord[] };
    try {
      saved = await this.store.addPersonWithTemplates(person, templates);
    } catch (error) {
      if (error instanceof FacelocalError) await this.audit('enrol', `refused: ${error.code}`);
      throw error;
    }
    this.names.set(saved.person.id, saved.person.name);
    this.indexTemplates(saved.templates);
    this.announceChange();
    // The first person is the first thing to lose: ask the browser not to evict the gallery.
    if ((await this.store.countPeople()) === 1) await askForPersistentStorage().catch(() => null);
    await this.audit(
      'enrol',
      `enrolled with ${saved.templates.length} photo(s); ${readings.length - saved.templates.length} refused`,
      saved.person.id,
    );
    return { person: toPerson(saved.person, saved.templates.length), photos: outcomesOf(readings, saved.templates) };
  }

  async addPhotos(
    personId: string,
    photos: PhotoInput[],
    options: { onlyIfAlike?: boolean } = {},
  ): Promise<EnrolResult> {
    this.assertUnlocked();
    if ((await this.store.getPerson(personId))?.restriction)
      throw new FacelocalError(
        'restricted',
        'Processing of this person is restricted: lift the restriction before adding photos.',
      );
    if (!this.names.has(personId)) throw personNotFound();
    const read = await this.templatesFrom(photos);
    // Re-enrolling after a model change: nothing of theirs can be compared yet, so "looks like them" cannot be asked.
    const readings =
      options.onlyIfAlike && !this.reenrol.has(personId) ? await this.onlyLookingLike(personId, read) : read;
    const templates = acceptedTemplates(readings);
    const saved = templates.length > 0 ? await this.store.addTemplates(personId, templates) : [];
    if (saved.length > 0) {
      this.indexTemplates(saved);
      this.announceChange();
    }
    await this.audit(
      'add-photos',
      `${templates.length} added, ${readings.length - templates.length} refused`,
      personId,
    );
    const person = (await this.listPeople()).find((p) => p.id === personId) ?? null;
    return { person, photos: outcomesOf(readings, saved) };
  }

  /** One template per photo that holds exactly one face; the reason for every other photo. In the photos' order. */
  private async templatesFrom(photos: PhotoInput[]): Promise<PhotoReading[]> {
    const readings: PhotoReading[] = [];
    // No picture is even made when the gallery keeps none (the store would drop it anyway).
    const keepThumbnails = (await this.store.preferences()).thumbnails !== 'drop';
    for (const photo of photos) {
      const fileName = nameOf(photo);
      try {
        const analysed = await this.analyse(photo, keepThumbnails);
        if (analysed.faces.length === 0) throw new FacelocalError('no-face', 'No face found in this photo.');
        if (analysed.faces.length > 1)
          throw new FacelocalError(
            'several-faces',
            `This photo shows ${analysed.faces.length} faces; use a photo of this person alone.`,
          );
        const face = analysed.faces[0];
        const problem = enrolmentProblem(face.quality);
        if (problem) throw new FacelocalError('poor-quality', problem);
        const [embedding] = (await this.embedAnalysed(analysed)).embeddings;
        readings.push({
          fileName,
          template: {
            embedding,
            modelId: this.info.embedderModel,
            sourceName: fileName,
            box: face.box,
            detectionScore: face.score,
            thumbnail: face.thumbnail ? { type: 'image/jpeg', bytes: face.thumbnail } : null,
          },
        });
      } catch (error) {
        if (!(error instanceof FacelocalError)) throw error;
        readings.push({ fileName, refused: { code: error.code, message: error.message } });
      }
    }
    return readings;
  }

  /**
   * Keeps the templates whose face looks like this person (their verdict, had the face been identified against
   * them, is known or possible); the others become 'not-this-person' refusals.
   */
  private async onlyLookingLike(personId: string, readings: PhotoReading[]): Promise<PhotoReading[]> {
    const name = this.names.get(personId) ?? 'this person';
    const kept: PhotoReading[] = [];
    for (const r of readings) {
      if ('refused' in r) {
        kept.push(r);
        continue;
      }
      const candidates = await this.index.search(r.template.embedding, 5);
      if (this.decide(candidates.find((c) => c.personId === personId)).kind !== 'unknown') {
        kept.push(r);
        continue;
      }
      const other = this.decide(candidates[0]);
      const instead =
        other.kind === 'known'
          ? ` (it looks like ${this.names.get(other.best.personId) ?? 'someone else'}, who is enrolled)`
          : '';
      kept.push({
        fileName: r.fileName,
        refused: {
          code: 'not-this-person',
          message: `This face does not look like ${name}${instead}, so it was not added.`,
        },
      });
    }
    return kept;
  }

  private indexTemplates(saved: { id: string; personId: string; embedding: Float32Array }[]): void {
    for (const t of saved) {
      this.reenrol.delete(t.personId); // a template of the running model: recognised again
      this.index.add({ templateId: t.id, personId: t.personId, embedding: t.embedding });
    }
  }

  async identify(photo: PhotoInput): Promise<IdentifyResult> {
    this.assertUnlocked();
    const t0 = performance.now();
    const analysed = await this.analyse(photo, false);
    const { embeddings, embedMs } = await this.embedAnalysed(analysed);
    const found = await Promise.all(embeddings.map((e) => this.index.search(e, 5)));
    const faces: IdentifiedFace[] = analysed.faces.map((face, i) => {
      const candidates = found[i];
      const named = candidates.map((c) => ({
        personId: c.personId,
        name: this.names.get(c.personId) ?? '?',
        score: c.score,
      }));
      return { ...foundFace(face), candidates: named, match: this.matchOf(this.decide(candidates[0])) };
    });
    const count = (kind: string) => faces.filter((f) => f.match.kind === kind).length;
    await this.audit(
      'identify',
      `${faces.length} face(s): ${count('known')} known, ${count('possible')} possible, ${count('unknown')} unknown`,
    );
    return { width: analysed.width, height: analysed.height, faces, timings: timings(analysed, embedMs, t0) };
  }

  startLiveSession(): LiveSession {
    this.assertUnlocked();
    return new CameraSession({
      detector: this.detector,
      embed: this.embedCrops,
      // The same search as identify(): exact scores even when a very large index keeps only codes in memory.
      decide: async (embedding) => this.decide((await this.index.search(embedding, 1))[0]),
      matchOf: (vote) => this.matchOf(vote),
      assertUsable: () => this.assertUnlocked(),
      // One entry per session, with counts only: frames are never logged one by one.
      onEnd: (s) =>
        this.audit(
          'live-camera',
          `${s.frames} frame(s), ${s.tracks} face(s) tracked (${s.namedTracks} named), ${s.embeds} identification(s)`,
        ),
    });
  }

  async verify(photoA: PhotoInput, photoB: PhotoInput): Promise<VerifyResult> {
    const [a, b] = [await this.singleFace(photoA, 'first'), await this.singleFace(photoB, 'second')];
    const score = cosineSimilarity(a.embedding, b.embedding);
    const reading = readScore(score, calibration, { threshold: calibration.threshold });
    await this.audit('verify', reading.isMatch ? 'same person' : 'different people');
    return { score, isMatch: reading.isMatch, reading, faceA: a.face, faceB: b.face };
  }

  async verifyPerson(
    personId: string,
    photo: PhotoInput,
    options: { forOrigin?: string } = {},
  ): Promise<{ matched: boolean; score: number }> {
    this.assertUnlocked();
    const person = await this.store.getPerson(personId);
    if (!person) throw new FacelocalError('person-not-found', 'This person is no longer in the gallery.');
    if (person.restriction)
      throw new FacelocalError(
        'restricted',
        'Processing of this person is restricted: they cannot be checked until it is lifted.',
      );
    const { embedding } = await this.singleFace(photo, 'check');
    let score = -1;
    for (const t of await this.store.templatesOf(personId))
      score = Math.max(score, cosineSimilarity(embedding, t.embedding));
    const matched = score >= calibration.threshold;
    await this.audit(
      options.forOrigin ? 'widget-check' : 'verify',
      `1:1 against one person${options.forOrigin ? ` for ${options.forOrigin}` : ''}: ${matched ? 'matched' : 'not matched'}`,
      personId,
    );
    return { matched, score };
  }

  async revealIdTo(personId: string, origin: string): Promise<string> {
    this.assertUnlocked();
    if (!(await this.store.getPerson(personId)))
      throw new FacelocalError('person-not-found', 'This person is no longer in the gallery.');
    const id = await revealedId(await this.store.revealSecret(), personId, origin);
    // Awaited, not best-effort like other entries: a reveal that cannot be logged does not happen.
    await this.store.log({ action: 'widget-reveal', outcome: `id revealed to ${origin}`, personId });
    return id;
  }

  private async singleFace(photo: PhotoInput, which: string) {
    const analysed = await this.analyse(photo, false);
    if (analysed.faces.length === 0) throw new FacelocalError('no-face', `No face found in the ${which} photo.`);
    if (analysed.faces.length > 1)
      throw new FacelocalError(
        'several-faces',
        `The ${which} photo shows ${analysed.faces.length} faces; choose a photo with one face.`,
      );
    const [embedding] = (await this.embedAnalysed(analysed)).embeddings;
    return { face: foundFace(analysed.faces[0]), embedding };
  }

  async listPeople(): Promise<Person[]> {
    this.assertUnlocked();
    return (await this.store.listPeople()).map((p) => toPerson(p, p.templateCount, this.reenrol.get(p.id)));
  }

  private async personWithCount(personId: string): Promise<Person> {
    const found = (await this.store.listPeople()).find((p) => p.id === personId);
    if (!found) throw personNotFound();
    return toPerson(found, found.templateCount, this.reenrol.get(personId));
  }

  async renamePerson(personId: string, name: string): Promise<Person> {
    this.assertUnlocked();
    const renamed = await this.store.renamePerson(personId, name);
    this.names.set(personId, renamed.name);
    this.announceChange();
    await this.audit('rename', "renamed; the consent record's subject name rectified to match", personId);
    return this.personWithCount(personId);
  }

  async setHidden(personId: string, hidden: boolean): Promise<Person> {
    this.assertUnlocked();
    await this.store.setHidden(personId, hidden);
    this.announceChange();
    return this.personWithCount(personId);
  }

  async setCoverPhoto(personId: string, templateId: string): Promise<Person> {
    this.assertUnlocked();
    await this.store.setCover(personId, templateId);
    this.announceChange();
    return this.personWithCount(personId);
  }

  async updateConsent(personId: string, consent: ConsentRecord): Promise<Person> {
    this.assertUnlocked();
    const updated = await this.store.updateConsent(personId, consent);
    this.announceChange();
    await this.audit(
      'consent-updated',
      updated.expiresAt === null
        ? 'kept until withdrawn'
        : `retention until ${new Date(updated.expiresAt).toISOString().slice(0, 10)}`,
      personId,
    );
    return this.personWithCount(personId);
  }

  async restrictPerson(personId: string, reason: string): Promise<Person> {
    this.assertUnlocked();
    await this.store.setRestriction(personId, { since: Date.now(), reason });
    this.index.removePerson(personId);
    this.names.delete(personId);
    this.announceChange();
    await this.audit('restrict', 'processing restricted: kept, not matched until lifted', personId);
    return this.personWithCount(personId);
  }

  async liftRestriction(personId: string): Promise<Person> {
    this.assertUnlocked();
    if (!(await this.store.getPerson(personId))?.restriction) return this.personWithCount(personId); // nothing to lift
    const person = await this.store.setRestriction(personId, null);
    this.names.set(personId, person.name);
    this.indexTemplates(comparableTemplates(await this.store.templatesOf(personId), this.info.embedderModel));
    this.announceChange();
    await this.audit('lift-restriction', 'restriction lifted: matched again', personId);
    return this.personWithCount(personId);
  }

  private async erasePerson(personId: string, action: 'delete' | 'withdraw'): Promise<void> {
    this.assertOpen();
    await this.store.deletePerson(personId, action);
    this.index.removePerson(personId);
    this.names.delete(personId);
    this.announceChange();
    await this.audit(
      action,
      'person, templates, thumbnails and consent record erased; a tombstone keeps older exports of them out',
      personId,
    );
  }

  deletePerson(personId: string): Promise<void> {
    return this.erasePerson(personId, 'delete');
  }

  async withdrawConsent(personId: string): Promise<ConsentReceipt | null> {
    // The receipt needs the consent record, so it is made first; a locked gallery still erases, without a receipt.
    const person = this.store.locked ? undefined : await this.store.getPerson(personId);
    const receipt = person ? await receiptFor(this.store, person, 'withdrawn', Date.now()) : null;
    await this.erasePerson(personId, 'withdraw');
    return receipt;
  }

  async consentReceipt(personId: string): Promise<ConsentReceipt> {
    this.assertUnlocked();
    const person = await this.store.getPerson(personId);
    if (!person) throw personNotFound();
    return receiptFor(this.store, person, 'given', person.consent.givenAt);
  }

  async photosOf(personId: string): Promise<EnrolledPhoto[]> {
    this.assertUnlocked();
    return (await this.store.templatesOf(personId)).map((t) => ({
      templateId: t.id,
      sourceName: t.sourceName,
      createdAt: t.createdAt,
      detectionScore: t.detectionScore,
      thumbnail: t.thumbnail && new Blob([t.thumbnail.bytes], { type: t.thumbnail.type }),
    }));
  }

  async removePhoto(personId: string, templateId: string): Promise<void> {
    this.assertUnlocked();
    const templates = await this.store.templatesOf(personId);
    if (!templates.some((t) => t.id === templateId)) throw photoNotFound();
    if (templates.length === 1)
      throw new FacelocalError('last-photo', 'This is the only photo of this person: delete the person instead.');
    await this.store.deleteTemplate(templateId);
    this.index.removeWhere((row) => row.templateId === templateId);
    this.announceChange();
    await this.audit('remove-photo', 'one photo removed', personId);
  }

  async enforceRetention(now = Date.now()): Promise<number> {
    this.assertOpen();
    // Unnamed import faces: held for their tab's session only, or for a while when kept.
    const staleImports = await this.store.eraseStaleImports(await this.session.liveSessions(), now);
    if (staleImports > 0)
      await this.audit('photo-import-erased', `${staleImports} import(s) erased: session ended or kept time over`);
    const erased = await this.store.eraseExpired(now);
    for (const id of erased) {
      this.index.removePerson(id);
      this.names.delete(id);
      await this.audit('expire', 'retention ended: person, templates, thumbnails and consent record erased', id);
    }
    if (erased.length) this.announceChange();
    return erased.length;
  }

  async eraseEverything(): Promise<void> {
    this.assertOpen();
    await this.store.eraseEverything();
    // The Cache API is ours too (the offline app caches itself there): empty it all.
    if ('caches' in self) for (const name of await caches.keys()) await caches.delete(name);
    this.forgetGallery();
    this.announceChange();
  }

  async thumbnail(personId: string): Promise<Blob | null> {
    this.assertUnlocked();
    const [person, templates] = await Promise.all([this.store.getPerson(personId), this.store.templatesOf(personId)]);
    const first =
      templates.find((t) => t.id === person?.coverTemplateId && t.thumbnail) ?? templates.find((t) => t.thumbnail);
    return first?.thumbnail ? new Blob([first.thumbnail.bytes], { type: first.thumbnail.type }) : null;
  }

  private async exportPeople(people: PersonRecord[], passphrase?: string): Promise<Blob> {
    const exported: ExportedPerson[] = [];
    for (const p of people) {
      const templates = await this.store.templatesOf(p.id);
      exported.push({
        id: p.id,
        name: p.name,
        createdAt: p.createdAt,
        expiresAt: p.expiresAt,
        consent: { ...p.consent },
        templates: templates.map(exportedTemplate),
        consentReceipt: { ...(await receiptFor(this.store, p, 'given', p.consent.givenAt)).json },
      });
    }
    const file: ExportFile = {
      format: EXPORT_FORMAT,
      version: EXPORT_VERSION,
      exportedAt: new Date().toISOString(),
      people: exported,
    };
    return sealedIfAsked(JSON.stringify(file, null, 1), passphrase);
  }

  async exportPerson(personId: string, options: { passphrase?: string } = {}): Promise<Blob> {
    this.assertUnlocked();
    const person = await this.store.getPerson(personId);
    if (!person) throw personNotFound();
    const blob = await this.exportPeople([person], options.passphrase);
    await this.audit('export', `one person exported${options.passphrase !== undefined ? ', encrypted' : ''}`, personId);
    return blob;
  }

  async exportGallery(options: { passphrase?: string } = {}): Promise<Blob> {
    this.assertUnlocked();
    const people = await this.store.listPeople();
    const blob = await this.exportPeople(people, options.passphrase);
    await this.audit(
      'export',
      `whole gallery exported (${people.length} people)${options.passphrase !== undefined ? ', encrypted' : ''}`,
    );
    return blob;
  }

  async importGallery(file: Blob, options: { passphrase?: string } = {}): Promise<Person[]> {
    this.assertUnlocked();
    const check = checkExportFile(await openedExport(await file.text(), options.passphrase), this.info.embedderModel);
    if (!check.ok) {
      await this.audit(
        'import',
        check.code === 'invalid-template' ? 'refused: forged or broken face template' : 'refused: invalid file',
      );
      throw new FacelocalError(
        check.code,
        `This file cannot be imported, so nothing was changed: ${check.problems.join('; ')}`,
      );
    }
    const added = await this.store
      .importPeople(
        check.file.people.map((p) => ({
          exportedId: p.id,
          person: { name: p.name, consent: p.consent as ConsentRecord },
          templates: p.templates.map(importedTemplate), // the store drops thumbnails if none are kept
        })),
      )
      .catch(async (error: unknown) => {
        // Without the name: the log must not keep who was refused, only that someone withdrawn was.
        if (error instanceof FacelocalError)
          await this.audit(
            'import',
            `refused: ${error.code === 'withdrawn' ? 'a person in the file withdrew or was erased here' : error.code}`,
          );
        throw error;
      });
    await this.reloadGallery();
    this.announceChange();
    await this.audit('import', `${added.length} people imported`);
    // One listing for all of them: each listing opens every person's sealed record.
    const ids = new Set(added.map((p) => p.id));
    return (await this.store.listPeople()).filter((p) => ids.has(p.id)).map((p) => toPerson(p, p.templateCount));
  }

  async selfCheck(selfie: PhotoInput): Promise<SelfCheckResult> {
    this.assertUnlocked();
    // Deliberately no store write and no audit entry: the person asked a question, not to be recorded.
    const { embedding } = await this.singleFace(selfie, 'selfie');
    const verdict = this.decide((await this.index.search(embedding, 1))[0]);
    return verdict.kind === 'known'
      ? { found: true, name: this.names.get(verdict.best.personId) ?? '?', score: verdict.best.score }
      : { found: false, bestScore: verdict.best?.score ?? null };
  }

  async auditLog() {
    this.assertOpen();
    return this.store.auditLog();
  }

  async exportAuditLog(): Promise<Blob> {
    return new Blob([auditToCsv(await this.auditLog())], { type: 'text/csv' });
  }

  describeStorage(): StoredItemDescription[] {
    return Object.entries(STORAGE_DESCRIPTION).flatMap(([store, fields]) =>
      Object.entries(fields as Record<string, { what: string; why: string; sealed: boolean }>).map(([field, d]) => ({
        store,
        field,
        what: d.what,
        why: d.why,
        encrypted: d.sealed && this.store.encrypted,
      })),
    );
  }

  get encryption() {
    return { enabled: this.store.encrypted, locked: this.store.locked };
  }

  async enableEncryption(passphrase: string): Promise<void> {
    this.assertUnlocked();
    const { sealedLate } = await this.store.enableEncryption(passphrase);
    this.announceChange();
    await this.audit(
      'encryption-enabled',
      `names, consent records, templates and thumbnails now encrypted${sealedLate ? ` (${sealedLate} record(s) written meanwhile sealed by the final scan)` : ''}`,
    );
  }

  async unlock(passphrase: string): Promise<void> {
    this.assertOpen();
    await this.store.unlock(passphrase);
    await this.reloadGallery();
  }

  lock(): void {
    this.dropSecrets();
    // Every tab and same-origin widget of this gallery locks too (each drops its own key, index and names).
    this.tabs?.postMessage('locked');
  }

  private dropSecrets(): void {
    this.store.lock();
    // The in-memory index holds templates and names: drop them with the key.
    this.forgetGallery();
  }

  /** Empties the in-memory index and names (the store keeps everything). */
  private forgetGallery(): void {
    this.index.removeWhere(() => true);
    this.names.clear();
  }

  async setAutoLock(setting: { idleMs: number | null; whenHidden: boolean }): Promise<void> {
    this.assertOpen();
    const { autoLock } = await this.store.setPreferences({
      autoLock: { idleMs: setting.idleMs, whenHidden: setting.whenHidden },
    });
    this.autoLock?.apply(autoLock);
    this.announceChange();
  }

  storagePersistence(): Promise<StoragePersistence> {
    return storagePersistence();
  }

  async autoLockSetting(): Promise<{ idleMs: number | null; whenHidden: boolean }> {
    return (await this.store.preferences()).autoLock;
  }

  async thumbnailSetting(): Promise<'keep' | 'drop' | null> {
    return (await this.store.preferences()).thumbnails;
  }

  async setThumbnails(choice: 'keep' | 'drop'): Promise<{ erased: number }> {
    this.assertUnlocked(); // erasing re-seals the templates: it needs the key
    if (choice !== 'keep' && choice !== 'drop')
      throw new FacelocalError('invalid-setting', 'Choose whether face thumbnails are kept: keep or drop.');
    const before = (await this.store.preferences()).thumbnails;
    await this.store.setPreferences({ thumbnails: choice });
    // Set first, so nothing written from now on carries one; then erase the ones already stored.
    const erased = choice === 'drop' ? await this.store.eraseThumbnails() : 0;
    this.announceChange();
    if (before !== choice || erased > 0) {
      await this.audit(
        'thumbnails',
        choice === 'drop'
          ? `templates only from now on; ${erased} stored face thumbnail(s) erased`
          : 'a face thumbnail is kept beside each new template',
      );
    }
    return { erased };
  }

  async paperwork(kind: PaperworkKind): Promise<PaperworkDocument> {
    const now = Date.now();
    if (kind === 'accuracy-and-limits') {
      this.assertOpen();
      return accuracyAndLimits(benchmarkFigures, calibrationFacts(), this.thresholdsInUse(), now);
    }
    if (kind !== 'record-of-processing' && kind !== 'dpia-starter')
      throw new FacelocalError('invalid-setting', `There is no paperwork called "${String(kind)}".`);
    this.assertUnlocked(); // purposes and retention are in the (sealed) consent records
    const facts = await this.galleryFacts(now);
    return kind === 'record-of-processing' ? recordOfProcessing(facts) : dpiaStarter(facts);
  }

  private thresholdsInUse(): GalleryFacts['thresholds'] {
    const t = this.thresholds();
    return { verify: calibration.threshold, named: t.named, possible: t.possible, templates: this.index.size };
  }

  /** The gallery as the paperwork describes it: counts, purposes, periods and settings, never a name or a face. */
  private async galleryFacts(now: number): Promise<GalleryFacts> {
    const people = await this.store.listPeople();
    const templates = await this.store.allTemplates();
    const prefs = await this.store.preferences();
    return {
      generatedAt: now,
      origin: self.location.origin,
      databaseName: this.store.name,
      people: people.map((p) => ({
        purpose: p.consent.purpose,
        purposeDetail: p.consent.purposeDetail,
        retention: p.consent.retention,
        method: p.consent.method,
        collectedBy: p.consent.collectedBy,
        restricted: p.restriction !== null,
        templates: p.templateCount,
      })),
      thumbnails: prefs.thumbnails,
      thumbnailsStored: templates.filter((t) => t.thumbnail).length,
      encryption: { enabled: this.store.encrypted, kdf: this.store.encrypted ? 'scrypt' : null },
      autoLock: prefs.autoLock,
      persistentStorage: (await storagePersistence()).persisted,
      imports: (await this.imports.held()).map((j) => ({
        thisSession: j.thisSession,
        keep: j.keep,
        purpose: j.purpose,
        retentionDays: j.retentionDays,
        faces: j.faces,
        expiresAt: j.expiresAt,
      })),
      tombstones: await this.store.tombstoneCount(),
      auditEntries: (await this.store.auditLog()).length,
      models: { detector: this.info.detectorModel, embedder: this.info.embedderModel },
      thresholds: this.thresholdsInUse(),
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.retentionTimer);
    this.autoLock?.stop();
    this.tabs?.close();
    this.stopWorkers();
    this.groupingWorker?.worker.terminate();
    this.store.close();
  }
}

function toPerson(p: PersonRecord, templateCount: number, reenrolFrom?: string[]): Person {
  return {
    id: p.id,
    name: p.name,
    createdAt: p.createdAt,
    templateCount,
    consent: p.consent,
    expiresAt: p.expiresAt,
    restriction: p.restriction,
    reenrol: reenrolFrom ? { fromModels: reenrolFrom } : null,
    hidden: p.hidden,
    coverTemplateId: p.coverTemplateId,
  };
}

function foundFace(face: AnalysedFace) {
  return { box: face.box, detectionScore: face.score, quality: face.quality };
}

function timings(analysed: AnalysedPhoto, embedMs: number, start: number): Timings {
  return {
    decodeMs: analysed.decodeMs,
    detectMs: analysed.detectMs,
    embedMs: analysed.alignMs + embedMs,
    alignMs: analysed.alignMs,
    totalMs: performance.now() - start,
  };
}

/** One photo given to enrol or addPhotos, read: the template to store, or why it was refused. */
type PhotoReading =
  | { fileName: string; template: NewTemplate }
  | { fileName: string; refused: { code: FacelocalErrorCode; message: string } };

function acceptedTemplates(readings: readonly PhotoReading[]): NewTemplate[] {
  return readings.flatMap((r) => ('template' in r ? [r.template] : []));
}

/** Each photo's outcome, the accepted ones paired in order with the templates stored from them (none: not stored). */
function outcomesOf(readings: readonly PhotoReading[], saved: readonly { id: string }[]): EnrolPhotoOutcome[] {
  let k = 0;
  return readings.map((r) =>
    'template' in r
      ? { fileName: r.fileName, ok: true, templateId: saved[k++]?.id ?? null }
      : { fileName: r.fileName, ok: false, error: r.refused },
  );
}

function nameOf(photo: PhotoInput): string {
  return photo instanceof File ? photo.name : 'This photo';
}
