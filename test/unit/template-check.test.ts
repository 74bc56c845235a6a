// The one check every face template passes before the gallery store, the search index or an import accepts it:
// 512 finite float32 numbers of unit length. Each forged or broken kind is refused with its reason.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { IDBFactory } from 'fake-indexeddb';
import { TEMPLATE_DIM, UNIT_NORM_TOLERANCE, assertTemplate, templateProblem } from '../../src/core/template-check';
import { TemplateIndex } from '../../src/core/matching';
import { checkExportFile, bytesToBase64 } from '../../src/core/export-format';
import { openGalleryStore } from '../../src/store/gallery-store';
import { l2Normalize } from '../../src/core/vectors';
import { FacelocalError } from '../../src/types';
import { consentFor } from '../test-consent';

const valid = () => l2Normalize(Array.from({ length: TEMPLATE_DIM }, (_, i) => Math.sin(i * 0.37) + 0.1));

/** The forgeries of issue 10, each with the words its reason must hold. */
function forgeries(): [string, unknown, RegExp][] {
  const withValue = (value: unknown) => {
    const v: unknown[] = Array.from(valid());
    v[17] = value;
    return v;
  };
  return [
    ['scaled ×1e6', Array.from(valid(), (x) => x * 1e6), /length is 1\.00e\+6, not 1/],
    ['1e39 (Infinity as float32)', withValue(1e39), /number 18 .*\(1e\+39\) is too large to store/],
    ['Infinity', withValue(Infinity), /number 18 .* not a finite number \(Infinity\)/],
    ['NaN', withValue(NaN), /number 18 .* not a finite number \(NaN\)/],
    ['null (NaN in JSON)', withValue(null), /number 18 .* not a finite number \(empty/],
    ['a string', withValue('0.1'), /number 18 .* not a finite number \(a string\)/],
    ['wrong length', Array.from(valid()).slice(0, 511), /must have 512 numbers, not 511/],
    ['too long', [...Array.from(valid()), 0], /must have 512 numbers, not 513/],
    ['zero vector', new Float32Array(TEMPLATE_DIM), /length is 0, not 1/],
    ['slightly long', Array.from(valid(), (x) => x * (1 + 2 * UNIT_NORM_TOLERANCE)), /length is 1\.002\d, not 1/],
    ['not a list', { 0: 1 }, /must be a list of numbers/],
  ];
}

describe('templateProblem', () => {
  it('accepts a real unit vector, as a Float32Array or as JSON numbers, within float32 rounding', () => {
    expect(templateProblem(valid())).toBeNull();
    expect(templateProblem(Array.from(valid()))).toBeNull();
    expect(templateProblem(JSON.parse(JSON.stringify(Array.from(valid()))))).toBeNull();
    expect(templateProblem(Array.from(valid(), (x) => x * (1 + UNIT_NORM_TOLERANCE / 2)))).toBeNull();
  });

  it.each(forgeries())('refuses %s with the reason', (_, values, reason) => {
    expect(templateProblem(values)).toMatch(reason);
  });

  it('checks the dimension it is given (the index may be of another size)', () => {
    expect(templateProblem(l2Normalize([3, 4, 0]), 3)).toBeNull();
    expect(templateProblem(l2Normalize([3, 4, 0]))).toMatch(/must have 512 numbers, not 3/);
  });

  it('assertTemplate throws the one code for this meaning, with the context and the reason', () => {
    expect(() => assertTemplate(new Float32Array(TEMPLATE_DIM), 'Import')).toThrow(FacelocalError);
    try {
      assertTemplate(new Float32Array(TEMPLATE_DIM), 'Import');
    } catch (error) {
      expect((error as FacelocalError).code).toBe('invalid-template');
      expect((error as Error).message).toMatch(/^Import: the face template's length is 0, not 1/);
    }
  });
});

describe('every door refuses a forged template', () => {
  it('the search index adds none of them and keeps its answers', () => {
    const index = new TemplateIndex(TEMPLATE_DIM);
    const honest = valid();
    index.add({ templateId: 't1', personId: 'ann', embedding: honest });
    const before = index.searchPeople(honest, 5);
    for (const [name, values] of forgeries()) {
      const embedding = values as Float32Array;
      expect(() => index.add({ templateId: name, personId: 'forger', embedding }), name).toThrow(
        /search index refused/,
      );
    }
    expect(index.size).toBe(1);
    expect(index.searchPeople(honest, 5)).toEqual(before);
  });

  it('the gallery store writes nothing of an enrolment, an import or a photo-library face that holds one', async () => {
    const store = await openGalleryStore({ name: 'template-check', idbFactory: new IDBFactory() });
    const consent = consentFor('Ann');
    const template = (embedding: Float32Array) => ({
      embedding,
      modelId: 'm',
      sourceName: 'a.jpg',
      box: { x: 0, y: 0, width: 1, height: 1 },
      detectionScore: 1,
      thumbnail: { type: 'image/jpeg', bytes: new ArrayBuffer(2) },
    });
    const { person } = await store.addPersonWithTemplates({ name: 'Ann', consent }, [template(valid())]);
    const job = await store.createImportJob('session');
    for (const [name, values] of forgeries()) {
      if (!Array.isArray(values) && !ArrayBuffer.isView(values)) continue; // not expressible as a Float32Array
      const forged = new Float32Array(values as number[]);
      if (templateProblem(forged) === null) continue; // a string or null only exists in JSON
      const attempts = [
        () =>
          store.addPersonWithTemplates({ name: 'Forger', consent: { ...consent, subjectName: 'Forger' } }, [
            template(valid()),
            template(forged),
          ]),
        () =>
          store.importPeople([
            {
              person: { name: 'Forger', consent: { ...consent, subjectName: 'Forger' } },
              templates: [template(forged)],
              exportedId: 'forged-person',
            },
          ]),
        () => store.addTemplates(person.id, [template(forged)]),
        () =>
          store.recordImportedFile(job.id, { fileKey: name, faces: 1, error: null }, [
            {
              fileName: 'x.jpg',
              box: { x: 0, y: 0, width: 1, height: 1 },
              detectionScore: 1,
              problem: null,
              modelId: 'm',
              embedding: forged,
              thumbnail: { type: 'image/jpeg', bytes: new ArrayBuffer(2) },
            },
          ]),
      ];
      for (const attempt of attempts) await expect(attempt(), name).rejects.toMatchObject({ code: 'invalid-template' });
    }
    expect((await store.listPeople()).map((p) => `${p.name}:${p.templateCount}`)).toEqual(['Ann:1']);
    expect(await store.importedFileKeys(job.id)).toEqual(new Set());
    expect(await store.countImportFaces(job.id)).toBe(0);
    store.close();
  });

  it('the export file check refuses each forgery as invalid-template, naming the person and template', () => {
    const now = Date.now();
    const consent = {
      subjectName: 'Ann',
      givenAt: now,
      purpose: 'photo-library',
      purposeDetail: '',
      method: 'checkbox',
      retention: { kind: 'days', days: 30 },
      collectedBy: 'Test',
    };
    const template = (embedding: unknown) => ({
      embedding,
      modelId: 'm',
      sourceName: 'a.jpg',
      box: { x: 0, y: 0, width: 1, height: 1 },
      quality: 1,
      createdAt: now,
      thumbnail: { type: 'image/jpeg', base64: bytesToBase64(new Uint8Array([255, 216])) },
    });
    const file = (embedding: unknown) =>
      JSON.stringify({
        format: 'facelocal-gallery',
        version: 1,
        exportedAt: new Date(now).toISOString(),
        people: [
          {
            id: 'x',
            name: 'Ann',
            createdAt: now,
            expiresAt: null,
            consent,
            templates: [template(Array.from(valid())), template(embedding)],
          },
        ],
      });
    expect(checkExportFile(file(Array.from(valid())), 'm', now).ok).toBe(true);
    for (const [name, values, reason] of forgeries().filter(([name]) => name !== 'not a list')) {
      // a malformed file: invalid-import
      // As a file would carry it: JSON writes NaN and Infinity as null, a typed array as an object.
      const asJson = ArrayBuffer.isView(values) ? Array.from(values as Float32Array) : values;
      const r = checkExportFile(file(asJson), 'm', now);
      expect(r.ok, name).toBe(false);
      if (r.ok) continue;
      expect(r.code, name).toBe('invalid-template');
      expect(r.problems[0], name).toMatch(/^people\.0 \(Ann\), template 2: /);
      if (typeof values === 'number' || !/Infinity|NaN/.test(name)) expect(r.problems[0], name).toMatch(reason);
    }
  });
});
