// The gallery on this device: people (with their consent records), their face templates, the audit log and the
// encryption settings, in IndexedDB through idb. The only module that touches IndexedDB.
// - No consent, no enrolment: the store itself refuses a person without a valid consent record.
// - Every write is one transaction that aborts whole on any failure (a full disk included).
// - With encryption on, names, consent records, templates and thumbnails are sealed with AES-GCM; ids, dates and
//   expiry stay clear so retention can be enforced even while the gallery is locked.
import { openDB, type DBSchema, type IDBPDatabase, type IDBPTransaction } from 'idb';
import type { Box } from '../core/detection-geometry';
import { DAY_MS, consentProblems, expiryOf, type ConsentRecord } from '../core/consent';
import { auditCutoff, type AuditEntry } from '../core/audit';
import { refusalFor, tombstoneKey, type Tombstone, type TombstoneReason } from '../core/tombstone';
import { packRecord, unpackRecord } from '../core/record-packing';
import {
  deriveKey,
  keyMatches,
  makeVerifier,
  newKeyParams,
  seal,
  unseal,
  type KeyParams,
  type Sealed,
} from '../core/sealing';
import { assertTemplate } from '../core/template-check';
import { passphraseProblems } from '../core/passphrase';
import { REVEAL_SECRET_BYTES } from '../core/revealed-id';
import { exclusiveGalleryLock } from './gallery-locks';
import { FacelocalError, outdatedFaces, personNotFound, photoNotFound } from '../types';
import { importFaceModel, splitByModel } from '../core/model-change';

export interface PersonRecord {
  id: string;
  name: string;
  consent: ConsentRecord;
  createdAt: number;
  updatedAt: number;
  /** When retention ends and the person is erased; null: until consent is withdrawn. */
  expiresAt: number | null;
  /** Tombstone key of the export's person id this person was imported from; null: enrolled here. */
  importedFrom: string | null;
  /** Restriction of processing (GDPR Art. 18): kept, never matched, until lifted; null: not restricted. */
  restriction: Restriction | null;
  /** Left out of the people list (still recognised: hiding is about what is shown, not a restriction). */
  hidden: boolean;
  /** The template whose photo represents the person; null: the first with a picture. */
  coverTemplateId: string | null;
}

export interface Restriction {
  since: number;
  /** Why, in the words of whoever asked (e.g. "contests a match on 2 Dec"). */
  reason: string;
}

export interface TemplateRecord {
  id: string;
  personId: string;
  /** L2-normalised face embedding. */
  embedding: Float32Array;
  /** Which model made the embedding: templates from another model cannot be compared. */
  modelId: string;
  sourceName: string;
  box: Box;
  /** The detector's confidence in the face it was made from, 0..1. */
  detectionScore: number;
  createdAt: number;
  /** A small JPEG of the face, as bytes; null when the gallery keeps no thumbnails (data minimisation). */
  thumbnail: Thumbnail | null;
}

export interface Thumbnail {
  type: string;
  bytes: ArrayBuffer;
}

export type NewTemplate = Omit<TemplateRecord, 'id' | 'personId' | 'createdAt'>;

/**
 * A photo-library import. Its faces belong to nobody yet (no consent), so by default they are held only for the
 * browser tab's session: once that session is gone they are erased. Kept on request, for KEPT_IMPORT_DAYS at most.
 */
export interface ImportJobRecord {
  id: string;
  /** The tab session that started it (see facade/tab-session.ts). */
  sessionId: string;
  createdAt: number;
  updatedAt: number;
  keep: boolean;
  /** Why the unnamed faces are kept beyond the session, in the importer's words; null while held for the session. */
  purpose: string | null;
  /** How long a kept import is kept after its last change (at most KEPT_IMPORT_DAYS); null while not kept. */
  retentionDays: number | null;
  /** When a kept import is erased; null while it is held for the session only. */
  expiresAt: number | null;
  /** The user's answers about its faces, which grouping never breaks (absent on imports made before them). */
  constraints: ImportConstraints;
}

/** Face ids of one import (and enrolled person ids) the user said are, or are not, one person. */
export interface ImportConstraints {
  /** "Yes, same person": each set stays in one group. */
  mustLink: string[][];
  /** "No, different people" / "not this person": no group holds a face of `a` and a face of `b`. */
  cannotLink: { a: string[]; b: string[] }[];
  /** These faces are not this enrolled person: never offered as them again. */
  notPerson: { faceIds: string[]; personId: string }[];
}

/** One answer, stored with the group change it makes in one transaction. */
export type ImportAnswer =
  | { kind: 'same'; faceIds: string[] }
  | { kind: 'different'; a: string[]; b: string[] }
  | { kind: 'not-person'; faceIds: string[]; personId: string };

export const NO_CONSTRAINTS: ImportConstraints = { mustLink: [], cannotLink: [], notPerson: [] };

/** Keeping an import's unnamed faces beyond the session needs a reason and a time limit. */
export interface ImportKeeping {
  purpose: string;
  days: number;
}

/** One photo of an import that was read (its faces are committed with it), so a resumed import skips it. */
export interface ImportFileRecord {
  jobId: string;
  /** SHA-256 of the file's path, size and date: recognises the file again without keeping its name in clear. */
  fileKey: string;
  faces: number;
  error: string | null;
  doneAt: number;
}

/** A face found by an import, not yet anyone's template. */
export interface ImportFaceRecord {
  id: string;
  jobId: string;
  fileKey: string;
  createdAt: number;
  /** The group grouping put it in (or the user moved it to); null: not in a group. */
  groupId: string | null;
  /** Why the face is kept out of groups (too small, blurred…); null: usable. */
  problem: string | null;
  fileName: string;
  box: Box;
  detectionScore: number;
  /** L2-normalised face embedding. */
  embedding: Float32Array;
  /**
   * Which model made the embedding: faces of another model are not grouped, compared or enrolled until embedded
   * again. Faces stored before faces recorded it read as UNRECORDED_IMPORT_FACE_MODEL (core/model-change.ts).
   */
  modelId: string;
  /** Null when the gallery keeps no thumbnails: the picture is then held in the tab's memory only. */
  thumbnail: Thumbnail | null;
}

export type NewImportFace = Omit<ImportFaceRecord, 'id' | 'jobId' | 'fileKey' | 'createdAt' | 'groupId'>;
/** An import face embedded again by the running model, from the same photo (see reembedTemplates). */
export interface ImportFaceUpdate {
  faceId: string;
  jobId: string;
  embedding: Float32Array;
  box: Box;
  detectionScore: number;
}
/** Import faces opened per slice (see importFaces). */
const OPEN_SLICE = 500;
/** Kept imports (faces of people who have not consented yet) are erased after at most this many days. */
export const KEPT_IMPORT_DAYS = 30;
const MAX_PURPOSE_LENGTH = 300;
export interface NewPerson {
  name: string;
  consent: ConsentRecord;
}

/** Secret parts, stored packed and (when encryption is on) sealed. */
/** `restriction` is absent on records written before restriction existed. */
type PersonSecret = Pick<PersonRecord, 'name' | 'consent'> & {
  restriction?: Restriction | null;
  hidden?: boolean;
  coverTemplateId?: string | null;
};
/** The detection score is stored under its first name, `quality`, so records of every version read alike. */
type TemplateSecret = Omit<TemplateRecord, 'id' | 'personId' | 'createdAt' | 'detectionScore'> & { quality: number };
type Payload =
  { kind: 'plain'; bytes: Uint8Array } | { kind: 'sealed'; iv: Uint8Array<ArrayBuffer>; data: ArrayBuffer };

/** `importedFrom` is absent on records from before version 3. */
interface StoredPerson {
  id: string;
  createdAt: number;
  updatedAt: number;
  expiresAt: number | null;
  importedFrom?: string | null;
  payload: Payload;
}
interface StoredTemplate {
  id: string;
  personId: string;
  createdAt: number;
  payload: Payload;
}
interface EncryptionSettings {
  key: 'encryption';
  params: KeyParams;
  verifier: Sealed;
}

/** Choices about the whole gallery, shared by its tabs (kept in clear: they say nothing about anyone). */
export interface GalleryPreferences {
  key: 'preferences';
  /** Lock after this long without input (ms; null: never), and/or when the page is hidden. */
  autoLock: { idleMs: number | null; whenHidden: boolean };
  /** Whether enrolments keep a face thumbnail beside each template; null: not chosen yet (asked at first run). */
  thumbnails: 'keep' | 'drop' | null;
}

