// Photo-library import staging in the gallery store (fake-indexeddb): per-photo commits, resume keys, grouping,
// enrolment from a group in one transaction, and erasure of unkept imports once their session is gone.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { IDBFactory } from 'fake-indexeddb';
import { KEPT_IMPORT_DAYS, openGalleryStore, type NewImportFace } from '../../src/store/gallery-store';
import { consentFor } from '../test-consent';
import { FacelocalError } from '../../src/types';
import { l2Normalize } from '../../src/core/vectors';

const DAY = 24 * 60 * 60 * 1000;

function face(seed: number, problem: string | null = null): NewImportFace {
  return {
    fileName: `album/photo-${seed}.jpg`,
    box: { x: seed, y: 1, width: 80, height: 90 },
    detectionScore: 0.9,
    problem,
    embedding: l2Normalize(new Float32Array(512).map((_, i) => Math.cos(seed + i))),
    modelId: 'model',
    thumbnail: { type: 'image/jpeg', bytes: new Uint8Array([0xff, 0xd8, seed, 0xff, 0xd9]).buffer },
  };
}

const fresh = () => openGalleryStore({ name: 'imports', idbFactory: new IDBFactory() });

describe('import staging in the store', () => {
  it('commits each photo with its faces, and remembers which photos were read', async () => {
    const store = await fresh();
    const job = await store.createImportJob('session-a');
    const saved = await store.recordImportedFile(job.id, { fileKey: 'k1', faces: 2, error: null }, [
      face(1),
      face(2, 'The face is too blurred.'),
    ]);
    await store.recordImportedFile(job.id, { fileKey: 'k2', faces: 0, error: 'unreadable-file' }, []);
    expect([...(await store.importedFileKeys(job.id))].sort()).toEqual(['k1', 'k2']);
    const faces = await store.importFaces(job.id);
    expect(faces.map((f) => f.id).sort()).toEqual(saved.map((f) => f.id).sort());
    expect(faces.find((f) => f.problem)?.fileName).toBe('album/photo-2.jpg');
    expect(Array.from(faces.find((f) => f.id === saved[0].id)!.embedding)).toEqual(Array.from(saved[0].embedding));
    expect(faces.every((f) => f.groupId === null)).toBe(true);
  });

  it('writes nothing of a photo whose import is gone', async () => {
    const store = await fresh();
    const job = await store.createImportJob('s');
    await store.discardImport(job.id);
    const error = await store
      .recordImportedFile(job.id, { fileKey: 'k', faces: 1, error: null }, [face(1)])
      .catch((e: unknown) => e);
    expect((error as FacelocalError).code).toBe('import-not-found');
    expect(await store.importFaces(job.id)).toEqual([]);
    expect((await store.importedFileKeys(job.id)).size).toBe(0);
  });

  it('enrols a person from import faces and takes those faces out of the import, at once', async () => {
    const store = await fresh();
    const job = await store.createImportJob('s');
    const [a, b, c] = await store.recordImportedFile(job.id, { fileKey: 'k', faces: 3, error: null }, [
      face(1),
      face(2),
      face(3),
    ]);
    await store.setImportGroups(job.id, [
      { faceId: a.id, groupId: 'g1' },
      { faceId: b.id, groupId: 'g1' },
      { faceId: c.id, groupId: 'g2' },
    ]);
    expect((await store.importFaces(job.id)).map((f) => f.groupId).sort()).toEqual(['g1', 'g1', 'g2']);
    // No consent: refused, nothing moved.
    const refused = await store
      .enrolFromImport({ name: 'Ada', consent: { ...consentFor('Ada'), collectedBy: '' } }, [a.id, b.id], 'model')
      .catch((e: unknown) => e);
    expect((refused as FacelocalError).code).toBe('consent-required');
    expect((await store.importFaces(job.id)).length).toBe(3);
    const { person, templates } = await store.enrolFromImport(
      { name: 'Ada', consent: consentFor('Ada') },
      [a.id, b.id],
      'model',
    );
    expect(templates.map((t) => t.sourceName).sort()).toEqual(['album/photo-1.jpg', 'album/photo-2.jpg']);
    expect((await store.templatesOf(person.id)).length).toBe(2);
    expect((await store.importFaces(job.id)).map((f) => f.id)).toEqual([c.id]);
    // More photos of someone already enrolled: the last group joins Ada, and leaves the import.
    const added = await store.addFromImport(person.id, [c.id], 'model');
    expect(added.person.id).toBe(person.id);
    expect((await store.listPeople()).length).toBe(1);
    expect((await store.templatesOf(person.id)).length).toBe(3);
    expect(await store.importFaces(job.id)).toEqual([]);
    expect(
      ((await store.addFromImport('missing', [c.id], 'model').catch((e: unknown) => e)) as FacelocalError).code,
    ).toBe('person-not-found');
  });

  it('erases unkept imports whose session is gone, and kept ones after their time', async () => {
    const store = await fresh();
    const mine = await store.createImportJob('alive');
    const orphan = await store.createImportJob('closed-tab');
    const kept = await store.createImportJob('closed-tab');
    for (const j of [mine, orphan, kept])
      await store.recordImportedFile(j.id, { fileKey: 'k', faces: 1, error: null }, [face(1)]);
    const keptRecord = await store.setImportKept(kept.id, { purpose: 'ask them for consent', days: KEPT_IMPORT_DAYS });
    expect(keptRecord).toMatchObject({ keep: true, purpose: 'ask them for consent', retentionDays: KEPT_IMPORT_DAYS });
    expect(keptRecord.expiresAt).toBeGreaterThan(Date.now() + (KEPT_IMPORT_DAYS - 1) * DAY);
    expect(await store.eraseStaleImports(new Set(['alive']))).toBe(1);
    expect((await store.listImportJobs()).map((j) => j.id).sort()).toEqual([mine.id, kept.id].sort());
    expect(await store.importFaces(orphan.id)).toEqual([]);
    expect(await store.eraseStaleImports(new Set(['alive']), Date.now() + (KEPT_IMPORT_DAYS + 1) * DAY)).toBe(1);
    expect((await store.listImportJobs()).map((j) => j.id)).toEqual([mine.id]);
  });

  it('keeps unnamed faces beyond the session only with a purpose and at most 30 days', async () => {
    const store = await fresh();
    const job = await store.createImportJob('closed-tab');
    await store.recordImportedFile(job.id, { fileKey: 'k', faces: 1, error: null }, [face(1)]);
    for (const keeping of [
      { purpose: '  ', days: 7 },
      { purpose: 'consent later', days: 31 },
      { purpose: 'consent later', days: 0 },
      { purpose: 'consent later', days: 2.5 },
    ]) {
      expect(((await store.setImportKept(job.id, keeping).catch((e: unknown) => e)) as FacelocalError).code).toBe(
        'invalid-setting',
      );
    }
    expect((await store.listImportJobs())[0]).toMatchObject({ keep: false, purpose: null, expiresAt: null }); // refused: unchanged
    const kept = await store.setImportKept(job.id, { purpose: ' consent later ', days: 7 });
    expect(kept).toMatchObject({ keep: true, purpose: 'consent later', retentionDays: 7 });
    expect(await store.eraseStaleImports(new Set(), Date.now() + 6 * DAY)).toBe(0);
    expect(await store.eraseStaleImports(new Set(), Date.now() + 8 * DAY)).toBe(1);
  });

  it('holds a kept import with no recorded purpose (an older record) for its session only', async () => {
    const factory = new IDBFactory();
    const store = await openGalleryStore({ name: 'imports', idbFactory: factory });
    const job = await store.createImportJob('closed-tab');
    store.close();
    await new Promise<void>((resolve) => {
      const r = factory.open('imports');
      r.onsuccess = () => {
        const tx = r.result.transaction('importJobs', 'readwrite');
        tx.objectStore('importJobs').put({
          id: job.id,
          sessionId: 'closed-tab',
          createdAt: 1,
          updatedAt: 1,
          keep: true,
          expiresAt: Date.now() + 30 * DAY,
        });
        tx.oncomplete = () => {
          r.result.close();
          resolve();
        };
      };
    });
    const reopened = await openGalleryStore({ name: 'imports', idbFactory: factory });
    expect(await reopened.eraseStaleImports(new Set(['closed-tab']))).toBe(0); // its tab is still open
    expect(await reopened.eraseStaleImports(new Set())).toBe(1);
  });

  it('seals import faces when encryption is turned on, and reads them back once unlocked', async () => {
    const store = await fresh();
    const job = await store.createImportJob('s');
    await store.recordImportedFile(job.id, { fileKey: 'k', faces: 1, error: null }, [face(7)]);
    await store.enableEncryption('correct horse battery staple', { N: 2 ** 4 });
    store.lock();
    expect(((await store.importFaces(job.id).catch((e: unknown) => e)) as FacelocalError).code).toBe('locked');
    await store.unlock('correct horse battery staple');
    expect((await store.importFaces(job.id))[0].fileName).toBe('album/photo-7.jpg');
  });

  it("stores the user's answers with the group change they make, in one transaction, the latest answer winning", async () => {
    const store = await fresh();
    const job = await store.createImportJob('s');
    const [a, b, c] = await store.recordImportedFile(job.id, { fileKey: 'k', faces: 3, error: null }, [
      face(1),
      face(2),
      face(3),
    ]);
    expect((await store.listImportJobs())[0].constraints).toEqual({ mustLink: [], cannotLink: [], notPerson: [] });
    await store.setImportGroups(
      job.id,
      [
        { faceId: a.id, groupId: 'g' },
        { faceId: b.id, groupId: 'g' },
        { faceId: c.id, groupId: 'g' },
      ],
      [{ kind: 'same', faceIds: [a.id, b.id, c.id] }],
    );
    // c taken out of the group: "not this person" takes it out of the "Yes" too.
    await store.setImportGroups(
      job.id,
      [{ faceId: c.id, groupId: null }],
      [{ kind: 'different', a: [c.id], b: [a.id, b.id] }],
    );
    let constraints = (await store.listImportJobs())[0].constraints;
    expect(constraints.mustLink).toEqual([[a.id, b.id]]);
    expect(constraints.cannotLink).toEqual([{ a: [c.id], b: [a.id, b.id] }]);
    // A later "Yes" between them overrules the "No".
    await store.setImportGroups(
      job.id,
      [],
      [
        { kind: 'same', faceIds: [c.id, a.id] },
        { kind: 'not-person', faceIds: [b.id], personId: 'p1' },
      ],
    );
    constraints = (await store.listImportJobs())[0].constraints;
    expect(constraints.cannotLink).toEqual([]);
    expect(constraints.mustLink.map((set) => [...set].sort())).toEqual([[a.id, b.id, c.id].sort()]);
    expect(constraints.notPerson).toEqual([{ faceIds: [b.id], personId: 'p1' }]);
    // A face gone from the import: nothing is written, the answer included.
    await store.discardImport(job.id);
    const job2 = await store.createImportJob('s');
    const [d] = await store.recordImportedFile(job2.id, { fileKey: 'k', faces: 1, error: null }, [face(4)]);
    const gone = await store
      .setImportGroups(job2.id, [{ faceId: a.id, groupId: null }], [{ kind: 'same', faceIds: [d.id, a.id] }])
      .catch((e: unknown) => e);
    expect((gone as FacelocalError).code).toBe('import-not-found');
    expect((await store.listImportJobs())[0].constraints.mustLink).toEqual([]);
  });

  it('adds a face boxed by hand to a photo the import read, and to no other', async () => {
    const store = await fresh();
    const job = await store.createImportJob('s');
    await store.recordImportedFile(job.id, { fileKey: 'k', faces: 1, error: null }, [face(1)]);
    const added = await store.addImportFace(job.id, 'k', face(2));
    expect(added.groupId).toBeNull();
    expect((await store.importFaces(job.id)).map((f) => f.id)).toContain(added.id);
    expect(await store.countImportFaces(job.id)).toBe(2);
    const notRead = await store.addImportFace(job.id, 'other', face(3)).catch((e: unknown) => e);
    expect((notRead as FacelocalError).code).toBe('import-not-found');
    const forged = await store
      .addImportFace(job.id, 'k', { ...face(4), embedding: new Float32Array(512).fill(1) })
      .catch((e: unknown) => e);
    expect((forged as FacelocalError).code).toBe('invalid-template');
    expect(await store.countImportFaces(job.id)).toBe(2);
  });
});
