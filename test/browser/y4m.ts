// A YUV4MPEG2 (.y4m) video from RGBA frames, for Chromium's fake camera (--use-file-for-fake-video-capture reads
// y4m with 4:2:0 chroma). Pure: the tests make frames in the browser and write the file here.

/** RGBA pixels to planar I420 (BT.601, studio range: what y4m players and Chromium assume). */
export function rgbaToI420(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number): Uint8Array {
  if (width % 2 || height % 2) throw new Error('I420 needs an even width and height');
  if (rgba.length !== width * height * 4)
    throw new Error(`expected ${width * height * 4} bytes of RGBA, got ${rgba.length}`);
  const ySize = width * height,
    cSize = ySize / 4;
  const out = new Uint8Array(ySize + 2 * cSize);
  for (let i = 0, p = 0; i < ySize; i++, p += 4) {
    out[i] = clamp(16 + (65.738 * rgba[p] + 129.057 * rgba[p + 1] + 25.064 * rgba[p + 2]) / 256);
  }
  // Chroma from the mean of each 2x2 block.
  const cw = width / 2;
  for (let cy = 0; cy < height / 2; cy++) {
    for (let cx = 0; cx < cw; cx++) {
      let r = 0,
        g = 0,
        b = 0;
      for (const [dx, dy] of [
        [0, 0],
        [1, 0],
        [0, 1],
        [1, 1],
      ]) {
        const p = ((2 * cy + dy) * width + 2 * cx + dx) * 4;
        r += rgba[p];
        g += rgba[p + 1];
        b += rgba[p + 2];
      }
      r /= 4;
      g /= 4;
      b /= 4;
      out[ySize + cy * cw + cx] = clamp(128 + (-37.945 * r - 74.494 * g + 112.439 * b) / 256);
      out[ySize + cSize + cy * cw + cx] = clamp(128 + (112.439 * r - 94.154 * g - 18.285 * b) / 256);
    }
  }
  return out;
}

function clamp(v: number): number {
  return Math.max(0, Math.min(255, Math.round(v)));
}

/** The stream header: size, frame rate, 4:2:0. */
export function y4mHeader(width: number, height: number, fps: number): Uint8Array {
  return new TextEncoder().encode(`YUV4MPEG2 W${width} H${height} F${fps}:1 C420jpeg\n`);
}

/** One frame: the FRAME marker then the I420 planes. */
export function y4mFrame(i420: Uint8Array): Uint8Array {
  const marker = new TextEncoder().encode('FRAME\n');
  const out = new Uint8Array(marker.length + i420.length);
  out.set(marker);
  out.set(i420, marker.length);
  return out;
}
