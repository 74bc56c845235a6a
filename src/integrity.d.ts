// The hashes compiled into the bundle at build time (scripts/integrity-hashes.ts, served by vite.config.ts).
declare module 'virtual:facelocal-download-size' {
  /** Bytes of the models and wasm runtimes a first visit downloads (vite.config.ts downloadSizePlugin). */
  const bytes: number;
  export default bytes;
}
declare module 'virtual:facelocal-integrity' {
  const hashes: import('./core/expected-hashes').ExpectedHashes;
  export default hashes;
}
