// The gallery store on fake-indexeddb (a fresh factory per test); the browser tests use the real IndexedDB.
import 'fake-indexeddb/auto'; // the IDB* globals idb's wrappers check against
import { describe, expect, it, vi } from 'vitest';
import { IDBFactory, IDBObjectStore } from 'fake-indexeddb';
import { openGalleryStore, type NewTemplate } from '../../src/store/gallery-store';
import { FacelocalError } from '../../src/types';

function template(seed: number, sourceName = `photo-${seed}.jpg`): NewTemplate {
  const embedding = new Float32Array(512).map((_, i) => Math.sin(seed * 31 + i));
  return {
    embedding,
    modelId: 'test-model',
    sourceName,
    box: { x: seed, y: 2, width: 100, height: 110 },
    quality: 0.9,
    thumbnail: { type: 'image/jpeg', bytes: new Uint8Array([0xff, 0xd8, seed, 0xff, 0xd9]).buffer },
  };
}

async function freshStore(factory = new IDBFactory()) {
  return { factory, store: await openGalleryStore({ name: 'test', idbFactory: factory }) };
}

async function rejection(promise: Promise<unknown>): Promise<FacelocalError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(FacelocalError);
  return error as FacelocalError;
}

describe('gallery store', () => {
  it('round-trips a person and their templates exactly', async () => {
    const { store } = await freshStore();
    const t = template(1);
    const { person, templates } = await store.addPersonWithTemplates('  Ada Lovelace ', [t, template(2)]);
    expect(person.name).toBe('Ada Lovelace');
    const stored = await store.templatesOf(person.id);
    expect(stored.map((s) => s.id).sort()).toEqual(templates.map((s) => s.id).sort());
    const first = stored.find((s) => s.sourceName === 'photo-1.jpg')!;
    expect(first.embedding).toBeInstanceOf(Float32Array);
    expect(Array.from(first.embedding)).toEqual(Array.from(t.embedding));
    expect(Array.from(new Uint8Array(first.thumbnail.bytes))).toEqual([0xff, 0xd8, 1, 0xff, 0xd9]);
    expect(first.box).toEqual(t.box);
    expect(first.personId).toBe(person.id);
  });

  it('stores exactly the embedding even when given a view into a larger buffer', async () => {
    const { store } = await freshStore();
    const big = new Float32Array(1024).fill(7);
    const view = new Float32Array(big.buffer, 4 * 256, 512);
    const { person } = await store.addPersonWithTemplates('View', [{ ...template(3), embedding: view }]);
    const [stored] = await store.templatesOf(person.id);
    expect(stored.embedding.length).toBe(512);
    expect(stored.embedding.buffer.byteLength).toBe(512 * 4);
  });

  it('lists people sorted by name, case-insensitively, with template counts', async () => {
    const { store } = await freshStore();
    await store.addPersonWithTemplates('bob', [template(1)]);
    await store.addPersonWithTemplates('Alice', [template(2), template(3)]);
    await store.addPerson('carol');
    const people = await store.listPeople();
    expect(people.map((p) => [p.name, p.templateCount])).toEqual([['Alice', 2], ['bob', 1], ['carol', 0]]);
    expect((await store.allTemplates()).length).toBe(3);
  });

  it('renames, and rejects empty or overlong names', async () => {
    const { store } = await freshStore();
    const person = await store.addPerson('Old');
    expect((await store.renamePerson(person.id, ' New ')).name).toBe('New');
    expect((await store.getPerson(person.id))?.name).toBe('New');
    expect((await rejection(store.renamePerson(person.id, '   '))).code).toBe('invalid-name');
    expect((await rejection(store.addPerson('x'.repeat(101)))).code).toBe('invalid-name');
    expect((await rejection(store.renamePerson('missing', 'Name'))).code).toBe('person-not-found');
  });

  it('deletes a person with all their templates, and only theirs', async () => {
    const { store } = await freshStore();
    const a = await store.addPersonWithTemplates('A', [template(1), template(2)]);
    const b = await store.addPersonWithTemplates('B', [template(3)]);
    await store.deletePerson(a.person.id);
    expect(await store.getPerson(a.person.id)).toBeUndefined();
    expect(await store.templatesOf(a.person.id)).toEqual([]);
    expect((await store.allTemplates()).map((t) => t.personId)).toEqual([b.person.id]);
    expect((await rejection(store.deletePerson(a.person.id))).code).toBe('person-not-found');
  });

  it('adds templates to an existing person; refuses a missing person and writes nothing', async () => {
    const { store } = await freshStore();
    const { person } = await store.addPersonWithTemplates('A', [template(1)]);
    const added = await store.addTemplates(person.id, [template(2)]);
    expect(added).toHaveLength(1);
    expect((await store.templatesOf(person.id)).length).toBe(2);
    expect((await rejection(store.addTemplates('missing', [template(3)]))).code).toBe('person-not-found');
    expect((await store.allTemplates()).length).toBe(2);
  });

  it('keeps everything across close and reopen', async () => {
    const { factory, store } = await freshStore();
    const { person } = await store.addPersonWithTemplates('Kept', [template(1)]);
    store.close();
    const reopened = await openGalleryStore({ name: 'test', idbFactory: factory });
    expect((await reopened.listPeople()).map((p) => [p.id, p.templateCount])).toEqual([[person.id, 1]]);
  });

  it('a full disk mid-enrolment says "storage-full" and leaves neither the person nor any template', async () => {
    const { store } = await freshStore();
    await store.addPersonWithTemplates('Existing', [template(9)]);
    const realAdd = IDBObjectStore.prototype.add;
    let calls = 0;
    const spy = vi.spyOn(IDBObjectStore.prototype, 'add').mockImplementation(function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['add']>) {
      // The third write (the second template) hits the quota.
      if (++calls === 3) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return realAdd.apply(this, args);
    });
    try {
      const error = await rejection(store.addPersonWithTemplates('Half', [template(1), template(2), template(3)]));
      expect(error.code).toBe('storage-full');
      expect(error.message).toMatch(/nothing was saved/);
    } finally {
      spy.mockRestore();
    }
    expect((await store.listPeople()).map((p) => p.name)).toEqual(['Existing']);
    expect((await store.allTemplates()).length).toBe(1);
  });
});
