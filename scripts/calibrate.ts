// Calibrates the match threshold on ../shared/faces with the real app (workers, models) in headless Chromium:
// every photo of every identity is embedded, all pairs are scored, and the threshold is set for a false-match
// rate of 1 in 1,000 (see calibrate() in src/core/calibration.ts). Writes src/core/calibration-data.json.
//   npx tsx scripts/calibrate.ts [--channels rgb|bgr] [--flip] [--dry-run]
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser, openHarness, FACES_DIR } from '../test/browser/browser';
import { startPreview } from '../test/browser/preview-server';

const args = process.argv.slice(2);
const channelOrder = (args.includes('--channels') ? args[args.indexOf('--channels') + 1] : 'bgr') as 'rgb' | 'bgr';
const flipAverage = args.includes('--flip');
const dryRun = args.includes('--dry-run');

const identities = readdirSync(FACES_DIR, { withFileTypes: true })
  .filter((d) => d.isDirectory() && !d.name.startsWith('_'))
  .map((d) => ({ name: d.name, photos: readdirSync(join(FACES_DIR, d.name)).filter((f) => /\.(jpe?g|png|webp)$/i.test(f)).sort() }));

const server = await startPreview();
const browser = await launchBrowser();
try {
  const harness = await openHarness(browser, server.url);
  const result = await harness.page.evaluate(async ({ identities, channelOrder, flipAverage }) => {
    const matcher = await window.facelocal.openMatcher({ databaseName: 'facelocal-calibration', embedderTuning: { channelOrder, flipAverage } });
    const samples: { identity: string; embedding: Float32Array }[] = [];
    const missed: string[] = [];
    let several = 0;
    for (const { name, photos } of identities) {
      for (const photo of photos) {
        const blob = await (await fetch(`/__faces/${name}/${photo}`)).blob();
        const { faces } = await matcher.embedFaces(blob);
        if (faces.length === 0) { missed.push(`${name}/${photo}`); continue; }
        if (faces.length > 1) several++;
        // An identity photo may show others in the background: the largest face is the subject.
        const subject = faces.reduce((a, b) => (a.box.width * a.box.height >= b.box.width * b.box.height ? a : b));
        samples.push({ identity: name, embedding: subject.embedding });
      }
    }
    const genuine: number[] = [], impostor: number[] = [];
    for (let i = 0; i < samples.length; i++) for (let j = i + 1; j < samples.length; j++) {
      const s = window.facelocal.cosineSimilarity(samples[i].embedding, samples[j].embedding);
      (samples[i].identity === samples[j].identity ? genuine : impostor).push(s);
    }
    const report = window.facelocal.calibrate(genuine, impostor, 1e-3);
    await matcher.close();
    return { report, photos: samples.length, missed, several, backend: matcher.info.backend };
  }, { identities, channelOrder, flipAverage });

  const { report } = result;
  const fmt = (x: number) => x.toFixed(4);
  console.log(`photos embedded: ${result.photos} (missed: ${result.missed.length ? result.missed.join(', ') : 'none'}; with several faces: ${result.several}); backend ${result.backend}`);
  console.log(`channels ${channelOrder}${flipAverage ? ' + flip averaging' : ''}`);
  console.log(`genuine pairs ${report.genuinePairs}: mean ${fmt(report.genuine.mean)} sd ${fmt(report.genuine.sd)}`);
  console.log(`impostor pairs ${report.impostorPairs}: mean ${fmt(report.impostor.mean)} sd ${fmt(report.impostor.sd)}`);
  console.log(`threshold for FMR 1e-3: empirical ${fmt(report.empiricalThreshold)}, gaussian ${fmt(report.gaussianThreshold)} -> ${fmt(report.threshold)}`);
  console.log(`at the threshold: FMR ${report.falseMatchRate.toExponential(2)}, FNMR ${fmt(report.falseNonMatchRate)}; EER ${fmt(report.equalErrorRate)}`);
  if (!dryRun) {
    const data = {
      $comment: 'Written by scripts/calibrate.ts on ../shared/faces; do not edit by hand.',
      model: 'faceplugin-face-recognition-js@0.0.1 model/fr_feature.onnx',
      channelOrder,
      flipAverage,
      measured: new Date().toISOString().slice(0, 10),
      photos: result.photos,
      missedPhotos: result.missed,
      threshold: Number(report.threshold.toFixed(4)),
      impostor: { mean: Number(report.impostor.mean.toFixed(4)), sd: Number(report.impostor.sd.toFixed(4)) },
      genuine: { mean: Number(report.genuine.mean.toFixed(4)), sd: Number(report.genuine.sd.toFixed(4)) },
      strangerModel: { mean: Number(report.strangerModel.mean.toFixed(4)), sd: Number(report.strangerModel.sd.toFixed(4)) },
      genuinePairs: report.genuinePairs,
      impostorPairs: report.impostorPairs,
      empiricalThreshold: Number(report.empiricalThreshold.toFixed(4)),
      gaussianThreshold: Number(report.gaussianThreshold.toFixed(4)),
      falseMatchRate: report.falseMatchRate,
      falseNonMatchRate: Number(report.falseNonMatchRate.toFixed(4)),
      equalErrorRate: Number(report.equalErrorRate.toFixed(4)),
    };
    writeFileSync('src/core/calibration-data.json', JSON.stringify(data, null, 2) + '\n');
    console.log('wrote src/core/calibration-data.json (rebuild the app to use it)');
  }
} finally {
  await browser.close();
  await server.close();
}