/** The gallery's secret for ids revealed to widget hosts (src/core/revealed-id.ts); made at first use. */
interface RevealSecret {
  key: 'reveal-secret';
  secret: Uint8Array<ArrayBuffer>;
}

export const DEFAULT_PREFERENCES: GalleryPreferences = {
  key: 'preferences',
  autoLock: { idleMs: null, whenHidden: false },
  thumbnails: null,
};
/** `modelId` is absent on faces stored before faces recorded it. */
type ImportFaceSecret = Pick<ImportFaceRecord, 'fileName' | 'box' | 'detectionScore' | 'embedding' | 'thumbnail'> & {
  modelId?: string;
};
interface StoredImportFace {
  id: string;
  jobId: string;
  fileKey: string;
  createdAt: number;
  groupId: string | null;
  problem: string | null;
  payload: Payload;
}

interface GallerySchema extends DBSchema {
  people: { key: string; value: StoredPerson; indexes: { byExpiry: number } };
  templates: { key: string; value: StoredTemplate; indexes: { byPerson: string } };
  audit: { key: string; value: AuditEntry; indexes: { byTime: number } };
  settings: { key: string; value: EncryptionSettings | GalleryPreferences | RevealSecret };
  importJobs: { key: string; value: ImportJobRecord };
  importFiles: { key: [string, string]; value: ImportFileRecord; indexes: { byJob: string } };
  importFaces: { key: string; value: StoredImportFace; indexes: { byJob: string } };
  tombstones: { key: string; value: Tombstone };
}

type StoreName =
  'people' | 'templates' | 'audit' | 'settings' | 'importJobs' | 'importFiles' | 'importFaces' | 'tombstones';
/** What "erase everything" empties: all but the tombstones, which hold no personal data and keep withdrawals final. */
const ALL_STORES: StoreName[] = [
  'people',
  'templates',
  'audit',
  'settings',
  'importJobs',
  'importFiles',
  'importFaces',
];
const IMPORT_STORES: StoreName[] = ['importJobs', 'importFiles', 'importFaces'];
export const DATABASE_VERSION = 3;
const MAX_NAME_LENGTH = 100;

export interface GalleryStore {
  /** The IndexedDB database's name (cross-tab locks and messages are keyed by it). */
  readonly name: string;
  /** True when encryption is on and no key is in memory: reads of personal data fail with 'locked'. */
  readonly locked: boolean;
  readonly encrypted: boolean;
  addPersonWithTemplates(
    person: NewPerson,
    templates: NewTemplate[],
  ): Promise<{ person: PersonRecord; templates: TemplateRecord[] }>;
  addTemplates(personId: string, templates: NewTemplate[]): Promise<TemplateRecord[]>;
  renamePerson(id: string, name: string): Promise<PersonRecord>;
  /** Shows or hides a person in the people list. */
  setHidden(id: string, hidden: boolean): Promise<PersonRecord>;
  /** Which of the person's photos represents them (one of their templates; 'photo-not-found' otherwise). */
  setCover(id: string, templateId: string): Promise<PersonRecord>;
  /** Replaces the consent record (rectification, or a fresh consent to extend retention). */
  updateConsent(id: string, consent: ConsentRecord): Promise<PersonRecord>;
  /** Restricts processing of a person (kept, never matched) or lifts it (null). */
  setRestriction(id: string, restriction: Restriction | null): Promise<PersonRecord>;
  /** Erases the person and leaves a tombstone (see core/tombstone.ts); works while locked. */
  deletePerson(id: string, reason?: Exclude<TombstoneReason, 'expire'>): Promise<void>;
  deleteTemplate(templateId: string): Promise<void>;
  /**
   * Replaces the embeddings of these templates with ones made by `modelId` from the same photos (after a model
   * change), keeping each template's id, person, photo name and thumbnail; and likewise the embeddings of these
   * import faces (id, group and picture kept). All in one transaction, none if one of them is gone meanwhile
   * ('photo-not-found' for a template, 'import-not-found' for an import face).
   */
  reembedTemplates(
    modelId: string,
    updates: { templateId: string; personId: string; embedding: Float32Array; box: Box; detectionScore: number }[],
    importFaces?: ImportFaceUpdate[],
  ): Promise<TemplateRecord[]>;
  getPerson(id: string): Promise<PersonRecord | undefined>;
  listPeople(): Promise<(PersonRecord & { templateCount: number })[]>;
  templatesOf(personId: string): Promise<TemplateRecord[]>;
  allTemplates(): Promise<TemplateRecord[]>;
  /** The embeddings of these templates, in the same order (undefined for one that is gone), read in one transaction. */
  templateEmbeddings(templateIds: readonly string[]): Promise<(Float32Array | undefined)[]>;
  /** Erases every person whose retention has ended, with their templates; works while locked. Returns their ids. */
  eraseExpired(now?: number): Promise<string[]>;
  /** Adds people from an export, all or nothing; refused ('withdrawn') when one of them has a tombstone. */
  importPeople(people: { person: NewPerson; templates: NewTemplate[]; exportedId: string }[]): Promise<PersonRecord[]>;
  tombstoneCount(): Promise<number>;
  /** How many people are enrolled, without opening their records (works while locked). */
  countPeople(): Promise<number>;
  log(entry: Omit<AuditEntry, 'id' | 'at'>, at?: number): Promise<void>;
  auditLog(): Promise<AuditEntry[]>;
  pruneAudit(now?: number): Promise<number>;
  /** Empties every store. */
  eraseEverything(): Promise<void>;

  // Photo-library imports (faces of nobody yet: see ImportJobRecord).
  createImportJob(sessionId: string): Promise<ImportJobRecord>;
  listImportJobs(): Promise<ImportJobRecord[]>;
  /** The keys of the files an import has already read. */
  importedFileKeys(jobId: string): Promise<Set<string>>;
  /** Commits one photo of an import, its faces with it, in one transaction (their thumbnails only if the gallery keeps them). */
  recordImportedFile(
    jobId: string,
    file: Omit<ImportFileRecord, 'jobId' | 'doneAt'>,
    faces: NewImportFace[],
  ): Promise<ImportFaceRecord[]>;
  importFaces(jobId: string): Promise<ImportFaceRecord[]>;
  /** Adds one face to a photo the import has read (a face the detector missed, boxed by hand). */
  addImportFace(jobId: string, fileKey: string, face: NewImportFace): Promise<ImportFaceRecord>;
  /** How many faces an import holds, without opening them. */
  countImportFaces(jobId: string): Promise<number>;
  /** Puts faces of an import in groups (null: out of any group), all at once; none if one has left the import. */
  setImportGroups(
    jobId: string,
    assignments: { faceId: string; groupId: string | null }[],
    answers?: ImportAnswer[],
  ): Promise<void>;
  /** Keeps an import's faces beyond the session for a purpose and at most KEPT_IMPORT_DAYS, or back to session-only (null). */
  setImportKept(jobId: string, keeping: ImportKeeping | null, now?: number): Promise<ImportJobRecord>;
  discardImport(jobId: string): Promise<void>;
  /** Enrols a person from import faces and removes those faces from the import, in one transaction. */
  enrolFromImport(
    person: NewPerson,
    faceIds: string[],
    modelId: string,
  ): Promise<{ person: PersonRecord; templates: TemplateRecord[] }>;
  /** As enrolFromImport, for a person already enrolled ("these are more photos of them"). */
  addFromImport(
    personId: string,
    faceIds: string[],
    modelId: string,
  ): Promise<{ person: PersonRecord; templates: TemplateRecord[] }>;
  /** Erases imports held for sessions that are gone, and kept imports past their time. Returns how many. */
  eraseStaleImports(liveSessions: ReadonlySet<string>, now?: number): Promise<number>;
  /**
   * Seals everything under a key from the passphrase (refused with the reasons when it is weak). Holds the gallery's
   * cross-tab lock, so it is refused ('busy') while an import runs in any tab; ends with a scan that seals any
   * record written in clear meanwhile. Returns how many such records the scan sealed.
   */
  enableEncryption(
    passphrase: string,
    cost?: Partial<Pick<KeyParams, 'N' | 'r' | 'p'>>,
  ): Promise<{ sealedLate: number }>;
  /** Erases every stored face thumbnail (templates and import faces), keeping everything else. Returns how many. */
  eraseThumbnails(): Promise<number>;
  preferences(): Promise<GalleryPreferences>;
  /** The gallery's reveal secret (made on first use; gone with "erase everything", so revealed ids change then). */
  revealSecret(): Promise<Uint8Array<ArrayBuffer>>;
  setPreferences(change: Partial<Omit<GalleryPreferences, 'key'>>): Promise<GalleryPreferences>;
  /** Re-reads settings another tab may have changed (encryption turned on there locks this tab; erased: off). */
  refreshSettings(): Promise<void>;
  unlock(passphrase: string): Promise<void>;
  lock(): void;
  close(): void;
}

