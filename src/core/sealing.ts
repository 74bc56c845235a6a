// Encryption at rest: a key derived from a passphrase with scrypt (memory-hard, from the audited @noble/hashes),
// AES-GCM through WebCrypto. The derived key is non-extractable and lives only in memory; locking drops it.
import { scryptAsync } from '@noble/hashes/scrypt.js';

export interface KeyParams {
  kdf: 'scrypt';
  salt: Uint8Array<ArrayBuffer>;
  /** scrypt cost: N = 2^17, r = 8 (OWASP's minimum for scrypt) uses 128 MB per guess, which is what makes guessing expensive. */
  N: number;
  r: number;
  p: number;
}

export interface Sealed {
  iv: Uint8Array<ArrayBuffer>;
  data: ArrayBuffer;
}

export const DEFAULT_KEY_PARAMS = { kdf: 'scrypt', N: 2 ** 17, r: 8, p: 1 } as const;
const VERIFIER_TEXT = 'facelocal passphrase check v1';

export function newKeyParams(cost: Partial<Pick<KeyParams, 'N' | 'r' | 'p'>> = {}): KeyParams {
  return { ...DEFAULT_KEY_PARAMS, ...cost, salt: crypto.getRandomValues(new Uint8Array(16)) };
}

export async function deriveKey(passphrase: string, params: KeyParams): Promise<CryptoKey> {
  const raw = await scryptAsync(new TextEncoder().encode(passphrase.normalize('NFKC')), params.salt, {
    N: params.N,
    r: params.r,
    p: params.p,
    dkLen: 32,
  });
  try {
    return await crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt']);
  } finally {
    raw.fill(0); // the raw key bytes do not outlive the non-extractable CryptoKey
  }
}

/** `context` (e.g. the record's id) is bound as additional data, so a sealed blob cannot be moved to another record. */
export async function seal(key: CryptoKey, plain: Uint8Array<ArrayBuffer>, context: string): Promise<Sealed> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const data = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: new TextEncoder().encode(context) },
    key,
    plain,
  );
  return { iv, data };
}

/** Throws when the key is wrong or the data was altered (AES-GCM authenticates both). */
export async function unseal(key: CryptoKey, sealed: Sealed, context: string): Promise<Uint8Array> {
  const plain = await crypto.subtle.decrypt(
    { name: 'AES-GCM', iv: sealed.iv, additionalData: new TextEncoder().encode(context) },
    key,
    sealed.data,
  );
  return new Uint8Array(plain);
}

export function makeVerifier(key: CryptoKey): Promise<Sealed> {
  return seal(key, new TextEncoder().encode(VERIFIER_TEXT), 'verifier');
}

/** True when `key` opens the verifier, i.e. the passphrase was right. */
export async function keyMatches(key: CryptoKey, verifier: Sealed): Promise<boolean> {
  try {
    return new TextDecoder().decode(await unseal(key, verifier, 'verifier')) === VERIFIER_TEXT;
  } catch {
    return false;
  }
}
