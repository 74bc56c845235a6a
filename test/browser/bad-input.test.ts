// Whatever files people throw at it: each gets a clear per-file answer, the batch goes on, nothing stored is
// lost. The broken files are made here, in the test, from the shared photos.
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { openHarness } from './browser';
import { harnessSuite } from './suite';
import { encodeCmykJpeg } from './cmyk-jpeg';
import { pngBomb } from './png-bomb';

const harness = harnessSuite();

declare global {
  interface Window {
    /** The corpus of broken and odd files, made once by buildCorpus() for the tests below. */
    __corpus: Record<string, Blob>;
  }
}

/**
 * The corpus, made in the page from the shared photos (the CMYK JPEG is encoded here in Node: browsers cannot write
 * one): kept on window.__corpus as name -> Blob for the tests below.
 */
async function buildCorpus(): Promise<string[]> {
  const pixels = await harness.page.evaluate(async () => {
    const face = await createImageBitmap(await (await fetch('/__faces/obama/obama2.jpg')).blob());
    const width = 320,
      height = Math.round((face.height / face.width) * 320);
    const ctx = new OffscreenCanvas(width, height).getContext('2d')!;
    ctx.drawImage(face, 0, 0, width, height);
    return { width, height, rgba: Array.from(ctx.getImageData(0, 0, width, height).data) };
  });
  const cmyk = Array.from(encodeCmykJpeg(pixels.rgba, pixels.width, pixels.height));
  const bomb = Array.from(pngBomb());
  expect(bomb.length).toBeLessThan(2000);
  return harness.page.evaluate(
    async ({ cmykBytes, bombBytes }) => {
      const fetchBytes = async (f: string) => new Uint8Array(await (await fetch(`/__faces/${f}`)).arrayBuffer());
      const jpeg = await fetchBytes('obama/obama1.jpg');
      const canvasBlob = async (
        w: number,
        h: number,
        draw: (ctx: OffscreenCanvasRenderingContext2D) => Promise<void> | void,
        type: string,
      ) => {
        const c = new OffscreenCanvas(w, h);
        await draw(c.getContext('2d')!);
        return c.convertToBlob({ type, quality: 0.9 });
      };
      const face = await createImageBitmap(new Blob([jpeg]));
      // A minimal two-frame animated GIF (1x1 pixels), written byte by byte.
      const gif = new Uint8Array([
        0x47,
        0x49,
        0x46,
        0x38,
        0x39,
        0x61,
        1,
        0,
        1,
        0,
        0x80,
        0,
        0,
        0,
        0,
        0,
        255,
        255,
        255,
        0x21,
        0xff,
        0x0b,
        ...new TextEncoder().encode('NETSCAPE2.0'),
        3,
        1,
        0,
        0,
        0,
        0x21,
        0xf9,
        4,
        0,
        10,
        0,
        0,
        0,
        0x2c,
        0,
        0,
        0,
        0,
        1,
        0,
        1,
        0,
        0,
        2,
        2,
        0x44,
        1,
        0,
        0x21,
        0xf9,
        4,
        0,
        10,
        0,
        0,
        0,
        0x2c,
        0,
        0,
        0,
        0,
        1,
        0,
        1,
        0,
        0,
        2,
        2,
        0x4c,
        1,
        0,
        0x3b,
      ]);
      // Pixels stored sideways (90 degrees counter-clockwise) and tagged EXIF orientation 6 ("rotate 90 clockwise to view").
      const sideways = await canvasBlob(
        face.height,
        face.width,
        (ctx) => {
          ctx.translate(0, face.width);
          ctx.rotate(-Math.PI / 2);
          ctx.drawImage(face, 0, 0);
        },
        'image/jpeg',
      );
      const sidewaysBytes = new Uint8Array(await sideways.arrayBuffer());
      const exif = [
        0x45, 0x78, 0x69, 0x66, 0, 0, 0x4d, 0x4d, 0x00, 0x2a, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0,
        0, 0, 0, 0, 0,
      ];
      const app1 = [0xff, 0xe1, (exif.length + 2) >> 8, (exif.length + 2) & 0xff, ...exif];
      const corpus: Record<string, Blob> = {
        'empty.jpg': new Blob([]),
        'truncated.jpg': new Blob([jpeg.subarray(0, 600)]),
        'notes.jpg': new Blob(['these are my notes, not a photo']),
        'webp-named.jpg': new Blob([await fetchBytes('deepface_p03/img47.jpg')]),
        'iphone.heic': new Blob([
          new Uint8Array([0, 0, 0, 24, ...new TextEncoder().encode('ftypheic'), 0, 0, 0, 0, ...new Uint8Array(64)]),
        ]),
        'animated.gif': new Blob([gif]),
        'alpha.png': await canvasBlob(
          face.width + 200,
          face.height + 200,
          (ctx) => ctx.drawImage(face, 100, 100),
          'image/png',
        ), // transparent border
        'fifty-megapixel.jpg': await canvasBlob(
          8660,
          5774,
          (ctx) => {
            ctx.fillStyle = '#888';
            ctx.fillRect(0, 0, 8660, 5774);
            ctx.drawImage(face, 3000, 2000);
          },
          'image/jpeg',
        ),
        'cmyk.jpg': new Blob([new Uint8Array(cmykBytes)]),
        'rotated-exif.jpg': new Blob([sidewaysBytes.subarray(0, 2), new Uint8Array(app1), sidewaysBytes.subarray(2)]),
        'bomb.png': new Blob([new Uint8Array(bombBytes)], { type: 'image/png' }),
      };
      window.__corpus = corpus;
      return Object.keys(corpus);
    },
    { cmykBytes: cmyk, bombBytes: bomb },
  );
}

