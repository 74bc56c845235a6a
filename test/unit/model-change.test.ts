// Names survive a model change: templates record the model that made them; a gallery opened by another model keeps
// every person (name, consent, retention), lists who needs re-enrolling, and searches none of the old templates.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { IDBFactory } from 'fake-indexeddb';
import { openGalleryStore, type NewTemplate } from '../../src/store/gallery-store';
import { comparableTemplates, reenrolmentNeeded } from '../../src/core/model-change';
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
});
