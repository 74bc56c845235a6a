// Names survive a model change: templates record the model that made them; a gallery opened by another model keeps
// every person (name, consent, retention), lists who needs re-enrolling, and searches none of the old templates.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { IDBFactory } from 'fake-indexeddb';
import { openGalleryStore, type NewTemplate } from '../../src/store/gallery-store';
import { comparableTemplates, reenrolmentNeeded } from '../../src/core/model-change';
import type { ConsentRecord } from '../../src/core/consent';
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
const consent = (subjectName: string): ConsentRecord => ({
  subjectName,
  givenAt: Date.now(),
  purpose: 'photo-library',
  purposeDetail: '',
  method: 'checkbox',
  retention: { kind: 'days', days: 90 },
  collectedBy: 'Test',
});

describe('a gallery opened by another embedding model', () => {
  it('keeps every person, lists who needs re-enrolling, and compares none of the old templates', async () => {
    const factory = new IDBFactory();
    const before = await openGalleryStore({ name: 'models', idbFactory: factory });
    const ada = await before.addPersonWithTemplates({ name: 'Ada', consent: consent('Ada') }, [
      template(1, OLD),
      template(2, OLD),
    ]);
    const bo = await before.addPersonWithTemplates({ name: 'Bo', consent: consent('Bo') }, [template(3, OLD)]);
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
    const { person, templates } = await store.addPersonWithTemplates({ name: 'Ada', consent: consent('Ada') }, [
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
