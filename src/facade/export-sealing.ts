// Encrypted exports at the facade: seal an export under the passphrase the person chose, and open one on import
// (core/sealed-export.ts does the work). Every refusal changes nothing and says why.
import { openSealedExport, sealExport, sealedExportOf } from '../core/sealed-export';
import { passphraseProblems } from '../core/passphrase';
import { FacelocalError } from '../types';

export async function sealedIfAsked(json: string, passphrase: string | undefined): Promise<Blob> {
  if (passphrase === undefined) return new Blob([json], { type: 'application/json' });
  const weak = passphraseProblems(passphrase);
  if (weak.length)
    throw new FacelocalError(
      'invalid-passphrase',
      `This passphrase was refused, so nothing was exported: ${weak.join(' ')}`,
    );
  return new Blob([await sealExport(json, passphrase)], { type: 'application/json' });
}

/** The export's JSON text: as it is, or opened with the passphrase when the file is encrypted. */
export async function openedExport(text: string, passphrase: string | undefined): Promise<string> {
  const sealed = sealedExportOf(text);
  if (!sealed) return text;
  if (!passphrase)
    throw new FacelocalError(
      'passphrase-required',
      'This export is encrypted: enter the passphrase it was exported with. Nothing was changed.',
    );
  const opened = await openSealedExport(sealed, passphrase);
  if (opened.ok) return opened.json;
  if (opened.reason === 'wrong-passphrase')
    throw new FacelocalError(
      'wrong-passphrase',
      'Wrong passphrase for this export (or the file was altered): nothing was imported.',
    );
  throw new FacelocalError(
    'invalid-import',
    'This encrypted export is damaged or not from Facelocal, so nothing was changed.',
  );
}
