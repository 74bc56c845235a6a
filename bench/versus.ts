// Speed against face-api.js with the two runs interleaved photo by photo, so that both meet the same machine:
// a busy spell slows both rather than whichever ran at that moment (the main benchmark runs one after the other).
//   npm run bench:versus -- [--data DIR] [--sample N] [--seed N] [--backend auto|wasm|webgpu]
// Per photo: Facelocal's facade (`embedFaces`: decode, detect, align, embed every face) and the peer's
// detect + landmarks + descriptors, each timed by itself. Reports medians and means per photo and their ratio.
import { resolve } from 'node:path';
import { launchBrowser, WatchedPage } from '../test/browser/browser';
import { startPreview } from '../test/browser/preview-server';
import { openRunnerPage } from './peer-page';
import { identityPhotos, seededSample } from './photo-list';
import { quantiles } from './metrics';

const args = process.argv.slice(2);
const option = (name: string, fallback?: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const dataDir = resolve(option('--data', '../shared/faces')!);
const sampleSize = Number(option('--sample', '0'));
const backend = option('--backend', 'auto') as 'auto' | 'wasm' | 'webgpu';
const seed = Number(option('--seed', '1'));

const photos = seededSample(
  identityPhotos(dataDir).map((p) => p.file),
  sampleSize,
  seed,
);

interface Timed {
  totalMs: number;
  detectMs: number;
  embedMs: number;
  faces: number;
}

async function timeOne(page: WatchedPage['page'], file: string): Promise<Timed | null> {
  return page.evaluate(async (file) => {
    const embed = (
      window as unknown as {
        __embed: (
          b: Blob,
        ) => Promise<{ faces: unknown[]; timings: { totalMs: number; detectMs: number; embedMs: number } }>;
      }
    ).__embed;
    try {
      const r = await embed(await (await fetch(`/__photos/${file}`)).blob());
      return { ...r.timings, faces: r.faces.length };
    } catch {
      return null;
    }
  }, file);
}

const server = await startPreview();
const browser = await launchBrowser(backend === 'webgpu' ? ['--enable-unsafe-webgpu'] : []);
try {
  const opened = await openRunnerPage(browser, server.url, dataDir, 'ours', backend);
  const ours = opened.watched;
  const oursInfo = opened.info as { backendLabel?: string };
  const { watched: peer } = await openRunnerPage(browser, server.url, dataDir, 'peer', backend);
  // One photo each first: the first call of either pays one-off costs that a person pays once per visit.
  await timeOne(ours.page, photos[0]);
  await timeOne(peer.page, photos[0]);

  const oursRows: Timed[] = [];
  const peerRows: Timed[] = [];
  const started = Date.now();
  for (const [i, file] of photos.entries()) {
    // Alternate who goes first, so neither always follows the other's garbage or cache state.
    const order = i % 2 === 0 ? ([ours, peer] as const) : ([peer, ours] as const);
    for (const side of order) {
      const r = await timeOne(side.page, file);
      if (r) (side === ours ? oursRows : peerRows).push(r);
    }
    if ((i + 1) % 50 === 0)
      process.stderr.write(`\r${i + 1}/${photos.length} photos, ${((Date.now() - started) / 1000).toFixed(0)} s   `);
  }
  process.stderr.write('\n');
  const summary = (rows: Timed[]) => {
    const mean = (k: keyof Timed) => rows.reduce((s, r) => s + r[k], 0) / rows.length;
    return {
      photos: rows.length,
      faces: rows.reduce((s, r) => s + r.faces, 0),
      endToEnd: quantiles(rows.map((r) => r.totalMs)),
      meanMs: mean('totalMs'),
      detectMeanMs: mean('detectMs'),
      alignEmbedMeanMs: mean('embedMs'),
    };
  };
  const a = summary(oursRows);
  const b = summary(peerRows);
  const line = (label: string, s: typeof a) =>
    `${label.padEnd(12)} ${s.photos} photos, ${s.faces} faces; end to end per photo: median ${s.endToEnd?.median.toFixed(1)} ms, mean ${s.meanMs.toFixed(1)} ms (detect ${s.detectMeanMs.toFixed(1)}, align + embed ${s.alignEmbedMeanMs.toFixed(1)})`;
  console.log(
    `data: ${dataDir}${sampleSize ? ` (seeded sample of ${photos.length})` : ''}; ours: ${oursInfo.backendLabel}`,
  );
  console.log(line('Facelocal', a));
  console.log(line('face-api.js', b));
  const ratio = (b.endToEnd?.median ?? NaN) / (a.endToEnd?.median ?? NaN);
  console.log(`ratio (peer / ours): median ${ratio.toFixed(2)}×, mean ${(b.meanMs / a.meanMs).toFixed(2)}×`);
  console.log(JSON.stringify({ data: dataDir, sample: photos.length, ours: a, peer: b, ratio }));
} finally {
  await browser.close();
  await server.close();
}
