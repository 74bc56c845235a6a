// The gallery store on fake-indexeddb (a fresh factory per test); the browser tests use the real IndexedDB.
import 'fake-indexeddb/auto'; // the IDB* globals idb's wrappers check against
import { describe, expect, it, vi } from 'vitest';
import { IDBFactory, IDBObjectStore } from 'fake-indexeddb';
import { openGalleryStore, type NewTemplate } from '../../src/store/gallery-store';
import { l2Normalize } from '../../src/core/vectors';
import { FacelocalError } from '../../src/types';
import type { ConsentRecord } from '../../src/core/consent';

const DAY = 24 * 60 * 60 * 1000;

function consent(subjectName: string, overrides: Partial<ConsentRecord> = {}): ConsentRecord {
  return {
    subjectName,
    givenAt: Date.now(),
    purpose: 'photo-library',
    purposeDetail: 'family album',
    method: 'checkbox',
    retention: { kind: 'days', days: 30 },
    collectedBy: 'Test operator',
    ...overrides,
  };
}

const newPerson = (name: string, overrides: Partial<ConsentRecord> = {}) => ({
  name,
  consent: consent(name, overrides),
});

function template(seed: number, sourceName = `photo-${seed}.jpg`): NewTemplate {
  const embedding = l2Normalize(new Float32Array(512).map((_, i) => Math.sin(seed * 31 + i)));
  return {
    embedding,
    modelId: 'test-model',
    sourceName,
    box: { x: seed, y: 2, width: 100, height: 110 },
    detectionScore: 0.9,
    thumbnail: { type: 'image/jpeg', bytes: new Uint8Array([0xff, 0xd8, seed, 0xff, 0xd9]).buffer },
  };
}

async function freshStore(factory = new IDBFactory()) {
  return { factory, store: await openGalleryStore({ name: 'test', idbFactory: factory }) };
}

async function rejection(promise: Promise<unknown>): Promise<FacelocalError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FacelocalError);
  return error as FacelocalError;
}

