// Turning encryption on with two store instances on one database (two tabs), and the passphrase rule. The key
// derivation is held at a gate, so "another tab writes while the key is derived" happens every time, not by luck.
import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import { IDBFactory } from 'fake-indexeddb';
import { openGalleryStore, type NewTemplate } from '../../src/store/gallery-store';
import { estimatedBits, passphraseProblems } from '../../src/core/passphrase';
import { DEFAULT_KEY_PARAMS } from '../../src/core/sealing';
import { consentFor } from '../test-consent';
import { FacelocalError } from '../../src/types';
import { l2Normalize } from '../../src/core/vectors';

const gate = vi.hoisted(() => ({ waiting: null as null | { entered: () => void; open: Promise<void> } }));
vi.mock('../../src/core/sealing', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/core/sealing')>();
  return {
    ...real,
    deriveKey: async (...args: Parameters<typeof real.deriveKey>) => {
      const held = gate.waiting;
      if (held) {
        held.entered();
        await held.open;
      }
      return real.deriveKey(...args);
    },
  };
});

const cheap = { N: 2 ** 10 };
const PASS = 'correct horse battery staple';

function template(seed: number): NewTemplate {
  return {
    embedding: l2Normalize(new Float32Array(512).map((_, i) => Math.sin(seed + i))),
    modelId: 'm',
    sourceName: `p${seed}.jpg`,
    box: { x: 0, y: 0, width: 10, height: 10 },
    detectionScore: 1,
    thumbnail: { type: 'image/jpeg', bytes: new Uint8Array([1, 2]).buffer },
  };
}

/** Every record of the payload stores, read straight from the database. */
async function rawPayloadKinds(factory: IDBFactory): Promise<string[]> {
  return new Promise((resolve) => {
    const req = factory.open('test');
    req.onsuccess = () => {
      const tx = req.result.transaction(['people', 'templates', 'importFaces']);
      const kinds: string[] = [];
      for (const s of ['people', 'templates', 'importFaces']) {
        tx.objectStore(s).getAll().onsuccess = (e) =>
          kinds.push(
            ...((e.target as IDBRequest).result as { payload: { kind: string } }[]).map((r) => r.payload.kind),
          );
      }
      tx.oncomplete = () => {
        req.result.close();
        resolve(kinds);
      };
    };
  });
}

async function code(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FacelocalError);
  return (error as FacelocalError).code;
}

