// The 1:N decision rule on real photos through the facade: the threshold that names someone rises with the
// gallery, a score between "confident" and "no match" is a possible match that names nobody, and the chance people
// read is the one of the rule applied (it speaks of the gallery). Photos and scores come from ../shared/faces.
import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { FACES_DIR } from './browser';
import { harnessSuite } from './suite';

const harness = harnessSuite({ network: 'same-origin' });

const identityFolders = readdirSync(FACES_DIR, { withFileTypes: true })
  .filter((d) => d.isDirectory() && !d.name.startsWith('_'))
  .map((d) => d.name)
  .sort();
const photosOf = (folder: string) =>
  readdirSync(`${FACES_DIR}/${folder}`)
    .filter((f) => /\.(jpe?g|png|webp)$/i.test(f))
    .sort()
    .map((f) => `${folder}/${f}`);

describe('identification (1:N) rule', () => {
  it('rises with the gallery, says "possible match" between the thresholds, and words the chance for the gallery', async () => {
    const photos = identityFolders.flatMap((folder) => photosOf(folder).map((file) => ({ folder, file })));
    const result = await harness.page.evaluate(async (photos) => {
      const m = await window.facelocal.openMatcher({ databaseName: 'identification-rule-test' });
      const blob = async (f: string) => (await fetch(`/__faces/${f}`)).blob();
      const one = window.facelocal.thresholdsFor(1);
      // Every single-face photo embedded once; then the first pair of different people whose score falls in the
      // "possible" band of a one-template gallery (with a margin, so the app's own score lands there too).
      const embedded: { folder: string; file: string; embedding: Float32Array }[] = [];
      for (const p of photos) {
        const { faces } = await m.embedFaces(await blob(p.file));
        if (faces.length === 1) embedded.push({ ...p, embedding: faces[0].embedding });
      }
      let pair: { enrol: (typeof embedded)[number]; stranger: (typeof embedded)[number]; score: number } | null = null;
      for (const a of embedded) {
        if (pair) break;
        if (embedded.filter((e) => e.folder === a.folder).length < 2) continue;
        for (const b of embedded) {
          if (b.folder === a.folder) continue;
          const score = window.facelocal.cosineSimilarity(a.embedding, b.embedding);
          if (score >= one.possible + 0.01 && score < one.named - 0.01) {
            pair = { enrol: a, stranger: b, score };
            break;
          }
        }
      }
      if (!pair)
        return {
          one,
          big: window.facelocal.thresholdsFor(100_000),
          pair: null,
          asStranger: null,
          asSelf: null,
          enrolledOk: 0,
        };
      const consent = window.facelocal.consentFor(pair.enrol.folder);
      const { photos: outcomes } = await m.enrol({ name: pair.enrol.folder, consent }, [
        new File([await blob(pair.enrol.file)], 'enrol.jpg'),
      ]);
      const sameProbe = embedded.find((e) => e.folder === pair!.enrol.folder && e.file !== pair!.enrol.file)!;
      const asStranger = (await m.identify(await blob(pair.stranger.file))).faces[0].match;
      const asSelf = (await m.identify(await blob(sameProbe.file))).faces[0].match;
      await m.close();
      return {
        one,
        big: window.facelocal.thresholdsFor(100_000),
        pair: { enrol: pair.enrol.file, stranger: pair.stranger.file, score: pair.score },
        asStranger,
        asSelf,
        enrolledOk: outcomes.filter((o) => o.ok).length,
      };
    }, photos);

    // A gallery of 100,000 templates needs a much higher score to name someone than a gallery of one.
    expect(result.big.named).toBeGreaterThan(result.one.named + 0.1);
    expect(result.one.possible).toBeLessThan(result.one.named);
    // Among 26 people, some photo of one resembles another enough to be "possible" in a gallery of one.
    expect(result.pair).not.toBeNull();
    expect(result.enrolledOk).toBe(1);
    const name = result.pair!.enrol.split('/')[0];
    expect(result.asStranger).toMatchObject({ kind: 'possible', name });
    expect(result.asStranger!.kind === 'possible' && result.asStranger!.reading.isMatch).toBe(false);
    expect(result.asSelf).toMatchObject({ kind: 'known', name });
    if (result.asSelf!.kind !== 'known') throw new Error('unreachable');
    expect(result.asSelf!.reading.isMatch).toBe(true);
    expect(result.asSelf!.reading.explanation).toMatch(/chance a stranger (scores|matches someone in this gallery)/);
  }, 400_000);

  it('names nobody in an empty gallery and answers "unknown" with no score', async () => {
    const match = await harness.page.evaluate(async () => {
      const m = await window.facelocal.openMatcher({ databaseName: 'identification-rule-empty' });
      const r = await m.identify(await (await fetch('/__faces/biden/biden.jpg')).blob());
      await m.close();
      return r.faces[0].match;
    });
    expect(match).toEqual({ kind: 'unknown', bestScore: null });
  });
});
