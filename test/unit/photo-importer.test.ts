// The photo-library import (PhotoImporter) in Node: the real gallery store (fake-indexeddb) and the real grouping
// plan, with scripted workers. A "photo" is a small text file naming the people in it, so each test says exactly
// which faces exist; the browser suite (test/browser/import.test.ts) runs the same code on real photos.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { IDBFactory } from 'fake-indexeddb';
import { PhotoImporter, type PhotoImportDeps } from '../../src/facade/photo-imports';
import { openGalleryStore, type GalleryStore } from '../../src/store/gallery-store';
import { reenrolmentNeeded } from '../../src/core/model-change';
import { planGrouping, planSplit, type GroupingInput } from '../../src/core/grouping-plan';
import { samePersonPairs, type SamePersonInput } from '../../src/core/same-person';
import { l2Normalize } from '../../src/core/vectors';
import { FacelocalError, type Person } from '../../src/types';
import type { AnalysedPhoto, Box } from '../../src/workers/worker-protocol';
import { consentFor } from '../test-consent';

const DIM = 512;
const GOOD_QUALITY = { sizePx: 200, rollDeg: 0, yaw: 0, sharpness: 500, brightness: 120 };

/** A person's face: their own direction in 512-d, and a little noise per photo (genuine cosine ≈ 0.9). */
function faceOf(person: string, photo: string): Float32Array {
  // "ada~0.3": someone else whose faces are at cosine ≈ 0.3 to Ada's (a look-alike, near but below the threshold).
  const [base, near] = person.split('~');
  if (near !== undefined) {
    const c = Number(near),
      a = faceOf(base, photo),
      own = faceOf(`${near}${base}`, photo); // short: a long name overflows the seed
    return l2Normalize(a.map((x, i) => c * x + Math.sqrt(1 - c * c) * own[i]));
  }
  const seed = [...person].reduce((s, c) => s * 31 + c.charCodeAt(0), 7);
  const noise = [...photo].reduce((s, c) => s * 17 + c.charCodeAt(0), 3);
  return l2Normalize(new Float32Array(DIM).map((_, i) => Math.sin(seed * (i + 1)) + 0.3 * Math.sin(noise * (i + 3))));
}

/** "ada,bob" is a photo of Ada and Bob; "broken" is not a photo. */
const photo = (name: string, content: string) => new File([content], name, { type: 'image/jpeg' });

async function setUp(
  options: {
    /** `scripted`: this set-up's own scripted detector (its crops are the ones `embed` knows). */
    analyse?: (
      file: File,
      content: string,
      region: Box | undefined,
      scripted: (file: File, content: string) => Promise<AnalysedPhoto>,
    ) => Promise<AnalysedPhoto>;
    /** The same gallery, opened again (by another model). */
    store?: GalleryStore;
    modelId?: string;
  } = {},
) {
  const store =
    options.store ?? (await openGalleryStore({ name: `imports-${Math.random()}`, idbFactory: new IDBFactory() }));
  const read: string[] = [];
  const audit: string[] = [];
  const crops = new Map<number, Float32Array>(); // a crop's first byte says which face it is
  const analyseScripted = async (file: File, content: string): Promise<AnalysedPhoto> => {
    if (content === 'broken') throw new FacelocalError('unreadable-file', 'This file is not an image.');
    const people = content.split(',').filter(Boolean);
    return {
      width: 640,
      height: 480,
      decodeMs: 1,
      detectMs: 1,
      alignMs: 1,
      faces: people.map((p, i) => {
        const id = crops.size;
        crops.set(id, faceOf(p, file.name));
        return {
          box: { x: 100 * i, y: 10, width: 90, height: 110 },
          keypoints: [],
          score: 0.9,
          quality: GOOD_QUALITY,
          aligned: new Uint8ClampedArray([id]),
        };
      }),
    };
  };
  const deps: PhotoImportDeps = {
    store,
    session: { id: 'tab-1', liveSessions: async () => new Set(['tab-1']), release: () => undefined },
    threshold: 0.34,
    modelId: options.modelId ?? 'test-model',
    analyse: async (file, region) => {
      const f = file as File;
      read.push(f.name);
      return (options.analyse ?? analyseScripted)(f, await f.text(), region, analyseScripted);
    },
    embed: async (cs) => cs.map((c) => crops.get(c[0]) ?? new Float32Array(DIM)),
    audit: async (action, outcome) => {
      audit.push(`${action}: ${outcome}`);
    },
    enrolled: (person, templates) =>
      ({ id: person.id, name: person.name, templateCount: templates.length }) as unknown as Person,
    assertUnlocked: () => undefined,
    lookAlike: async () => null,
    grouping: () =>
      ({
        planGrouping: async (input: GroupingInput) => planGrouping(input),
        planSplit: async (f: Float32Array[], t: number) => planSplit(f, t),
        samePersonPairs: async (input: SamePersonInput) => samePersonPairs(input),
      }) as unknown as ReturnType<PhotoImportDeps['grouping']>,
    shownPeople: async () => new Map((await store.listPeople()).map((p) => [p.id, p.name])),
    templatesUpdated: async () => undefined,
    // As the matcher's index does: the enrolled template closest to the face (computed here from the store).
    closestPerson: async (embedding) => {
      const names = new Map((await store.listPeople()).map((p) => [p.id, p.name]));
      let best: { personId: string; name: string; score: number } | null = null;
      for (const t of await store.allTemplates()) {
        const score = t.embedding.reduce((sum, x, i) => sum + x * embedding[i], 0);
        if (!best || score > best.score) best = { personId: t.personId, name: names.get(t.personId) ?? '?', score };
      }
      return best;
    },
  };
  return { importer: new PhotoImporter(deps), store, read, audit, analyseScripted };
}