export async function openGalleryStore(
  options: { name?: string; idbFactory?: IDBFactory } = {},
): Promise<GalleryStore> {
  const name = options.name ?? 'facelocal';
  const open = () =>
    openDB<GallerySchema>(name, DATABASE_VERSION, {
      upgrade(database, oldVersion) {
        // One step per version, so each migration reads on its own.
        if (oldVersion < 1) {
          database.createObjectStore('people', { keyPath: 'id' }).createIndex('byExpiry', 'expiresAt');
          database.createObjectStore('templates', { keyPath: 'id' }).createIndex('byPerson', 'personId');
          database.createObjectStore('audit', { keyPath: 'id' }).createIndex('byTime', 'at');
          database.createObjectStore('settings', { keyPath: 'key' });
        }
        if (oldVersion < 2) {
          database.createObjectStore('importJobs', { keyPath: 'id' });
          database.createObjectStore('importFiles', { keyPath: ['jobId', 'fileKey'] }).createIndex('byJob', 'jobId');
          database.createObjectStore('importFaces', { keyPath: 'id' }).createIndex('byJob', 'jobId');
        }
        if (oldVersion < 3) {
          // Existing records are untouched: a person without `importedFrom` was enrolled here.
          database.createObjectStore('tombstones', { keyPath: 'key' });
        }
      },
      blocking(_currentVersion, _blockedVersion, event) {
        // Another tab wants a newer schema: let it upgrade rather than leave both stuck.
        (event.target as IDBDatabase).close();
      },
    });
  const db = options.idbFactory ? await withFactory(options.idbFactory, open) : await open();
  const settings = (await db.get('settings', 'encryption')) as EncryptionSettings | undefined;
  return new IndexedDbGalleryStore(name, db, settings ?? null);
}

