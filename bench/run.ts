// The benchmark: Facelocal (the app's own workers and models, through the facade on the harness page) against
// face-api.js, in the same headless Chromium, on the same photos.
//   npm run bench -- [--data DIR] [--pairs FILE] [--peer faceapi|none] [--peer-sample N] [--backend auto|wasm|webgpu]
//                    [--out FILE] [--cache FILE] [--seed N]
// Facelocal embeds every photo of DIR (DIR/<identity>/<photo>); the peer embeds all of them too when there are at
// most --peer-sample photos (default 600), else a seeded sample of whole pairs (or of people) of that many photos,
// on which Facelocal's figures are reported again so the two compare on the same photos. Every metric is linear
// in the number of pairs (one scoring pass; thresholds from sorted scores or histograms), so ten thousand photos
// finish in minutes. --cache FILE reuses (or saves) Facelocal's embeddings: biometric data, keep it out of the repo.
// Prints progress on stderr, a table, and as its last line one JSON object (also written to --out); the DET curve
// is written beside --out (or to bench/results/) as an SVG.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser } from '../test/browser/browser';
import { startPreview } from '../test/browser/preview-server';
import { openRunnerPage } from './peer-page';
import calibration from '../src/core/calibration-data.json';
import { detCurve } from '../src/core/score-histogram';
import {
  allPairs,
  lfwAccuracy,
  parseLfwPairs,
  quantiles,
  verificationSummary,
  type LfwPair,
  type Sample,
  type ScoreKind,
} from './metrics';
import { embedPhotos, readCache, startCache, type EmbedOutcome, type EmbeddedPhoto } from './embed-photos';
import { identityPhotos, type IdentityPhoto } from './photo-list';
import { EnrolmentScores, openSetFigures, type DecisionRule } from './open-set';
import { shippedIdentificationRule, subjectFace } from './shipped-rule';
import { detSvg } from './det-plot';
import { seededRandom } from './seeded-random';

