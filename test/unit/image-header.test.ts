// The size an image declares, read from its header without decoding: synthetic headers of every kind, the real
// shared photos, and the "decompression bomb" (a tiny file declaring billions of pixels) refused.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { declaredImageSize, declaredSizeProblem } from '../../src/core/image-header';
import { MAX_IMAGE_PIXELS, sniffImageType } from '../../src/core/image-type';

const bytes = (...parts: (number[] | string)[]) =>
  new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)));
const be32 = (n: number) => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
const be16 = (n: number) => [(n >> 8) & 255, n & 255];
const le16 = (n: number) => [n & 255, (n >> 8) & 255];
const le24 = (n: number) => [n & 255, (n >> 8) & 255, (n >> 16) & 255];
const le32 = (n: number) => [n & 255, (n >> 8) & 255, (n >> 16) & 255, (n >>> 24) & 255];

const png = (w: number, h: number) =>
  bytes([0x89], 'PNG', [13, 10, 26, 10], be32(13), 'IHDR', be32(w), be32(h), [8, 6, 0, 0, 0], [0, 0, 0, 0]);
/** A JPEG with an EXIF-sized APP1 segment and a DQT before its frame header, as cameras write them. */
const jpeg = (w: number, h: number, sof = 0xc0) =>
  bytes(
    [0xff, 0xd8],
    [0xff, 0xe1],
    be16(2 + 3000),
    new Array(3000).fill(0),
    [0xff, 0xdb],
    be16(67),
    new Array(65).fill(1),
    [0xff, sof],
    be16(17),
    [8],
    be16(h),
    be16(w),
    [3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1],
    [0xff, 0xda],
  );

describe('declaredImageSize', () => {
  it('reads PNG, JPEG (baseline and progressive, past EXIF), WebP (VP8, VP8L, VP8X), GIF, BMP and AVIF headers', () => {
    expect(declaredImageSize(png(640, 480), 'image/png')).toEqual({ width: 640, height: 480 });
    expect(declaredImageSize(jpeg(4032, 3024), 'image/jpeg')).toEqual({ width: 4032, height: 3024 });
    expect(declaredImageSize(jpeg(300, 200, 0xc2), 'image/jpeg')).toEqual({ width: 300, height: 200 });
    const riff = (chunk: string, body: number[]) =>
      bytes('RIFF', le32(4 + 8 + body.length), 'WEBP', chunk, le32(body.length), body);
    expect(
      declaredImageSize(riff('VP8 ', [0, 0, 0, 0x9d, 0x01, 0x2a, ...le16(1000), ...le16(750), 0, 0]), 'image/webp'),
    ).toEqual({ width: 1000, height: 750 });
    const vp8l = ((1000 - 1) | ((750 - 1) << 14)) >>> 0;
    expect(declaredImageSize(riff('VP8L', [0x2f, ...le32(vp8l), 0, 0, 0, 0, 0]), 'image/webp')).toEqual({
      width: 1000,
      height: 750,
    });
    expect(declaredImageSize(riff('VP8X', [0, 0, 0, 0, ...le24(16383), ...le24(16383), 0, 0]), 'image/webp')).toEqual({
      width: 16384,
      height: 16384,
    });
    expect(declaredImageSize(bytes('GIF89a', le16(320), le16(240), [0, 0, 0]), 'image/gif')).toEqual({
      width: 320,
      height: 240,
    });
    expect(
      declaredImageSize(bytes('BM', le32(0), le32(0), le32(54), le32(40), le32(800), le32(-600), [0, 0]), 'image/bmp'),
    ).toEqual({ width: 800, height: 600 });
    const ispe = (w: number, h: number) => [
      ...be32(20),
      ...[...'ispe'].map((c) => c.charCodeAt(0)),
      0,
      0,
      0,
      0,
      ...be32(w),
      ...be32(h),
    ];
    expect(
      declaredImageSize(
        bytes(be32(24), 'ftypavif', new Array(16).fill(0), ispe(512, 512), ispe(4096, 3072), new Array(16).fill(0)),
        'image/avif',
      ),
    ).toEqual({ width: 4096, height: 3072 });
  });

  it('says null when the header does not tell (cut short, or scan data before a frame header)', () => {
    expect(declaredImageSize(png(640, 480).subarray(0, 20), 'image/png')).toBeNull();
    expect(declaredImageSize(jpeg(640, 480).subarray(0, 1000), 'image/jpeg')).toBeNull();
    expect(declaredImageSize(bytes([0xff, 0xd8, 0xff, 0xda, 0, 4, 0, 0]), 'image/jpeg')).toBeNull();
    expect(declaredImageSize(bytes([0xff, 0xd8], 'garbage after the start'), 'image/jpeg')).toBeNull();
  });

  const faces = resolve(process.env.FACES_DIR ?? '../shared/faces');
  it.skipIf(!existsSync(faces))('reads the declared size of every real shared photo (JPEG, PNG, WebP)', () => {
    let read = 0;
    for (const dir of readdirSync(faces, { withFileTypes: true }).filter((d) => d.isDirectory())) {
      for (const name of readdirSync(join(faces, dir.name))) {
        const file = new Uint8Array(readFileSync(join(faces, dir.name, name)));
        const type = sniffImageType(file.subarray(0, 32));
        if (!type) continue;
        const size = declaredImageSize(file, type);
        expect(size, `${dir.name}/${name}`).not.toBeNull();
        expect(size!.width * size!.height, `${dir.name}/${name}`).toBeGreaterThan(100 * 100);
        read++;
      }
    }
    expect(read).toBeGreaterThanOrEqual(113);
  });
});

describe('declaredSizeProblem', () => {
  it('refuses a 57-byte PNG that declares 100,000 × 100,000 pixels, and lets a normal photo through', () => {
    const bomb = png(100_000, 100_000);
    expect(bomb.length).toBeLessThan(100);
    expect(declaredSizeProblem(bomb, 'image/png', MAX_IMAGE_PIXELS)).toBe(
      'This photo declares 100000 × 100000 pixels (10000 megapixels; the limit is 60), so it was refused before decoding.',
    );
    expect(declaredSizeProblem(jpeg(65_535, 65_535), 'image/jpeg', MAX_IMAGE_PIXELS)).toMatch(/4295 megapixels/);
    expect(declaredSizeProblem(png(8660, 5774), 'image/png', MAX_IMAGE_PIXELS)).toBeNull(); // 50 MP: within the limit
    expect(declaredSizeProblem(png(640, 480).subarray(0, 10), 'image/png', MAX_IMAGE_PIXELS)).toBeNull(); // unknown: the decoder decides
  });
});
