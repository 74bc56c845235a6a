// What a first visit downloads, as a static host would serve it: every file the service worker precaches (read
// from dist/sw.js, so it is exactly the built precache list), raw, gzip -9 and brotli q11, and how long that takes
// on three connections. Compression is computed here because `vite preview` sends files uncompressed; a static host
// (Netlify, Cloudflare Pages, nginx with brotli) sends the compressed form.
//   npx vite build && npx tsx bench/download-size.ts [--dist dist] [--json FILE]
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const dist = option('--dist', 'dist');

/** Connections a phone may be on: Chrome DevTools' throttling presets (down-link, round trip). */
const CONNECTIONS = [
  { name: 'slow 4G (1.6 Mbit/s, 150 ms)', bitsPerSecond: 1.6e6, rttMs: 150 },
  { name: 'fast 4G (9 Mbit/s, 60 ms)', bitsPerSecond: 9e6, rttMs: 60 },
  { name: 'broadband (50 Mbit/s, 20 ms)', bitsPerSecond: 50e6, rttMs: 20 },
];

const sw = readFileSync(join(dist, 'sw.js'), 'utf8');
const urls = [...new Set([...sw.matchAll(/url:"([^"]+)"/g)].map((m) => m[1]))];
if (urls.length === 0)
  throw new Error(`no precache list found in ${join(dist, 'sw.js')}: build first (npx vite build)`);

type Row = { url: string; raw: number; gzip: number; brotli: number };
const rows: Row[] = urls.map((url) => {
  const bytes = readFileSync(join(dist, url));
  return {
    url,
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
    }).length,
  };
});
rows.sort((a, b) => b.raw - a.raw);
const total = (key: keyof Omit<Row, 'url'>) => rows.reduce((s, r) => s + r[key], 0);
const mb = (n: number) => (n / 1e6).toFixed(2);
// The precache downloads in parallel over one HTTP/2 connection, so the wait is bytes over bandwidth plus a few
// round trips (connection, page, service worker, precache).
const seconds = (bytes: number, c: (typeof CONNECTIONS)[number]) =>
  (bytes * 8) / c.bitsPerSecond + (4 * c.rttMs) / 1000;

console.log(`| file | raw MB | gzip MB | brotli MB |\n|---|---:|---:|---:|`);
for (const r of rows.filter((r) => r.raw > 100_000))
  console.log(`| ${r.url} | ${mb(r.raw)} | ${mb(r.gzip)} | ${mb(r.brotli)} |`);
const small = rows.filter((r) => r.raw <= 100_000);
console.log(
  `| ${small.length} smaller files (app code, icons, manifest) | ${mb(small.reduce((s, r) => s + r.raw, 0))} | ${mb(small.reduce((s, r) => s + r.gzip, 0))} | ${mb(small.reduce((s, r) => s + r.brotli, 0))} |`,
);
console.log(
  `| **total, ${rows.length} files** | **${mb(total('raw'))}** | **${mb(total('gzip'))}** | **${mb(total('brotli'))}** |\n`,
);
console.log(`| connection | raw s | gzip s | brotli s |\n|---|---:|---:|---:|`);
for (const c of CONNECTIONS)
  console.log(
    `| ${c.name} | ${seconds(total('raw'), c).toFixed(1)} | ${seconds(total('gzip'), c).toFixed(1)} | ${seconds(total('brotli'), c).toFixed(1)} |`,
  );

const summary = {
  files: rows.length,
  rawBytes: total('raw'),
  gzipBytes: total('gzip'),
  brotliBytes: total('brotli'),
  waitSeconds: Object.fromEntries(
    CONNECTIONS.map((c) => [
      c.name,
      { raw: seconds(total('raw'), c), gzip: seconds(total('gzip'), c), brotli: seconds(total('brotli'), c) },
    ]),
  ),
  rows,
};
if (args.includes('--json')) writeFileSync(option('--json', 'download-size.json'), JSON.stringify(summary, null, 2));
console.log(
  JSON.stringify({
    files: summary.files,
    rawBytes: summary.rawBytes,
    gzipBytes: summary.gzipBytes,
    brotliBytes: summary.brotliBytes,
  }),
);