describe('turning encryption on while another tab writes', () => {
  it('seals what the other tab wrote while the key was derived, and refuses its writes afterwards', async () => {
    const factory = new IDBFactory();
    const a = await openGalleryStore({ name: 'test', idbFactory: factory });
    const b = await openGalleryStore({ name: 'test', idbFactory: factory });
    await a.addPersonWithTemplates({ name: 'Before', consent: consentFor('Before') }, [template(1)]);

    let entered!: () => void;
    const inDerivation = new Promise<void>((resolve) => (entered = resolve));
    let open!: () => void;
    gate.waiting = { entered, open: new Promise((resolve) => (open = resolve)) };
    const enabling = a.enableEncryption(PASS, cheap);
    await inDerivation; // a has read everything and is deriving its key
    const job = await b.createImportJob('session-b');
    await b.addPersonWithTemplates({ name: 'During', consent: consentFor('During') }, [template(2)]);
    await b.recordImportedFile(job.id, { fileKey: 'k', faces: 1, error: null }, [
      {
        fileName: 'x.jpg',
        box: { x: 0, y: 0, width: 1, height: 1 },
        detectionScore: 1,
        embedding: l2Normalize(new Float32Array(512).fill(1)),
        problem: null,
        modelId: 'm',
        thumbnail: { type: 'image/jpeg', bytes: new ArrayBuffer(2) },
      },
    ]);
    gate.waiting = null;
    open();
    expect(await enabling).toEqual({ sealedLate: 3 }); // the person, the template and the import face b wrote
    expect(await rawPayloadKinds(factory)).toEqual(['sealed', 'sealed', 'sealed', 'sealed', 'sealed']);
    expect((await a.listPeople()).map((p) => p.name)).toEqual(['Before', 'During']);

    // b has not heard of the change yet: its next write would be in clear, so it is refused whole and b locks.
    expect(await code(b.addPersonWithTemplates({ name: 'After', consent: consentFor('After') }, [template(3)]))).toBe(
      'locked',
    );
    expect(b.locked).toBe(true);
    expect((await a.listPeople()).map((p) => p.name)).toEqual(['Before', 'During']);
    expect((await rawPayloadKinds(factory)).every((k) => k === 'sealed')).toBe(true);
  });

  it('keeps an erasure made by another tab while the key was derived', async () => {
    const factory = new IDBFactory();
    const a = await openGalleryStore({ name: 'test', idbFactory: factory });
    const b = await openGalleryStore({ name: 'test', idbFactory: factory });
    const { person } = await a.addPersonWithTemplates({ name: 'Leaving', consent: consentFor('Leaving') }, [
      template(1),
    ]);
    let entered!: () => void;
    const inDerivation = new Promise<void>((resolve) => (entered = resolve));
    let open!: () => void;
    gate.waiting = { entered, open: new Promise((resolve) => (open = resolve)) };
    const enabling = a.enableEncryption(PASS, cheap);
    await inDerivation;
    await b.deletePerson(person.id);
    gate.waiting = null;
    open();
    await enabling;
    expect(await a.listPeople()).toEqual([]);
    expect(await rawPayloadKinds(factory)).toEqual([]);
  });

  it('refuses on read a payload in clear once encryption is on', async () => {
    const factory = new IDBFactory();
    const a = await openGalleryStore({ name: 'test', idbFactory: factory });
    await a.enableEncryption(PASS, cheap);
    const planted = await openGalleryStore({ name: 'test', idbFactory: factory });
    // A store that predates the settings (as an old tab would) cannot write: planting takes a raw write.
    await new Promise<void>((resolve) => {
      const req = factory.open('test');
      req.onsuccess = () => {
        const tx = req.result.transaction('people', 'readwrite');
        tx.objectStore('people').put({
          id: 'x',
          createdAt: 0,
          updatedAt: 0,
          expiresAt: null,
          payload: { kind: 'plain', bytes: new Uint8Array([1, 2, 3]) },
        });
        tx.oncomplete = () => {
          req.result.close();
          resolve();
        };
      };
    });
    await planted.unlock(PASS);
    expect(await code(planted.listPeople())).toBe('tampered');
    expect(await code(planted.getPerson('x'))).toBe('tampered');
  });
});

describe('passphrase rule', () => {
  it('uses scrypt at N = 2^17 (OWASP minimum), r = 8', () => {
    expect(DEFAULT_KEY_PARAMS).toMatchObject({ N: 2 ** 17, r: 8, p: 1 });
  });

  it('refuses weak passphrases and says why', () => {
    expect(passphraseProblems('abcd1234')[0]).toMatch(/too short/);
    expect(passphraseProblems('Password2026!!')).toEqual([
      'It is a common password with small changes: guessers try those first.',
    ]);
    expect(passphraseProblems('qwertyuiopasdf')).toEqual([
      'It is a keyboard or alphabet sequence, or one thing repeated: guessers try those first.',
    ]);
    expect(passphraseProblems('abcabcabcabcabc')[0]).toMatch(/repeated/);
    expect(passphraseProblems('hello world 12')).toEqual([
      'It is too easy to guess: add another word or two, or mix in digits and symbols.',
    ]);
  });

  it('accepts four words, or a long mixed passphrase', () => {
    expect(passphraseProblems('correct horse battery staple')).toEqual([]);
    expect(passphraseProblems('Tr0ub4dor&3x!q')).toEqual([]);
    expect(estimatedBits('correct horse battery staple')).toBeGreaterThanOrEqual(50);
  });

  it('the store applies it, with the reasons in the message', async () => {
    const store = await openGalleryStore({ name: 'test', idbFactory: new IDBFactory() });
    const error = await store.enableEncryption('password1234', cheap).then(
      () => null,
      (e: FacelocalError) => e,
    );
    expect(error?.code).toBe('invalid-passphrase');
    expect(error?.message).toMatch(/common password/);
    expect(store.encrypted).toBe(false);
  });
});
