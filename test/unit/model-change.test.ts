// Names survive a model change: templates record the model that made them; a gallery opened by another model keeps
// every person (name, consent, retention), lists who needs re-enrolling, and searches none of the old templates.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { IDBFactory } from 'fake-indexeddb';
import { readFileSync } from 'node:fs';
import { openGalleryStore, type NewImportFace, type NewTemplate } from '../../src/store/gallery-store';
import {
  UNRECORDED_IMPORT_FACE_MODEL,
  comparableTemplates,
  embedderModelId,
  importFaceModel,
  reenrolmentNeeded,
  splitByModel,
} from '../../src/core/model-change';
import { consentFor } from '../test-consent';
import { l2Normalize } from '../../src/core/vectors';

const OLD = 'old-embedder@1.0.0 model.onnx',
  NEW = 'new-embedder@2.0.0 model.onnx';

const template = (seed: number, modelId: string): NewTemplate => ({
  embedding: l2Normalize(new Float32Array(512).map((_, i) => Math.sin(seed * 7 + i))),
  modelId,
  sourceName: `p${seed}.jpg`,
  box: { x: 0, y: 0, width: 100, height: 100 },
  detectionScore: 0.9,
  thumbnail: null,
});

describe('a gallery opened by another embedding model', () => {
  it('keeps every person, lists who needs re-enrolling, and compares none of the old templates', async () => {
    const factory = new IDBFactory();
    const before = await openGalleryStore({ name: 'models', idbFactory: factory });
    const ada = await before.addPersonWithTemplates({ name: 'Ada', consent: consentFor('Ada') }, [
      template(1, OLD),
      template(2, OLD),
    ]);
    const bo = await before.addPersonWithTemplates({ name: 'Bo', consent: consentFor('Bo') }, [template(3, OLD)]);
    expect(reenrolmentNeeded(await before.allTemplates(), OLD).size).toBe(0); // same model: nothing to do
    before.close();

    // The app now runs NEW: the same database, reopened.
    const store = await openGalleryStore({ name: 'models', idbFactory: factory });
    const templates = await store.allTemplates();
    expect(templates.every((t) => t.modelId === OLD)).toBe(true);
    expect(comparableTemplates(templates, NEW)).toEqual([]);
    const needed = reenrolmentNeeded(templates, NEW);
    expect(needed.size).toBe(2);
    expect([needed.get(ada.person.id), needed.get(bo.person.id)]).toEqual([[OLD], [OLD]]);
    const people = await store.listPeople();
    expect(people.map((p) => [p.name, p.consent.subjectName, p.expiresAt])).toEqual([
      ['Ada', 'Ada', ada.person.expiresAt],
      ['Bo', 'Bo', bo.person.expiresAt],
    ]);

    // Ada re-enrolled with one new photo: hers is searchable (the new one only), Bo still waits.
    await store.addTemplates(ada.person.id, [template(4, NEW)]);
    const after = await store.allTemplates();
    expect(comparableTemplates(after, NEW).map((t) => t.sourceName)).toEqual(['p4.jpg']);
    expect([...reenrolmentNeeded(after, NEW).keys()]).toEqual([bo.person.id]);
    expect((await store.templatesOf(ada.person.id)).map((t) => t.modelId).sort()).toEqual([NEW, OLD, OLD].sort());
  });

  it("names every model a person's templates came from", () => {
    const needed = reenrolmentNeeded(
      [
        { personId: 'p', modelId: 'b' },
        { personId: 'p', modelId: 'a' },
        { personId: 'q', modelId: 'now' },
      ],
      'now',
    );
    expect([...needed]).toEqual([['p', ['a', 'b']]]);
  });

  it('re-embeds templates in place (id, photo and thumbnail kept), all or none', async () => {
    const store = await openGalleryStore({ name: 'reembed', idbFactory: new IDBFactory() });
    const { person, templates } = await store.addPersonWithTemplates({ name: 'Ada', consent: consentFor('Ada') }, [
      { ...template(1, OLD), thumbnail: { type: 'image/jpeg', bytes: new Uint8Array([1, 2, 3]).buffer } },
      template(2, OLD),
    ]);
    const update = (templateId: string, seed: number) => ({
      templateId,
      personId: person.id,
      embedding: template(seed, NEW).embedding,
      box: { x: 1, y: 2, width: 90, height: 90 },
      detectionScore: 0.8,
    });
    // One of them is gone meanwhile: refused whole.
    await expect(store.reembedTemplates(NEW, [update(templates[0].id, 5), update('gone', 6)])).rejects.toMatchObject({
      code: 'photo-not-found',
    });
    expect((await store.templatesOf(person.id)).every((t) => t.modelId === OLD)).toBe(true);
    await store.reembedTemplates(NEW, [update(templates[0].id, 5)]);
    const after = await store.templatesOf(person.id);
    const [first, second] = templates.map((t) => after.find((a) => a.id === t.id)!);
    expect(first).toMatchObject({ id: templates[0].id, modelId: NEW, sourceName: 'p1.jpg', box: { x: 1 } });
    expect(new Uint8Array(first.thumbnail!.bytes)).toEqual(new Uint8Array([1, 2, 3]));
    expect(first.embedding).toEqual(template(5, NEW).embedding);
    expect(second).toMatchObject({ id: templates[1].id, modelId: OLD });
    expect(reenrolmentNeeded(await store.allTemplates(), NEW).size).toBe(0);
  });
});