const LIBRARY = [
  photo('a1.jpg', 'ada'),
  photo('a2.jpg', 'ada'),
  photo('ab.jpg', 'ada,bob'),
  photo('b1.jpg', 'bob'),
  photo('note.jpg', 'broken'),
  photo('empty.jpg', ''),
];

describe('PhotoImporter', () => {
  it('reads every photo once, a bad file does not stop the batch, and the faces are grouped by person', async () => {
    const { importer, read, audit } = await setUp();
    const run = await importer.start(LIBRARY);
    const end = await run.done;
    expect(end).toMatchObject({ total: 6, done: 6, skipped: 0, faces: 5, failed: 1, finished: true, cancelled: false });
    expect(run.failures).toEqual([
      { fileName: 'note.jpg', code: 'unreadable-file', message: 'This file is not an image.' },
    ]);
    expect([...read].sort()).toEqual(LIBRARY.map((p) => p.name).sort());
    const { groups, unassigned, poor } = await importer.groups(run.jobId);
    const byFile = groups.map((g) => g.faces.map((f) => f.fileName).sort());
    expect(byFile).toEqual([
      ['a1.jpg', 'a2.jpg', 'ab.jpg'],
      ['ab.jpg', 'b1.jpg'],
    ]);
    expect([unassigned, poor]).toEqual([[], []]);
    expect(audit[0]).toBe('photo-import: started: 6 photo(s) picked, 0 already read');
    expect(audit.at(-1)).toBe('photo-import: finished: 6 read, 0 already read, 1 failed, 5 face(s)');
  });

  it('refuses a second import while one runs in this tab ("busy"), and a resumed import reads only what is left', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const { importer, read, analyseScripted } = await setUp({
      analyse: async (file, content) => {
        if (file.name === 'ab.jpg') await gate; // holds the run in its third photo
        return analyseScripted(file, content);
      },
    });
    const first = await importer.start(LIBRARY);
    const second = await importer.start(LIBRARY).then(
      () => null,
      (e: unknown) => e,
    );
    expect(second).toBeInstanceOf(FacelocalError);
    expect((second as FacelocalError).code).toBe('busy');
    first.cancel();
    release();
    const cancelled = await first.done;
    expect(cancelled.cancelled).toBe(true);
    expect(cancelled.done).toBeLessThan(6);
    const readBefore = [...read];

    const resumed = await importer.start(LIBRARY, { jobId: first.jobId });
    const end = await resumed.done;
    expect(end).toMatchObject({ total: 6, done: 6, skipped: cancelled.done, finished: true, cancelled: false });
    // Nothing committed is read twice (a photo in flight when cancelled was never committed, so it is read again).
    const readAgain = read.slice(readBefore.length);
    const committed = LIBRARY.slice(0, cancelled.done).map((p) => p.name);
    expect(readAgain.filter((n) => committed.includes(n))).toEqual([]);
    expect(new Set(read)).toEqual(new Set(LIBRARY.map((p) => p.name)));
  });

  it('reads a photo again when its worker crashed, instead of losing it', async () => {
    let crashes = 0;
    const { importer, analyseScripted } = await setUp({
      analyse: async (file, content) => {
        if (file.name === 'b1.jpg' && crashes++ === 0)
          throw new FacelocalError('worker-crashed', 'The detector stopped; it was restarted.');
        return analyseScripted(file, content);
      },
    });
    const run = await importer.start(LIBRARY);
    const end = await run.done;
    expect(crashes).toBe(2);
    expect(end).toMatchObject({ done: 6, faces: 5, failed: 1 });
    const { groups } = await importer.groups(run.jobId);
    expect(groups.flatMap((g) => g.faces.map((f) => f.fileName))).toContain('b1.jpg');
  });

  it('merges, splits and moves faces, and a split of two people gives them back', async () => {
    const { importer } = await setUp();
    const run = await importer.start(LIBRARY);
    await run.done;
    const [ada, bob] = (await importer.groups(run.jobId)).groups;
    await importer.mergeGroups(run.jobId, [ada.id, bob.id]);
    expect((await importer.groups(run.jobId)).groups.map((g) => g.faces.length)).toEqual([5]);
    expect(await importer.splitGroup(run.jobId, ada.id)).toBe(2);
    expect((await importer.groups(run.jobId)).groups.map((g) => g.faces.length)).toEqual([3, 2]);
    const [first] = (await importer.groups(run.jobId)).groups;
    await importer.moveFaces(run.jobId, [first.faces[0].id], 'new');
    expect((await importer.groups(run.jobId)).groups.map((g) => g.faces.length)).toEqual([2, 2, 1]);
  });

  it('keeps a face taken out of a group out of it through a later import ("not this person")', async () => {
    const { importer } = await setUp();
    const run = await importer.start(LIBRARY);
    await run.done;
    const [ada] = (await importer.groups(run.jobId)).groups;
    const out = ada.faces.find((f) => f.fileName === 'a2.jpg')!;
    await importer.moveFaces(run.jobId, [out.id], null);
    const more = await importer.start([photo('a3.jpg', 'ada')], { jobId: run.jobId });
    await more.done;
    const after = await importer.groups(run.jobId);
    // The new photo of Ada joined her group (regrouping ran); the face taken out did not go back.
    expect(
      after.groups
        .find((g) => g.id === ada.id)!
        .faces.map((f) => f.fileName)
        .sort(),
    ).toEqual(['a1.jpg', 'a3.jpg', 'ab.jpg']);
    expect(after.unassigned.map((f) => f.id)).toEqual([out.id]);
    // Nor is it asked about with her group; a merge by hand brings it back and keeps it.
    expect(
      (await importer.suggestions(run.jobId)).some(
        (q) => q.a.kind === 'face' && q.a.face.id === out.id && q.b.kind === 'group' && q.b.groupId === ada.id,
      ),
    ).toBe(false);
    await importer.moveFaces(run.jobId, [out.id], ada.id);
    expect((await importer.groups(run.jobId)).groups.find((g) => g.id === ada.id)!.faces).toHaveLength(4);
  });

  it('asks "Same person?" about a look-alike near the threshold: No is never asked again, Yes joins and stays joined', async () => {
    const { importer } = await setUp();
    const run = await importer.start([...LIBRARY, photo('c1.jpg', 'ada~0.3'), photo('c2.jpg', 'ada~0.3')]);
    await run.done;
    const { groups } = await importer.groups(run.jobId);
    expect(groups).toHaveLength(3); // Ada, Bob, and the look-alike: below the threshold, not grouped with Ada
    const questions = await importer.suggestions(run.jobId);
    expect(questions.length).toBeGreaterThan(0);
    const top = questions[0];
    const files = (side: typeof top.a | typeof top.b) =>
      side.kind === 'group' ? side.faces.map((f) => f.fileName) : side.kind === 'face' ? [side.face.fileName] : [];
    expect([...files(top.a), ...files(top.b)].sort()).toEqual(['a1.jpg', 'a2.jpg', 'ab.jpg', 'c1.jpg', 'c2.jpg']);
    expect(top.similarity).toBeLessThan(0.34);
    await importer.answerSuggestion(run.jobId, top, false);
    expect(
      (await importer.suggestions(run.jobId)).some(
        (q) => files(q.a).includes('c1.jpg') && files(q.b).includes('a1.jpg'),
      ),
    ).toBe(false);
    expect((await importer.groups(run.jobId)).groups).toHaveLength(3);

    // Another import of the same look-alike: the new face joins the look-alike's group, never Ada's.
    const more = await importer.start([photo('c3.jpg', 'ada~0.3')], { jobId: run.jobId });
    await more.done;
    const lookAlike = (await importer.groups(run.jobId)).groups.find((g) =>
      g.faces.some((f) => f.fileName === 'c1.jpg'),
    )!;
    expect(lookAlike.faces.map((f) => f.fileName).sort()).toEqual(['c1.jpg', 'c2.jpg', 'c3.jpg']);

    // "Yes" on a fresh pair (a second import job of the same people): one group.
    const second = await importer.start([
      photo('d1.jpg', 'ada'),
      photo('d2.jpg', 'ada'),
      photo('e1.jpg', 'ada~0.3'),
      photo('e2.jpg', 'ada~0.3'),
    ]);
    await second.done;
    const [q] = await importer.suggestions(second.jobId);
    await importer.answerSuggestion(second.jobId, q, true);
    const joined = await importer.groups(second.jobId);
    expect(joined.groups.map((g) => g.faces.length)).toEqual([4]);
  });

  it('finds photos by the people in them (all of / any of / none of), among the files picked again', async () => {
    const { importer } = await setUp();
    const run = await importer.start(LIBRARY);
    await run.done;
    const [ada, bob] = (await importer.groups(run.jobId)).groups;
    const names = LIBRARY.map((p) => p.name);
    const find = async (q: Partial<{ allOf: string[]; anyOf: string[]; noneOf: string[] }>, among = names) =>
      (await importer.findPhotos(run.jobId, { allOf: [], anyOf: [], noneOf: [], ...q }, among)).map((p) => p.fileName);
    expect(await find({ allOf: [ada.id, bob.id] })).toEqual(['ab.jpg']);
    expect(await find({ anyOf: [ada.id, bob.id] })).toEqual(['a1.jpg', 'a2.jpg', 'ab.jpg', 'b1.jpg']);
    expect(await find({ allOf: [bob.id], noneOf: [ada.id] })).toEqual(['b1.jpg']);
    expect(await find({ allOf: [ada.id] }, ['a1.jpg'])).toEqual(['a1.jpg']); // only the files picked
    const [both] = await importer.findPhotos(run.jobId, { allOf: [ada.id, bob.id], anyOf: [], noneOf: [] }, names);
    expect(both.faces.map((f) => f.who)).toEqual(
      expect.arrayContaining([
        { kind: 'group', groupId: ada.id },
        { kind: 'group', groupId: bob.id },
      ]),
    );
    expect(both.faces).toHaveLength(2);
  });

  it('adds a face the detector missed from a box, or says no face can be read there', async () => {
    const { importer, analyseScripted } = await setUp({
      analyse: async (file, content) => analyseScripted(file, content),
    });
    const run = await importer.start(LIBRARY);
    await run.done;
    const b1 = LIBRARY.find((p) => p.name === 'b1.jpg')!;
    // The scripted detector reads the file's names whatever the box: b1.jpg shows Bob, who joins his group.
    const added = await importer.addFace(run.jobId, b1, { x: 300, y: 40, width: 80, height: 90 });
    const bob = (await importer.groups(run.jobId)).groups.find((g) => g.faces.some((f) => f.fileName === 'b1.jpg'))!;
    expect(bob.faces.map((f) => f.id)).toContain(added.id);
    const empty = LIBRARY.find((p) => p.name === 'empty.jpg')!;
    expect(
      (
        (await importer
          .addFace(run.jobId, empty, { x: 0, y: 0, width: 50, height: 50 })
          .catch((e: unknown) => e)) as FacelocalError
      ).code,
    ).toBe('no-face');
    expect(
      (
        (await importer
          .addFace(run.jobId, photo('never.jpg', 'ada'), { x: 0, y: 0, width: 50, height: 50 })
          .catch((e: unknown) => e)) as FacelocalError
      ).code,
    ).toBe('import-not-found');
    expect(
      (
        (await importer
          .addFace(run.jobId, b1, { x: 0, y: 0, width: 2, height: Number.NaN })
          .catch((e: unknown) => e)) as FacelocalError
      ).code,
    ).toBe('no-face');
  });

  it('asks whether a group is someone already enrolled when their faces are near: No sticks, Yes adds the faces to them', async () => {
    const { importer, store } = await setUp();
    const run = await importer.start(LIBRARY);
    await run.done;
    const [ada] = (await importer.groups(run.jobId)).groups;
    const consent = consentFor('Ada');
    const person = await importer.enrolGroup(run.jobId, ada.id, { name: 'Ada', consent });
    // Two more photos of her look-alike, and one more of her (joins no group now: her faces left the import).
    const more = await importer.start([photo('c1.jpg', 'ada~0.3'), photo('c2.jpg', 'ada~0.3')], { jobId: run.jobId });
    await more.done;
    const asked = (await importer.suggestions(run.jobId)).filter((q) => q.b.kind === 'person');
    expect(asked).toHaveLength(1);
    expect(asked[0].b).toEqual({ kind: 'person', personId: person.id, name: 'Ada' });
    expect(asked[0].similarity).toBeLessThan(0.34);
    await importer.answerSuggestion(run.jobId, asked[0], false);
    expect((await importer.suggestions(run.jobId)).filter((q) => q.b.kind === 'person')).toEqual([]);

    const third = await importer.start([photo('a5.jpg', 'ada~0.9'), photo('a6.jpg', 'ada~0.9')], { jobId: run.jobId });
    await third.done;
    const [yes] = (await importer.suggestions(run.jobId)).filter((q) => q.b.kind === 'person');
    expect(yes.a.kind === 'group' ? yes.a.faces.map((f) => f.fileName).sort() : []).toEqual(['a5.jpg', 'a6.jpg']);
    await importer.answerSuggestion(run.jobId, yes, true);
    expect((await store.templatesOf(person.id)).map((t) => t.sourceName).sort()).toEqual([
      'a1.jpg',
      'a2.jpg',
      'a5.jpg',
      'a6.jpg',
      'ab.jpg',
    ]);
  });

  it('after a model change, updates the named faces from the folder picked again; a wrong folder changes nothing', async () => {
    const before = await setUp();
    const run = await before.importer.start(LIBRARY);
    await run.done;
    const [ada] = (await before.importer.groups(run.jobId)).groups;
    const consent = {
      subjectName: 'Ada',
      givenAt: Date.now(),
      purpose: 'photo-library' as const,
      purposeDetail: '',
      method: 'checkbox' as const,
      retention: { kind: 'days' as const, days: 30 },
      collectedBy: 'Test',
    };
    const person = await before.importer.enrolGroup(run.jobId, ada.id, { name: 'Ada', consent });
    const store = before.store;
    const { expiresAt, consent: kept } = (await store.getPerson(person.id))!;
    const { importer, read, audit } = await setUp({ store, modelId: 'new-model' });
    expect([...reenrolmentNeeded(await store.allTemplates(), 'new-model').keys()]).toEqual([person.id]);

    // Another folder: refused, nothing read or stored.
    const stored = JSON.stringify(await store.allTemplates(), (_, v) => (v instanceof Float32Array ? [...v] : v));
    const wrong = importer.updateFaces(run.jobId, [photo('a1.jpg', 'ada,bob'), photo('x.jpg', 'ada')]);
    await expect(wrong).rejects.toMatchObject({ code: 'not-this-folder' });
    await expect(wrong).rejects.toThrow(/1 of its photos are here but have changed/);
    expect(read).toEqual([]);
    expect(JSON.stringify(await store.allTemplates(), (_, v) => (v instanceof Float32Array ? [...v] : v))).toBe(stored);

    // The folder again, a1.jpg edited since (another size): it is skipped, the others are read again.
    const [, a2, ab, b1] = LIBRARY;
    const outcome = await importer.updateFaces(run.jobId, [photo('a1.jpg', 'ada,ada'), a2, ab, b1]);
    expect(outcome).toEqual({
      photosRead: 3, // Bob's unnamed faces (ab.jpg, b1.jpg) are the import's, of the old model too
      facesReembedded: 2,
      unnamedFacesReembedded: 2,
      facesNotFound: 0,
      peopleUpdated: [{ personId: person.id, name: 'Ada' }],
      stillNeedReenrolling: 0,
      photosMissing: 2,
      photosChanged: ['a1.jpg'],
    });
    expect(read.sort()).toEqual(['a2.jpg', 'ab.jpg', 'b1.jpg']);
    const templates = await store.templatesOf(person.id);
    expect(templates.map((t) => [t.sourceName, t.modelId]).sort()).toEqual([
      ['a1.jpg', 'test-model'],
      ['a2.jpg', 'new-model'],
      ['ab.jpg', 'new-model'],
    ]);
    // Her face in the photo of two is the one in her template's place, not Bob's.
    expect(templates.find((t) => t.sourceName === 'ab.jpg')?.box.x).toBe(0);
    expect(await store.getPerson(person.id)).toMatchObject({ name: 'Ada', expiresAt, consent: kept });
    expect(audit.filter((a) => a.startsWith('reembed:'))).toHaveLength(2); // Ada's faces; the import's unnamed ones
  });

  it("after a model change, an import's faces of the old model are neither grouped, compared nor named until updated", async () => {
    const consent = (subjectName: string) => ({
      subjectName,
      givenAt: Date.now(),
      purpose: 'photo-library' as const,
      purposeDetail: '',
      method: 'checkbox' as const,
      retention: { kind: 'days' as const, days: 30 },
      collectedBy: 'Test',
    });
    const before = await setUp();
    const library = [...LIBRARY, photo('b2.jpg', 'bob')];
    const run = await before.importer.start(library);
    await run.done;
    const old = await before.importer.groups(run.jobId);
    expect(old.outdated).toEqual({ faces: [], fromModels: [] });
    const ada = old.groups.find((g) => g.faces.some((f) => f.fileName === 'a1.jpg'))!;
    const bob = old.groups.find((g) => g.faces.some((f) => f.fileName === 'b1.jpg'))!;
    await before.importer.enrolGroup(run.jobId, ada.id, { name: 'Ada', consent: consent('Ada') });
    const store = before.store;

    // The same gallery under another model: Bob's faces are the old model's.
    const { importer, audit } = await setUp({ store, modelId: 'new-model' });
    const waiting = await importer.groups(run.jobId);
    expect(waiting.groups).toEqual([]);
    expect(waiting.unassigned).toEqual([]);
    expect(waiting.outdated.fromModels).toEqual(['test-model']);
    expect(waiting.outdated.faces.map((f) => [f.fileName, f.groupId])).toEqual(
      bob.faces.map((f) => [f.fileName, bob.id]), // his group is kept, waiting
    );
    expect(await importer.suggestions(run.jobId)).toEqual([]);
    // Naming his group, or adding it to Ada, would stamp the new model's id on the old model's numbers: refused.
    const storedFaces = JSON.stringify(await store.importFaces(run.jobId), (_, v) =>
      v instanceof Float32Array ? [...v] : v,
    );
    const refused = importer.enrolGroup(run.jobId, bob.id, { name: 'Bob', consent: consent('Bob') });
    await expect(refused).rejects.toMatchObject({ code: 'outdated-faces' });
    await expect(refused).rejects.toThrow(/read by another face model \(test-model\).*Update faces from this folder/);
    const [adaNow] = await store.listPeople();
    await expect(importer.addGroupTo(run.jobId, bob.id, adaNow.id)).rejects.toMatchObject({ code: 'outdated-faces' });
    // The store refuses too, whoever asks: a template records the model that made it.
    await expect(
      store.enrolFromImport({ name: 'Bob', consent: consent('Bob') }, [bob.faces[0].id], 'new-model'),
    ).rejects.toMatchObject({ code: 'outdated-faces' });
    expect((await store.listPeople()).map((p) => p.name)).toEqual(['Ada']);
    expect(JSON.stringify(await store.importFaces(run.jobId), (_, v) => (v instanceof Float32Array ? [...v] : v))).toBe(
      storedFaces,
    );
    expect(audit).toContain('enrol: refused from an import group: outdated-faces');
    // A new photo imported now is the new model's: it is grouped among the new model's faces only (here: alone).
    const more = await importer.start([photo('b3.jpg', 'bob')], { jobId: run.jobId });
    await more.done;
    const mixed = await importer.groups(run.jobId);
    expect(mixed.groups).toEqual([]);
    expect(mixed.unassigned.map((f) => f.fileName)).toEqual(['b3.jpg']);
    expect(mixed.outdated.faces).toHaveLength(bob.faces.length);

    // Updated from the folder: Bob's faces are the new model's, his group as it was, b3 joins it, and he can be named.
    const outcome = await importer.updateFaces(run.jobId, [...library, photo('b3.jpg', 'bob')]);
    expect(outcome).toMatchObject({ facesReembedded: 3, unnamedFacesReembedded: bob.faces.length, facesNotFound: 0 });
    const updated = await importer.groups(run.jobId);
    expect(updated.outdated).toEqual({ faces: [], fromModels: [] });
    expect(updated.groups.map((g) => [g.id, g.faces.map((f) => f.fileName).sort()])).toEqual([
      [bob.id, ['ab.jpg', 'b1.jpg', 'b2.jpg', 'b3.jpg']],
    ]);
    const named = await importer.enrolGroup(run.jobId, bob.id, { name: 'Bob', consent: consent('Bob') });
    expect((await store.templatesOf(named.id)).map((t) => t.modelId)).toEqual(Array(4).fill('new-model'));
  });

  it('finds a face added by hand again in its own box when its faces are updated', async () => {
    // The scripted detector: in a box, the photo's first person, filling the box.
    const analyse = async (
      file: File,
      content: string,
      region: Box | undefined,
      scripted: (file: File, content: string) => Promise<AnalysedPhoto>,
    ) => {
      const read = await scripted(file, content);
      return region ? { ...read, faces: read.faces.slice(0, 1).map((f) => ({ ...f, box: region })) } : read;
    };
    const before = await setUp({ analyse });
    const run = await before.importer.start(LIBRARY);
    await run.done;
    const b1 = LIBRARY.find((p) => p.name === 'b1.jpg')!;
    const drawn = { x: 300, y: 40, width: 80, height: 90 };
    const added = await before.importer.addFace(run.jobId, b1, drawn);
    const bob = (await before.importer.groups(run.jobId)).groups.find((g) => g.faces.some((f) => f.id === added.id))!;
    const person = await before.importer.enrolGroup(run.jobId, bob.id, {
      name: 'Bob',
      consent: {
        subjectName: 'Bob',
        givenAt: Date.now(),
        purpose: 'photo-library',
        purposeDetail: '',
        method: 'checkbox',
        retention: { kind: 'days', days: 30 },
        collectedBy: 'Test',
      },
    });
    const after = await setUp({ store: before.store, modelId: 'new-model', analyse });
    const outcome = await after.importer.updateFaces(run.jobId, LIBRARY);
    expect(outcome).toMatchObject({ facesReembedded: bob.faces.length, facesNotFound: 0, photosChanged: [] });
    const templates = await before.store.templatesOf(person.id);
    expect(templates.every((t) => t.modelId === 'new-model')).toBe(true);
    expect(
      templates
        .filter((t) => t.sourceName === 'b1.jpg')
        .map((t) => t.box.x)
        .sort(),
    ).toEqual([0, drawn.x]);
  });
});
