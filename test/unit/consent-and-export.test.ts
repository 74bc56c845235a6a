import { describe, expect, it } from 'vitest';
import { consentProblems, describeExpiry, expiryOf, isExpired, type ConsentRecord } from '../../src/core/consent';
import {
  checkExportFile,
  base64ToBytes,
  bytesToBase64,
  exportedTemplate,
  importedTemplate,
} from '../../src/core/export-format';
import { packRecord, unpackRecord } from '../../src/core/record-packing';
import { deriveKey, keyMatches, makeVerifier, newKeyParams, seal, unseal } from '../../src/core/sealing';
import { auditCutoff, auditToCsv, csvCell } from '../../src/core/audit';
import { l2Normalize } from '../../src/core/vectors';

const DAY = 24 * 60 * 60 * 1000;
const NOW = Date.UTC(2026, 10, 24);
const consent = (o: Partial<ConsentRecord> = {}): ConsentRecord => ({
  subjectName: 'Ada Lovelace',
  givenAt: NOW,
  purpose: 'photo-library',
  purposeDetail: '',
  method: 'checkbox',
  retention: { kind: 'days', days: 30 },
  collectedBy: 'Operator',
  ...o,
});

describe('consent', () => {
  it('accepts a complete record', () => {
    expect(consentProblems(consent(), NOW)).toEqual([]);
    expect(consentProblems(consent({ method: 'typed-signature', signature: '  ada  LOVELACE ' }), NOW)).toEqual([]);
  });

  it('names each missing or wrong part', () => {
    expect(consentProblems(null)).toEqual(['A consent record is required to enrol a person.']);
    expect(consentProblems(consent({ subjectName: ' ', collectedBy: '' }), NOW)).toEqual([
      'Say who gave consent.',
      'Say who collected the consent.',
    ]);
    expect(consentProblems(consent({ purpose: 'other', purposeDetail: '' }), NOW)).toEqual(['Describe the purpose.']);
    expect(consentProblems(consent({ givenAt: NOW + DAY }), NOW)).toEqual([
      'The consent date cannot be in the future.',
    ]);
    expect(consentProblems(consent({ method: 'typed-signature' }), NOW)).toEqual([
      'The person must type their name as a signature.',
    ]);
    expect(consentProblems(consent({ retention: { kind: 'days', days: 0 } }), NOW)[0]).toMatch(/retention period/);
  });

  it('computes and describes expiry', () => {
    expect(expiryOf(consent())).toBe(NOW + 30 * DAY);
    expect(expiryOf(consent({ retention: { kind: 'until-withdrawn' } }))).toBeNull();
    expect(isExpired(NOW + 30 * DAY, NOW + 30 * DAY)).toBe(true);
    expect(isExpired(null, NOW + 1e12)).toBe(false);
    expect(describeExpiry(NOW + 30 * DAY, NOW)).toBe('erased in 30 days (2026-12-24)');
    expect(describeExpiry(null, NOW)).toBe('kept until consent is withdrawn');
  });
});