describe('gallery store', () => {
  it('round-trips a person and their templates exactly', async () => {
    const { store } = await freshStore();
    const t = template(1);
    const { person, templates } = await store.addPersonWithTemplates(newPerson('  Ada Lovelace '), [t, template(2)]);
    expect(person.name).toBe('Ada Lovelace');
    const stored = await store.templatesOf(person.id);
    expect(stored.map((s) => s.id).sort()).toEqual(templates.map((s) => s.id).sort());
    const first = stored.find((s) => s.sourceName === 'photo-1.jpg')!;
    expect(first.embedding).toBeInstanceOf(Float32Array);
    expect(Array.from(first.embedding)).toEqual(Array.from(t.embedding));
    expect(Array.from(new Uint8Array(first.thumbnail!.bytes))).toEqual([0xff, 0xd8, 1, 0xff, 0xd9]);
    expect(first.box).toEqual(t.box);
    expect(first.personId).toBe(person.id);
  });

  it('stores exactly the embedding even when given a view into a larger buffer', async () => {
    const { store } = await freshStore();
    const big = new Float32Array(1024).fill(7);
    big.fill(1 / Math.sqrt(512), 256, 768); // a unit vector in the middle of a larger buffer
    const view = new Float32Array(big.buffer, 4 * 256, 512);
    const { person } = await store.addPersonWithTemplates(newPerson('View'), [{ ...template(3), embedding: view }]);
    const [stored] = await store.templatesOf(person.id);
    expect(stored.embedding.length).toBe(512);
    expect(stored.embedding.buffer.byteLength).toBe(512 * 4);
  });

  it('lists people sorted by name, case-insensitively, with template counts', async () => {
    const { store } = await freshStore();
    await store.addPersonWithTemplates(newPerson('bob'), [template(1)]);
    await store.addPersonWithTemplates(newPerson('Alice'), [template(2), template(3)]);
    await store.addPersonWithTemplates(newPerson('carol'), []).then((r) => r.person);
    const people = await store.listPeople();
    expect(people.map((p) => [p.name, p.templateCount])).toEqual([
      ['Alice', 2],
      ['bob', 1],
      ['carol', 0],
    ]);
    expect((await store.allTemplates()).length).toBe(3);
  });

  it('renames, and rejects empty or overlong names', async () => {
    const { store } = await freshStore();
    const person = await store.addPersonWithTemplates(newPerson('Old'), []).then((r) => r.person);
    expect((await store.renamePerson(person.id, ' New ')).name).toBe('New');
    expect((await store.getPerson(person.id))?.name).toBe('New');
    expect((await store.getPerson(person.id))?.consent.subjectName).toBe('New'); // the consent record follows (rectification)
    expect((await rejection(store.renamePerson(person.id, '   '))).code).toBe('invalid-name');
    expect((await rejection(store.addPersonWithTemplates(newPerson('x'.repeat(101)), []))).code).toBe('invalid-name');
    expect((await rejection(store.renamePerson('missing', 'Name'))).code).toBe('person-not-found');
  });

  it('deletes a person with all their templates, and only theirs', async () => {
    const { store } = await freshStore();
    const a = await store.addPersonWithTemplates(newPerson('A'), [template(1), template(2)]);
    const b = await store.addPersonWithTemplates(newPerson('B'), [template(3)]);
    await store.deletePerson(a.person.id);
    expect(await store.getPerson(a.person.id)).toBeUndefined();
    expect(await store.templatesOf(a.person.id)).toEqual([]);
    expect((await store.allTemplates()).map((t) => t.personId)).toEqual([b.person.id]);
    expect((await rejection(store.deletePerson(a.person.id))).code).toBe('person-not-found');
  });

  it('adds templates to an existing person; refuses a missing person and writes nothing', async () => {
    const { store } = await freshStore();
    const { person } = await store.addPersonWithTemplates(newPerson('A'), [template(1)]);
    const added = await store.addTemplates(person.id, [template(2)]);
    expect(added).toHaveLength(1);
    expect((await store.templatesOf(person.id)).length).toBe(2);
    expect((await rejection(store.addTemplates('missing', [template(3)]))).code).toBe('person-not-found');
    expect((await store.allTemplates()).length).toBe(2);
  });

  it('keeps everything across close and reopen', async () => {
    const { factory, store } = await freshStore();
    const { person } = await store.addPersonWithTemplates(newPerson('Kept'), [template(1)]);
    store.close();
    const reopened = await openGalleryStore({ name: 'test', idbFactory: factory });
    expect((await reopened.listPeople()).map((p) => [p.id, p.templateCount])).toEqual([[person.id, 1]]);
  });

  it('a full disk mid-enrolment says "storage-full" and leaves neither the person nor any template', async () => {
    const { store } = await freshStore();
    await store.addPersonWithTemplates(newPerson('Existing'), [template(9)]);
    const realAdd = IDBObjectStore.prototype.add;
    let calls = 0;
    const spy = vi.spyOn(IDBObjectStore.prototype, 'add').mockImplementation(function (
      this: IDBObjectStore,
      ...args: Parameters<IDBObjectStore['add']>
    ) {
      // The third write (the second template) hits the quota.
      if (++calls === 3) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return realAdd.apply(this, args);
    });
    try {
      const error = await rejection(
        store.addPersonWithTemplates(newPerson('Half'), [template(1), template(2), template(3)]),
      );
      expect(error.code).toBe('storage-full');
      expect(error.message).toMatch(/nothing was saved/);
    } finally {
      spy.mockRestore();
    }
    expect((await store.listPeople()).map((p) => p.name)).toEqual(['Existing']);
    expect((await store.allTemplates()).length).toBe(1);
  });

  it('refuses to enrol without a valid consent record, and stores nothing', async () => {
    const { store } = await freshStore();
    const missing = await rejection(
      store.addPersonWithTemplates({ name: 'No Consent', consent: undefined as unknown as ConsentRecord }, [
        template(1),
      ]),
    );
    expect(missing.code).toBe('consent-required');
    const unsigned = await rejection(
      store.addPersonWithTemplates(newPerson('Ann', { method: 'typed-signature', signature: 'Someone Else' }), [
        template(1),
      ]),
    );
    expect(unsigned.message).toMatch(/signature must match/);
    expect(await store.listPeople()).toEqual([]);
    expect(await store.allTemplates()).toEqual([]);
  });

  it('records expiry from the consent and erases expired people with their templates', async () => {
    const { store } = await freshStore();
    const now = Date.now();
    const shortLived = await store.addPersonWithTemplates(
      newPerson('Short', { retention: { kind: 'days', days: 30 } }),
      [template(1)],
    );
    const kept = await store.addPersonWithTemplates(newPerson('Kept', { retention: { kind: 'until-withdrawn' } }), [
      template(2),
    ]);
    expect(shortLived.person.expiresAt).toBeGreaterThan(now + 29 * DAY);
    expect(kept.person.expiresAt).toBeNull();
    expect(await store.eraseExpired(now + 29 * DAY)).toEqual([]);
    expect(await store.eraseExpired(now + 31 * DAY)).toEqual([shortLived.person.id]);
    expect((await store.listPeople()).map((p) => p.name)).toEqual(['Kept']);
    expect((await store.allTemplates()).map((t) => t.personId)).toEqual([kept.person.id]);
  });

  it('a fresh consent record extends retention', async () => {
    const { store } = await freshStore();
    const { person } = await store.addPersonWithTemplates(newPerson('Ext'), [template(1)]);
    const later = Date.now() + 10 * DAY;
    const updated = await store.updateConsent(
      person.id,
      consent('Ext', { givenAt: Date.now(), retention: { kind: 'days', days: 365 } }),
    );
    expect(updated.expiresAt).toBeGreaterThan(later + 300 * DAY);
    expect((await rejection(store.updateConsent(person.id, consent('', {})))).code).toBe('consent-required');
  });

  it('removes one photo of a person', async () => {
    const { store } = await freshStore();
    const { person, templates } = await store.addPersonWithTemplates(newPerson('Two'), [template(1), template(2)]);
    await store.deleteTemplate(templates[0].id);
    expect((await store.templatesOf(person.id)).map((t) => t.id)).toEqual([templates[1].id]);
  });

  it('keeps an audit log and prunes entries past retention', async () => {
    const { store } = await freshStore();
    const now = Date.now();
    await store.log({ action: 'identify', outcome: '1 face(s): 1 known, 0 unknown' }, now - 400 * DAY);
    await store.log({ action: 'export', outcome: 'one person exported', personId: 'p1' }, now);
    expect((await store.auditLog()).map((e) => e.action)).toEqual(['identify', 'export']);
    expect(await store.pruneAudit(now)).toBe(1);
    expect((await store.auditLog()).map((e) => e.action)).toEqual(['export']);
  });

  it('erase everything empties every store', async () => {
    const { store } = await freshStore();
    await store.addPersonWithTemplates(newPerson('Gone'), [template(1)]);
    await store.log({ action: 'enrol', outcome: 'enrolled' });
    await store.eraseEverything();
    expect(await store.listPeople()).toEqual([]);
    expect(await store.allTemplates()).toEqual([]);
    expect(await store.auditLog()).toEqual([]);
  });

  it('imports people all or nothing', async () => {
    const { store } = await freshStore();
    const good = { person: newPerson('Good'), templates: [template(1)], exportedId: 'good' };
    const bad = {
      person: { name: 'Bad', consent: consent('Bad', { collectedBy: '' }) },
      templates: [template(2)],
      exportedId: 'bad',
    };
    expect((await rejection(store.importPeople([good, bad]))).code).toBe('consent-required');
    expect(await store.listPeople()).toEqual([]);
    expect((await store.importPeople([good])).map((p) => p.name)).toEqual(['Good']);
  });
});

