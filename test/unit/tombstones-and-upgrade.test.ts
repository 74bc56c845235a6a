// Withdrawal sticks (tombstones refuse an older export), and version-1 and version-2 databases open as version 3
// with nothing lost.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { IDBFactory } from 'fake-indexeddb';
import { DATABASE_VERSION, openGalleryStore, type NewTemplate } from '../../src/store/gallery-store';
import { refusalFor, tombstoneKey } from '../../src/core/tombstone';
import { packRecord } from '../../src/core/record-packing';
import { consentFor } from '../test-consent';
import { FacelocalError } from '../../src/types';
import { l2Normalize } from '../../src/core/vectors';
import { UNRECORDED_IMPORT_FACE_MODEL } from '../../src/core/model-change';

const DAY = 24 * 60 * 60 * 1000;

function template(seed: number): NewTemplate {
  return {
    embedding: l2Normalize(new Float32Array(512).map((_, i) => Math.cos(seed + i))),
    modelId: 'm',
    sourceName: `p${seed}.jpg`,
    box: { x: 0, y: 0, width: 10, height: 10 },
    detectionScore: 1,
    thumbnail: { type: 'image/jpeg', bytes: new Uint8Array([9]).buffer },
  };
}
const asImport = (name: string, exportedId: string) => ({
  person: { name, consent: consentFor(name) },
  templates: [template(1)],
  exportedId,
});

async function failure(promise: Promise<unknown>): Promise<FacelocalError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FacelocalError);
  return error as FacelocalError;
}

describe('tombstones', () => {
  it('hashes the id one way, and words the refusal', async () => {
    const key = await tombstoneKey('3f1c0b7e-0000-4000-8000-000000000000');
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(key).not.toContain('3f1c0b7e');
    expect(await tombstoneKey('3f1c0b7e-0000-4000-8000-000000000000')).toBe(key);
    expect(refusalFor({ key, at: Date.UTC(2026, 11, 1), reason: 'withdraw' }, 'Ada')).toMatch(
      /^Ada withdrew consent on 2026-12-01: an older export cannot bring their data back/,
    );
  });

  it('a withdrawn person cannot come back from an older export, nor from an export of their imported copy', async () => {
    const store = await openGalleryStore({ name: 'test', idbFactory: new IDBFactory() });
    const { person } = await store.addPersonWithTemplates({ name: 'Ada', consent: consentFor('Ada') }, [template(1)]);
    // The older export of Ada carries her id; she is imported back as a copy first (allowed: she has not withdrawn).
    const [copy] = await store.importPeople([asImport('Ada', person.id)]);
    expect(copy.importedFrom).toBe(await tombstoneKey(person.id));
    await store.deletePerson(copy.id, 'withdraw');
    expect(await store.tombstoneCount()).toBe(2); // the copy's own id and the id it was imported from
    for (const exportedId of [person.id, copy.id]) {
      const error = await failure(store.importPeople([asImport('Bob', 'bob-id'), asImport('Ada', exportedId)]));
      expect(error.code).toBe('withdrawn');
      expect(error.message).toMatch(/people\.1 \(Ada\): Ada withdrew consent on \d{4}-\d\d-\d\d/);
    }
    expect((await store.listPeople()).map((p) => p.name)).toEqual(['Ada']); // the original only; Bob not half-added
    // Someone else entirely still imports.
    expect((await store.importPeople([asImport('Bob', 'bob-id')])).map((p) => p.name)).toEqual(['Bob']);
  });

  it('erasure and expiry leave tombstones too, with no personal data, and they survive "erase everything"', async () => {
    const store = await openGalleryStore({ name: 'test', idbFactory: new IDBFactory() });
    const erased = (
      await store.addPersonWithTemplates({ name: 'Erased', consent: consentFor('Erased') }, [template(1)])
    ).person;
    const expiring = (
      await store.addPersonWithTemplates({ name: 'Expiring', consent: consentFor('Expiring', { days: 1 }) }, [
        template(2),
      ])
    ).person;
    await store.deletePerson(erased.id);
    expect(await store.eraseExpired(Date.now() + 2 * DAY)).toEqual([expiring.id]);
    await store.eraseEverything();
    expect(await store.tombstoneCount()).toBe(2);
    expect((await failure(store.importPeople([asImport('Erased', erased.id)]))).message).toMatch(
      /Erased was erased from this gallery/,
    );
    expect((await failure(store.importPeople([asImport('Expiring', expiring.id)]))).message).toMatch(
      /reached the end of their retention period/,
    );
  });
});

/** The stores each earlier release created, in order: version 1 (the gallery), version 2 (photo-library imports). */
const LAYOUT_STEPS: ((db: IDBDatabase) => void)[] = [
  (db) => {
    db.createObjectStore('people', { keyPath: 'id' }).createIndex('byExpiry', 'expiresAt');
    db.createObjectStore('templates', { keyPath: 'id' }).createIndex('byPerson', 'personId');
    db.createObjectStore('audit', { keyPath: 'id' }).createIndex('byTime', 'at');
    db.createObjectStore('settings', { keyPath: 'key' });
  },
  (db) => {
    db.createObjectStore('importJobs', { keyPath: 'id' });
    db.createObjectStore('importFiles', { keyPath: ['jobId', 'fileKey'] }).createIndex('byJob', 'jobId');
    db.createObjectStore('importFaces', { keyPath: 'id' }).createIndex('byJob', 'jobId');
  },
];

/**
 * A database at `version` exactly as that release created it (its stores and indexes, nothing newer), holding one
 * person Ada with one template and one audit entry in the record format those releases wrote, plus `extra` writes.
 */