describe('export file check', () => {
  const template = {
    embedding: Array.from(l2Normalize(Array.from({ length: 512 }, (_, i) => Math.sin(i)))),
    modelId: 'm',
    sourceName: 'a.jpg',
    box: { x: 1, y: 2, width: 3, height: 4 },
    quality: 0.9,
    createdAt: NOW,
    thumbnail: { type: 'image/jpeg', base64: bytesToBase64(new Uint8Array([255, 216, 255])) },
  };
  const file = (people: unknown[]) =>
    JSON.stringify({ format: 'facelocal-gallery', version: 1, exportedAt: new Date(NOW).toISOString(), people });
  const person = (o: Record<string, unknown> = {}) => ({
    id: 'x',
    name: 'Ada',
    createdAt: NOW,
    expiresAt: NOW + 30 * DAY,
    consent: consent(),
    templates: [template],
    ...o,
  });

  it('accepts a valid export', () => {
    const r = checkExportFile(file([person()]), 'm', NOW);
    expect(r.ok).toBe(true);
  });

  it('accepts templates without a thumbnail (a gallery that keeps templates only), and still checks one that is there', () => {
    const none = checkExportFile(file([person({ templates: [{ ...template, thumbnail: null }] })]), 'm', NOW);
    expect(none.ok && none.file.people[0].templates[0].thumbnail).toBeNull();
    const absent = { ...template } as Record<string, unknown>;
    delete absent.thumbnail;
    expect(checkExportFile(file([person({ templates: [absent] })]), 'm', NOW).ok).toBe(true);
    expect(
      checkExportFile(
        file([person({ templates: [{ ...template, thumbnail: { type: 'image/png', base64: '' } }] })]),
        'm',
        NOW,
      ).ok,
    ).toBe(false);
  });

  it('rejects with reasons: not JSON, wrong format, short embedding, missing consent, other model, expired', () => {
    expect(checkExportFile('{nope', 'm', NOW)).toEqual({
      ok: false,
      code: 'invalid-import',
      problems: ['The file is not JSON.'],
    });
    expect(checkExportFile(JSON.stringify({ format: 'other' }), 'm', NOW)).toMatchObject({
      ok: false,
      problems: expect.arrayContaining(['format: this is not a Facelocal export']),
    });
    const short = checkExportFile(file([person({ templates: [{ ...template, embedding: [1, 2] }] })]), 'm', NOW);
    expect(short).toEqual({
      ok: false,
      code: 'invalid-template',
      problems: ['people.0 (Ada), template 1: a face template must have 512 numbers, not 2.'],
    });
    const noConsent = checkExportFile(file([person({ consent: undefined })]), 'm', NOW);
    expect(noConsent.ok).toBe(false);
    const otherModel = checkExportFile(file([person()]), 'another-model', NOW);
    expect(otherModel.ok ? [] : otherModel.problems[0]).toMatch(/another model/);
    const expired = checkExportFile(file([person({ expiresAt: NOW - 1 })]), 'm', NOW);
    expect(expired.ok ? [] : expired.problems[0]).toMatch(/retention ended/);
  });

  it('base64 round-trips bytes', () => {
    const bytes = new Uint8Array(70_000).map((_, i) => i * 7);
    expect(Array.from(base64ToBytes(bytesToBase64(bytes)))).toEqual(Array.from(bytes));
  });
});

describe('record packing', () => {
  it('round-trips JSON with typed arrays and buffers', () => {
    const record = {
      name: 'Ada',
      embedding: new Float32Array([0.5, -1.25, 3]),
      thumb: { bytes: new Uint8Array([1, 2, 3]).buffer },
      raw: new Uint8Array([9]),
    };
    const back = unpackRecord<typeof record>(packRecord(record));
    expect(back.name).toBe('Ada');
    expect(back.embedding).toBeInstanceOf(Float32Array);
    expect(Array.from(back.embedding)).toEqual([0.5, -1.25, 3]);
    expect(Array.from(new Uint8Array(back.thumb.bytes))).toEqual([1, 2, 3]);
    expect(Array.from(back.raw)).toEqual([9]);
  });
});

describe('sealing (scrypt + AES-GCM)', () => {
  const params = newKeyParams({ N: 2 ** 10 });

  it('round-trips with the right key; fails with a wrong key, another context or altered data', async () => {
    const key = await deriveKey('correct horse', params);
    const sealed = await seal(key, new TextEncoder().encode('template bytes'), 'template:1');
    expect(new TextDecoder().decode(await unseal(key, sealed, 'template:1'))).toBe('template bytes');
    const wrong = await deriveKey('wrong horse', params);
    await expect(unseal(wrong, sealed, 'template:1')).rejects.toThrow();
    await expect(unseal(key, sealed, 'template:2')).rejects.toThrow();
    const altered = { iv: sealed.iv, data: new Uint8Array(sealed.data).map((b, i) => (i === 0 ? b ^ 1 : b)).buffer };
    await expect(unseal(key, altered, 'template:1')).rejects.toThrow();
  });

  it('the verifier tells a right passphrase from a wrong one', async () => {
    const verifier = await makeVerifier(await deriveKey('pass phrase one', params));
    expect(await keyMatches(await deriveKey('pass phrase one', params), verifier)).toBe(true);
    expect(await keyMatches(await deriveKey('pass phrase two', params), verifier)).toBe(false);
  });
});