describe('gallery store encryption at rest', () => {
  const cheap = { N: 2 ** 10 }; // the real cost (2^17) is exercised in the browser tests

  it('seals names, consent, templates and thumbnails; opens them only with the passphrase', async () => {
    const { factory, store } = await freshStore();
    const t = template(5);
    const { person } = await store.addPersonWithTemplates(newPerson('Secret Name'), [t]);
    await store.enableEncryption('correct horse battery staple', cheap);
    expect(store.encrypted).toBe(true);
    expect(store.locked).toBe(false);
    expect((await store.templatesOf(person.id))[0].embedding).toEqual(t.embedding);

    // What lies on disk is ciphertext: neither the name nor the embedding bytes appear in it.
    const raw = await new Promise<unknown[]>((resolve) => {
      const req = factory.open('test');
      req.onsuccess = () => {
        const tx = req.result.transaction(['people', 'templates']);
        const out: unknown[] = [];
        tx.objectStore('people').getAll().onsuccess = (e) => out.push(...(e.target as IDBRequest).result);
        tx.objectStore('templates').getAll().onsuccess = (e) => out.push(...(e.target as IDBRequest).result);
        tx.oncomplete = () => {
          req.result.close();
          resolve(out);
        };
      };
    });
    const text = raw
      .map((r) =>
        Buffer.from(new Uint8Array((r as { payload: { data: ArrayBuffer } }).payload.data)).toString('latin1'),
      )
      .join('');
    expect(raw.every((r) => (r as { payload: { kind: string } }).payload.kind === 'sealed')).toBe(true);
    expect(text).not.toContain('Secret Name');
    expect(text).not.toContain(Buffer.from(t.embedding.buffer).subarray(0, 16).toString('latin1'));

    store.lock();
    expect(store.locked).toBe(true);
    expect((await rejection(store.listPeople())).code).toBe('locked');
    expect((await rejection(store.unlock('wrong passphrase'))).code).toBe('wrong-passphrase');
    expect(store.locked).toBe(true);
    await store.unlock('correct horse battery staple');
    expect((await store.listPeople()).map((p) => p.name)).toEqual(['Secret Name']);

    store.close();
    const reopened = await openGalleryStore({ name: 'test', idbFactory: factory });
    expect(reopened.locked).toBe(true);
    // Retention works while locked: expiry is kept in clear.
    expect(await reopened.eraseExpired(Date.now() + 31 * DAY)).toEqual([person.id]);
  });

  it('refuses a short passphrase and a second enable', async () => {
    const { store } = await freshStore();
    expect((await rejection(store.enableEncryption('short', cheap))).code).toBe('invalid-passphrase');
    await store.enableEncryption('long enough passphrase, 2026!', cheap);
    expect((await rejection(store.enableEncryption('long enough passphrase, 2026!', cheap))).code).toBe(
      'invalid-passphrase',
    );
  });
});