let corpusNames: string[] = [];

describe('bad input', () => {
  beforeAll(async () => {
    corpusNames = await buildCorpus();
  });

  it('gives each broken or odd file a clear outcome, and the gallery keeps what it had', async () => {
    const r = await harness.page.evaluate(async () => {
      const files = window.__corpus;
      const jpeg = await (await fetch('/__faces/obama/obama1.jpg')).arrayBuffer();
      const m = await window.facelocal.openMatcher({ databaseName: 'bad-input' });
      const consent = window.facelocal.consentFor('Barack Obama');
      const enrolled = await m.enrol({ name: 'Barack Obama', consent }, [new File([jpeg], 'obama1.jpg')]);
      const personId = enrolled.person!.id;
      const before = await m.listPeople();
      // One batch with every file: the batch goes on past each failure.
      const batch = await m.addPhotos(
        personId,
        Object.entries(files).map(([name, blob]) => new File([blob], name)),
      );
      const outcomes = Object.fromEntries(
        batch.photos.map((p) => [p.fileName, p.ok ? 'ok' : `${p.error!.code}: ${p.error!.message}`]),
      );
      const after = await m.listPeople();
      const identifyEmpty = await m.identify(new File([], 'empty.jpg')).then(
        () => 'answered',
        (e) => (e as { code: string }).code,
      );
      const rotated = await m.detect(files['rotated-exif.jpg']);
      const upright = await m.detect(new Blob([jpeg]));
      await m.close();
      return {
        outcomes,
        before: before.map((p) => p.templateCount),
        after: after.map((p) => p.templateCount),
        identifyEmpty,
        rotatedSize: [rotated.width, rotated.height],
        uprightSize: [upright.width, upright.height],
      };
    });
    expect(r.outcomes['empty.jpg']).toBe('unreadable-file: This file is empty.');
    expect(r.outcomes['truncated.jpg']).toMatch(/^unreadable-file: This image is damaged/);
    expect(r.outcomes['notes.jpg']).toMatch(/^unreadable-file: This file is not an image/);
    expect(r.outcomes['webp-named.jpg']).toBe('ok'); // type sniffed from content, not the name
    expect(r.outcomes['iphone.heic']).toMatch(/^unreadable-file: HEIC photos cannot be opened in this browser/);
    expect(r.outcomes['animated.gif']).toBe('no-face: No face found in this photo.'); // first frame read; no face in it
    expect(r.outcomes['alpha.png']).toBe('ok');
    expect(r.outcomes['fifty-megapixel.jpg']).toBe('ok'); // 50 MP: decoded and searched (tiled pass), face found
    expect(r.outcomes['cmyk.jpg']).toBe('ok'); // a print-ready CMYK JPEG decodes to the same face
    expect(r.outcomes['rotated-exif.jpg']).toBe('ok');
    // Refused from its header, before the decoder could allocate 3.6 GB.
    expect(r.outcomes['bomb.png']).toBe(
      'image-too-large: This photo declares 30000 × 30000 pixels (900 megapixels; the limit is 60), so it was refused before decoding.',
    );
    expect(r.rotatedSize).toEqual(r.uprightSize); // read upright: EXIF orientation honoured
    expect(r.before).toEqual([1]);
    expect(r.after).toEqual([1 + 5]); // the five good photos were added, nothing else changed
    expect(r.identifyEmpty).toBe('unreadable-file');
  });

  it('runs the whole corpus as one photo-library import: a message per bad file, a face per good one, the gallery untouched', async () => {
    const r = await harness.page.evaluate(async () => {
      const corpus = window.__corpus;
      const m = await window.facelocal.openMatcher({ databaseName: 'bad-import' });
      const consent = window.facelocal.consentFor('Joe Biden');
      await m.enrol({ name: 'Joe Biden', consent }, [await window.facelocal.facePhoto('biden/biden.jpg')]);
      const run = await m.imports.start(
        Object.entries(corpus).map(([name, blob]) => new File([blob], name, { lastModified: 1 })),
      );
      const progress = await run.done;
      const groups = await m.imports.groups(run.jobId);
      const faces = [...groups.groups.flatMap((g) => g.faces), ...groups.unassigned, ...groups.poor]
        .map((f) => f.fileName)
        .sort();
      const people = (await m.listPeople()).map((p) => `${p.name}:${p.templateCount}`);
      await m.close();
      return {
        progress,
        failures: Object.fromEntries(run.failures.map((f) => [f.fileName, `${f.code}: ${f.message}`])),
        faces,
        people,
      };
    });
    expect(r.progress.done).toBe(corpusNames.length);
    expect(r.progress.cancelled).toBe(false);
    expect(Object.keys(r.failures).sort()).toEqual([
      'bomb.png',
      'empty.jpg',
      'iphone.heic',
      'notes.jpg',
      'truncated.jpg',
    ]);
    expect(r.failures['bomb.png']).toMatch(/^image-too-large: .*refused before decoding/);
    expect(r.failures['iphone.heic']).toMatch(/HEIC photos cannot be opened in this browser/);
    expect(r.failures['truncated.jpg']).toMatch(/damaged/);
    // One face in each readable photo of Obama (the animated GIF has none), and they group as one person.
    expect(r.faces).toEqual(['alpha.png', 'cmyk.jpg', 'fifty-megapixel.jpg', 'rotated-exif.jpg', 'webp-named.jpg']);
    expect(r.people).toEqual(['Joe Biden:1']); // an import enrols no one
  });
});

