// The shape of the hashes compiled into the bundle at build time (scripts/integrity-hashes.ts computes them, the
// workers check every model and wasm binary against them before use). Here, not in scripts/, so code that runs in
// the browser can name the type without pulling Node's types in.
export interface ExpectedHashes {
  /** Model key (as in models/manifest.json) -> what the app needs to load and name it. */
  models: Record<string, { file: string; servedSha256: string; package: string; version: string }>;
  /** URL path under the app's base (e.g. vendor/ort/ort-wasm-simd-threaded.wasm) -> sha256 of the wasm binary. */
  runtimes: Record<string, string>;
}