describe('restriction of processing', () => {
  it('is kept (sealed with the person), needs a reason, and lifts', async () => {
    const { factory, store } = await freshStore();
    const { person } = await store.addPersonWithTemplates(newPerson('Ada'), [template(1)]);
    expect(person.restriction).toBeNull();
    expect((await rejection(store.setRestriction(person.id, { since: 5, reason: '  ' }))).code).toBe('reason-required');
    await store.setRestriction(person.id, { since: 5, reason: ' contests a match ' });
    await store.enableEncryption('correct horse battery staple', { N: 2 ** 10 });
    store.close();
    const reopened = await openGalleryStore({ name: 'test', idbFactory: factory });
    await reopened.unlock('correct horse battery staple');
    expect((await reopened.getPerson(person.id))?.restriction).toEqual({ since: 5, reason: 'contests a match' });
    expect((await reopened.templatesOf(person.id)).length).toBe(1);
    await reopened.setRestriction(person.id, null);
    expect((await reopened.getPerson(person.id))?.restriction).toBeNull();
  });
});

describe('gallery preferences', () => {
  it('default to no auto-lock and thumbnails not chosen; keep a change; refuse an idle time under a second', async () => {
    const { factory, store } = await freshStore();
    expect(await store.preferences()).toEqual({
      key: 'preferences',
      autoLock: { idleMs: null, whenHidden: false },
      thumbnails: null,
    });
    await store.setPreferences({ autoLock: { idleMs: 60_000, whenHidden: true } });
    expect((await rejection(store.setPreferences({ autoLock: { idleMs: 10, whenHidden: false } }))).code).toBe(
      'invalid-setting',
    );
    store.close();
    const reopened = await openGalleryStore({ name: 'test', idbFactory: factory });
    expect((await reopened.preferences()).autoLock).toEqual({ idleMs: 60_000, whenHidden: true });
    expect(reopened.encrypted).toBe(false); // the preferences record is not taken for encryption settings
  });
});

