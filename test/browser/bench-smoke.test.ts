// The benchmark runs end to end on a tiny data set in LFW layout, and its output has the promised shape.
// No timing is asserted: these machines are noisy; the numbers belong in bench/ runs, not in tests.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { facePath } from './browser';

function lfwLayout(): { dir: string; pairs: string } {
  const dir = mkdtempSync(join(tmpdir(), 'facelocal-bench-'));
  const people: Record<string, string[]> = {
    Barack_Obama: ['obama/obama.jpg', 'obama/obama1.jpg', 'obama/obama3.jpg'],
    Angelina: ['angelina/img2.jpg', 'angelina/img4.jpg', 'angelina/img5.jpg'],
  };
  for (const [name, files] of Object.entries(people)) {
    mkdirSync(join(dir, name));
    files.forEach((f, i) =>
      copyFileSync(facePath(f), join(dir, name, `${name}_${String(i + 1).padStart(4, '0')}.jpg`)),
    );
  }
  // 2 folds of 2 same + 2 different pairs.
  const pairs = [
    '2 2',
    'Barack_Obama 1 2',
    'Angelina 1 2',
    'Barack_Obama 1 Angelina 1',
    'Barack_Obama 2 Angelina 2',
    'Barack_Obama 2 3',
    'Angelina 2 3',
    'Barack_Obama 3 Angelina 3',
    'Barack_Obama 1 Angelina 3',
  ].join('\n');
  writeFileSync(join(dir, 'pairs.txt'), pairs + '\n');
  return { dir, pairs: join(dir, 'pairs.txt') };
}

describe('benchmark (smoke)', () => {
  it('runs Facelocal and face-api.js on LFW-style pairs and prints one JSON object last', () => {
    const { dir, pairs } = lfwLayout();
    const out = join(dir, 'out.json');
    const run = spawnSync(
      'npx',
      ['tsx', 'bench/run.ts', '--data', dir, '--pairs', pairs, '--peer', 'faceapi', '--out', out],
      { encoding: 'utf8', timeout: 240_000 },
    );
    expect(run.status, run.stderr.slice(-2000)).toBe(0);
    const lines = run.stdout.trim().split('\n');
    const last = JSON.parse(lines[lines.length - 1]);
    expect(last).toEqual(JSON.parse(readFileSync(out, 'utf8')));
    for (const side of ['ours', 'peer']) {
      expect(typeof last[side].accuracy).toBe('number');
      expect(typeof last[side].rank1).toBe('number');
      expect(typeof last[side].msPerPhoto).toBe('number');
      expect(typeof last[side].batchMsPerPhoto).toBe('number');
      expect(last[side].pairs).toBe(8);
      expect(last[side].photos).toBe(6);
      expect(Object.keys(last[side].ms)).toEqual(['decode', 'detect', 'alignEmbed', 'endToEnd']);
    }
    expect(typeof last.speedup).toBe('number');
    expect(typeof last.batchSpeedup).toBe('number');
    expect(run.stdout).toMatch(/pairs accuracy \(k-fold\)/);
    // Real-scale figures: rates at the shipped thresholds, TAR at fixed FMR, open-set 1:N at the shipped rule.
    expect(last.ours.atShippedThresholds.shipped.threshold).toBeGreaterThan(0);
    expect(last.ours.tarAtFmr1e3.tar).toBeGreaterThanOrEqual(0);
    expect(last.ours.openSet[0]).toMatchObject({ galleryPeople: 2, enrolPhotos: 1, matedProbes: 4 });
    expect(typeof last.ours.openSet[0].atRule.fpir).toBe('number');
    expect(readFileSync(last.detFile, 'utf8')).toMatch(/^<svg[^>]*>.*<polyline/s);
  });
});
