// The hashes compiled into the bundle at build time (scripts/integrity-hashes.ts, served by vite.config.ts).
declare module 'virtual:facelocal-integrity' {
  const hashes: import('./core/expected-hashes').ExpectedHashes;
  export default hashes;
}
