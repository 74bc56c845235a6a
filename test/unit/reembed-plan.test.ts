// Updating faces from a kept import's folder after a model change: only the import's own photos, unchanged, are
// read again; a changed or unknown file is counted and never trusted; each face found again goes to the template
// whose box it fills.
import { describe, expect, it } from 'vitest';
import {
  matchFacesToTemplates,
  planReembed,
  type OutdatedImportFace,
  type OutdatedTemplate,
} from '../../src/core/reembed-plan';
import { fileKey } from '../../src/core/import-progress';

const file = (path: string, size = 1000, lastModified = 1_700_000_000_000) => ({
  name: path.split('/').at(-1)!,
  webkitRelativePath: path,
  size,
  lastModified,
});
const box = (x: number, y: number, side = 100) => ({ x, y, width: side, height: side });
const template = (templateId: string, personId: string, sourceName: string, b = box(0, 0)): OutdatedTemplate => ({
  kind: 'template',
  templateId,
  personId,
  sourceName,
  box: b,
});
const importFace = (faceId: string, sourceName: string, b = box(0, 0)): OutdatedImportFace => ({
  kind: 'import-face',
  faceId,
  sourceName,
  box: b,
});
const picked = async (files: ReturnType<typeof file>[]) =>
  Promise.all(files.map(async (f) => ({ path: f.webkitRelativePath, key: await fileKey(f) })));

describe('planReembed', () => {
  it("reads again only the import's unchanged photos that hold out-of-date templates", async () => {
    const imported = [file('lib/ada/1.jpg'), file('lib/ada/2.jpg'), file('lib/bo/1.jpg'), file('lib/cy/1.jpg')];
    const importKeys = new Set(await Promise.all(imported.map(fileKey)));
    const plan = planReembed({
      importKeys,
      knownPaths: new Set(['lib/cy/1.jpg']), // an unnamed face still in the import
      picked: await picked([
        file('lib/ada/1.jpg'),
        file('lib/ada/2.jpg', 2000), // edited since: another size
        file('lib/cy/1.jpg', 1000, 1_800_000_000_000), // touched since: another date
        file('lib/new.jpg'), // never imported, no face of the import: not counted
      ]),
      outdated: [
        template('t1', 'ada', 'lib/ada/1.jpg'),
        template('t2', 'ada', 'lib/ada/2.jpg'),
        template('t3', 'bo', 'lib/bo/1.jpg'), // not in the folder now
        template('t4', 'dee', 'dee.jpg'), // enrolled from a single photo, not from this folder
      ],
    });
    expect(plan.photos).toEqual([{ path: 'lib/ada/1.jpg', faces: [template('t1', 'ada', 'lib/ada/1.jpg')] }]);
    expect(plan.unchanged).toBe(1);
    expect(plan.changed).toEqual(['lib/ada/2.jpg', 'lib/cy/1.jpg']);
    expect(plan.notFound).toBe(3);
  });

  it('a file with the same name in another folder is not the photo (the path is part of the fingerprint)', async () => {
    const importKeys = new Set([await fileKey(file('lib/ada/1.jpg'))]);
    const plan = planReembed({
      importKeys,
      knownPaths: new Set(),
      picked: await picked([file('other/ada/1.jpg')]),
      outdated: [template('t1', 'ada', 'lib/ada/1.jpg')],
    });
    expect(plan).toEqual({ photos: [], unchanged: 0, changed: [], notFound: 1 });
  });

  it('groups the templates of one photo (two people in it) and counts a photo picked twice once', async () => {
    const group = file('lib/_group/two.jpg');
    const plan = planReembed({
      importKeys: new Set([await fileKey(group)]),
      knownPaths: new Set(),
      picked: await picked([group, group]),
      outdated: [template('a', 'ada', group.webkitRelativePath), template('b', 'bo', group.webkitRelativePath)],
    });
    expect(plan.photos).toHaveLength(1);
    expect(plan.photos[0].faces.map((t) => t.kind === 'template' && t.templateId)).toEqual(['a', 'b']);
    expect(plan.unchanged).toBe(1);
    expect(plan.notFound).toBe(0);
  });
});

describe("planReembed with the import's own faces", () => {
  it("reads a photo again for the import's unnamed faces of another model too, with its templates, from unchanged files only", async () => {
    const two = file('lib/_group/two.jpg'),
      bo = file('lib/bo/1.jpg');
    const plan = planReembed({
      importKeys: new Set(await Promise.all([two, bo, file('lib/cy/1.jpg')].map(fileKey))),
      knownPaths: new Set(['lib/_group/two.jpg', 'lib/bo/1.jpg', 'lib/cy/1.jpg']),
      picked: await picked([two, bo, file('lib/cy/1.jpg', 999)]), // cy's photo edited since
      outdated: [
        template('t1', 'ada', 'lib/_group/two.jpg', box(0, 0)),
        importFace('f1', 'lib/_group/two.jpg', box(300, 0)), // the stranger beside Ada
        importFace('f2', 'lib/bo/1.jpg'),
        importFace('f3', 'lib/cy/1.jpg'),
      ],
    });
    expect(plan.photos).toEqual([
      {
        path: 'lib/_group/two.jpg',
        faces: [
          template('t1', 'ada', 'lib/_group/two.jpg', box(0, 0)),
          importFace('f1', 'lib/_group/two.jpg', box(300, 0)),
        ],
      },
      { path: 'lib/bo/1.jpg', faces: [importFace('f2', 'lib/bo/1.jpg')] },
    ]);
    expect(plan.changed).toEqual(['lib/cy/1.jpg']);
    // Each face found again goes to the template or import face in its place, never to both.
    expect(matchFacesToTemplates(plan.photos[0].faces, [{ box: box(302, 1) }, { box: box(1, 1) }])).toEqual([1, 0]);
  });
});

describe('matchFacesToTemplates', () => {
  it('gives each template the face found again in its place, each face once', () => {
    const found = [{ box: box(405, 10) }, { box: box(2, 0) }, { box: box(800, 800) }];
    expect(matchFacesToTemplates([{ box: box(0, 0) }, { box: box(400, 10) }], found)).toEqual([1, 0]);
  });

  it('leaves a template without a face when nothing overlaps enough', () => {
    // Overlap of a third: another face beside it, not this one.
    expect(matchFacesToTemplates([{ box: box(0, 0) }], [{ box: box(50, 0) }])).toEqual([null]);
    expect(matchFacesToTemplates([{ box: box(0, 0) }], [])).toEqual([null]);
  });

  it('two templates on one face: only the closer one gets it', () => {
    expect(matchFacesToTemplates([{ box: box(20, 0) }, { box: box(2, 0) }], [{ box: box(0, 0) }])).toEqual([null, 0]);
  });
});
