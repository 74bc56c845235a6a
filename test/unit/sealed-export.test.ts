// Encrypted exports: sealed under a chosen passphrase, opened only with it, refused when altered or crafted.
import { describe, expect, it } from 'vitest';
import { openSealedExport, sealExport, sealedExportOf } from '../../src/core/sealed-export';

const cheap = { N: 2 ** 10 };
const JSON_TEXT = JSON.stringify({ format: 'facelocal-gallery', version: 1, people: [{ name: 'Ada Lovelace' }] });

describe('sealed export', () => {
  it('hides the content and opens only with the passphrase', async () => {
    const text = await sealExport(JSON_TEXT, 'correct horse battery staple', cheap);
    expect(text).not.toContain('Ada');
    const file = sealedExportOf(text)!;
    expect(file.kdf).toMatchObject({ name: 'scrypt', N: 2 ** 10, r: 8, p: 1 });
    expect(await openSealedExport(file, 'correct horse battery staple')).toEqual({ ok: true, json: JSON_TEXT });
    expect(await openSealedExport(file, 'wrong horse battery staple')).toEqual({
      ok: false,
      reason: 'wrong-passphrase',
    });
  });

  it('refuses altered data, and a crafted cost that would never finish', async () => {
    const file = sealedExportOf(await sealExport(JSON_TEXT, 'correct horse battery staple', cheap))!;
    const altered = { ...file, data: file.data.slice(0, -8) + 'AAAAAAA=' };
    expect((await openSealedExport(altered, 'correct horse battery staple')).ok).toBe(false);
    expect(await openSealedExport({ ...file, kdf: { ...file.kdf, N: 2 ** 30 } }, 'x')).toEqual({
      ok: false,
      reason: 'malformed',
    });
    expect(await openSealedExport({ ...file, iv: '%%%' }, 'x')).toEqual({ ok: false, reason: 'malformed' });
  });

  it('tells a sealed export from a plain one', () => {
    expect(sealedExportOf(JSON_TEXT)).toBeNull();
    expect(sealedExportOf('not json')).toBeNull();
  });
});