describe('audit', () => {
  it('cuts off after a year and exports CSV without personal data fields', () => {
    expect(auditCutoff(NOW)).toBe(NOW - 365 * DAY);
    const csv = auditToCsv([{ id: '1', at: NOW, action: 'identify', outcome: '2 face(s): 1 known, 1 unknown' }]);
    expect(csv).toBe(
      '"time","action","outcome","personId"\r\n"2026-11-24T00:00:00.000Z","identify","2 face(s): 1 known, 1 unknown",""\r\n',
    );
  });

  it('neutralises every cell a spreadsheet would run as a formula, and quotes every field', () => {
    const hostile = ['=HYPERLINK("http://x.example","y")', '+1+1', '-2+3', '@SUM(A1)', '\t=1', '\r=1'];
    const csv = auditToCsv(
      hostile.map((outcome, i) => ({ id: String(i), at: NOW, action: 'import', outcome, personId: outcome })),
    );
    const rows = parseCsv(csv);
    expect(rows).toHaveLength(hostile.length + 1);
    rows.slice(1).forEach((cells, i) => {
      expect(cells).toHaveLength(4);
      // outcome and personId come back whole, behind an apostrophe
      for (const cell of cells.slice(2)) expect(cell).toBe(`'${hostile[i]}`);
    });
    // every field quoted: no cell starts outside quotes
    expect(
      csv
        .split('\r\n')
        .filter(Boolean)
        .every((line) => line.startsWith('"')),
    ).toBe(true);
    expect(csvCell('3 faces')).toBe('"3 faces"');
    expect(csvCell('a "quote"')).toBe('"a ""quote"""');
    expect(csvCell('')).toBe('""');
  });
});

describe('consent that has already run out', () => {
  it('is not a valid basis', () => {
    expect(consentProblems(consent({ givenAt: NOW - 31 * DAY }), NOW)).toEqual([
      'This consent has already expired: record a fresh one.',
    ]);
  });
});

/** A strict RFC 4180 reader (quoted fields only), to read back what auditToCsv wrote. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] !== '"') throw new Error(`unquoted field at ${i}`);
    let cell = '';
    i++;
    for (;;) {
      if (text[i] === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 2;
      } else if (text[i] === '"') {
        i++;
        break;
      } else cell += text[i++];
    }
    row.push(cell);
    if (text[i] === ',') i++;
    else if (text.startsWith('\r\n', i)) {
      rows.push(row);
      row = [];
      i += 2;
    } else throw new Error(`bad separator at ${i}`);
  }
  return rows;
}

describe('a template through an export file', () => {
  it("comes back as it went: the detection score under the file's name for it, the thumbnail as base64", () => {
    const stored = {
      embedding: l2Normalize(Float32Array.from({ length: 512 }, (_, i) => Math.cos(i))),
      modelId: 'm',
      sourceName: 'a.jpg',
      box: { x: 1, y: 2, width: 3, height: 4 },
      detectionScore: 0.87,
      createdAt: 5,
      thumbnail: { type: 'image/jpeg', bytes: new Uint8Array([255, 216, 255, 1]).buffer },
    };
    const written = JSON.parse(JSON.stringify(exportedTemplate(stored)));
    expect(written).toMatchObject({
      quality: 0.87,
      createdAt: 5,
      thumbnail: { type: 'image/jpeg', base64: '/9j/AQ==' },
    });
    const read = importedTemplate(written);
    expect(Array.from(read.embedding)).toEqual(Array.from(stored.embedding));
    expect(read.detectionScore).toBe(0.87);
    expect(Array.from(new Uint8Array(read.thumbnail?.bytes ?? new ArrayBuffer(0)))).toEqual([255, 216, 255, 1]);
    expect(importedTemplate({ ...written, thumbnail: null }).thumbnail).toBeNull();
  });
});
