// The id a host learns when a person reveals who they are: not the person's id, but an HMAC of it under a secret
// of this gallery, keyed by the asking origin. Two hosts get two unrelated ids for one person, so they cannot
// link the person across sites; the same host gets the same id each time. Without the secret (it never leaves the
// gallery) nobody can go from a revealed id back to the person or to another host's id.

/** Bytes of gallery secret: 256 bits. */
export const REVEAL_SECRET_BYTES = 32;

/** base64url of the first 128 bits of HMAC-SHA-256(secret, "facelocal-reveal-v1\n" + origin + "\n" + personId). */
export async function revealedId(secret: Uint8Array<ArrayBuffer>, personId: string, origin: string): Promise<string> {
  if (secret.length !== REVEAL_SECRET_BYTES)
    throw new RangeError(`The reveal secret must be ${REVEAL_SECRET_BYTES} bytes.`);
  const key = await crypto.subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = new Uint8Array(
    await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(`facelocal-reveal-v1\n${origin}\n${personId}`)),
  );
  return btoa(String.fromCharCode(...mac.slice(0, 16)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}
