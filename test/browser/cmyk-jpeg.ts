// A minimal baseline JPEG encoder that writes 4-component (CMYK) images the way Photoshop does (Adobe APP14,
// inverted CMYK, no colour transform), so the bad-input test can make a CMYK JPEG itself: browsers cannot encode one.
// Deliberately simple: one flat quantisation table, one fixed-length Huffman code per table (valid, not small).

/** RGB(A) pixels → a CMYK JPEG of the same picture (K = 0; Adobe stores inverted ink, so C' = R, M' = G, Y' = B, K' = 255). */
export function encodeCmykJpeg(rgba: ArrayLike<number>, width: number, height: number): Uint8Array {
  const planes = [0, 1, 2].map((c) => Float64Array.from({ length: width * height }, (_, i) => rgba[i * 4 + c]));
  planes.push(new Float64Array(width * height).fill(255));
  const out: number[] = [];
  const u16 = (n: number) => [n >> 8, n & 0xff];
  const segment = (marker: number, body: number[]) => out.push(0xff, marker, ...u16(body.length + 2), ...body);
  out.push(0xff, 0xd8); // SOI
  segment(0xee, [...'Adobe'].map((c) => c.charCodeAt(0)).concat([0, 100, 0, 0, 0, 0, 0])); // APP14, transform 0
  segment(0xdb, [0, ...new Array(64).fill(QUANT)]); // DQT: table 0, flat
  segment(0xc0, [8, ...u16(height), ...u16(width), 4, ...[1, 2, 3, 4].flatMap((id) => [id, 0x11, 0])]); // SOF0
  segment(0xc4, [0x00, ...huffmanTable(DC_SYMBOLS, DC_LENGTH), 0x10, ...huffmanTable(AC_SYMBOLS, AC_LENGTH)]); // DHT
  segment(0xda, [4, ...[1, 2, 3, 4].flatMap((id) => [id, 0x00]), 0, 63, 0]); // SOS
  const bits = new BitWriter();
  const previousDc = [0, 0, 0, 0];
  for (let by = 0; by < height; by += 8) {
    for (let bx = 0; bx < width; bx += 8) {
      planes.forEach((plane, c) => {
        const q = quantisedBlock(plane, width, height, bx, by);
        const diff = q[0] - previousDc[c];
        previousDc[c] = q[0];
        const size = magnitudeSize(diff);
        bits.write(DC_SYMBOLS.indexOf(size), DC_LENGTH);
        bits.write(magnitudeBits(diff, size), size);
        let run = 0;
        for (let k = 1; k < 64; k++) {
          const v = q[ZIGZAG[k]];
          if (v === 0) {
            run++;
            continue;
          }
          while (run > 15) {
            bits.write(AC_SYMBOLS.indexOf(0xf0), AC_LENGTH);
            run -= 16;
          }
          const s = magnitudeSize(v);
          bits.write(AC_SYMBOLS.indexOf((run << 4) | s), AC_LENGTH);
          bits.write(magnitudeBits(v, s), s);
          run = 0;
        }
        if (run > 0) bits.write(AC_SYMBOLS.indexOf(0x00), AC_LENGTH); // EOB
      });
    }
  }
  const data = bits.flush();
  const jpeg = new Uint8Array(out.length + data.length + 2);
  jpeg.set(out);
  jpeg.set(data, out.length);
  jpeg.set([0xff, 0xd9], out.length + data.length); // EOI
  return jpeg;
}

const QUANT = 2;
const DC_SYMBOLS = Array.from({ length: 12 }, (_, i) => i);
const DC_LENGTH = 4;
/** Every baseline AC symbol: end of block, sixteen zeros, and (run, size) for run 0–15, size 1–10. */
const AC_SYMBOLS = [0x00, 0xf0, ...Array.from({ length: 160 }, (_, i) => ((i % 16) << 4) | (Math.floor(i / 16) + 1))];
const AC_LENGTH = 8;

/** DHT body of a table in which every symbol has the same code length (codes 0, 1, 2… in symbol order). */
function huffmanTable(symbols: number[], length: number): number[] {
  const counts = new Array(16).fill(0);
  counts[length - 1] = symbols.length;
  return [...counts, ...symbols];
}

const ZIGZAG = [
  0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
  35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47,
  55, 62, 63,
];

/** The 8x8 block at (bx, by), edges repeated, level-shifted, DCT-II, quantised (natural order). */
function quantisedBlock(plane: Float64Array, width: number, height: number, bx: number, by: number): number[] {
  const block = new Float64Array(64);
  for (let y = 0; y < 8; y++)
    for (let x = 0; x < 8; x++) {
      block[y * 8 + x] = plane[Math.min(height - 1, by + y) * width + Math.min(width - 1, bx + x)] - 128;
    }
  const out: number[] = [];
  for (let v = 0; v < 8; v++)
    for (let u = 0; u < 8; u++) {
      let s = 0;
      for (let y = 0; y < 8; y++)
        for (let x = 0; x < 8; x++)
          s +=
            block[y * 8 + x] * Math.cos(((2 * x + 1) * u * Math.PI) / 16) * Math.cos(((2 * y + 1) * v * Math.PI) / 16);
      const cu = u === 0 ? Math.SQRT1_2 : 1,
        cv = v === 0 ? Math.SQRT1_2 : 1;
      out.push(Math.round((0.25 * cu * cv * s) / QUANT));
    }
  return out;
}

function magnitudeSize(v: number): number {
  let n = Math.abs(v),
    size = 0;
  while (n > 0) {
    size++;
    n >>= 1;
  }
  return size;
}

/** JPEG's magnitude coding: positive values as is, negative ones as v - 1 in `size` bits (ones' complement). */
function magnitudeBits(v: number, size: number): number {
  return v >= 0 ? v : v + (1 << size) - 1;
}

class BitWriter {
  private bytes: number[] = [];
  private acc = 0;
  private count = 0;

  write(value: number, length: number): void {
    for (let i = length - 1; i >= 0; i--) {
      this.acc = (this.acc << 1) | ((value >> i) & 1);
      if (++this.count === 8) this.push();
    }
  }

  private push(): void {
    this.bytes.push(this.acc);
    if (this.acc === 0xff) this.bytes.push(0); // byte stuffing
    this.acc = 0;
    this.count = 0;
  }

  /** Pads the last byte with ones, as the standard asks. */
  flush(): number[] {
    while (this.count !== 0) this.write(1, 1);
    return this.bytes;
  }
}