const args = process.argv.slice(2);
const option = (name: string, fallback?: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const dataDir = resolve(option('--data', '../shared/faces')!);
const pairsFile = option('--pairs');
const peerName = option('--peer', 'faceapi') as 'faceapi' | 'none';
const peerSampleSize = Number(option('--peer-sample', '600'));
const backend = option('--backend', 'auto') as 'auto' | 'wasm' | 'webgpu';
const outFile = option('--out');
const cacheFile = option('--cache');
const seed = Number(option('--seed', '1'));

/** face-api.js's documented match rule: Euclidean distance below 0.6. */
const PEER_THRESHOLD = -0.6;

/**
 * Batch throughput: every photo in memory first (as a picked folder is), then two in flight, so one photo's
 * detection can overlap another's embedding (Facelocal's two workers; face-api.js runs on the page's one thread).
 * Wall-clock ms per photo over the whole batch.
 */
async function batchMsPerPhoto(page: Page, files: string[]): Promise<number> {
  return page.evaluate(async (files) => {
    const embed = (window as unknown as { __embed: (b: Blob) => Promise<unknown> }).__embed;
    const blobs = await Promise.all(files.map(async (f) => (await fetch(`/__photos/${f}`)).blob()));
    let next = 0;
    const worker = async () => {
      while (next < blobs.length) await embed(blobs[next++]).catch(() => undefined);
    };
    const t0 = performance.now();
    await Promise.all([worker(), worker()]);
    return (performance.now() - t0) / blobs.length;
  }, files);
}

/**
 * The photos the peer runs on: all when few; else whole pairs drawn evenly from every fold (so the pairs protocol
 * still runs), or whole people, by a seeded shuffle, until `size` photos.
 */
function peerSample(photos: readonly IdentityPhoto[], pairs: readonly LfwPair[] | null, size: number): Set<string> {
  if (photos.length <= size) return new Set(photos.map((p) => p.file));
  const random = seededRandom(seed);
  const shuffle = <T>(items: T[]) => {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  };
  const chosen = new Set<string>();
  if (pairs) {
    for (const p of shuffle([...pairs])) {
      if (chosen.size >= size) break;
      chosen.add(p.a).add(p.b);
    }
    return chosen;
  }
  const byIdentity = Map.groupBy(photos, (p) => p.identity);
  for (const identity of shuffle([...byIdentity.keys()])) {
    if (chosen.size >= size) break;
    for (const p of byIdentity.get(identity)!) chosen.add(p.file);
  }
  return chosen;
}

const progress = (label: string) => (done: number, total: number) =>
  process.stderr.write(`\r${label}: ${done}/${total}   `);

function summarise(
  name: string,
  photos: readonly IdentityPhoto[],
  results: ReadonlyMap<string, EmbedOutcome>,
  kind: ScoreKind,
  shipped: { threshold: number; rule: DecisionRule | null },
  pairs: readonly LfwPair[] | null,
) {
  const subject = (file: string) => subjectFace(results.get(file));
  const samples: Sample[] = [];
  for (const p of photos) {
    const face = subject(p.file);
    if (face) samples.push({ identity: p.identity, vector: face.embedding });
  }
  const embedded = photos
    .map((p) => results.get(p.file))
    .filter((r): r is EmbeddedPhoto => r !== undefined && !('error' in r));
  const perPhoto = (k: keyof EmbeddedPhoto['timings']) => quantiles(embedded.map((r) => r.timings[k]));
  console.error(`bench: ${name}: scoring every pair of ${samples.length} faces…`);
  const everyPair = allPairs(samples, kind, progress(`${name} pairs`));
  process.stderr.write('\n');
  const verification = verificationSummary(everyPair, { shipped: shipped.threshold });
  let pairsFigures: {
    accuracy?: number;
    accuracySd?: number;
    folds?: number;
    accuracyBothFound?: number | null;
    missedPairs?: number;
    pairs?: number;
  } = {};
  if (pairs) {
    const inSet = new Set(photos.map((p) => p.file));
    const list = pairs.filter((p) => inSet.has(p.a) && inSet.has(p.b));
    const scores = list.map((p) => {
      const a = subject(p.a),
        b = subject(p.b);
      return a && b ? score(kind, a.embedding, b.embedding) : null;
    });
    const acc = lfwAccuracy(list, scores);
    const found = list.map((_, i) => i).filter((i) => scores[i] !== null);
    const foundAcc = found.length
      ? lfwAccuracy(
          found.map((i) => list[i]),
          found.map((i) => scores[i]),
        )
      : null;
    const folds = new Set(list.map((p) => p.fold)).size;
    pairsFigures = {
      accuracy: acc.mean,
      accuracySd: acc.sd,
      folds,
      accuracyBothFound: foundAcc?.mean ?? null,
      missedPairs: list.length - found.length,
      pairs: list.length,
    };
  }
  console.error(`bench: ${name}: open-set identification…`);
  const openSet = [1, 3].flatMap((k) => {
    const scores = new EnrolmentScores(samples, kind, k, progress(`${name} 1:N k=${k}`));
    process.stderr.write('\n');
    return [100, 1000, null]
      .map((n) => openSetFigures(scores, n, shipped.rule, seed))
      .filter((f, i, all) => i === 0 || f.galleryPeople > all[i - 1].galleryPeople);
  });
  return {
    name,
    photos: photos.length,
    facesFound: embedded.reduce((s, r) => s + r.faces.length, 0),
    missedPhotos: photos.filter((p) => subject(p.file) === null).map((p) => p.file),
    ...verification,
    ...pairsFigures,
    openSet,
    ms: {
      decode: perPhoto('decodeMs'),
      detect: perPhoto('detectMs'),
      alignEmbed: perPhoto('embedMs'),
      endToEnd: perPhoto('totalMs'),
    },
    msPerPhoto: perPhoto('totalMs')?.median ?? null,
    det: detCurve(everyPair.genuine, everyPair.impostor),
  };
}

function score(kind: ScoreKind, a: Float32Array, b: Float32Array): number {
  let s = 0;
  if (kind === 'cosine') {
    let aa = 0,
      bb = 0;
    for (let k = 0; k < a.length; k++) {
      s += a[k] * b[k];
      aa += a[k] * a[k];
      bb += b[k] * b[k];
    }
    return s / Math.sqrt(aa * bb);
  }
  for (let k = 0; k < a.length; k++) s += (a[k] - b[k]) ** 2;
  return -Math.sqrt(s);
}

const photos = identityPhotos(dataDir);
const pairs = pairsFile ? parseLfwPairs(readFileSync(pairsFile, 'utf8')) : null;
const sample = peerSample(photos, pairs, peerSampleSize);
const samplePhotos = photos.filter((p) => sample.has(p.file));
const server = await startPreview();
const browser = await launchBrowser(backend === 'webgpu' ? ['--enable-unsafe-webgpu'] : []);
try {
  const { watched: ours, info: oursInfo } = await openRunnerPage(browser, server.url, dataDir, 'ours', backend);
  const cached = cacheFile ? readCache(cacheFile) : new Map<string, EmbedOutcome>();
  const missing = photos.map((p) => p.file).filter((f) => !cached.has(f));
  if (cacheFile && cached.size)
    console.error(
      `bench: ${cached.size} photos from the cache ${cacheFile} (their timings are from the run that wrote it)`,
    );
  const fresh = await embedPhotos(
    ours.page,
    missing,
    'Facelocal',
    cacheFile ? startCache(cacheFile, { append: cached.size > 0 }) : undefined,
  );
  const oursResults = new Map([...cached, ...fresh]);
  const oursBatch = await batchMsPerPhoto(
    ours.page,
    samplePhotos.slice(0, 200).map((p) => p.file),
  );
  await ours.close();

  const oursRule = shippedIdentificationRule();
  const summariseOurs = (name: string, on: readonly IdentityPhoto[]) => ({
    ...summarise(name, on, oursResults, 'cosine', { threshold: calibration.threshold, rule: oursRule }, pairs),
    batchMsPerPhoto: oursBatch,
    info: oursInfo,
  });
  const oursAll = summariseOurs('Facelocal', photos);
  const sampled = samplePhotos.length < photos.length;
  const oursOnSample = sampled ? summariseOurs('Facelocal (peer sample)', samplePhotos) : oursAll;

  let peerSummary: typeof oursAll | null = null;
  if (peerName === 'faceapi') {
    const { watched: peerPage, info: peerInfo } = await openRunnerPage(browser, server.url, dataDir, 'peer', backend);
    const peerResults = await embedPhotos(
      peerPage.page,
      samplePhotos.map((p) => p.file),
      'face-api.js',
    );
    const peerBatch = await batchMsPerPhoto(
      peerPage.page,
      samplePhotos.slice(0, 200).map((p) => p.file),
    );
    const peerRule: DecisionRule = (best) => (best.score >= PEER_THRESHOLD ? 'known' : 'unknown');
    peerSummary = {
      ...summarise(
        'face-api.js',
        samplePhotos,
        peerResults,
        'negative-euclidean',
        { threshold: PEER_THRESHOLD, rule: peerRule },
        pairs,
      ),
      batchMsPerPhoto: peerBatch,
      info: peerInfo,
    };
    await peerPage.close();
  }

  const detFile = outFile
    ? join(dirname(resolve(outFile)), `${basenameOf(outFile)}.det.svg`)
    : resolve('bench/results/det.svg');
  mkdirSync(dirname(detFile), { recursive: true });
  const curves = [{ label: `Facelocal, ${oursAll.photos} photos`, points: oursAll.det }];
  if (sampled) curves.push({ label: `Facelocal, peer's ${oursOnSample.photos}`, points: oursOnSample.det });
  if (peerSummary) curves.push({ label: `face-api.js, ${peerSummary.photos} photos`, points: peerSummary.det });
  writeFileSync(detFile, detSvg(curves, `DET: ${dataDir.split('/').pop()}`));

  printTable(oursAll, sampled ? oursOnSample : null, peerSummary);
  const speedup =
    peerSummary?.msPerPhoto && oursOnSample.msPerPhoto ? peerSummary.msPerPhoto / oursOnSample.msPerPhoto : null;
  const batchSpeedup = peerSummary ? peerSummary.batchMsPerPhoto / oursOnSample.batchMsPerPhoto : null;
  if (speedup)
    console.log(
      `\nspeed-up on the same ${samplePhotos.length} photos (peer ms / ours ms, end to end per photo): ${speedup.toFixed(1)}×; batch throughput: ${batchSpeedup!.toFixed(1)}×`,
    );
  console.log(`DET curve: ${detFile}`);
  const strip = <T extends { det: unknown }>(s: T) => {
    const { det: _det, ...rest } = s;
    return rest;
  };
  const result = {
    data: dataDir,
    pairs: pairsFile ?? null,
    detFile,
    ours: strip(oursAll),
    oursOnPeerSample: sampled ? strip(oursOnSample) : null,
    peer: peerSummary ? strip(peerSummary) : null,
    peerSample: samplePhotos.length,
    speedup,
    batchSpeedup,
  };
  if (outFile) writeFileSync(outFile, JSON.stringify(result, null, 2));
  console.log(JSON.stringify(result));
} finally {
  await browser.close();
  await server.close();
}

function basenameOf(path: string): string {
  return path
    .split('/')
    .pop()!
    .replace(/\.json$/, '');
}

type Summary = ReturnType<typeof summarise> & { batchMsPerPhoto: number; info: unknown };

function printTable(all: Summary, onSample: Summary | null, peer: Summary | null): void {
  const pct = (x: number | null | undefined) => (x === null || x === undefined ? '—' : `${(100 * x).toFixed(2)}%`);
  const ms = (q: { median: number; p90: number } | null) => (q ? `${q.median.toFixed(1)} / ${q.p90.toFixed(1)}` : '—');
  const columns = [all, onSample, peer].filter((s): s is Summary => s !== null);
  const rows: [string, (s: Summary) => string][] = [
    ['photos / faces found', (s) => `${s.photos} / ${s.facesFound}`],
    ['missed photos', (s) => String(s.missedPhotos.length)],
    ['rank-1', (s) => `${pct(s.rank1)} (${s.rank1Probes} probes)`],
    ['impostor pairs', (s) => s.impostorPairs.toLocaleString('en-US')],
    ['TAR @ FMR 1e-3', (s) => pct(s.tarAtFmr1e3?.tar)],
    ['TAR @ FMR 1e-4', (s) => pct(s.tarAtFmr1e4?.tar)],
    ['TAR @ FMR 1e-5', (s) => pct(s.tarAtFmr1e5?.tar)],
    ['EER', (s) => pct(s.eer)],
    [
      'FMR / FNMR at shipped 1:1',
      (s) =>
        `${pct(s.atShippedThresholds.shipped.falseMatchRate)} / ${pct(s.atShippedThresholds.shipped.falseNonMatchRate)}`,
    ],
    ...(pairsFile
      ? ([
          ['pairs accuracy (k-fold)', (s: Summary) => `${pct(s.accuracy)} ± ${pct(s.accuracySd)} (${s.pairs} pairs)`],
          ['  where both faces found', (s: Summary) => `${pct(s.accuracyBothFound)} (${s.missedPairs} missed)`],
        ] as [string, (s: Summary) => string][])
      : []),
    ...[0, 1, 2, 3, 4, 5]
      .filter((i) => columns.some((s) => s.openSet[i]))
      .map(
        (i) =>
          [
            `1:N #${i + 1}: people×photos`,
            (s: Summary) => (s.openSet[i] ? `${s.openSet[i].galleryPeople}×${s.openSet[i].enrolPhotos}` : '—'),
          ] as [string, (s: Summary) => string],
      )
      .flatMap(
        (row, i) =>
          [
            row,
            [
              `  FNIR @ FPIR 1% / 0.1%`,
              (s: Summary) =>
                s.openSet[i] ? `${pct(s.openSet[i].fnirAtFpir1e2)} / ${pct(s.openSet[i].fnirAtFpir1e3)}` : '—',
            ],
            [
              `  rule: FPIR / FNIR / wrong`,
              (s: Summary) =>
                s.openSet[i]?.atRule
                  ? `${pct(s.openSet[i].atRule!.fpir)} / ${pct(s.openSet[i].atRule!.fnir)} / ${pct(s.openSet[i].atRule!.wrongName)}`
                  : '—',
            ],
          ] as [string, (s: Summary) => string][],
      ),
    ['decode ms (median / p90)', (s) => ms(s.ms.decode)],
    ['detect ms', (s) => ms(s.ms.detect)],
    ['align+embed ms', (s) => ms(s.ms.alignEmbed)],
    ['end to end ms per photo', (s) => ms(s.ms.endToEnd)],
    ['batch ms per photo (2 in flight)', (s) => s.batchMsPerPhoto.toFixed(1)],
  ];
  console.log(
    `\n${all.photos} photos from ${dataDir}${pairsFile ? ` (pairs: ${pairsFile})` : ''}; backend ${(all.info as { backendLabel: string }).backendLabel}\n`,
  );
  console.log(['', ...columns.map((s) => s.name)].map((c, i) => (i === 0 ? c.padEnd(30) : c.padStart(30))).join(''));
  for (const [label, cell] of rows)
    console.log([label.padEnd(30), ...columns.map((s) => cell(s).padStart(30))].join(''));
}
