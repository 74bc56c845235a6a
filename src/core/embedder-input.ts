// Turns an aligned 112x112 RGBA crop into the embedder's input tensor. The channel order and normalisation were
// chosen by measurement on ../shared/faces (see README, "Embedder pre-processing"): BGR, (x - 127.5) / 127.5.

export type ChannelOrder = 'rgb' | 'bgr';

export interface EmbedderInputSpec {
  size: number;
  channelOrder: ChannelOrder;
  mean: number;
  std: number;
}

export const EMBEDDER_INPUT: EmbedderInputSpec = { size: 112, channelOrder: 'bgr', mean: 127.5, std: 127.5 };

/** RGBA (HWC) -> float32 NCHW planes, written into `out` at `offset` (so several faces can share a batch). */
export function toEmbedderTensor(
  rgba: Uint8ClampedArray,
  spec: EmbedderInputSpec = EMBEDDER_INPUT,
  out: Float32Array = new Float32Array(3 * spec.size * spec.size),
  offset = 0,
  mirror = false,
): Float32Array {
  const n = spec.size * spec.size;
  if (rgba.length !== n * 4) throw new Error(`expected ${spec.size}x${spec.size} RGBA, got ${rgba.length} bytes`);
  const order = spec.channelOrder === 'rgb' ? [0, 1, 2] : [2, 1, 0];
  const size = spec.size;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const src = (y * size + (mirror ? size - 1 - x : x)) * 4;
      const dst = y * size + x;
      for (let c = 0; c < 3; c++) out[offset + c * n + dst] = (rgba[src + order[c]] - spec.mean) / spec.std;
    }
  }
  return out;
}