/** idb's openDB uses the global indexedDB; tests pass their own factory for isolation. */
async function withFactory<T>(factory: IDBFactory, fn: () => Promise<T>): Promise<T> {
  const saved = Object.getOwnPropertyDescriptor(globalThis, 'indexedDB');
  Object.defineProperty(globalThis, 'indexedDB', { value: factory, configurable: true, writable: true });
  try {
    return await fn();
  } finally {
    if (saved) Object.defineProperty(globalThis, 'indexedDB', saved);
    else delete (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  }
}

function validName(name: string): string {
  const trimmed = name.trim();
  if (!trimmed) throw new FacelocalError('invalid-name', 'Enter a name for this person.');
  if (trimmed.length > MAX_NAME_LENGTH)
    throw new FacelocalError('invalid-name', `Names can be at most ${MAX_NAME_LENGTH} characters long.`);
  return trimmed;
}

function validConsent(consent: ConsentRecord | null | undefined): ConsentRecord {
  const problems = consentProblems(consent);
  if (problems.length || !consent)
    throw new FacelocalError('consent-required', `No valid consent, so nothing was stored: ${problems.join(' ')}`);
  return consent;
}

/** Turns a quota failure, wherever IndexedDB reports it, into the message people need. */
function storageError(error: unknown): unknown {
  if ((error as { name?: string } | null)?.name === 'QuotaExceededError') {
    return new FacelocalError(
      'storage-full',
      'Not enough storage space on this device: nothing was saved. Free some space or delete people you no longer need.',
      { cause: error },
    );
  }
  return error;
}

type WriteTransaction = IDBPTransaction<GallerySchema, StoreName[], 'readwrite'>;

/**
 * Runs `work` in one readwrite transaction and waits for it to commit. Any failure aborts the whole transaction.
 * `work` must only await IndexedDB requests (anything else lets the transaction auto-commit), so payloads are
 * sealed before and opened after.
 */
async function writeTransaction<T>(
  db: IDBPDatabase<GallerySchema>,
  stores: StoreName[],
  work: (tx: WriteTransaction) => Promise<T>,
): Promise<T> {
  const tx = db.transaction(stores, 'readwrite');
  try {
    const result = await work(tx);
    await tx.done;
    return result;
  } catch (error) {
    try {
      tx.abort();
    } catch {
      // already finished or aborted
    }
    await tx.done.catch(() => undefined);
    throw storageError(error);
  }
}

class IndexedDbGalleryStore implements GalleryStore {
  private key: CryptoKey | null = null;

  constructor(
    readonly name: string,
    private readonly db: IDBPDatabase<GallerySchema>,
    private settings: EncryptionSettings | null,
  ) {}

  get encrypted() {
    return this.settings !== null;
  }

  get locked() {
    return this.settings !== null && this.key === null;
  }

  private async encode(secret: object, context: string): Promise<Payload> {
    const bytes = packRecord(secret);
    if (!this.settings) return { kind: 'plain', bytes };
    if (!this.key) throw lockedError();
    const sealed = await seal(this.key, bytes, context);
    return { kind: 'sealed', iv: sealed.iv, data: sealed.data };
  }

  private async decode<T>(payload: Payload, context: string): Promise<T> {
    if (payload.kind === 'plain') {
      // Once encryption is on, every payload is sealed (enableEncryption's scan sees to it): one in clear was not
      // written by this app, so it is refused rather than trusted.
      if (this.settings)
        throw new FacelocalError(
          'tampered',
          'A record in this gallery is stored unencrypted although encryption is on, so it was not read. It was not written by Facelocal: erase it, or erase everything and import an export.',
        );
      return unpackRecord<T>(payload.bytes);
    }
    if (!this.key) throw lockedError();
    return unpackRecord<T>(await unseal(this.key, payload, context));
  }

  /**
   * A write of payloads encoded before the transaction: it first checks, inside the transaction, that encryption
   * is still as it was when they were encoded. Another tab may have turned it on meanwhile; a payload in clear
   * must then not land, so the write fails whole and this store locks.
   */
  private async payloadWrite<T>(stores: StoreName[], work: (tx: WriteTransaction) => Promise<T>): Promise<T> {
    const encodedUnder = this.settings;
    try {
      return await writeTransaction(this.db, [...stores, 'settings'], async (tx) => {
        const now = ((await tx.objectStore('settings').get('encryption')) as EncryptionSettings | undefined) ?? null;
        if (!sameSettings(now, encodedUnder)) throw new SettingsChanged(now);
        return work(tx);
      });
    } catch (error) {
      if (!(error instanceof SettingsChanged)) throw error;
      this.settings = error.settings;
      this.key = null;
      throw new FacelocalError(
        'locked',
        'Encryption was turned on in another tab, so nothing was saved: enter the passphrase and try again.',
      );
    }
  }

  private async person(stored: StoredPerson): Promise<PersonRecord> {
    const secret = await this.decode<PersonSecret>(stored.payload, `person:${stored.id}`);
    return {
      id: stored.id,
      createdAt: stored.createdAt,
      updatedAt: stored.updatedAt,
      expiresAt: stored.expiresAt,
      importedFrom: stored.importedFrom ?? null,
      ...secret,
      restriction: secret.restriction ?? null,
      hidden: secret.hidden ?? false,
      coverTemplateId: secret.coverTemplateId ?? null,
    };
  }

  private async template(stored: StoredTemplate): Promise<TemplateRecord> {
    const { quality, ...secret } = await this.decode<TemplateSecret>(stored.payload, `template:${stored.id}`);
    return {
      id: stored.id,
      personId: stored.personId,
      createdAt: stored.createdAt,
      ...secret,
      detectionScore: quality,
    };
  }

  private async storedPerson(p: PersonRecord): Promise<StoredPerson> {
    const secret: PersonSecret = {
      name: p.name,
      consent: p.consent,
      restriction: p.restriction,
      hidden: p.hidden,
      coverTemplateId: p.coverTemplateId,
    };
    return {
      id: p.id,
      createdAt: p.createdAt,
      updatedAt: p.updatedAt,
      expiresAt: p.expiresAt,
      importedFrom: p.importedFrom,
      payload: await this.encode(secret, `person:${p.id}`),
    };
  }

  private async storedTemplate(t: TemplateRecord): Promise<StoredTemplate> {
    const { id, personId, createdAt, detectionScore, ...rest } = t;
    const secret: TemplateSecret = { ...rest, quality: detectionScore };
    return { id, personId, createdAt, payload: await this.encode(secret, `template:${id}`) };
  }

  private newTemplates(
    personId: string,
    templates: NewTemplate[],
    now: number,
    keepThumbnails: boolean,
  ): TemplateRecord[] {
    // Checked before anything is sealed or written: a forged template would outscore every honest one.
    templates.forEach((t, i) =>
      assertTemplate(t.embedding, `Face template ${i + 1} was refused, so nothing was stored`),
    );
    // A copy, not a view into a larger buffer, so exactly the embedding is stored.
    return templates.map((t) => ({
      ...t,
      embedding: new Float32Array(t.embedding),
      id: crypto.randomUUID(),
      personId,
      createdAt: now,
      thumbnail: keepThumbnails ? t.thumbnail : null,
    }));
  }

  /**
   * Whether face thumbnails may be stored: the store itself drops them when the gallery keeps none, whoever calls.
   * Not chosen yet (null): kept, as before the setting existed; the app asks at first run.
   */
  private async keepsThumbnails(): Promise<boolean> {
    return (await this.preferences()).thumbnails !== 'drop';
  }

  private newPerson(input: NewPerson, now: number): PersonRecord {
    const consent = validConsent(input.consent);
    return {
      id: crypto.randomUUID(),
      name: validName(input.name),
      consent,
      createdAt: now,
      updatedAt: now,
      expiresAt: expiryOf(consent),
      importedFrom: null,
      restriction: null,
      hidden: false,
      coverTemplateId: null,
    };
  }

  async addPersonWithTemplates(input: NewPerson, templates: NewTemplate[]) {
    const [saved] = await this.insertPeople([{ person: input, templates }]);
    return saved;
  }

  async importPeople(people: { person: NewPerson; templates: NewTemplate[]; exportedId: string }[]) {
    const keys = await Promise.all(people.map((p) => tombstoneKey(p.exportedId)));
    return (await this.insertPeople(people, keys)).map((r) => r.person);
  }

  /** `importedFrom[i]`: the tombstone key of person i's id in the export it comes from (refused if it has one). */
  private async insertPeople(people: { person: NewPerson; templates: NewTemplate[] }[], importedFrom?: string[]) {
    const now = Date.now();
    const keep = await this.keepsThumbnails();
    const records = people.map(({ person, templates }, i) => {
      const p = { ...this.newPerson(person, now), importedFrom: importedFrom?.[i] ?? null };
      return { person: p, templates: this.newTemplates(p.id, templates, now, keep) };
    });
    const stored = await Promise.all(
      records.map(async (r) => ({
        person: await this.storedPerson(r.person),
        templates: await Promise.all(r.templates.map((t) => this.storedTemplate(t))),
      })),
    );
    await this.payloadWrite(['people', 'templates', 'tombstones'], async (tx) => {
      for (const [i, key] of (importedFrom ?? []).entries()) {
        const tombstone = await tx.objectStore('tombstones').get(key);
        if (tombstone)
          throw new FacelocalError(
            'withdrawn',
            `This file cannot be imported, so nothing was changed: people.${i} (${people[i].person.name}): ${refusalFor(tombstone, people[i].person.name)}`,
          );
      }
      for (const r of stored) {
        await tx.objectStore('people').add(r.person);
        for (const t of r.templates) await tx.objectStore('templates').add(t);
      }
    });
    return records;
  }

  async countPeople() {
    return this.db.count('people');
  }

  async tombstoneCount() {
    return this.db.count('tombstones');
  }

  async addTemplates(personId: string, templates: NewTemplate[]) {
    await this.requirePerson(personId); // fails 'locked' before sealing, 'person-not-found' before any work
    const now = Date.now();
    const records = this.newTemplates(personId, templates, now, await this.keepsThumbnails());
    const stored = await Promise.all(records.map((t) => this.storedTemplate(t)));
    await this.payloadWrite(['people', 'templates'], async (tx) => {
      const current = await tx.objectStore('people').get(personId);
      if (!current) throw personNotFound();
      await tx.objectStore('people').put({ ...current, updatedAt: now });
      for (const t of stored) await tx.objectStore('templates').add(t);
    });
    return records;
  }

  private async requirePerson(id: string): Promise<PersonRecord> {
    const stored = await this.db.get('people', id);
    if (!stored) throw personNotFound();
    return this.person(stored);
  }

  private async replacePerson(updated: PersonRecord): Promise<PersonRecord> {
    const stored = await this.storedPerson(updated);
    await this.payloadWrite(['people'], async (tx) => {
      if (!(await tx.objectStore('people').get(updated.id))) throw personNotFound();
      await tx.objectStore('people').put(stored);
    });
    return updated;
  }

  async renamePerson(id: string, name: string) {
    const validated = validName(name);
    const person = await this.requirePerson(id);
    // Rectification: the consent record names the person too, so it follows the new name (a typed signature stays
    // as they typed it: it is what they signed).
    return this.replacePerson({
      ...person,
      name: validated,
      consent: { ...person.consent, subjectName: validated },
      updatedAt: Date.now(),
    });
  }

  async updateConsent(id: string, consent: ConsentRecord) {
    const valid = validConsent(consent);
    const person = await this.requirePerson(id);
    return this.replacePerson({ ...person, consent: valid, expiresAt: expiryOf(valid), updatedAt: Date.now() });
  }

  async setHidden(id: string, hidden: boolean) {
    const person = await this.requirePerson(id);
    return this.replacePerson({ ...person, hidden: hidden === true, updatedAt: Date.now() });
  }

  async setCover(id: string, templateId: string) {
    const person = await this.requirePerson(id);
    const template = await this.db.get('templates', templateId);
    if (!template || template.personId !== id) throw photoNotFound();
    return this.replacePerson({ ...person, coverTemplateId: templateId, updatedAt: Date.now() });
  }

  async setRestriction(id: string, restriction: Restriction | null) {
    if (restriction && !restriction.reason.trim())
      throw new FacelocalError(
        'reason-required',
        'Say why processing is restricted (who asked, and what they contest).',
      );
    const person = await this.requirePerson(id);
    const value = restriction ? { since: restriction.since, reason: restriction.reason.trim().slice(0, 500) } : null;
    return this.replacePerson({ ...person, restriction: value, updatedAt: Date.now() });
  }

  async deletePerson(id: string, reason: Exclude<TombstoneReason, 'expire'> = 'delete') {
    const own = await tombstoneKey(id);
    const at = Date.now();
    await writeTransaction(this.db, ['people', 'templates', 'tombstones'], async (tx) => {
      const stored = await tx.objectStore('people').get(id);
      if (!stored) throw personNotFound();
      await erasePersonIn(tx, id);
      for (const key of [own, stored.importedFrom ?? null])
        if (key) await tx.objectStore('tombstones').put({ key, at, reason });
    });
  }

  async deleteTemplate(templateId: string) {
    await writeTransaction(this.db, ['templates'], async (tx) => {
      if (!(await tx.objectStore('templates').get(templateId))) throw photoNotFound();
      await tx.objectStore('templates').delete(templateId);
    });
  }

  async reembedTemplates(
    modelId: string,
    updates: { templateId: string; personId: string; embedding: Float32Array; box: Box; detectionScore: number }[],
    importFaces: ImportFaceUpdate[] = [],
  ) {
    [...updates, ...importFaces].forEach((u, i) =>
      assertTemplate(u.embedding, `Face ${i + 1} was refused, so nothing was stored`),
    );
    const now = Date.now();
    const records: TemplateRecord[] = [];
    for (const u of updates) {
      const stored = await this.db.get('templates', u.templateId);
      if (!stored || stored.personId !== u.personId) throw photoNotFound();
      records.push(reembedded(await this.template(stored), u, modelId));
    }
    const faces: ImportFaceRecord[] = [];
    for (const u of importFaces) {
      const stored = await this.db.get('importFaces', u.faceId);
      if (!stored || stored.jobId !== u.jobId) throw importGone();
      faces.push(reembedded(await this.importFace(stored), u, modelId));
    }
    const sealed = await Promise.all(records.map((t) => this.storedTemplate(t)));
    const sealedFaces = await Promise.all(faces.map((f) => this.storedImportFace(f)));
    const people = [...new Set(records.map((t) => t.personId))];
    // The import is not touched: a new model's embeddings are no reason to hold unnamed faces any longer.
    await this.payloadWrite(['people', 'templates', 'importFaces'], async (tx) => {
      for (const t of sealed) {
        const current = await tx.objectStore('templates').get(t.id);
        if (!current || current.personId !== t.personId) throw photoNotFound(); // removed meanwhile
        await tx.objectStore('templates').put(t);
      }
      for (const f of sealedFaces) {
        const current = await tx.objectStore('importFaces').get(f.id);
        if (!current || current.jobId !== f.jobId) throw importGone(); // enrolled or discarded meanwhile
        // The group it is in now (the user may have moved it meanwhile), with the new embedding.
        await tx.objectStore('importFaces').put({ ...f, groupId: current.groupId, problem: current.problem });
      }
      for (const id of people) {
        const person = await tx.objectStore('people').get(id);
        if (!person) throw personNotFound();
        await tx.objectStore('people').put({ ...person, updatedAt: now });
      }
    });
    return records;
  }

  async getPerson(id: string) {
    const stored = await this.db.get('people', id);
    return stored ? this.person(stored) : undefined;
  }

  async listPeople() {
    const tx = this.db.transaction(['people', 'templates'], 'readonly');
    const stored = await tx.objectStore('people').getAll();
    const byPerson = tx.objectStore('templates').index('byPerson');
    const counts = await Promise.all(stored.map((p) => byPerson.count(p.id)));
    await tx.done;
    const people = await Promise.all(
      stored.map(async (p, i) => ({ ...(await this.person(p)), templateCount: counts[i] })),
    );
    return people.sort(
      (a, b) => a.name.localeCompare(b.name, undefined, { sensitivity: 'base' }) || a.createdAt - b.createdAt,
    );
  }

  async templatesOf(personId: string) {
    const stored = await this.db.getAllFromIndex('templates', 'byPerson', personId);
    const templates = await Promise.all(stored.map((t) => this.template(t)));
    return templates.sort((a, b) => a.createdAt - b.createdAt);
  }

  async allTemplates() {
    return Promise.all((await this.db.getAll('templates')).map((t) => this.template(t)));
  }

  async templateEmbeddings(templateIds: readonly string[]) {
    const tx = this.db.transaction('templates', 'readonly');
    const stored = await Promise.all(templateIds.map((id) => tx.store.get(id)));
    await tx.done;
    return Promise.all(stored.map(async (t) => (t ? (await this.template(t)).embedding : undefined)));
  }

  async eraseExpired(now = Date.now()) {
    // expiresAt is clear text (null sorts out of a numeric range), so this works while locked. Tombstone keys are
    // hashed before the write transaction (a hash inside it would let it commit early).
    const due = await this.db.getAllFromIndex('people', 'byExpiry', IDBKeyRange.upperBound(now));
    const keys = new Map(await Promise.all(due.map(async (p) => [p.id, await tombstoneKey(p.id)] as const)));
    return writeTransaction(this.db, ['people', 'templates', 'tombstones'], async (tx) => {
      const expired = await tx.objectStore('people').index('byExpiry').getAll(IDBKeyRange.upperBound(now));
      const erased: string[] = [];
      for (const p of expired) {
        const own = keys.get(p.id);
        if (!own) continue; // expired between the two reads: the next check erases it
        await erasePersonIn(tx, p.id);
        for (const key of [own, p.importedFrom ?? null])
          if (key) await tx.objectStore('tombstones').put({ key, at: now, reason: 'expire' });
        erased.push(p.id);
      }
      return erased;
    });
  }

  async log(entry: Omit<AuditEntry, 'id' | 'at'>, at = Date.now()) {
    await writeTransaction(this.db, ['audit'], async (tx) => {
      await tx.objectStore('audit').add({ ...entry, id: crypto.randomUUID(), at });
    });
  }

  async auditLog() {
    return this.db.getAllFromIndex('audit', 'byTime');
  }

  async pruneAudit(now = Date.now()) {
    return writeTransaction(this.db, ['audit'], async (tx) => {
      const old = await tx
        .objectStore('audit')
        .index('byTime')
        .getAllKeys(IDBKeyRange.upperBound(auditCutoff(now), true));
      for (const id of old) await tx.objectStore('audit').delete(id);
      return old.length;
    });
  }

  async eraseEverything() {
    await writeTransaction(this.db, ALL_STORES, async (tx) => {
      for (const store of ALL_STORES) await tx.objectStore(store).clear();
    });
    this.settings = null;
    this.key = null;
  }

  async createImportJob(sessionId: string) {
    const now = Date.now();
    const job: ImportJobRecord = {
      id: crypto.randomUUID(),
      sessionId,
      createdAt: now,
      updatedAt: now,
      keep: false,
      purpose: null,
      retentionDays: null,
      expiresAt: null,
      constraints: NO_CONSTRAINTS,
    };
    await writeTransaction(this.db, ['importJobs'], async (tx) => {
      await tx.objectStore('importJobs').add(job);
    });
    return job;
  }

  async listImportJobs() {
    // Records from before purposes existed lack the two fields.
    return (await this.db.getAll('importJobs'))
      .map((j) => ({
        ...j,
        purpose: j.purpose ?? null,
        retentionDays: j.retentionDays ?? null,
        constraints: j.constraints ?? NO_CONSTRAINTS,
      }))
      .sort((a, b) => a.createdAt - b.createdAt);
  }

  async importedFileKeys(jobId: string) {
    const files = await this.db.getAllFromIndex('importFiles', 'byJob', jobId);
    return new Set(files.map((f) => f.fileKey));
  }

  async recordImportedFile(jobId: string, file: Omit<ImportFileRecord, 'jobId' | 'doneAt'>, faces: NewImportFace[]) {
    faces.forEach((f, i) =>
      assertTemplate(f.embedding, `Face ${i + 1} of this photo was refused, so nothing of it was stored`),
    );
    const now = Date.now();
    const keep = await this.keepsThumbnails();
    const records: ImportFaceRecord[] = faces.map((f) => ({
      ...f,
      embedding: new Float32Array(f.embedding),
      id: crypto.randomUUID(),
      jobId,
      fileKey: file.fileKey,
      createdAt: now,
      groupId: null,
      thumbnail: keep ? f.thumbnail : null,
    }));
    const stored = await Promise.all(records.map((r) => this.storedImportFace(r)));
    await this.payloadWrite(IMPORT_STORES, async (tx) => {
      const job = await tx.objectStore('importJobs').get(jobId);
      if (!job) throw importGone();
      await tx.objectStore('importJobs').put(touchJob(job, now));
      await tx.objectStore('importFiles').put({ ...file, jobId, doneAt: now });
      for (const face of stored) await tx.objectStore('importFaces').add(face);
    });
    return records;
  }

  async importFaces(jobId: string) {
    const stored = await this.db.getAllFromIndex('importFaces', 'byJob', jobId);
    // Opened in slices with a pause between: 10,000 faces at once held the page for most of a second.
    const faces: ImportFaceRecord[] = [];
    for (let start = 0; start < stored.length; start += OPEN_SLICE) {
      if (start > 0) await new Promise((resolve) => setTimeout(resolve, 0));
      faces.push(...(await Promise.all(stored.slice(start, start + OPEN_SLICE).map((f) => this.importFace(f)))));
    }
    return faces.sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  }

  async addImportFace(jobId: string, fileKey: string, face: NewImportFace) {
    assertTemplate(face.embedding, 'This face was refused, so nothing was stored');
    const now = Date.now();
    const record: ImportFaceRecord = {
      ...face,
      embedding: new Float32Array(face.embedding),
      id: crypto.randomUUID(),
      jobId,
      fileKey,
      createdAt: now,
      groupId: null,
      thumbnail: (await this.keepsThumbnails()) ? face.thumbnail : null,
    };
    const stored = await this.storedImportFace(record);
    await this.payloadWrite(IMPORT_STORES, async (tx) => {
      const job = await tx.objectStore('importJobs').get(jobId);
      const file = await tx.objectStore('importFiles').get([jobId, fileKey]);
      if (!job || !file) throw importGone();
      await tx.objectStore('importJobs').put(touchJob(job, now));
      await tx.objectStore('importFiles').put({ ...file, faces: file.faces + 1 });
      await tx.objectStore('importFaces').add(stored);
    });
    return record;
  }

  async countImportFaces(jobId: string) {
    return this.db.countFromIndex('importFaces', 'byJob', jobId);
  }

  async setImportGroups(
    jobId: string,
    assignments: { faceId: string; groupId: string | null }[],
    answers: ImportAnswer[] = [],
  ) {
    await writeTransaction(this.db, ['importFaces', 'importJobs'], async (tx) => {
      for (const { faceId, groupId } of assignments) {
        const face = await tx.objectStore('importFaces').get(faceId);
        if (!face || face.jobId !== jobId) throw importGone();
        await tx.objectStore('importFaces').put({ ...face, groupId });
      }
      if (answers.length === 0) return;
      const job = await tx.objectStore('importJobs').get(jobId);
      if (!job) throw importGone();
      await tx
        .objectStore('importJobs')
        .put({ ...job, constraints: answers.reduce(withAnswer, job.constraints ?? NO_CONSTRAINTS) });
    });
  }

  async setImportKept(jobId: string, keeping: ImportKeeping | null, now = Date.now()) {
    const valid = keeping && validKeeping(keeping);
    return writeTransaction(this.db, ['importJobs'], async (tx) => {
      const job = await tx.objectStore('importJobs').get(jobId);
      if (!job) throw importGone();
      const updated = touchJob(
        { ...job, keep: valid !== null, purpose: valid?.purpose ?? null, retentionDays: valid?.days ?? null },
        now,
      );
      await tx.objectStore('importJobs').put(updated);
      return updated;
    });
  }

  async discardImport(jobId: string) {
    await writeTransaction(this.db, IMPORT_STORES, (tx) => eraseImportIn(tx, jobId));
  }

  async enrolFromImport(input: NewPerson, faceIds: string[], modelId: string) {
    return this.templatesFromImport(this.newPerson(input, Date.now()), 'new', faceIds, modelId);
  }

  async addFromImport(personId: string, faceIds: string[], modelId: string) {
    return this.templatesFromImport(await this.requirePerson(personId), 'existing', faceIds, modelId);
  }

  /** Import faces become templates of a person (new or already enrolled) and leave the import: one transaction. */
  private async templatesFromImport(
    person: PersonRecord,
    which: 'new' | 'existing',
    faceIds: string[],
    modelId: string,
  ) {
    const now = Date.now();
    const faces = await Promise.all(
      faceIds.map(async (id) => {
        const stored = await this.db.get('importFaces', id);
        if (!stored) throw importGone();
        return this.importFace(stored);
      }),
    );
    // A template records the model that made its embedding: one of another model's faces would claim the wrong one.
    const others = splitByModel(faces, modelId).fromModels;
    if (others.length) throw outdatedFaces(others);
    const templates = this.newTemplates(
      person.id,
      faces.map((f) => ({
        embedding: f.embedding,
        modelId,
        sourceName: f.fileName,
        box: f.box,
        detectionScore: f.detectionScore,
        thumbnail: f.thumbnail,
      })),
      now,
      await this.keepsThumbnails(),
    );
    const updated = which === 'new' ? person : { ...person, updatedAt: now };
    const storedPerson = await this.storedPerson(updated);
    const storedTemplates = await Promise.all(templates.map((t) => this.storedTemplate(t)));
    await this.payloadWrite(['people', 'templates', 'importFaces'], async (tx) => {
      if (which === 'new') await tx.objectStore('people').add(storedPerson);
      else if (!(await tx.objectStore('people').get(person.id)))
        throw personNotFound(); // erased meanwhile
      else await tx.objectStore('people').put(storedPerson);
      for (const t of storedTemplates) await tx.objectStore('templates').add(t);
      for (const id of faceIds) {
        if (!(await tx.objectStore('importFaces').get(id))) throw importGone(); // taken by another tab meanwhile
        await tx.objectStore('importFaces').delete(id);
      }
    });
    return { person: updated, templates };
  }

  async eraseStaleImports(liveSessions: ReadonlySet<string>, now = Date.now()) {
    return writeTransaction(this.db, IMPORT_STORES, async (tx) => {
      // Kept only with a recorded purpose: a kept import without one (made before purposes were asked) is held
      // for its session like any other.
      const stale = (await tx.objectStore('importJobs').getAll()).filter((j) =>
        j.keep && j.purpose ? j.expiresAt !== null && j.expiresAt <= now : !liveSessions.has(j.sessionId),
      );
      for (const job of stale) await eraseImportIn(tx, job.id);
      return stale.length;
    });
  }

  private async storedImportFace(f: ImportFaceRecord): Promise<StoredImportFace> {
    const { id, jobId, fileKey, createdAt, groupId, problem, ...secret } = f;
    return { id, jobId, fileKey, createdAt, groupId, problem, payload: await this.encode(secret, `importface:${id}`) };
  }

  private async importFace(stored: StoredImportFace): Promise<ImportFaceRecord> {
    const { payload, ...clear } = stored;
    const { modelId, ...secret } = await this.decode<ImportFaceSecret>(payload, `importface:${stored.id}`);
    return { ...clear, ...secret, modelId: importFaceModel(modelId) };
  }

  async enableEncryption(passphrase: string, cost?: Partial<Pick<KeyParams, 'N' | 'r' | 'p'>>) {
    if (this.settings) throw new FacelocalError('invalid-passphrase', 'Encryption is already on.');
    const weak = passphraseProblems(passphrase);
    if (weak.length) throw new FacelocalError('invalid-passphrase', `This passphrase was refused: ${weak.join(' ')}`);
    return exclusiveGalleryLock(this.name, async () => {
      await this.refreshSettings();
      if (this.settings)
        throw new FacelocalError('invalid-passphrase', 'Encryption is already on (it was turned on in another tab).');
      const people = await this.listPeople();
      const templates = await this.allTemplates();
      const importFaces = await Promise.all((await this.db.getAll('importFaces')).map((f) => this.importFace(f)));
      const params = newKeyParams(cost);
      const key = await deriveKey(passphrase, params);
      const settings: EncryptionSettings = { key: 'encryption', params, verifier: await makeVerifier(key) };
      // Seal everything with the new key, then swap it all in one transaction.
      this.settings = settings;
      this.key = key;
      try {
        const storedPeople = await Promise.all(people.map(({ templateCount: _count, ...p }) => this.storedPerson(p)));
        const storedTemplates = await Promise.all(templates.map((t) => this.storedTemplate(t)));
        const storedImportFaces = await Promise.all(importFaces.map((f) => this.storedImportFace(f)));
        await writeTransaction(this.db, ['people', 'templates', 'importFaces', 'settings'], async (tx) => {
          if (await tx.objectStore('settings').get('encryption'))
            throw new FacelocalError(
              'invalid-passphrase',
              'Encryption is already on (it was turned on in another tab).',
            );
          // Only the payload is swapped, and only where the record is as it was read: a record another tab erased
          // meanwhile stays erased, one it changed keeps its change (and is sealed by the scan below).
          for (const p of storedPeople) {
            const current = await tx.objectStore('people').get(p.id);
            if (current && current.updatedAt === p.updatedAt)
              await tx.objectStore('people').put({ ...current, payload: p.payload });
          }
          for (const t of storedTemplates) {
            const current = await tx.objectStore('templates').get(t.id);
            if (current) await tx.objectStore('templates').put({ ...current, payload: t.payload });
          }
          for (const f of storedImportFaces) {
            const current = await tx.objectStore('importFaces').get(f.id);
            if (current) await tx.objectStore('importFaces').put({ ...current, payload: f.payload });
          }
          await tx.objectStore('settings').put(settings);
        });
      } catch (error) {
        this.settings = null;
        this.key = null;
        throw error;
      }
      return { sealedLate: await this.sealRecordsLeftInClear(key) };
    });
  }

  /**
   * Seals every payload still in clear: written by another tab between the reads above and the swap (writes after
   * the swap are refused, see payloadWrite). Repeats until a pass finds none. Returns how many it sealed.
   */
  private async sealRecordsLeftInClear(key: CryptoKey): Promise<number> {
    let sealed = 0;
    for (;;) {
      let found = 0;
      for (const store of ['people', 'templates', 'importFaces'] as const) {
        const plain = (await this.db.getAll(store)).filter((r) => r.payload.kind === 'plain');
        found += plain.length;
        const prefix = store === 'people' ? 'person' : store === 'templates' ? 'template' : 'importface';
        const resealed = await Promise.all(
          plain.map(async (r) => {
            const bytes = (r.payload as { bytes: Uint8Array<ArrayBuffer> }).bytes;
            const s = await seal(key, bytes, `${prefix}:${r.id}`);
            return { id: r.id, bytes, payload: { kind: 'sealed', iv: s.iv, data: s.data } as Payload };
          }),
        );
        await writeTransaction(this.db, [store], async (tx) => {
          const os = tx.objectStore(store);
          for (const r of resealed) {
            const current = await os.get(r.id);
            // Still the same clear payload: seal it. Changed meanwhile: the next pass looks again.
            if (current?.payload.kind === 'plain' && sameBytes(current.payload.bytes, r.bytes)) {
              await (os as unknown as IDBObjectStoreLike).put({ ...current, payload: r.payload });
              sealed++;
            }
          }
        });
      }
      if (found === 0) return sealed;
    }
  }

  async eraseThumbnails() {
    // Opened and re-encoded before the write (sealing cannot run inside it); a record changed meanwhile keeps its
    // change and is caught by the next call (the setting is off by then, so new records carry none).
    const templates = (await this.allTemplates()).filter((t) => t.thumbnail !== null);
    const faces = (await Promise.all((await this.db.getAll('importFaces')).map((f) => this.importFace(f)))).filter(
      (f) => f.thumbnail !== null,
    );
    const storedTemplates = await Promise.all(templates.map((t) => this.storedTemplate({ ...t, thumbnail: null })));
    const storedFaces = await Promise.all(faces.map((f) => this.storedImportFace({ ...f, thumbnail: null })));
    return this.payloadWrite(['templates', 'importFaces'], async (tx) => {
      let erased = 0;
      for (const t of storedTemplates) {
        if (!(await tx.objectStore('templates').get(t.id))) continue; // erased meanwhile
        await tx.objectStore('templates').put(t);
        erased++;
      }
      for (const f of storedFaces) {
        const current = await tx.objectStore('importFaces').get(f.id);
        if (!current) continue;
        await tx.objectStore('importFaces').put({ ...current, payload: f.payload });
        erased++;
      }
      return erased;
    });
  }

  async preferences() {
    const stored = (await this.db.get('settings', 'preferences')) as GalleryPreferences | undefined;
    return { ...DEFAULT_PREFERENCES, ...stored };
  }

  async revealSecret() {
    return writeTransaction(this.db, ['settings'], async (tx) => {
      const stored = (await tx.objectStore('settings').get('reveal-secret')) as RevealSecret | undefined;
      if (stored) return new Uint8Array(stored.secret);
      const secret = crypto.getRandomValues(new Uint8Array(REVEAL_SECRET_BYTES));
      await tx.objectStore('settings').put({ key: 'reveal-secret', secret });
      return secret;
    });
  }

  async setPreferences(change: Partial<Omit<GalleryPreferences, 'key'>>) {
    const idle = change.autoLock?.idleMs;
    if (idle !== undefined && idle !== null && !(Number.isFinite(idle) && idle >= 1000)) {
      throw new FacelocalError('invalid-setting', 'The idle time before locking must be at least one second.');
    }
    return writeTransaction(this.db, ['settings'], async (tx) => {
      const current = {
        ...DEFAULT_PREFERENCES,
        ...((await tx.objectStore('settings').get('preferences')) as GalleryPreferences | undefined),
      };
      const updated: GalleryPreferences = { ...current, ...change, key: 'preferences' };
      await tx.objectStore('settings').put(updated);
      return updated;
    });
  }

  async refreshSettings() {
    const settings = ((await this.db.get('settings', 'encryption')) as EncryptionSettings | undefined) ?? null;
    if (JSON.stringify(settings?.params ?? null) !== JSON.stringify(this.settings?.params ?? null)) {
      this.settings = settings;
      this.key = null;
    }
  }

  async unlock(passphrase: string) {
    if (!this.settings) return;
    const key = await deriveKey(passphrase, this.settings.params);
    if (!(await keyMatches(key, this.settings.verifier)))
      throw new FacelocalError('wrong-passphrase', 'Wrong passphrase: nothing was unlocked.');
    this.key = key;
  }

  lock() {
    this.key = null;
  }

  close() {
    this.key = null;
    this.db.close();
  }
}

async function erasePersonIn(tx: WriteTransaction, personId: string): Promise<void> {
  const templateIds = await tx.objectStore('templates').index('byPerson').getAllKeys(personId);
  await tx.objectStore('people').delete(personId);
  for (const k of templateIds) await tx.objectStore('templates').delete(k);
}

async function eraseImportIn(tx: WriteTransaction, jobId: string): Promise<void> {
  for (const k of await tx.objectStore('importFaces').index('byJob').getAllKeys(jobId))
    await tx.objectStore('importFaces').delete(k);
  for (const k of await tx.objectStore('importFiles').index('byJob').getAllKeys(jobId))
    await tx.objectStore('importFiles').delete(k);
  await tx.objectStore('importJobs').delete(jobId);
}

/** A kept import's time runs from its last change. */
/**
 * The constraints after one more answer. The latest answer wins: a "No" takes its faces out of any "Yes" that held
 * both sides, so a face first merged and then removed is not pulled back; a "Yes" drops a "No" between its faces.
 */
function withAnswer(c: ImportConstraints, answer: ImportAnswer): ImportConstraints {
  switch (answer.kind) {
    case 'same': {
      const faces = new Set(answer.faceIds);
      // Sets sharing a face become one set, so a face is in at most one.
      const touching = c.mustLink.filter((set) => set.some((f) => faces.has(f)));
      for (const set of touching) for (const f of set) faces.add(f);
      // ...and a "No" between these faces is overruled.
      const cannotLink = c.cannotLink.filter(
        ({ a, b }) => !(a.some((f) => faces.has(f)) && b.some((f) => faces.has(f))),
      );
      return { ...c, mustLink: [...c.mustLink.filter((set) => !touching.includes(set)), [...faces]], cannotLink };
    }
    case 'different': {
      const a = new Set(answer.a),
        b = new Set(answer.b);
      const mustLink = c.mustLink
        .map((set) => (set.some((f) => a.has(f)) && set.some((f) => b.has(f)) ? set.filter((f) => !a.has(f)) : set))
        .filter((set) => set.length > 1);
      return { ...c, mustLink, cannotLink: [...c.cannotLink, { a: [...a], b: [...b] }] };
    }
    case 'not-person':
      return { ...c, notPerson: [...c.notPerson, { faceIds: [...answer.faceIds], personId: answer.personId }] };
  }
}

function touchJob(job: ImportJobRecord, now: number): ImportJobRecord {
  const days = job.keep && job.purpose ? Math.min(job.retentionDays ?? KEPT_IMPORT_DAYS, KEPT_IMPORT_DAYS) : null;
  return { ...job, updatedAt: now, expiresAt: days === null ? null : now + days * DAY_MS };
}

/** Bystanders consented to nothing: keeping their faces needs a stated purpose and at most KEPT_IMPORT_DAYS. */
function validKeeping(keeping: ImportKeeping): ImportKeeping {
  const purpose = typeof keeping.purpose === 'string' ? keeping.purpose.trim() : '';
  if (!purpose)
    throw new FacelocalError(
      'invalid-setting',
      'Say why these unnamed faces are kept (a purpose), or let them go when this tab closes.',
    );
  if (purpose.length > MAX_PURPOSE_LENGTH)
    throw new FacelocalError('invalid-setting', `The purpose can be at most ${MAX_PURPOSE_LENGTH} characters long.`);
  if (!Number.isInteger(keeping.days) || keeping.days < 1 || keeping.days > KEPT_IMPORT_DAYS) {
    throw new FacelocalError(
      'invalid-setting',
      `Unnamed faces can be kept for 1 to ${KEPT_IMPORT_DAYS} days, no longer.`,
    );
  }
  return { purpose, days: keeping.days };
}

/** The three payload stores' records differ in type but share `id` and `payload`; put takes any of them. */
interface IDBObjectStoreLike {
  put(value: unknown): Promise<unknown>;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

class SettingsChanged extends Error {
  constructor(readonly settings: EncryptionSettings | null) {
    super('encryption settings changed');
  }
}

/** The same key settings (compared by salt: each enable draws a fresh one). */
function sameSettings(a: EncryptionSettings | null, b: EncryptionSettings | null): boolean {
  if (!a || !b) return a === b;
  return a.params.salt.length === b.params.salt.length && a.params.salt.every((x, i) => x === b.params.salt[i]);
}

/** A stored face (template or import face) with the embedding, box and score read again by `modelId` from its photo. */
function reembedded<T extends { embedding: Float32Array; modelId: string; box: Box; detectionScore: number }>(
  old: T,
  again: { embedding: Float32Array; box: Box; detectionScore: number },
  modelId: string,
): T {
  return {
    ...old,
    embedding: new Float32Array(again.embedding),
    modelId,
    box: again.box,
    detectionScore: again.detectionScore,
  };
}

function importGone(): FacelocalError {
  return new FacelocalError(
    'import-not-found',
    'This import is no longer on this device (it was discarded or its session ended).',
  );
}

function lockedError(): FacelocalError {
  return new FacelocalError('locked', 'The gallery is locked: enter the passphrase to use it.');
}

type Described<T> = { [K in keyof T]-?: { what: string; why: string; sealed: boolean } };

/**
 * Every field the store keeps, in plain words. Typed against the record interfaces, so adding a field without
 * describing it does not compile: the transparency page cannot fall behind the real schema.
 */
export const STORAGE_DESCRIPTION: {
  people: Described<PersonRecord>;
  templates: Described<TemplateRecord>;
  audit: Described<AuditEntry>;
  settings: Described<Omit<EncryptionSettings, 'key'>>;
  preferences: Described<Omit<GalleryPreferences, 'key'>>;
  revealSecret: Described<Omit<RevealSecret, 'key'>>;
  importJobs: Described<ImportJobRecord>;
  importFiles: Described<ImportFileRecord>;
  importFaces: Described<ImportFaceRecord>;
  tombstones: Described<Tombstone>;
} = {
  people: {
    id: { what: 'a random identifier', why: 'to link a person to their face templates', sealed: false },
    name: { what: 'the name you gave the person', why: 'to show who was recognised', sealed: true },
    consent: {
      what: 'the consent record: who consented, when, for what purpose, how, for how long, collected by whom',
      why: 'the lawful basis for holding their face data; no consent, no enrolment',
      sealed: true,
    },
    createdAt: { what: 'when the person was enrolled', why: 'to show it and for the audit log', sealed: false },
    updatedAt: { what: 'when the person was last changed', why: 'to show it', sealed: false },
    expiresAt: {
      what: 'when retention ends',
      why: 'Facelocal erases the person then, even while the gallery is locked',
      sealed: false,
    },
    restriction: {
      what: 'whether processing is restricted (since when, and why in the words of whoever asked)',
      why: 'a restricted person is kept but never matched or shown as a result until it is lifted',
      sealed: true,
    },
    hidden: {
      what: 'whether you hid the person from the people list',
      why: 'to show only the people you want to see',
      sealed: true,
    },
    coverTemplateId: {
      what: 'which of their photos you chose to represent them',
      why: 'to show that photo in the people list',
      sealed: true,
    },
    importedFrom: {
      what: 'for a person imported from an export, a one-way hash of their id in that export',
      why: 'if they withdraw, that older export cannot bring them back either',
      sealed: false,
    },
  },
  templates: {
    id: { what: 'a random identifier', why: 'to remove one photo on request', sealed: false },
    personId: { what: 'whose template it is', why: 'to erase all of a person at once', sealed: false },
    embedding: {
      what: '512 numbers describing the face (a biometric template), not the photo',
      why: 'to recognise the person',
      sealed: true,
    },
    modelId: {
      what: 'which model made the template',
      why: 'templates of different models cannot be compared',
      sealed: true,
    },
    sourceName: {
      what: 'the file name of the enrolled photo (the photo itself is not kept)',
      why: 'so you can find and remove a bad photo',
      sealed: true,
    },
    box: { what: 'where the face was in that photo', why: 'to show it', sealed: true },
    detectionScore: { what: 'how confident the detector was', why: 'to spot poor photos', sealed: true },
    createdAt: { what: 'when the photo was added', why: 'to show it', sealed: false },
    thumbnail: {
      what: 'a 96×96 picture of the face, only when the gallery keeps thumbnails (a setting)',
      why: 'so you can see who is enrolled; without it the people list shows initials',
      sealed: true,
    },
  },
  audit: {
    id: { what: 'a random identifier', why: 'to keep entries apart', sealed: false },
    at: { what: 'when something was done', why: 'accountability; entries are erased after a year', sealed: false },
    action: {
      what: 'what was done (enrol, identify, verify, export, erase, expiry…)',
      why: 'accountability',
      sealed: false,
    },
    outcome: { what: 'what came of it, without names, images or templates', why: 'accountability', sealed: false },
    personId: {
      what: 'the random identifier of the person concerned',
      why: 'to show a person what was done with their data',
      sealed: false,
    },
  },
  settings: {
    params: {
      what: 'the salt and cost of the passphrase key derivation',
      why: 'to derive the same key from your passphrase',
      sealed: false,
    },
    verifier: {
      what: 'a known text encrypted with your key',
      why: 'to tell a wrong passphrase from a right one',
      sealed: false,
    },
  },
  preferences: {
    autoLock: {
      what: 'after how long without use the gallery locks itself, and whether it locks when the page is hidden',
      why: 'so an unattended device does not leave the gallery open',
      sealed: false,
    },
    thumbnails: {
      what: 'whether a small picture of each enrolled face is kept beside its template',
      why: 'data minimisation: you choose; without thumbnails the people list shows initials',
      sealed: false,
    },
  },
  revealSecret: {
    secret: {
      what: '32 random bytes, made the first time the widget reveals someone to a site',
      why: 'each site gets its own id for a person (an HMAC of their id under this secret), so sites cannot link them; it never leaves the device',
      sealed: false,
    },
  },
  importJobs: {
    id: {
      what: 'a random identifier of a photo-library import',
      why: 'to resume it and to group its faces',
      sealed: false,
    },
    sessionId: {
      what: 'a random identifier of the browser tab that started it',
      why: 'an import is erased once that tab is closed, unless you keep it',
      sealed: false,
    },
    createdAt: { what: 'when the import started', why: 'to show it', sealed: false },
    updatedAt: {
      what: 'when the import last changed',
      why: 'a kept import is erased 30 days after its last change',
      sealed: false,
    },
    keep: {
      what: 'whether you chose to keep the import beyond this session',
      why: 'unkept imports are erased when the session ends',
      sealed: false,
    },
    purpose: {
      what: 'why the unnamed faces of a kept import are kept, in the words of whoever kept them',
      why: 'faces of people who consented to nothing are kept only for a stated purpose',
      sealed: false,
    },
    retentionDays: {
      what: 'for how many days after its last change a kept import is kept (30 at most)',
      why: 'faces of people who have not consented are not kept for long',
      sealed: false,
    },
    expiresAt: {
      what: 'when a kept import is erased',
      why: 'faces of people who have not consented are not kept for long',
      sealed: false,
    },
    constraints: {
      what: 'which of its faces (by random identifier) you said are, or are not, the same person, or not an enrolled person',
      why: 'so grouping never undoes your answers and asks no question twice',
      sealed: false,
    },
  },
  importFiles: {
    jobId: { what: 'which import read the photo', why: 'to erase it with its import', sealed: false },
    fileKey: {
      what: "a one-way fingerprint (SHA-256) of the photo's path, size and date, not its name",
      why: 'so a resumed import does not read the same photo twice',
      sealed: false,
    },
    faces: { what: 'how many faces the photo held', why: 'to show import statistics', sealed: false },
    error: {
      what: 'why the photo could not be read, if it could not',
      why: 'to tell you which photos failed',
      sealed: false,
    },
    doneAt: { what: 'when the photo was read', why: 'to show progress', sealed: false },
  },
  importFaces: {
    id: { what: 'a random identifier', why: 'to group, move or enrol one face', sealed: false },
    jobId: { what: 'which import found the face', why: 'to erase it with its import', sealed: false },
    fileKey: { what: 'the fingerprint of the photo it came from', why: 'to link it to that photo', sealed: false },
    createdAt: { what: 'when the face was found', why: 'to keep a stable order', sealed: false },
    groupId: {
      what: 'the group (likely one person) the face is in',
      why: 'to show faces grouped by person',
      sealed: false,
    },
    problem: {
      what: 'why the face is kept out of groups (too small, blurred, turned away…)',
      why: 'poor faces make poor matches',
      sealed: false,
    },
    fileName: { what: 'the name of the photo it came from', why: 'so you can tell which photo it was', sealed: true },
    box: { what: 'where the face was in that photo', why: 'to show it', sealed: true },
    detectionScore: { what: 'how confident the detector was', why: 'to spot poor faces', sealed: true },
    embedding: {
      what: '512 numbers describing the face (a biometric template)',
      why: 'to group faces by person and, with consent, enrol them',
      sealed: true,
    },
    modelId: {
      what: "which model made the face's numbers",
      why: 'faces of different models cannot be compared',
      sealed: true,
    },
    thumbnail: {
      what: "a 96×96 picture of the face, only when the gallery keeps thumbnails (otherwise held in the tab's memory only)",
      why: 'so you can see and name each group',
      sealed: true,
    },
  },
  tombstones: {
    key: {
      what: 'a one-way hash (SHA-256) of the random id of a person who withdrew or was erased; no name, no face data',
      why: 'so an older export cannot bring them back; kept when everything else is erased',
      sealed: false,
    },
    at: { what: 'when they withdrew or were erased', why: 'to say so when an import is refused', sealed: false },
    reason: {
      what: 'withdrawal, erasure or end of retention',
      why: 'to say so when an import is refused',
      sealed: false,
    },
  },
};
