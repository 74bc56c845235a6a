// The photo-library import (PhotoImporter) in Node: the real gallery store (fake-indexeddb) and the real grouping
// plan, with scripted workers. A "photo" is a small text file naming the people in it, so each test says exactly
// which faces exist; the browser suite (test/browser/import.test.ts) runs the same code on real photos.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { IDBFactory } from 'fake-indexeddb';
import { PhotoImporter, type PhotoImportDeps } from '../../src/facade/photo-imports';
import { openGalleryStore } from '../../src/store/gallery-store';
import { planGrouping, planSplit, type GroupingInput } from '../../src/core/grouping-plan';
import { samePersonPairs, type SamePersonInput } from '../../src/core/same-person';
import { l2Normalize } from '../../src/core/vectors';
import { FacelocalError, type Person } from '../../src/types';
import type { AnalysedPhoto } from '../../src/workers/worker-protocol';

const DIM = 512;
const GOOD_QUALITY = { sizePx: 200, rollDeg: 0, yaw: 0, sharpness: 500, brightness: 120 };

/** A person's face: their own direction in 512-d, and a little noise per photo (genuine cosine ≈ 0.9). */
function faceOf(person: string, photo: string): Float32Array {
  const seed = [...person].reduce((s, c) => s * 31 + c.charCodeAt(0), 7);
  const noise = [...photo].reduce((s, c) => s * 17 + c.charCodeAt(0), 3);
  return l2Normalize(new Float32Array(DIM).map((_, i) => Math.sin(seed * (i + 1)) + 0.3 * Math.sin(noise * (i + 3))));
}

/** "ada,bob" is a photo of Ada and Bob; "broken" is not a photo. */
const photo = (name: string, content: string) => new File([content], name, { type: 'image/jpeg' });

async function setUp(options: { analyse?: (file: File, content: string) => Promise<AnalysedPhoto> } = {}) {
  const store = await openGalleryStore({ name: `imports-${Math.random()}`, idbFactory: new IDBFactory() });
  const read: string[] = [];
  const audit: string[] = [];
  const crops = new Map<number, Float32Array>(); // a crop's first byte says which face it is
  const analyseScripted = async (file: File, content: string): Promise<AnalysedPhoto> => {
    if (content === 'broken') throw new FacelocalError('unreadable-file', 'This file is not an image.');
    const people = content.split(',').filter(Boolean);
    return {
      width: 640, height: 480, decodeMs: 1, detectMs: 1, alignMs: 1,
      faces: people.map((p, i) => {
        const id = crops.size;
        crops.set(id, faceOf(p, file.name));
        return { box: { x: 100 * i, y: 10, width: 90, height: 110 }, keypoints: [], score: 0.9, quality: GOOD_QUALITY, aligned: new Uint8ClampedArray([id]) };
      }),
    };
  };
  const deps: PhotoImportDeps = {
    store,
    session: { id: 'tab-1', liveSessions: async () => new Set(['tab-1']), release: () => undefined },
    threshold: 0.34,
    modelId: 'test-model',
    analyse: async (file) => {
      const f = file as File;
      read.push(f.name);
      return (options.analyse ?? analyseScripted)(f, await f.text());
    },
    embed: async (cs) => cs.map((c) => crops.get(c[0]) ?? new Float32Array(DIM)),
    audit: async (action, outcome) => { audit.push(`${action}: ${outcome}`); },
    enrolled: (person, templates) => ({ id: person.id, name: person.name, templateCount: templates.length }) as unknown as Person,
    assertUnlocked: () => undefined,
    lookAlike: async () => null,
    grouping: () => ({
      planGrouping: async (input: GroupingInput) => planGrouping(input), planSplit: async (f: Float32Array[], t: number) => planSplit(f, t),
      samePersonPairs: async (input: SamePersonInput) => samePersonPairs(input),
    }) as unknown as ReturnType<PhotoImportDeps['grouping']>,
    shownPeople: async () => new Map((await store.listPeople()).map((p) => [p.id, p.name])),
    closestPerson: async () => null,
  };
  return { importer: new PhotoImporter(deps), store, read, audit, analyseScripted };
}

const LIBRARY = [
  photo('a1.jpg', 'ada'), photo('a2.jpg', 'ada'), photo('ab.jpg', 'ada,bob'), photo('b1.jpg', 'bob'),
  photo('note.jpg', 'broken'), photo('empty.jpg', ''),
];

describe('PhotoImporter', () => {
  it('reads every photo once, a bad file does not stop the batch, and the faces are grouped by person', async () => {
    const { importer, read, audit } = await setUp();
    const run = await importer.start(LIBRARY);
    const end = await run.done;
    expect(end).toMatchObject({ total: 6, done: 6, skipped: 0, faces: 5, failed: 1, finished: true, cancelled: false });
    expect(run.failures).toEqual([{ fileName: 'note.jpg', code: 'unreadable-file', message: 'This file is not an image.' }]);
    expect([...read].sort()).toEqual(LIBRARY.map((p) => p.name).sort());
    const { groups, unassigned, poor } = await importer.groups(run.jobId);
    const byFile = groups.map((g) => g.faces.map((f) => f.fileName).sort());
    expect(byFile).toEqual([['a1.jpg', 'a2.jpg', 'ab.jpg'], ['ab.jpg', 'b1.jpg']]);
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
    const second = await importer.start(LIBRARY).then(() => null, (e: unknown) => e);
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
        if (file.name === 'b1.jpg' && crashes++ === 0) throw new FacelocalError('worker-crashed', 'The detector stopped; it was restarted.');
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
});
