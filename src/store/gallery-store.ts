// The gallery on this device: people (with their consent records), their face templates, the audit log and the
// encryption settings, in IndexedDB through idb. The only module that touches IndexedDB.
// - No consent, no enrolment: the store itself refuses a person without a valid consent record.
// - Every write is one transaction that aborts whole on any failure (a full disk included).
// - With encryption on, names, consent records, templates and thumbnails are sealed with AES-GCM; ids, dates and
//   expiry stay clear so retention can be enforced even while the gallery is locked.
import { openDB, type DBSchema, type IDBPDatabase, type IDBPTransaction } from 'idb';
import type { Box } from '../core/detection-geometry';
import { consentProblems, expiryOf, type ConsentRecord } from '../core/consent';
import { auditCutoff, type AuditEntry } from '../core/audit';
import { packRecord, unpackRecord } from '../core/record-packing';
import { deriveKey, keyMatches, makeVerifier, newKeyParams, seal, unseal, type KeyParams, type Sealed } from '../core/sealing';
import { FacelocalError } from '../types';

export interface PersonRecord {
  id: string;
  name: string;
  consent: ConsentRecord;
  createdAt: number;
  updatedAt: number;
  /** When retention ends and the person is erased; null: until consent is withdrawn. */
  expiresAt: number | null;
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
  quality: number;
  createdAt: number;
  /** A small JPEG of the face, as bytes. */
  thumbnail: { type: string; bytes: ArrayBuffer };
}

export type NewTemplate = Omit<TemplateRecord, 'id' | 'personId' | 'createdAt'>;
export interface NewPerson {
  name: string;
  consent: ConsentRecord;
}

/** Secret parts, stored packed and (when encryption is on) sealed. */
type PersonSecret = Pick<PersonRecord, 'name' | 'consent'>;
type TemplateSecret = Omit<TemplateRecord, 'id' | 'personId' | 'createdAt'>;
type Payload = { kind: 'plain'; bytes: Uint8Array } | { kind: 'sealed'; iv: Uint8Array<ArrayBuffer>; data: ArrayBuffer };

interface StoredPerson { id: string; createdAt: number; updatedAt: number; expiresAt: number | null; payload: Payload }
interface StoredTemplate { id: string; personId: string; createdAt: number; payload: Payload }
interface EncryptionSettings { key: 'encryption'; params: KeyParams; verifier: Sealed }

interface GallerySchema extends DBSchema {
  people: { key: string; value: StoredPerson; indexes: { byExpiry: number } };
  templates: { key: string; value: StoredTemplate; indexes: { byPerson: string } };
  audit: { key: string; value: AuditEntry; indexes: { byTime: number } };
  settings: { key: string; value: EncryptionSettings };
}

type StoreName = 'people' | 'templates' | 'audit' | 'settings';
const ALL_STORES: StoreName[] = ['people', 'templates', 'audit', 'settings'];
export const DATABASE_VERSION = 1;
const MAX_NAME_LENGTH = 100;

export interface GalleryStore {
  /** True when encryption is on and no key is in memory: reads of personal data fail with 'locked'. */
  readonly locked: boolean;
  readonly encrypted: boolean;
  addPersonWithTemplates(person: NewPerson, templates: NewTemplate[]): Promise<{ person: PersonRecord; templates: TemplateRecord[] }>;
  addTemplates(personId: string, templates: NewTemplate[]): Promise<TemplateRecord[]>;
  renamePerson(id: string, name: string): Promise<PersonRecord>;
  /** Replaces the consent record (rectification, or a fresh consent to extend retention). */
  updateConsent(id: string, consent: ConsentRecord): Promise<PersonRecord>;
  deletePerson(id: string): Promise<void>;
  deleteTemplate(templateId: string): Promise<void>;
  getPerson(id: string): Promise<PersonRecord | undefined>;
  listPeople(): Promise<(PersonRecord & { templateCount: number })[]>;
  templatesOf(personId: string): Promise<TemplateRecord[]>;
  allTemplates(): Promise<TemplateRecord[]>;
  /** Erases every person whose retention has ended, with their templates; works while locked. Returns their ids. */
  eraseExpired(now?: number): Promise<string[]>;
  /** Adds people from an export, all or nothing. */
  importPeople(people: { person: NewPerson; templates: NewTemplate[] }[]): Promise<PersonRecord[]>;
  log(entry: Omit<AuditEntry, 'id' | 'at'>, at?: number): Promise<void>;
  auditLog(): Promise<AuditEntry[]>;
  pruneAudit(now?: number): Promise<number>;
  /** Empties every store. */
  eraseEverything(): Promise<void>;
  enableEncryption(passphrase: string, cost?: Partial<Pick<KeyParams, 'N' | 'r' | 'p'>>): Promise<void>;
  /** Re-reads settings another tab may have changed (encryption turned on there locks this tab; erased: off). */
  refreshSettings(): Promise<void>;
  unlock(passphrase: string): Promise<void>;
  lock(): void;
  close(): void;
}

