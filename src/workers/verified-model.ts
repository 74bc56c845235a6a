// Loads a model from our own origin and checks its sha256 against models/manifest.json before anyone uses it,
// so a swapped or truncated file fails loudly instead of producing wrong matches.

interface ManifestEntry {
  file: string;
  servedSha256: string;
  package: string;
  version: string;
}

let manifest: Promise<Record<string, ManifestEntry>> | undefined;

function loadManifest(baseUrl: string): Promise<Record<string, ManifestEntry>> {
  manifest ??= fetch(new URL('models/manifest.json', baseUrl)).then(async (r) => {
    if (!r.ok) throw new Error(`models/manifest.json: HTTP ${r.status}`);
    return ((await r.json()) as { models: Record<string, ManifestEntry> }).models;
  });
  return manifest;
}

export async function fetchVerifiedModel(baseUrl: string, key: string): Promise<{ bytes: Uint8Array; entry: ManifestEntry }> {
  const entry = (await loadManifest(baseUrl))[key];
  if (!entry) throw new Error(`model "${key}" is not in models/manifest.json`);
  const response = await fetch(new URL(`models/${entry.file}`, baseUrl));
  if (!response.ok) throw new Error(`models/${entry.file}: HTTP ${response.status} (run "npm run models")`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  const hex = Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
  if (hex !== entry.servedSha256) throw new Error(`models/${entry.file} failed its checksum (expected ${entry.servedSha256.slice(0, 12)}…, got ${hex.slice(0, 12)}…)`);
  return { bytes, entry };
}
