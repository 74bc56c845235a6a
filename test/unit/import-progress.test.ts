import { describe, expect, it } from 'vitest';
import { describeTimeLeft, fileIdentity, fileKey, importProgress } from '../../src/core/import-progress';

describe('import progress', () => {
  it('estimates time left from the photos actually read, not the skipped ones', () => {
    const p = importProgress({ total: 100, done: 60, skipped: 40, faces: 25, failed: 1 }, 10_000);
    expect(p.photosPerSecond).toBeCloseTo(2);
    expect(p.remainingMs).toBeCloseTo(20_000);
    expect(importProgress({ total: 10, done: 0, skipped: 0, faces: 0, failed: 0 }, 0).remainingMs).toBeNull();
    expect(
      importProgress({ total: 10, done: 10, skipped: 0, faces: 0, failed: 0 }, 5000, { finished: true }).remainingMs,
    ).toBe(0);
  });

  it('words time left for people', () => {
    expect(describeTimeLeft(null)).toBe('estimating time left…');
    expect(describeTimeLeft(7_200)).toBe('about 8 s left');
    expect(describeTimeLeft(42_000)).toBe('about 45 s left');
    expect(describeTimeLeft(150_000)).toBe('about 3 min left');
    expect(describeTimeLeft(2 * 3600_000 + 5 * 60_000)).toBe('about 2 h 5 min left');
  });

  it('recognises the same file again by path, size and date, without keeping its name', async () => {
    const file = { name: 'a.jpg', size: 10, lastModified: 5, webkitRelativePath: 'trip/a.jpg' };
    expect(fileIdentity(file)).toContain('trip/a.jpg');
    const key = await fileKey(file);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(key).not.toContain('a.jpg');
    expect(await fileKey({ ...file })).toBe(key);
    expect(await fileKey({ ...file, lastModified: 6 })).not.toBe(key);
    expect(await fileKey({ ...file, webkitRelativePath: 'other/a.jpg' })).not.toBe(key);
  });
});