export async function openGalleryStore(options: { name?: string; idbFactory?: IDBFactory } = {}): Promise<GalleryStore> {
  const name = options.name ?? 'facelocal';
  let db: IDBPDatabase<GallerySchema> | undefined;
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
      },
      blocking() {
        // Another tab wants a newer schema: let it upgrade rather than leave both stuck.
        db?.close();
      },
    });
  db = options.idbFactory ? await withFactory(options.idbFactory, open) : await open();
  const settings = await db.get('settings', 'encryption');
  return new IndexedDbGalleryStore(db, settings ?? null);
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
  if (trimmed.length > MAX_NAME_LENGTH) throw new FacelocalError('invalid-name', `Names can be at most ${MAX_NAME_LENGTH} characters long.`);
  return trimmed;
}

function validConsent(consent: ConsentRecord | null | undefined): ConsentRecord {
  const problems = consentProblems(consent);
  if (problems.length) throw new FacelocalError('consent-required', `No valid consent, so nothing was stored: ${problems.join(' ')}`);
  return consent!;
}

function personNotFound(): FacelocalError {
  return new FacelocalError('person-not-found', 'This person is no longer in the gallery.');
}

/** Turns a quota failure, wherever IndexedDB reports it, into the message people need. */
function storageError(error: unknown): unknown {
  if ((error as { name?: string } | null)?.name === 'QuotaExceededError') {
    return new FacelocalError('storage-full', 'Not enough storage space on this device: nothing was saved. Free some space or delete people you no longer need.', { cause: error });
  }
  return error;
}

type WriteTransaction = IDBPTransaction<GallerySchema, StoreName[], 'readwrite'>;

/**
 * Runs `work` in one readwrite transaction and waits for it to commit. Any failure aborts the whole transaction.
 * `work` must only await IndexedDB requests (anything else lets the transaction auto-commit), so payloads are
 * sealed before and opened after.
 */
