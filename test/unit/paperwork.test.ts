// The paperwork generators (src/core/paperwork.ts): built from the facts given, both renderings say the same, nothing
// from outside runs in the HTML, and the accuracy figures the app ships agree with docs/accuracy.md.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  accuracyAndLimits,
  dpiaStarter,
  recordOfProcessing,
  type BenchmarkFigures,
  type CalibrationFacts,
  type GalleryFacts,
} from '../../src/core/paperwork';
import benchmark from '../../src/core/benchmark-figures.json';
import calibration from '../../src/core/calibration-data.json';

const AT = Date.UTC(2026, 11, 2, 10);

function facts(overrides: Partial<GalleryFacts> = {}): GalleryFacts {
  return {
    generatedAt: AT,
    origin: 'https://faces.example',
    databaseName: 'facelocal',
    people: [
      {
        purpose: 'access-control',
        purposeDetail: 'Lab door <b>B2</b>',
        retention: { kind: 'days', days: 365 },
        method: 'checkbox',
        collectedBy: 'Lab manager',
        restricted: false,
        templates: 3,
      },
      {
        purpose: 'access-control',
        purposeDetail: 'Lab door <b>B2</b>',
        retention: { kind: 'days', days: 365 },
        method: 'typed-signature',
        collectedBy: 'Lab manager',
        restricted: true,
        templates: 2,
      },
      {
        purpose: 'photo-library',
        purposeDetail: 'family | friends',
        retention: { kind: 'until-withdrawn' },
        method: 'checkbox',
        collectedBy: 'Ann | Co',
        restricted: false,
        templates: 1,
      },
    ],
    thumbnails: 'drop',
    thumbnailsStored: 0,
    encryption: { enabled: false, kdf: null },
    autoLock: { idleMs: 300_000, whenHidden: true },
    persistentStorage: false,
    imports: [
      { thisSession: true, keep: false, purpose: null, retentionDays: null, faces: 4, expiresAt: null },
      {
        thisSession: false,
        keep: true,
        purpose: 'ask for consent at the next meeting',
        retentionDays: 14,
        faces: 2,
        expiresAt: AT + 14 * 86_400_000,
      },
    ],
    tombstones: 1,
    auditEntries: 42,
    models: { detector: 'det', embedder: 'emb' },
    thresholds: { verify: 0.3437, named: 0.4123, possible: 0.3311, templates: 6 },
    ...overrides,
  };
}

const calibrationFacts: CalibrationFacts = {
  model: calibration.model,
  measured: calibration.measured,
  dataSet: calibration.dataSet,
  threshold: calibration.threshold,
  falseMatchRate: calibration.falseMatchRate,
  falseNonMatchRate: calibration.falseNonMatchRate,
  equalErrorRate: calibration.equalErrorRate,
  genuinePairs: calibration.genuinePairs,
  impostorPairs: calibration.impostorPairs,
  namedStrangerRate: calibration.identification.namedStrangerRate,
  possibleStrangerRate: calibration.identification.possibleStrangerRate,
};

