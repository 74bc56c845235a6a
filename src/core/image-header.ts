// The pixel size an image file declares in its header, read without decoding it. A few hundred bytes can declare
// 100,000 × 100,000 pixels (a "decompression bomb"): the browser would try to allocate 40 GB of RGBA before any
// check on the decoded bitmap could run. So the size is read here first, and an image over the limit is refused
// before decoding. Pure: bytes in, numbers out.
import type { ImageType } from './image-type';

export interface DeclaredSize {
  width: number;
  height: number;
}

/** The width and height in the file's header, or null when the header does not say (or is cut short). */
export function declaredImageSize(bytes: Uint8Array, type: ImageType): DeclaredSize | null {
  switch (type) {
    case 'image/png':
      return pngSize(bytes);
    case 'image/jpeg':
      return jpegSize(bytes);
    case 'image/webp':
      return webpSize(bytes);
    case 'image/gif':
      return gifSize(bytes);
    case 'image/bmp':
      return bmpSize(bytes);
    case 'image/avif':
    case 'image/heic':
      return isobmffSize(bytes);
  }
}

/** Why an image must not be decoded (its declared size is over `maxPixels`), or null. */
export function declaredSizeProblem(bytes: Uint8Array, type: ImageType, maxPixels: number): string | null {
  const size = declaredImageSize(bytes, type);
  if (!size) return null; // the decoder then decides; the bitmap's size is checked again after decoding
  const pixels = size.width * size.height;
  if (pixels <= maxPixels) return null;
  return `This photo declares ${size.width} × ${size.height} pixels (${(pixels / 1e6).toFixed(0)} megapixels; the limit is ${maxPixels / 1e6}), so it was refused before decoding.`;
}

const be16 = (b: Uint8Array, i: number) => (b[i] << 8) | b[i + 1];
const le16 = (b: Uint8Array, i: number) => b[i] | (b[i + 1] << 8);
const le24 = (b: Uint8Array, i: number) => b[i] | (b[i + 1] << 8) | (b[i + 2] << 16);
const be32 = (b: Uint8Array, i: number) => ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;
const le32s = (b: Uint8Array, i: number) => b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24);
const ascii = (b: Uint8Array, i: number, n: number) => String.fromCharCode(...b.subarray(i, i + n));

/** PNG: the first chunk must be IHDR, width and height as big-endian 32-bit numbers. */
function pngSize(b: Uint8Array): DeclaredSize | null {
  if (b.length < 24 || ascii(b, 12, 4) !== 'IHDR') return null;
  return { width: be32(b, 16), height: be32(b, 20) };
}

/** Start-of-frame markers (baseline, progressive, lossless, arithmetic): not DHT (C4), JPG (C8) or DAC (CC). */
const JPEG_SOF = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

/** JPEG: walks the marker segments to the first SOF (EXIF and ICC segments can put it tens of KB in). */
function jpegSize(b: Uint8Array): DeclaredSize | null {
  let i = 2;
  while (i + 4 <= b.length) {
    if (b[i] !== 0xff) return null; // not at a marker: a broken file, for the decoder to refuse
    const marker = b[i + 1];
    if (marker === 0xff) {
      i++;
      continue;
    } // fill byte
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += 2;
      continue;
    } // no length
    if (marker === 0xd9 || marker === 0xda) return null; // end of image, or scan data before any frame header
    const length = be16(b, i + 2);
    if (length < 2) return null;
    if (JPEG_SOF.has(marker)) {
      if (i + 9 > b.length) return null;
      const height = be16(b, i + 5),
        width = be16(b, i + 7);
      return height === 0 ? null : { width, height }; // height 0: given later (DNL), which browsers do not support
    }
    i += 2 + length;
  }
  return null;
}

/** WebP: lossy (VP8), lossless (VP8L) or extended (VP8X, whose canvas size covers animation frames). */
function webpSize(b: Uint8Array): DeclaredSize | null {
  if (b.length < 30) return null;
  const chunk = ascii(b, 12, 4);
  if (chunk === 'VP8X') return { width: le24(b, 24) + 1, height: le24(b, 27) + 1 };
  if (chunk === 'VP8L' && b[20] === 0x2f) {
    const bits = (b[21] | (b[22] << 8) | (b[23] << 16) | (b[24] << 24)) >>> 0;
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (chunk === 'VP8 ' && b[23] === 0x9d && b[24] === 0x01 && b[25] === 0x2a)
    return { width: le16(b, 26) & 0x3fff, height: le16(b, 28) & 0x3fff };
  return null;
}

/** GIF: the logical screen, which every frame is drawn on. */
function gifSize(b: Uint8Array): DeclaredSize | null {
  return b.length < 10 ? null : { width: le16(b, 6), height: le16(b, 8) };
}

/** BMP: an OS/2 core header (16-bit sizes) or a Windows info header (signed 32-bit; a negative height is top-down). */
function bmpSize(b: Uint8Array): DeclaredSize | null {
  if (b.length < 26) return null;
  const headerSize = le32s(b, 14);
  if (headerSize === 12) return { width: le16(b, 18), height: le16(b, 20) };
  return { width: Math.abs(le32s(b, 18)), height: Math.abs(le32s(b, 22)) };
}

/** AVIF / HEIC: the largest image spatial extent ('ispe') property in the header (a grid's is the whole image). */
function isobmffSize(b: Uint8Array): DeclaredSize | null {
  let best: DeclaredSize | null = null;
  const end = Math.min(b.length, 1 << 20) - 16;
  for (let i = 4; i <= end; i++) {
    if (b[i] !== 0x69 || ascii(b, i, 4) !== 'ispe') continue; // 'i'
    const size = { width: be32(b, i + 8), height: be32(b, i + 12) }; // after version and flags
    if (!best || size.width * size.height > best.width * best.height) best = size;
  }
  return best;
}
