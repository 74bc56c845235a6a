// Loads a model or a wasm runtime from our own origin and checks its sha256 before anyone uses it, so a swapped
// or truncated file fails loudly instead of producing wrong matches or running code we did not ship. The expected
// hashes are compiled into this bundle at build time (scripts/integrity-hashes.ts): a server, cache or proxy that
// swaps a file cannot also swap the hash it is checked against.
import integrity from 'virtual:facelocal-integrity';

export type ModelEntry = (typeof integrity.models)[string];

async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Fetches `path` (under baseUrl) and returns its bytes only if their sha256 is `expected`. */
async function fetchChecked(
  baseUrl: string,
  path: string,
  expected: string,
  hint: string,
): Promise<Uint8Array<ArrayBuffer>> {
  const response = await fetch(new URL(path, baseUrl));
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}${hint}`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  const hex = await sha256Hex(bytes);
  if (hex !== expected)
    throw new Error(
      `${path} failed its checksum (expected ${expected.slice(0, 12)}…, got ${hex.slice(0, 12)}…): it is not the file this app was built with`,
    );
  return bytes;
}

export async function fetchVerifiedModel(
  baseUrl: string,
  key: string,
): Promise<{ bytes: Uint8Array<ArrayBuffer>; entry: ModelEntry }> {
  const entry = integrity.models[key];
  if (!entry) throw new Error(`model "${key}" is not one this app was built with`);
  return {
    bytes: await fetchChecked(baseUrl, `models/${entry.file}`, entry.servedSha256, ' (run "npm run models")'),
    entry,
  };
}

/**
 * A wasm runtime's binary (e.g. vendor/ort/ort-wasm-simd-threaded.wasm), checked, for the runtime to instantiate
 * from these bytes instead of fetching the file itself. `url` may be absolute; it must lie under baseUrl.
 */
export async function fetchVerifiedRuntime(baseUrl: string, url: string): Promise<Uint8Array<ArrayBuffer>> {
  const absolute = new URL(url, baseUrl).href;
  const path = absolute.startsWith(baseUrl) ? absolute.slice(baseUrl.length) : absolute;
  const expected = integrity.runtimes[path];
  if (!expected) throw new Error(`${path} is not a wasm runtime this app was built with`);
  return fetchChecked(baseUrl, path, expected, '');
}