describe('quality gate', () => {
  it('refuses a blurred or a dark face at enrolment, with the reason', async () => {
    const r = await harness.page.evaluate(async () => {
      const face = await createImageBitmap(await (await fetch('/__faces/obama/obama1.jpg')).blob());
      const variant = async (filter: string) => {
        const c = new OffscreenCanvas(face.width, face.height);
        const ctx = c.getContext('2d')!;
        ctx.filter = filter;
        ctx.drawImage(face, 0, 0);
        return new File([await c.convertToBlob({ type: 'image/jpeg', quality: 0.92 })], `${filter}.jpg`);
      };
      const m = await window.facelocal.openMatcher({ databaseName: 'quality-gate' });
      const consent = window.facelocal.consentFor('Barack Obama');
      const result = await m.enrol({ name: 'Barack Obama', consent }, [
        await variant('blur(12px)'),
        await variant('brightness(0.12)'),
        await variant('none'),
      ]);
      return result.photos.map((p) => (p.ok ? 'ok' : `${p.error!.code}: ${p.error!.message}`));
    });
    expect(r[0]).toMatch(/^(poor-quality: The face is too blurred\.|no-face: )/);
    expect(r[1]).toMatch(/^(poor-quality: The face is too dark\.|no-face: )/);
    expect(r.slice(0, 2).some((x) => x.startsWith('poor-quality'))).toBe(true); // the gate, not only the detector, refused
    expect(r[2]).toBe('ok');
  });
});

