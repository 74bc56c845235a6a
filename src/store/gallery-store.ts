// The gallery on this device: people and their face templates in IndexedDB (through idb). The only module that
// touches IndexedDB. Every write is one transaction, so a failure (e.g. a full disk) leaves nothing half-written.
import { openDB, type DBSchema, type IDBPDatabase, type IDBPTransaction } from 'idb';
import type { Box } from '../core/detection-geometry';
import { FacelocalError } from '../types';

export interface PersonRecord {
  id: string;
  name: string;
  createdAt: number;
  updatedAt: number;
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
  /** A small JPEG of the face, as bytes (Blobs do not survive every IndexedDB implementation). */
  thumbnail: { type: string; bytes: ArrayBuffer };
}

export type NewTemplate = Omit<TemplateRecord, 'id' | 'personId' | 'createdAt'>;

interface GallerySchema extends DBSchema {
  people: { key: string; value: PersonRecord };
  templates: { key: string; value: TemplateRecord; indexes: { byPerson: string } };
}

export const DATABASE_VERSION = 1;
const MAX_NAME_LENGTH = 100;

export interface GalleryStore {
  addPerson(name: string): Promise<PersonRecord>;
  addPersonWithTemplates(name: string, templates: NewTemplate[]): Promise<{ person: PersonRecord; templates: TemplateRecord[] }>;
  addTemplates(personId: string, templates: NewTemplate[]): Promise<TemplateRecord[]>;
  renamePerson(id: string, name: string): Promise<PersonRecord>;
  deletePerson(id: string): Promise<void>;
  getPerson(id: string): Promise<PersonRecord | undefined>;
  listPeople(): Promise<(PersonRecord & { templateCount: number })[]>;
  templatesOf(personId: string): Promise<TemplateRecord[]>;
  allTemplates(): Promise<TemplateRecord[]>;
  close(): void;
}

export async function openGalleryStore(options: { name?: string; idbFactory?: IDBFactory } = {}): Promise<GalleryStore> {
  const name = options.name ?? 'facelocal';
  const open = () =>
    openDB<GallerySchema>(name, DATABASE_VERSION, {
      upgrade(db, oldVersion) {
        // One step per version, so each migration reads on its own.
        if (oldVersion < 1) {
          db.createObjectStore('people', { keyPath: 'id' });
          db.createObjectStore('templates', { keyPath: 'id' }).createIndex('byPerson', 'personId');
        }
      },
      blocking() {
        // Another tab wants a newer schema: let it upgrade rather than leave both stuck.
        db?.close();
      },
    });
  let db: IDBPDatabase<GallerySchema> | undefined;
  db = options.idbFactory ? await withFactory(options.idbFactory, open) : await open();
  return new IndexedDbGalleryStore(db);
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

function personNotFound(): FacelocalError {
  return new FacelocalError('person-not-found', 'This person is no longer in the gallery.');
}

/** Turns a quota failure, wherever IndexedDB reports it, into the message people need. */
function storageError(error: unknown): unknown {
  const name = (error as { name?: string } | null)?.name;
  if (name === 'QuotaExceededError') {
    return new FacelocalError('storage-full', 'Not enough storage space on this device: nothing was saved. Free some space or delete people you no longer need.', { cause: error });
  }
  return error;
}

type StoreName = 'people' | 'templates';
type WriteTransaction = IDBPTransaction<GallerySchema, StoreName[], 'readwrite'>;

/**
 * Runs `work` in one readwrite transaction and waits for it to commit. Any failure (a missing person, a quota
 * error thrown by a put) aborts the whole transaction, so nothing of it is stored.
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
  constructor(private readonly db: IDBPDatabase<GallerySchema>) {}

  private newTemplates(personId: string, templates: NewTemplate[], now: number): TemplateRecord[] {
    // A copy, not a view into a larger buffer, so exactly the embedding is stored.
    return templates.map((t) => ({ ...t, embedding: new Float32Array(t.embedding), id: crypto.randomUUID(), personId, createdAt: now }));
  }

  async addPerson(name: string): Promise<PersonRecord> {
    return (await this.addPersonWithTemplates(name, [])).person;
  }

  async addPersonWithTemplates(name: string, templates: NewTemplate[]) {
    const validated = validName(name);
    const now = Date.now();
    const person: PersonRecord = { id: crypto.randomUUID(), name: validated, createdAt: now, updatedAt: now };
    const records = this.newTemplates(person.id, templates, now);
    await writeTransaction(this.db, ['people', 'templates'], async (tx) => {
      await tx.objectStore('people').add(person);
      for (const r of records) await tx.objectStore('templates').add(r);
    });
    return { person, templates: records };
  }

  async addTemplates(personId: string, templates: NewTemplate[]) {
    return writeTransaction(this.db, ['people', 'templates'], async (tx) => {
      const person = await tx.objectStore('people').get(personId);
      if (!person) throw personNotFound();
      const now = Date.now();
      const records = this.newTemplates(personId, templates, now);
      await tx.objectStore('people').put({ ...person, updatedAt: now });
      for (const r of records) await tx.objectStore('templates').add(r);
      return records;
    });
  }

  async renamePerson(id: string, name: string) {
    const validated = validName(name);
    return writeTransaction(this.db, ['people'], async (tx) => {
      const person = await tx.objectStore('people').get(id);
      if (!person) throw personNotFound();
      const renamed = { ...person, name: validated, updatedAt: Date.now() };
      await tx.objectStore('people').put(renamed);
      return renamed;
    });
  }

  async deletePerson(id: string) {
    await writeTransaction(this.db, ['people', 'templates'], async (tx) => {
      if (!(await tx.objectStore('people').get(id))) throw personNotFound();
      const templateIds = await tx.objectStore('templates').index('byPerson').getAllKeys(id);
      await tx.objectStore('people').delete(id);
      for (const k of templateIds) await tx.objectStore('templates').delete(k);
    });
  }

  getPerson(id: string) {
    return this.db.get('people', id);
  }

  async listPeople() {
    const tx = this.db.transaction(['people', 'templates'], 'readonly');
    const people = await tx.objectStore('people').getAll();
    const byPerson = tx.objectStore('templates').index('byPerson');
    const counted = await Promise.all(people.map(async (p) => ({ ...p, templateCount: await byPerson.count(p.id) })));
    await tx.done;
    return counted.sort((a, b) => a.name.localeCompare(b.name, undefined, { sensitivity: 'base' }) || a.createdAt - b.createdAt);
  }

  async templatesOf(personId: string) {
    const templates = await this.db.getAllFromIndex('templates', 'byPerson', personId);
    return templates.sort((a, b) => a.createdAt - b.createdAt);
  }

  allTemplates() {
    return this.db.getAll('templates');
  }

  close() {
    this.db.close();
  }
}
