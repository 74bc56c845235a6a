// Encrypted exports: an export file sealed under a passphrase the person chooses (scrypt + AES-GCM, as the gallery
// itself), so a copy of an encrypted gallery is not a copy in clear. Pure: text in, text out.
import { bytesToBase64, base64ToBytes } from './export-format';
import { deriveKey, newKeyParams, seal, unseal, type KeyParams } from './sealing';

export const SEALED_EXPORT_FORMAT = 'facelocal-gallery-sealed';
const CONTEXT = 'facelocal-export:v1';

interface SealedExportFile {
  format: typeof SEALED_EXPORT_FORMAT;
  version: 1;
  kdf: { name: 'scrypt'; N: number; r: number; p: number; salt: string };
  iv: string;
  /** The export file's JSON, sealed. */
  data: string;
}

export async function sealExport(
  json: string,
  passphrase: string,
  cost?: Partial<Pick<KeyParams, 'N' | 'r' | 'p'>>,
): Promise<string> {
  const params = newKeyParams(cost);
  const sealed = await seal(await deriveKey(passphrase, params), new TextEncoder().encode(json), CONTEXT);
  const file: SealedExportFile = {
    format: SEALED_EXPORT_FORMAT,
    version: 1,
    kdf: { name: 'scrypt', N: params.N, r: params.r, p: params.p, salt: bytesToBase64(params.salt) },
    iv: bytesToBase64(sealed.iv),
    data: bytesToBase64(new Uint8Array(sealed.data)),
  };
  return JSON.stringify(file);
}

/** The sealed envelope, when `text` is one (checked loosely here; opening it checks the rest). */
export function sealedExportOf(text: string): SealedExportFile | null {
  try {
    const json = JSON.parse(text) as Partial<SealedExportFile>;
    return json?.format === SEALED_EXPORT_FORMAT ? (json as SealedExportFile) : null;
  } catch {
    return null;
  }
}

export type OpenedExport = { ok: true; json: string } | { ok: false; reason: 'wrong-passphrase' | 'malformed' };

export async function openSealedExport(file: SealedExportFile, passphrase: string): Promise<OpenedExport> {
  const { kdf } = file;
  // Bounds on the cost: a crafted file must not make the browser derive forever or run out of memory.
  if (
    file.version !== 1 ||
    kdf?.name !== 'scrypt' ||
    ![kdf.N, kdf.r, kdf.p].every(Number.isInteger) ||
    kdf.N < 2 ||
    kdf.N > 2 ** 20 ||
    kdf.r < 1 ||
    kdf.r > 16 ||
    kdf.p < 1 ||
    kdf.p > 4
  ) {
    return { ok: false, reason: 'malformed' };
  }
  let params: KeyParams, iv: Uint8Array<ArrayBuffer>, data: Uint8Array<ArrayBuffer>;
  try {
    params = { kdf: 'scrypt', N: kdf.N, r: kdf.r, p: kdf.p, salt: base64ToBytes(kdf.salt) };
    iv = base64ToBytes(file.iv);
    data = base64ToBytes(file.data);
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  try {
    const plain = await unseal(await deriveKey(passphrase, params), { iv, data: data.buffer }, CONTEXT);
    return { ok: true, json: new TextDecoder().decode(plain) };
  } catch {
    return { ok: false, reason: 'wrong-passphrase' }; // AES-GCM cannot tell a wrong key from altered data
  }
}