describe('record of processing', () => {
  it('says what the gallery holds: purposes with counts, retention, categories, where it lives, security', () => {
    const doc = recordOfProcessing(facts());
    expect(doc.fileStem).toBe('facelocal-record-of-processing-2026-12-02');
    const md = doc.markdown;
    expect(md).toContain('| Let this person in by face (door, device or account) | Lab door <b>B2</b> | 2 |');
    expect(md).toContain('| Group and name this person in a private photo library | family \\| friends | 1 |'); // a pipe cannot break the table
    expect(md).toContain('| 365 days | 2 |');
    expect(md).toContain('| until consent is withdrawn | 1 |');
    expect(md).toContain('People enrolled with their consent: 3 (1 with processing restricted).');
    expect(md).toContain('Face templates (biometric data, special category under GDPR Art. 9): 6,');
    expect(md).toContain('not kept (templates only); 0 stored.');
    expect(md).toContain(
      '4 held for a browser tab\'s session only; 2 kept for "ask for consent at the next meeting" for 14 days',
    );
    expect(md).toContain('IndexedDB database "facelocal" for https://faces.example');
    expect(md).toContain('Encryption at rest: OFF');
    expect(md).toContain('Auto-lock: after 5 min without use and whenever the page is hidden.');
    expect(md).toContain('Consent was collected by: Lab manager; Ann | Co.');
    expect(md).toContain('| typed-name signature | 1 |');
  });

  it('renders the same document as a printable page, escaping what people typed', () => {
    const { html, markdown } = recordOfProcessing(facts());
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('Lab door &lt;b&gt;B2&lt;/b&gt;');
    expect(html).not.toContain('<b>B2</b>');
    expect(html).not.toMatch(/<script|src=|href=/i); // self-contained: nothing loads from anywhere
    for (const heading of markdown.match(/^## .*$/gm)!) expect(html).toContain(`<h2>${heading.slice(3)}</h2>`);
  });

  it('works for an empty gallery', () => {
    const md = recordOfProcessing(facts({ people: [], imports: [] })).markdown;
    expect(md).toContain('None in use yet: no one is enrolled.');
    expect(md).toContain('People enrolled with their consent: 0');
  });
});

describe('DPIA starter', () => {
  it('states the processing, the thresholds in use and the encryption state as they are', () => {
    const off = dpiaStarter(facts()).markdown;
    expect(off).toContain('compared with the templates of 3 enrolled people (6 templates)');
    expect(off).toContain("names a person only above 0.412 for this gallery's 6 templates");
    expect(off).toContain('Encryption at rest is OFF');
    expect(off).toContain('to complete');
    const on = dpiaStarter(facts({ encryption: { enabled: true, kdf: 'scrypt' }, persistentStorage: true })).markdown;
    expect(on).toContain('Encryption at rest is on (AES-GCM');
    expect(on).toContain('Persistent storage granted.');
  });
});

describe('accuracy and limits', () => {
  const doc = accuracyAndLimits(
    benchmark as BenchmarkFigures,
    calibrationFacts,
    { verify: 0.3437, named: 0.5081, possible: 0.4301, templates: 1000 },
    AT,
  );

  it('gives the measured figures, the thresholds in use and the known limits', () => {
    const md = doc.markdown;
    expect(md).toContain(
      '| pairs accuracy, 8-fold, 4,800 pairs (a missed face counts as "different") | 98.81 % ± 0.51 % |',
    );
    expect(md).toContain(`| threshold in use (cosine similarity) | ${calibration.threshold.toFixed(4)} |`);
    expect(md).toContain(
      `| false-match rate (FMR) at that threshold | ${(calibration.falseMatchRate * 100).toFixed(2)} % (1 in 1,000 impostor pairs) |`,
    );
    expect(md).toContain(
      `| false-non-match rate (FNMR) at that threshold | ${(calibration.falseNonMatchRate * 100).toFixed(2)} % |`,
    );
    expect(md).toContain(
      'In this gallery (1,000 templates) a face is named from 0.508 and shown as a possible match from 0.430.',
    );
    expect(md).toContain('| 1,000 × 1 | 0.65 % | 5.94 % | 11.59 % | 0.12 % |');
    expect(md).toContain(
      'about 11.59 % of enrolled people are not named in a gallery of 1,000; with up to three photos, 7.36 %',
    );
    expect(md).toMatch(/## Intended use[\s\S]*Human oversight/);
    expect(md).toMatch(/## Known limits[\s\S]*no established licence/);
  });

  it('ships the figures docs/accuracy.md reports (so the page cannot drift from the measurement)', () => {
    const text = readFileSync(new URL('../../docs/accuracy.md', import.meta.url), 'utf8').replace(/\*\*/g, '');
    const p = (n: number) => `${n.toFixed(2)} %`;
    expect(text).toContain(`## Results: LFW (dev part), ${benchmark.measured}`);
    expect(text).toContain(
      `${p(benchmark.pairs.accuracy)} ± ${benchmark.pairs.std.toFixed(2)} (${benchmark.pairs.pairs.toLocaleString('en-GB')} pairs)`,
    );
    expect(text).toContain(`| rank-1 (every photo a probe against all others) | ${p(benchmark.rank1)}`);
    expect(text).toContain(`| EER | ${p(benchmark.equalErrorRate)}`);
    expect(text).toContain(
      `| TAR @ FMR 1e-3 / 1e-4 / 1e-5 | ${benchmark.tarAtFmr.map((t) => t.tar.toFixed(2)).join(' / ')} % (${benchmark.impostorPairs.toLocaleString('en-GB')} impostor pairs)`,
    );
    for (const r of benchmark.openSet) {
      expect(text).toContain(
        `| ${r.people} × ${r.photos} | ${p(r.fpir)} | ${p(r.fpirWithPossible)} | ${p(r.fnir)} | ${p(r.wrongName)} |`,
      );
    }
    expect(text).toContain(
      `FMR / FNMR at the shipped 1:1 threshold (${calibration.threshold}; face-api.js: its own 0.6 distance) | ${p(calibration.falseMatchRate * 100)} / ${p(calibration.falseNonMatchRate * 100)}`,
    );
  });
});
