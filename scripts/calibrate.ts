// Calibrates the decision rules on LFW (dev part) with the real app (workers, models) in headless Chromium: every
// photo is embedded (its largest face is the subject), every pair is scored (tens of millions of impostor pairs,
// counted into a histogram), and calibration-data.json records the 1:1 threshold for a false-match rate of
// 1 in 1,000, the measured impostor tail that the 1:N rule and the "chance a stranger scores this high" are read
// from, and the 1:N policy. It then checks the 1:N rule by open-set identification on the same photos.
//   npm run calibrate -- [--data ../shared/lfw-dev] [--cache FILE [--only-cached]] [--dry-run] [--named-rate R --possible-rate R]
// --cache FILE reuses (or saves) the embeddings: biometric data, keep the file out of the repository.
// --only-cached analyses just the photos in the cache (a quick look while a long run is still writing it).
import { existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { withPhotoHarness } from '../bench/photo-harness';
import { embedPhotos, readCache, startCache, type EmbedOutcome } from '../bench/embed-photos';
import { identityPhotos } from '../bench/photo-list';
import { allPairs, type Sample } from '../bench/metrics';
import { EnrolmentScores, openSetFigures } from '../bench/open-set';
import { ruleFor, subjectFace } from '../bench/shipped-rule';
import { calibrate } from '../src/core/calibration';
import { EMBEDDER_INPUT } from '../src/core/embedder-input';
import { thresholdForChance, type IdentificationPolicy } from '../src/core/identity-rule';
import { ProbeTails } from '../src/core/stranger-tails';

const args = process.argv.slice(2);
const option = (name: string, fallback?: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const dataDir = resolve(option('--data', '../shared/lfw-dev')!);
const cacheFile = option('--cache');
const dryRun = args.includes('--dry-run');

/** 1:1: a stranger's face matches one given face at most 1 time in 1,000. */
const TARGET_FALSE_MATCH_RATE = 1e-3;
/**
 * 1:N: the product's promise, whatever the gallery size. Names a stranger at most 1 time in 200 (measured FPIR stays
 * under 1 % on galleries of 100 to 1,358 people), and shows a stranger as a "possible match" at most 1 time in 20.
 */
const POLICY: Omit<IdentificationPolicy, 'verifyThreshold'> = {
  namedStrangerRate: Number(option('--named-rate', '0.005')),
  possibleStrangerRate: Number(option('--possible-rate', '0.05')),
};

if (!existsSync(dataDir))
  throw new Error(`${dataDir} not found: calibration needs LFW (dev part) beside the repository`);
let results: Map<string, EmbedOutcome> = cacheFile ? readCache(cacheFile) : new Map();
const photos = identityPhotos(dataDir).filter((p) => !args.includes('--only-cached') || results.has(p.file));
const missing = photos.map((p) => p.file).filter((f) => !results.has(f));
if (missing.length) {
  const fresh = await withPhotoHarness(dataDir, async (page) => {
    await page.evaluate(async () => {
      const matcher = await window.facelocal.openMatcher({ databaseName: 'facelocal-calibration' });
      (window as unknown as { __embed: unknown }).__embed = (blob: Blob) => matcher.embedFaces(blob);
    });
    return embedPhotos(
      page,
      missing,
      'calibrate',
      cacheFile ? startCache(cacheFile, { append: results.size > 0 }) : undefined,
    );
  });
  results = new Map([...results, ...fresh]);
}

const samples: Sample[] = [];
const missed: string[] = [];
for (const p of photos) {
  const face = subjectFace(results.get(p.file));
  if (face) samples.push({ identity: p.identity, vector: face.embedding });
  else missed.push(p.file);
}
console.error(
  `calibrate: ${samples.length} faces of ${photos.length} photos (${missed.length} without a face); scoring every pair…`,
);
const probeTails = new ProbeTails(samples.length);
const pairs = allPairs(
  samples,
  'cosine',
  (done, total) => process.stderr.write(`\rpairs: ${done}/${total}   `),
  probeTails,
);
process.stderr.write('\n');
const report = calibrate(pairs.genuine, pairs.impostor, probeTails, TARGET_FALSE_MATCH_RATE);

const fmt = (x: number) => x.toFixed(4);
console.log(
  `data: ${dataDir}: ${photos.length} photos, ${samples.length} faces, ${missed.length} photos without a face`,
);
console.log(
  `pairs: ${report.genuinePairs.toLocaleString('en-US')} genuine, ${report.impostorPairs.toLocaleString('en-US')} impostor`,
);
console.log(
  `1:1 threshold for FMR ${TARGET_FALSE_MATCH_RATE}: ${fmt(report.threshold)} (FMR ${report.falseMatchRate.toExponential(2)}, FNMR ${fmt(report.falseNonMatchRate)}); EER ${fmt(report.equalErrorRate)}`,
);
console.log("chance a stranger's best score reaches a threshold, by gallery size (templates):");
for (const chance of [1e-1, 1e-2, 5e-3, 1e-3, 1e-4]) {
  const row = report.strangerTails.tails.map(
    (t) => `${t.templates}: ${thresholdForChance(report.strangerTails, chance, t.templates).toFixed(3)}`,
  );
  console.log(`  ${chance.toExponential(0)} at  ${row.join('  ')}`);
}

const shipped = { threshold: report.threshold, strangerTails: report.strangerTails, identification: POLICY };
const rule = ruleFor(shipped);
console.log('\nopen-set check of the 1:N rule (FPIR: strangers named; FNIR: enrolled people not named as themselves):');
for (const k of [1, 3]) {
  const scores = new EnrolmentScores(samples, 'cosine', k);
  for (const n of [100, 1000, null]) {
    const f = openSetFigures(scores, n, rule);
    if (n !== null && f.galleryPeople < n) continue; // the whole set is smaller: reported once, as "all"
    const r = f.atRule!;
    console.log(
      `  ${f.galleryPeople} people × ≤${k} photos (${f.galleryTemplates} templates): FPIR ${(100 * r.fpir).toFixed(2)} % (with possible ${(100 * r.fpirWithPossible).toFixed(2)} %), FNIR ${(100 * r.fnir).toFixed(2)} %, wrong name ${(100 * r.wrongName).toFixed(2)} %; FNIR @ FPIR 1 % ${(100 * f.fnirAtFpir1e2).toFixed(2)} %`,
    );
  }
}

if (!dryRun) {
  const data = {
    $comment: 'Written by scripts/calibrate.ts (npm run calibrate) on LFW (dev part); do not edit by hand.',
    model: 'faceplugin-face-recognition-js@0.0.1 model/fr_feature.onnx',
    channelOrder: EMBEDDER_INPUT.channelOrder,
    flipAverage: false,
    measured: new Date().toISOString().slice(0, 10),
    dataSet: 'LFW (dev part): ../shared/lfw-dev, every photo, its largest face',
    photos: photos.length,
    faces: samples.length,
    photosWithoutFace: missed.length,
    genuinePairs: report.genuinePairs,
    impostorPairs: report.impostorPairs,
    targetFalseMatchRate: TARGET_FALSE_MATCH_RATE,
    threshold: Number(report.threshold.toFixed(4)),
    falseMatchRate: Number(report.falseMatchRate.toPrecision(4)),
    falseNonMatchRate: Number(report.falseNonMatchRate.toFixed(4)),
    equalErrorRate: Number(report.equalErrorRate.toFixed(4)),
    identification: POLICY,
    strangerTails: report.strangerTails,
  };
  writeFileSync('src/core/calibration-data.json', JSON.stringify(data, null, 2) + '\n');
  console.log('\nwrote src/core/calibration-data.json (rebuild the app to use it)');
}
