// The facade behind src/index.ts: photo -> detect -> align -> embed -> store / search -> result.
// The UI, the widget and other apps use only this; it alone talks to the workers and the gallery store.
import * as Comlink from 'comlink';
import { TemplateIndex, decideIdentity } from '../core/matching';
import { cosineSimilarity } from '../core/vectors';
import { readScore } from '../core/calibration';
import calibration from '../core/calibration-data.json';
import { openGalleryStore, type GalleryStore, type NewTemplate } from '../store/gallery-store';
import { startDetector, startEmbedder, unwrap, serialised } from './worker-clients';
import type { AnalysedFace, AnalysedPhoto } from '../workers/worker-protocol';
import {
  FacelocalError,
  type DetectResult, type EmbeddedFace, type EnrolPhotoOutcome, type EnrolResult, type IdentifiedFace, type IdentifyResult,
  type Matcher, type MatcherInfo, type MatcherOptions, type Person, type PhotoInput, type Timings, type VerifyResult,
} from '../types';

const EMBEDDING_DIM = 512;

export async function openMatcher(options: MatcherOptions = {}): Promise<Matcher> {
  const progress = options.onProgress ?? (() => undefined);
  const baseUrl = new URL(import.meta.env.BASE_URL, self.location.href).href;
  const detector = startDetector();
  const embedder = startEmbedder();
  const stopWorkers = () => { detector.worker.terminate(); embedder.worker.terminate(); };
  try {
    progress({ stage: 'detector', fraction: 0.05, message: 'Loading the face detector…' });
    // Both models load at once; the detector is smaller, so report it first.
    const embedderReady = embedder.api.init(baseUrl, options.backend ?? 'auto', options.embedderTuning);
    const detectorInfo = unwrap(await detector.api.init(baseUrl));
    progress({ stage: 'embedder', fraction: 0.45, message: 'Loading the face recognition model…' });
    const embedderInfo = unwrap(await embedderReady);
    progress({ stage: 'gallery', fraction: 0.9, message: 'Opening the gallery on this device…' });
    const store = await openGalleryStore({ name: options.databaseName });
    const info: MatcherInfo = {
      backend: embedderInfo.backend === 'wasm'
        ? `wasm (${embedderInfo.threads} thread${embedderInfo.threads === 1 ? '' : 's'}${embedderInfo.simd ? ', SIMD' : ''})`
        : 'webgpu',
      backendReason: embedderInfo.reason,
      wasmThreads: embedderInfo.threads,
      crossOriginIsolated: self.crossOriginIsolated,
      detectorModel: detectorInfo.model,
      embedderModel: embedderInfo.model,
      threshold: calibration.threshold,
    };
    const matcher = await FaceMatcher.create(store, detector.api, embedder.api, info, stopWorkers);
    progress({ stage: 'ready', fraction: 1, message: 'Ready' });
    return matcher;
  } catch (error) {
    stopWorkers();
    if (error instanceof FacelocalError) throw error;
    throw new FacelocalError('model-load-failed', `Facelocal could not start: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

type DetectorRemote = ReturnType<typeof startDetector>['api'];
type EmbedderRemote = ReturnType<typeof startEmbedder>['api'];

class FaceMatcher implements Matcher {
  private readonly index = new TemplateIndex(EMBEDDING_DIM);
  private readonly names = new Map<string, string>();
  private closed = false;
  private readonly embedCrops: (crops: Uint8ClampedArray[]) => Promise<Float32Array[]>;

  private constructor(
    private readonly store: GalleryStore,
    private readonly detector: DetectorRemote,
    embedder: EmbedderRemote,
    readonly info: MatcherInfo,
    private readonly stopWorkers: () => void,
  ) {
    this.embedCrops = serialised(async (crops) => unwrap(await embedder.embed(Comlink.transfer(crops, crops.map((c) => c.buffer as ArrayBuffer)))));
  }

  static async create(store: GalleryStore, detector: DetectorRemote, embedder: EmbedderRemote, info: MatcherInfo, stop: () => void) {
    const matcher = new FaceMatcher(store, detector, embedder, info, stop);
    await matcher.reloadGallery();
    return matcher;
  }

  /** Rebuilds the in-memory search index from the store (at open; the store is the source of truth). */
  private async reloadGallery(): Promise<void> {
    for (const p of await this.store.listPeople()) this.names.set(p.id, p.name);
    for (const t of await this.store.allTemplates()) this.index.add({ templateId: t.id, personId: t.personId, embedding: t.embedding });
  }

  private assertOpen(): void {
    if (this.closed) throw new FacelocalError('closed', 'This matcher has been closed.');
  }

  private async analyse(photo: PhotoInput, thumbnails: boolean): Promise<AnalysedPhoto> {
    this.assertOpen();
    let bytes: ArrayBuffer;
    try {
      bytes = await photo.arrayBuffer();
    } catch (error) {
      throw new FacelocalError('unreadable-file', `${nameOf(photo)} could not be read.`, { cause: error });
    }
    return unwrap(await this.detector.analyse(Comlink.transfer(bytes, [bytes]), { thumbnails }));
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

  async enrol(name: string, photos: PhotoInput[]): Promise<EnrolResult> {
    this.assertOpen();
    if (!name.trim()) throw new FacelocalError('invalid-name', 'Enter a name for this person.');
    const { outcomes, templates } = await this.templatesFrom(photos);
    if (templates.length === 0) return { person: null, photos: outcomes };
    const saved = await this.store.addPersonWithTemplates(name, templates);
    this.names.set(saved.person.id, saved.person.name);
    this.indexTemplates(saved.templates, outcomes);
    return { person: { id: saved.person.id, name: saved.person.name, createdAt: saved.person.createdAt, templateCount: saved.templates.length }, photos: outcomes };
  }

  async addPhotos(personId: string, photos: PhotoInput[]): Promise<EnrolResult> {
    this.assertOpen();
    if (!this.names.has(personId)) throw new FacelocalError('person-not-found', 'This person is no longer in the gallery.');
    const { outcomes, templates } = await this.templatesFrom(photos);
    if (templates.length > 0) this.indexTemplates(await this.store.addTemplates(personId, templates), outcomes);
    const person = (await this.listPeople()).find((p) => p.id === personId) ?? null;
    return { person, photos: outcomes };
  }

  /** One template per photo that holds exactly one face; a clear outcome for every other photo. */
  private async templatesFrom(photos: PhotoInput[]): Promise<{ outcomes: EnrolPhotoOutcome[]; templates: NewTemplate[] }> {
    const outcomes: EnrolPhotoOutcome[] = [];
    const templates: NewTemplate[] = [];
    for (const photo of photos) {
      const fileName = nameOf(photo);
      try {
        const analysed = await this.analyse(photo, true);
        if (analysed.faces.length === 0) throw new FacelocalError('no-face', 'No face found in this photo.');
        if (analysed.faces.length > 1) throw new FacelocalError('several-faces', `This photo shows ${analysed.faces.length} faces; use a photo of this person alone.`);
        const face = analysed.faces[0];
        const [embedding] = (await this.embedAnalysed(analysed)).embeddings;
        templates.push({
          embedding,
          modelId: this.info.embedderModel,
          sourceName: fileName,
          box: face.box,
          quality: face.score,
          thumbnail: { type: 'image/jpeg', bytes: face.thumbnail! },
        });
        outcomes.push({ fileName, ok: true });
      } catch (error) {
        if (!(error instanceof FacelocalError)) throw error;
        outcomes.push({ fileName, ok: false, error: { code: error.code, message: error.message } });
      }
    }
    return { outcomes, templates };
  }

  private indexTemplates(saved: { id: string; personId: string; embedding: Float32Array }[], outcomes: EnrolPhotoOutcome[]): void {
    const accepted = outcomes.filter((o) => o.ok);
    saved.forEach((t, i) => {
      this.index.add({ templateId: t.id, personId: t.personId, embedding: t.embedding });
      accepted[i].templateId = t.id;
    });
  }

  async identify(photo: PhotoInput): Promise<IdentifyResult> {
    const t0 = performance.now();
    const analysed = await this.analyse(photo, false);
    const { embeddings, embedMs } = await this.embedAnalysed(analysed);
    const faces: IdentifiedFace[] = analysed.faces.map((face, i) => {
      const candidates = this.index.searchPeople(embeddings[i], 5);
      const decision = decideIdentity(candidates, calibration.threshold);
      const named = candidates.map((c) => ({ personId: c.personId, name: this.names.get(c.personId) ?? '?', score: c.score }));
      return {
        ...foundFace(face),
        candidates: named,
        match: decision.kind === 'known'
          ? { kind: 'known', personId: decision.personId, name: this.names.get(decision.personId) ?? '?', score: decision.score, reading: readScore(decision.score, calibration) }
          : { kind: 'unknown', bestScore: decision.bestScore },
      };
    });
    return { width: analysed.width, height: analysed.height, faces, timings: timings(analysed, embedMs, t0) };
  }

  async verify(photoA: PhotoInput, photoB: PhotoInput): Promise<VerifyResult> {
    const [a, b] = [await this.singleFace(photoA, 'first'), await this.singleFace(photoB, 'second')];
    const score = cosineSimilarity(a.embedding, b.embedding);
    const reading = readScore(score, calibration);
    return { score, isMatch: reading.isMatch, reading, faceA: a.face, faceB: b.face };
  }

  private async singleFace(photo: PhotoInput, which: string) {
    const analysed = await this.analyse(photo, false);
    if (analysed.faces.length === 0) throw new FacelocalError('no-face', `No face found in the ${which} photo.`);
    if (analysed.faces.length > 1) throw new FacelocalError('several-faces', `The ${which} photo shows ${analysed.faces.length} faces; choose a photo with one face.`);
    const [embedding] = (await this.embedAnalysed(analysed)).embeddings;
    return { face: foundFace(analysed.faces[0]), embedding };
  }

  async listPeople(): Promise<Person[]> {
    this.assertOpen();
    return (await this.store.listPeople()).map((p) => ({ id: p.id, name: p.name, createdAt: p.createdAt, templateCount: p.templateCount }));
  }

  async renamePerson(personId: string, name: string): Promise<Person> {
    this.assertOpen();
    const renamed = await this.store.renamePerson(personId, name);
    this.names.set(personId, renamed.name);
    const templateCount = (await this.store.templatesOf(personId)).length;
    return { id: renamed.id, name: renamed.name, createdAt: renamed.createdAt, templateCount };
  }

  async deletePerson(personId: string): Promise<void> {
    this.assertOpen();
    await this.store.deletePerson(personId);
    this.index.removePerson(personId);
    this.names.delete(personId);
  }

  async thumbnail(personId: string): Promise<Blob | null> {
    this.assertOpen();
    const [first] = await this.store.templatesOf(personId);
    return first ? new Blob([first.thumbnail.bytes], { type: first.thumbnail.type }) : null;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopWorkers();
    this.store.close();
  }
}

function foundFace(face: AnalysedFace) {
  return { box: face.box, detectionScore: face.score };
}

function timings(analysed: AnalysedPhoto, embedMs: number, start: number): Timings {
  return { decodeMs: analysed.decodeMs, detectMs: analysed.detectMs, embedMs: analysed.alignMs + embedMs, totalMs: performance.now() - start };
}

function nameOf(photo: PhotoInput): string {
  return photo instanceof File ? photo.name : 'This photo';
}