describe('a full disk', () => {
  it('says storage is full and writes nothing of the enrolment (real IndexedDB, quota forced low)', async () => {
    const page = await openHarness(harness.browser, inject('baseUrl'));
    try {
      const m = page.page;
      await m.evaluate(async () => {
        window.matcher = await window.facelocal.openMatcher({ databaseName: 'quota' });
      });
      // The origin's quota, as Chromium would have it on a nearly full disk.
      const cdp = await page.context.newCDPSession(m);
      await cdp.send('Storage.overrideQuotaForOrigin', { origin: page.origin, quotaSize: 1 });
      const r = await m.evaluate(async () => {
        const matcher = window.matcher;
        const photo = await window.facelocal.facePhoto('obama/obama1.jpg');
        const consent = window.facelocal.consentFor('Barack Obama');
        const error = await matcher.enrol({ name: 'Barack Obama', consent }, [photo]).then(
          () => null,
          (e) => ({ code: (e as { code: string }).code, message: (e as Error).message }),
        );
        return { error, people: (await matcher.listPeople()).length };
      });
      expect(r.error?.code).toBe('storage-full');
      expect(r.error?.message).toMatch(/nothing was saved/);
      expect(r.people).toBe(0);
      await cdp.send('Storage.overrideQuotaForOrigin', { origin: page.origin });
    } finally {
      await page.close();
    }
  });

  it('stops an import on a full disk with a clear message; what was committed stays, and it resumes once there is room', async () => {
    const page = await openHarness(harness.browser, inject('baseUrl'));
    try {
      const m = page.page;
      const usage = await m.evaluate(async () => {
        window.matcher = await window.facelocal.openMatcher({ databaseName: 'quota-import' });
        return (await navigator.storage.estimate()).usage ?? 0;
      });
      // Room for a few photos' faces (each about 5 KB: a 2 KB template and a small thumbnail), not for six.
      // (Chromium's IndexedDB keeps its last answer on free space until writes use it up, so the limit is set
      // before the import writes anything.)
      const cdp = await page.context.newCDPSession(m);
      await cdp.send('Storage.overrideQuotaForOrigin', { origin: page.origin, quotaSize: usage + 16_000 });
      const names = [
        'obama/obama1.jpg',
        'obama/obama2.jpg',
        'biden/biden.jpg',
        'biden/biden2.jpg',
        'amy/amy1.png',
        'amy/amy2.png',
      ];
      const runImport = (jobId?: string) =>
        m.evaluate(
          async ({ names, jobId }) => {
            const files = await Promise.all(names.map((n) => window.facelocal.facePhoto(n, { lastModified: 1 })));
            const run = await window.matcher.imports.start(files, { jobId });
            const progress = await run.done;
            const job = (await window.matcher.imports.jobs()).find((j) => j.id === run.jobId)!;
            return {
              jobId: run.jobId,
              progress,
              failures: run.failures.map((f) => `${f.code}: ${f.message}`),
              faces: job.faces,
              photosRead: job.photosRead,
            };
          },
          { names, jobId },
        );
      const full = await runImport();
      expect(full.progress.cancelled).toBe(true); // stopped: nothing further could be kept
      expect(full.failures).toEqual([
        expect.stringMatching(/^storage-full: Not enough storage space on this device: nothing was saved/),
      ]);
      expect(full.photosRead).toBeLessThan(names.length);
      expect(full.faces).toBe(full.photosRead); // every committed photo has its face; no half-written photo
      await cdp.send('Storage.overrideQuotaForOrigin', { origin: page.origin });
      const resumed = await runImport(full.jobId);
      expect(resumed.progress.skipped).toBe(full.photosRead);
      expect(resumed.failures).toEqual([]);
      expect(resumed.faces).toBe(names.length);
    } finally {
      await page.close();
    }
  });
});