async function databaseAtVersion(factory: IDBFactory, version: number, extra: (tx: IDBTransaction) => void = () => {}) {
  const ada = { name: 'Ada', consent: consentFor('Ada') };
  const t = template(4);
  await new Promise<void>((resolve, reject) => {
    const req = factory.open('test', version);
    req.onupgradeneeded = () => LAYOUT_STEPS.slice(0, version).forEach((step) => step(req.result));
    req.onsuccess = () => {
      const db = req.result;
      const tx = db.transaction([...db.objectStoreNames], 'readwrite');
      tx.objectStore('people').put({
        id: 'p1',
        createdAt: 1,
        updatedAt: 2,
        expiresAt: null,
        payload: { kind: 'plain', bytes: packRecord(ada) },
      });
      tx.objectStore('templates').put({
        id: 't1',
        personId: 'p1',
        createdAt: 3,
        payload: {
          kind: 'plain',
          bytes: packRecord({
            embedding: t.embedding,
            modelId: t.modelId,
            sourceName: t.sourceName,
            box: t.box,
            quality: t.detectionScore, // the stored name of the detection score
            thumbnail: t.thumbnail,
          }),
        },
      });
      tx.objectStore('audit').put({ id: 'a1', at: Date.now(), action: 'enrol', outcome: 'enrolled', personId: 'p1' });
      extra(tx);
      tx.oncomplete = () => {
        db.close();
        resolve();
      };
      tx.onerror = () => reject(tx.error);
    };
  });
  return { ada, t };
}

describe('upgrading an older database', () => {
  it('version 1 (before photo-library imports): keeps every person, template and audit entry; imports and tombstones then work', async () => {
    expect(DATABASE_VERSION).toBe(3);
    const factory = new IDBFactory();
    const { ada, t } = await databaseAtVersion(factory, 1);

    const store = await openGalleryStore({ name: 'test', idbFactory: factory });
    const [person] = await store.listPeople();
    expect(person).toMatchObject({
      id: 'p1',
      name: 'Ada',
      createdAt: 1,
      updatedAt: 2,
      expiresAt: null,
      templateCount: 1,
      consent: ada.consent,
    });
    expect(person.importedFrom ?? null).toBeNull();
    const [stored] = await store.templatesOf('p1');
    expect(Array.from(stored.embedding)).toEqual(Array.from(t.embedding));
    expect((await store.auditLog()).map((e) => e.id)).toEqual(['a1']);
    // The stores version 2 added exist and work.
    expect(await store.listImportJobs()).toEqual([]);
    const job = await store.createImportJob('session-1');
    expect((await store.listImportJobs()).map((j) => j.id)).toEqual([job.id]);
    // And those version 3 added: withdrawal leaves a tombstone.
    expect(await store.tombstoneCount()).toBe(0);
    await store.deletePerson('p1', 'withdraw');
    expect(await store.tombstoneCount()).toBe(1);
  });

  it('version 2: keeps every person, template, audit entry and import, and adds the tombstones store', async () => {
    const factory = new IDBFactory();
    const { ada, t } = await databaseAtVersion(factory, 2, (tx) => {
      tx.objectStore('importJobs').put({
        id: 'j1',
        sessionId: 's',
        createdAt: 1,
        updatedAt: 1,
        keep: true,
        expiresAt: Date.now() + DAY,
      });
      // An import face as those releases wrote it: no model id.
      tx.objectStore('importFaces').put({
        id: 'f1',
        jobId: 'j1',
        fileKey: 'k1',
        createdAt: 4,
        groupId: 'g1',
        problem: null,
        payload: {
          kind: 'plain',
          bytes: packRecord({
            fileName: 'lib/ada.jpg',
            box: template(5).box,
            detectionScore: 0.9,
            embedding: template(5).embedding,
            thumbnail: null,
          }),
        },
      });
    });

    const store = await openGalleryStore({ name: 'test', idbFactory: factory });
    const [person] = await store.listPeople();
    expect(person).toMatchObject({
      id: 'p1',
      name: 'Ada',
      createdAt: 1,
      updatedAt: 2,
      expiresAt: null,
      importedFrom: null,
      templateCount: 1,
      consent: ada.consent,
    });
    const [stored] = await store.templatesOf('p1');
    expect(Array.from(stored.embedding)).toEqual(Array.from(t.embedding));
    expect((await store.auditLog()).map((e) => e.id)).toEqual(['a1']);
    expect((await store.listImportJobs()).map((j) => j.id)).toEqual(['j1']);
    // Its face reads as made by the one model every release had run until faces recorded it.
    const [face] = await store.importFaces('j1');
    expect(face).toMatchObject({
      id: 'f1',
      groupId: 'g1',
      fileName: 'lib/ada.jpg',
      modelId: UNRECORDED_IMPORT_FACE_MODEL,
    });
    expect(Array.from(face.embedding)).toEqual(Array.from(template(5).embedding));
    // ...so that model names its group (templates recording it), and another would be refused.
    await expect(
      store.enrolFromImport({ name: 'Bo', consent: consentFor('Bo') }, ['f1'], 'another-model'),
    ).rejects.toMatchObject({ code: 'outdated-faces' });
    const { templates } = await store.enrolFromImport(
      { name: 'Bo', consent: consentFor('Bo') },
      ['f1'],
      UNRECORDED_IMPORT_FACE_MODEL,
    );
    expect(templates.map((x) => x.modelId)).toEqual([UNRECORDED_IMPORT_FACE_MODEL]);
    expect(await store.tombstoneCount()).toBe(0);
    // And the upgraded gallery works as a new one: withdrawal leaves a tombstone.
    await store.deletePerson('p1', 'withdraw');
    expect(await store.tombstoneCount()).toBe(1);
  });
});