async function writeTransaction<T>(db: IDBPDatabase<GallerySchema>, stores: StoreName[], work: (tx: WriteTransaction) => Promise<T>): Promise<T> {
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

  constructor(private readonly db: IDBPDatabase<GallerySchema>, private settings: EncryptionSettings | null) {}

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
    if (payload.kind === 'plain') return unpackRecord<T>(payload.bytes);
    if (!this.key) throw lockedError();
    return unpackRecord<T>(await unseal(this.key, payload, context));
  }

  private async person(stored: StoredPerson): Promise<PersonRecord> {
    const secret = await this.decode<PersonSecret>(stored.payload, `person:${stored.id}`);
    return { id: stored.id, createdAt: stored.createdAt, updatedAt: stored.updatedAt, expiresAt: stored.expiresAt, ...secret };
  }

  private async template(stored: StoredTemplate): Promise<TemplateRecord> {
    const secret = await this.decode<TemplateSecret>(stored.payload, `template:${stored.id}`);
    return { id: stored.id, personId: stored.personId, createdAt: stored.createdAt, ...secret };
  }

  private async storedPerson(p: PersonRecord): Promise<StoredPerson> {
    const secret: PersonSecret = { name: p.name, consent: p.consent };
    return { id: p.id, createdAt: p.createdAt, updatedAt: p.updatedAt, expiresAt: p.expiresAt, payload: await this.encode(secret, `person:${p.id}`) };
  }

  private async storedTemplate(t: TemplateRecord): Promise<StoredTemplate> {
    const { id, personId, createdAt, ...secret } = t;
    return { id, personId, createdAt, payload: await this.encode(secret, `template:${id}`) };
  }

  private newTemplates(personId: string, templates: NewTemplate[], now: number): TemplateRecord[] {
    // A copy, not a view into a larger buffer, so exactly the embedding is stored.
    return templates.map((t) => ({ ...t, embedding: new Float32Array(t.embedding), id: crypto.randomUUID(), personId, createdAt: now }));
  }

  private newPerson(input: NewPerson, now: number): PersonRecord {
    const consent = validConsent(input.consent);
    return { id: crypto.randomUUID(), name: validName(input.name), consent, createdAt: now, updatedAt: now, expiresAt: expiryOf(consent) };
  }

  async addPersonWithTemplates(input: NewPerson, templates: NewTemplate[]) {
    const [saved] = await this.insertPeople([{ person: input, templates }]);
    return saved;
  }

  async importPeople(people: { person: NewPerson; templates: NewTemplate[] }[]) {
    return (await this.insertPeople(people)).map((r) => r.person);
  }

  private async insertPeople(people: { person: NewPerson; templates: NewTemplate[] }[]) {
    const now = Date.now();
    const records = people.map(({ person, templates }) => {
      const p = this.newPerson(person, now);
      return { person: p, templates: this.newTemplates(p.id, templates, now) };
    });
    const stored = await Promise.all(records.map(async (r) => ({
      person: await this.storedPerson(r.person),
      templates: await Promise.all(r.templates.map((t) => this.storedTemplate(t))),
    })));
    await writeTransaction(this.db, ['people', 'templates'], async (tx) => {
      for (const r of stored) {
        await tx.objectStore('people').add(r.person);
        for (const t of r.templates) await tx.objectStore('templates').add(t);
      }
    });
    return records;
  }

  async addTemplates(personId: string, templates: NewTemplate[]) {
    await this.requirePerson(personId); // fails 'locked' before sealing, 'person-not-found' before any work
    const now = Date.now();
    const records = this.newTemplates(personId, templates, now);
    const stored = await Promise.all(records.map((t) => this.storedTemplate(t)));
    await writeTransaction(this.db, ['people', 'templates'], async (tx) => {
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
    await writeTransaction(this.db, ['people'], async (tx) => {
      if (!(await tx.objectStore('people').get(updated.id))) throw personNotFound();
      await tx.objectStore('people').put(stored);
    });
    return updated;
  }

  async renamePerson(id: string, name: string) {
    const validated = validName(name);
    const person = await this.requirePerson(id);
    return this.replacePerson({ ...person, name: validated, updatedAt: Date.now() });
  }

  async updateConsent(id: string, consent: ConsentRecord) {
    const valid = validConsent(consent);
    const person = await this.requirePerson(id);
    return this.replacePerson({ ...person, consent: valid, expiresAt: expiryOf(valid), updatedAt: Date.now() });
  }

  async deletePerson(id: string) {
    await writeTransaction(this.db, ['people', 'templates'], async (tx) => {
      if (!(await tx.objectStore('people').get(id))) throw personNotFound();
      await erasePersonIn(tx, id);
    });
  }

  async deleteTemplate(templateId: string) {
    await writeTransaction(this.db, ['templates'], async (tx) => {
      if (!(await tx.objectStore('templates').get(templateId))) throw new FacelocalError('person-not-found', 'This photo is no longer in the gallery.');
      await tx.objectStore('templates').delete(templateId);
    });
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
    const people = await Promise.all(stored.map(async (p, i) => ({ ...(await this.person(p)), templateCount: counts[i] })));
    return people.sort((a, b) => a.name.localeCompare(b.name, undefined, { sensitivity: 'base' }) || a.createdAt - b.createdAt);
  }

  async templatesOf(personId: string) {
    const stored = await this.db.getAllFromIndex('templates', 'byPerson', personId);
    const templates = await Promise.all(stored.map((t) => this.template(t)));
    return templates.sort((a, b) => a.createdAt - b.createdAt);
  }

  async allTemplates() {
    return Promise.all((await this.db.getAll('templates')).map((t) => this.template(t)));
  }

  async eraseExpired(now = Date.now()) {
    return writeTransaction(this.db, ['people', 'templates'], async (tx) => {
      // expiresAt is clear text (null sorts out of a numeric range), so this works while locked.
      const expired = await tx.objectStore('people').index('byExpiry').getAllKeys(IDBKeyRange.upperBound(now));
      for (const id of expired) await erasePersonIn(tx, id);
      return expired;
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
      const old = await tx.objectStore('audit').index('byTime').getAllKeys(IDBKeyRange.upperBound(auditCutoff(now), true));
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

  async enableEncryption(passphrase: string, cost?: Partial<Pick<KeyParams, 'N' | 'r' | 'p'>>) {
    if (this.settings) throw new FacelocalError('invalid-passphrase', 'Encryption is already on.');
    if (passphrase.length < 8) throw new FacelocalError('invalid-passphrase', 'Choose a passphrase of at least 8 characters.');
    const people = await this.listPeople();
    const templates = await this.allTemplates();
    const params = newKeyParams(cost);
    const key = await deriveKey(passphrase, params);
    const settings: EncryptionSettings = { key: 'encryption', params, verifier: await makeVerifier(key) };
    // Seal everything with the new key, then swap it all in one transaction.
    const previous = { settings: this.settings, key: this.key };
    this.settings = settings;
    this.key = key;
    try {
      const storedPeople = await Promise.all(people.map(({ templateCount: _count, ...p }) => this.storedPerson(p)));
      const storedTemplates = await Promise.all(templates.map((t) => this.storedTemplate(t)));
      await writeTransaction(this.db, ['people', 'templates', 'settings'], async (tx) => {
        for (const p of storedPeople) await tx.objectStore('people').put(p);
        for (const t of storedTemplates) await tx.objectStore('templates').put(t);
        await tx.objectStore('settings').put(settings);
      });
    } catch (error) {
      this.settings = previous.settings;
      this.key = previous.key;
      throw error;
    }
  }

  async refreshSettings() {
    const settings = (await this.db.get('settings', 'encryption')) ?? null;
    if (JSON.stringify(settings?.params ?? null) !== JSON.stringify(this.settings?.params ?? null)) {
      this.settings = settings;
      this.key = null;
    }
  }

  async unlock(passphrase: string) {
    if (!this.settings) return;
    const key = await deriveKey(passphrase, this.settings.params);
    if (!(await keyMatches(key, this.settings.verifier))) throw new FacelocalError('wrong-passphrase', 'Wrong passphrase: nothing was unlocked.');
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
} = {
  people: {
    id: { what: 'a random identifier', why: 'to link a person to their face templates', sealed: false },
    name: { what: 'the name you gave the person', why: 'to show who was recognised', sealed: true },
    consent: { what: 'the consent record: who consented, when, for what purpose, how, for how long, collected by whom', why: 'the lawful basis for holding their face data; no consent, no enrolment', sealed: true },
    createdAt: { what: 'when the person was enrolled', why: 'to show it and for the audit log', sealed: false },
    updatedAt: { what: 'when the person was last changed', why: 'to show it', sealed: false },
    expiresAt: { what: 'when retention ends', why: 'Facelocal erases the person then, even while the gallery is locked', sealed: false },
  },
  templates: {
    id: { what: 'a random identifier', why: 'to remove one photo on request', sealed: false },
    personId: { what: 'whose template it is', why: 'to erase all of a person at once', sealed: false },
    embedding: { what: '512 numbers describing the face (a biometric template), not the photo', why: 'to recognise the person', sealed: true },
    modelId: { what: 'which model made the template', why: 'templates of different models cannot be compared', sealed: true },
    sourceName: { what: 'the file name of the enrolled photo (the photo itself is not kept)', why: 'so you can find and remove a bad photo', sealed: true },
    box: { what: 'where the face was in that photo', why: 'to show it', sealed: true },
    quality: { what: 'how confident the detector was', why: 'to spot poor photos', sealed: true },
    createdAt: { what: 'when the photo was added', why: 'to show it', sealed: false },
    thumbnail: { what: 'a 96×96 picture of the face', why: 'so you can see who is enrolled', sealed: true },
  },
  audit: {
    id: { what: 'a random identifier', why: 'to keep entries apart', sealed: false },
    at: { what: 'when something was done', why: 'accountability; entries are erased after a year', sealed: false },
    action: { what: 'what was done (enrol, identify, verify, export, erase, expiry…)', why: 'accountability', sealed: false },
    outcome: { what: 'what came of it, without names, images or templates', why: 'accountability', sealed: false },
    personId: { what: 'the random identifier of the person concerned', why: 'to show a person what was done with their data', sealed: false },
  },
  settings: {
    params: { what: 'the salt and cost of the passphrase key derivation', why: 'to derive the same key from your passphrase', sealed: false },
    verifier: { what: 'a known text encrypted with your key', why: 'to tell a wrong passphrase from a right one', sealed: false },
  },
};