describe("an import's faces and the model that made them", () => {
  it('splits faces into those the running model may compare and those waiting, naming the models they came from', () => {
    const faces = [
      { id: 'a', modelId: NEW },
      { id: 'b', modelId: OLD },
      { id: 'c', modelId: 'older' },
      { id: 'd', modelId: OLD },
    ];
    expect(splitByModel(faces, NEW)).toEqual({
      current: [faces[0]],
      outdated: [faces[1], faces[2], faces[3]],
      fromModels: [OLD, 'older'].sort(),
    });
    expect(splitByModel(faces, 'none').current).toEqual([]);
  });

  it('a face stored before faces recorded their model was made by the default set-up of its time, frozen', () => {
    // Every release until import faces recorded their model ran this manifest's embedder with default
    // pre-processing. If the model changes, this constant must stay: compare it with the manifest of that time.
    const manifest = JSON.parse(readFileSync('models/manifest.json', 'utf8')) as {
      models: Record<string, { package: string; version: string; file: string }>;
    };
    expect(UNRECORDED_IMPORT_FACE_MODEL).toBe(embedderModelId(manifest.models.faceEmbedder, ['', '']));
    expect(importFaceModel(undefined)).toBe(UNRECORDED_IMPORT_FACE_MODEL);
    expect(importFaceModel(OLD)).toBe(OLD);
    // Other pre-processing is another model.
    expect(embedderModelId(manifest.models.faceEmbedder, ['', 'flip-average'])).toBe(
      `${UNRECORDED_IMPORT_FACE_MODEL} (flip-average)`,
    );
  });

  it('re-embeds import faces in place with the templates (group and picture kept), all or none', async () => {
    const store = await openGalleryStore({ name: 'reembed-faces', idbFactory: new IDBFactory() });
    const job = await store.createImportJob('s');
    const face = (seed: number): NewImportFace => ({
      ...template(seed, OLD),
      fileName: `lib/${seed}.jpg`,
      problem: null,
      thumbnail: { type: 'image/jpeg', bytes: new Uint8Array([seed]).buffer },
    });
    const [a, b] = await store.recordImportedFile(job.id, { fileKey: 'k', faces: 2, error: null }, [face(1), face(2)]);
    await store.setImportGroups(job.id, [{ faceId: a.id, groupId: 'g' }]);
    const { person, templates } = await store.addPersonWithTemplates({ name: 'Ada', consent: consentFor('Ada') }, [
      template(3, OLD),
    ]);
    const again = (faceId: string, seed: number) => ({
      faceId,
      jobId: job.id,
      embedding: template(seed, NEW).embedding,
      box: { x: 5, y: 5, width: 80, height: 80 },
      detectionScore: 0.7,
    });
    const templateAgain = {
      templateId: templates[0].id,
      personId: person.id,
      embedding: template(9, NEW).embedding,
      box: { x: 0, y: 0, width: 90, height: 90 },
      detectionScore: 0.8,
    };
    // A face gone meanwhile (enrolled or discarded): nothing changes, templates included.
    await expect(
      store.reembedTemplates(NEW, [templateAgain], [again(a.id, 5), again('gone', 6)]),
    ).rejects.toMatchObject({ code: 'import-not-found' });
    expect((await store.importFaces(job.id)).map((f) => f.modelId)).toEqual([OLD, OLD]);
    expect((await store.templatesOf(person.id))[0].modelId).toBe(OLD);

    await store.reembedTemplates(NEW, [templateAgain], [again(a.id, 5)]);
    const faces = await store.importFaces(job.id);
    const [first, second] = [a, b].map((f) => faces.find((x) => x.id === f.id)!);
    expect(first).toMatchObject({ id: a.id, modelId: NEW, groupId: 'g', fileName: 'lib/1.jpg', box: { x: 5 } });
    expect(first.embedding).toEqual(template(5, NEW).embedding);
    expect(new Uint8Array(first.thumbnail!.bytes)).toEqual(new Uint8Array([1]));
    expect(second).toMatchObject({ id: b.id, modelId: OLD });
    expect((await store.templatesOf(person.id))[0].modelId).toBe(NEW);
  });
});