describe('face thumbnails (data minimisation)', () => {
  /** Every stored payload's bytes, as the database holds them: a JPEG would show its start-of-image marker. */
  const holdsJpeg = async (factory: IDBFactory) => {
    const check = await openGalleryStore({ name: 'test', idbFactory: factory });
    check.close();
    const db = await new Promise<IDBDatabase>((resolve) => {
      const r = factory.open('test');
      r.onsuccess = () => resolve(r.result);
    });
    const all = async (name: string) =>
      new Promise<{ payload: { bytes: Uint8Array } }[]>((resolve) => {
        db.transaction(name).objectStore(name).getAll().onsuccess = (e) => resolve((e.target as IDBRequest).result);
      });
    const payloads = [...(await all('templates')), ...(await all('importFaces'))].map((r) =>
      Array.from(r.payload.bytes),
    );
    db.close();
    return payloads.some((b) => b.some((x, i) => x === 0xff && b[i + 1] === 0xd8 && b[i + 3] === 0xff));
  };

  it('stores none once dropped, whoever writes, and erases those already stored', async () => {
    const { factory, store } = await freshStore();
    const { person } = await store.addPersonWithTemplates(newPerson('Ada'), [template(1)]);
    const job = await store.createImportJob('s');
    await store.recordImportedFile(job.id, { fileKey: 'k', faces: 1, error: null }, [
      {
        fileName: 'a.jpg',
        box: { x: 0, y: 0, width: 9, height: 9 },
        detectionScore: 0.9,
        problem: null,
        modelId: 'test-model',
        embedding: template(5).embedding,
        thumbnail: template(5).thumbnail,
      },
    ]);
    expect(await holdsJpeg(factory)).toBe(true);
    await store.setPreferences({ thumbnails: 'drop' });
    expect(await store.eraseThumbnails()).toBe(2);
    expect(await holdsJpeg(factory)).toBe(false);
    // New writes through every path carry none, although the caller passed one.
    await store.addTemplates(person.id, [template(2)]);
    const { person: bob } = await store.addPersonWithTemplates(newPerson('Bob'), [template(3)]);
    await store.importPeople([{ person: newPerson('Cy'), templates: [template(4)], exportedId: 'x' }]);
    await store.recordImportedFile(job.id, { fileKey: 'k2', faces: 1, error: null }, [
      {
        fileName: 'b.jpg',
        box: { x: 0, y: 0, width: 9, height: 9 },
        detectionScore: 0.9,
        problem: null,
        modelId: 'test-model',
        embedding: template(6).embedding,
        thumbnail: template(6).thumbnail,
      },
    ]);
    const [face] = (await store.importFaces(job.id)).filter((f) => f.fileName === 'b.jpg');
    await store.enrolFromImport(newPerson('Di'), [face.id], 'test-model');
    expect(await holdsJpeg(factory)).toBe(false);
    expect((await store.templatesOf(person.id)).map((t) => t.thumbnail)).toEqual([null, null]);
    expect((await store.templatesOf(bob.id))[0].embedding).toHaveLength(512); // nothing else changes
  });
});

describe('hiding a person and choosing the photo that represents them', () => {
  it('keeps both (sealed with the person), and takes only one of their own photos as the cover', async () => {
    const { factory, store } = await freshStore();
    const { person, templates } = await store.addPersonWithTemplates(newPerson('Ada'), [template(1), template(2)]);
    const other = await store.addPersonWithTemplates(newPerson('Bo'), [template(3)]);
    expect(person).toMatchObject({ hidden: false, coverTemplateId: null });
    await store.setHidden(person.id, true);
    await store.setCover(person.id, templates[1].id);
    expect((await rejection(store.setCover(person.id, other.templates[0].id))).code).toBe('photo-not-found');
    expect((await rejection(store.setHidden('missing', true))).code).toBe('person-not-found');
    await store.enableEncryption('correct horse battery staple', { N: 2 ** 10 });
    store.close();
    const reopened = await openGalleryStore({ name: 'test', idbFactory: factory });
    await reopened.unlock('correct horse battery staple');
    expect(await reopened.getPerson(person.id)).toMatchObject({
      hidden: true,
      coverTemplateId: templates[1].id,
      name: 'Ada',
    });
    await reopened.setHidden(person.id, false);
    expect((await reopened.listPeople()).map((p) => [p.name, p.hidden])).toEqual([
      ['Ada', false],
      ['Bo', false],
    ]);
  });
});

describe('the reveal secret (widget ids)', () => {
  it('is 32 random bytes made once, the same on every call and after reopening, and new after erase everything', async () => {
    const { factory, store } = await freshStore();
    const first = await store.revealSecret();
    expect(first).toHaveLength(32);
    expect(Array.from(await store.revealSecret())).toEqual(Array.from(first));
    store.close();
    const reopened = await openGalleryStore({ name: 'test', idbFactory: factory });
    expect(Array.from(await reopened.revealSecret())).toEqual(Array.from(first));
    await reopened.eraseEverything();
    expect(Array.from(await reopened.revealSecret())).not.toEqual(Array.from(first));
    expect(Array.from(first).every((b) => b === 0)).toBe(false);
    reopened.close();
  });
});
