// Packs a record holding typed arrays into one byte string and back, so it can be sealed (encrypted) as a whole.
// Layout: u32 header length, JSON header (binary fields replaced by {"$bytes": i, "type": ...}), then the blobs.

type Binary = Float32Array | Uint8Array | ArrayBuffer;

interface BinaryRef {
  $bytes: number;
  type: 'Float32Array' | 'Uint8Array' | 'ArrayBuffer';
}

export function packRecord(record: object): Uint8Array<ArrayBuffer> {
  const blobs: Uint8Array[] = [];
  const json = JSON.stringify(record, (_key, value: unknown) => {
    const ref = (type: BinaryRef['type'], bytes: Uint8Array): BinaryRef => {
      blobs.push(bytes);
      return { $bytes: blobs.length - 1, type };
    };
    if (value instanceof Float32Array)
      return ref('Float32Array', new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
    if (value instanceof Uint8Array) return ref('Uint8Array', value);
    if (value instanceof ArrayBuffer) return ref('ArrayBuffer', new Uint8Array(value));
    return value;
  });
  const header = new TextEncoder().encode(json);
  const lengths = blobs.map((b) => b.byteLength);
  const meta = new TextEncoder().encode(JSON.stringify(lengths));
  const total = 8 + header.length + meta.length + lengths.reduce((a, b) => a + b, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, header.length, true);
  view.setUint32(4, meta.length, true);
  out.set(header, 8);
  out.set(meta, 8 + header.length);
  let at = 8 + header.length + meta.length;
  for (const b of blobs) {
    out.set(b, at);
    at += b.byteLength;
  }
  return out;
}

export function unpackRecord<T>(bytes: Uint8Array): T {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(0, true),
    metaLength = view.getUint32(4, true);
  const decoder = new TextDecoder();
  const header = decoder.decode(bytes.subarray(8, 8 + headerLength));
  const lengths = JSON.parse(
    decoder.decode(bytes.subarray(8 + headerLength, 8 + headerLength + metaLength)),
  ) as number[];
  const blobs: Uint8Array[] = [];
  let at = 8 + headerLength + metaLength;
  for (const n of lengths) {
    blobs.push(bytes.slice(at, at + n)); // a copy: aligned, and independent of `bytes`
    at += n;
  }
  return JSON.parse(header, (_key, value: unknown) => {
    if (value && typeof value === 'object' && '$bytes' in value) {
      const ref = value as BinaryRef;
      const blob = blobs[ref.$bytes];
      const buffer = blob.buffer as ArrayBuffer;
      const binary: Binary =
        ref.type === 'Float32Array'
          ? new Float32Array(buffer, blob.byteOffset, blob.byteLength / 4)
          : ref.type === 'Uint8Array'
            ? blob
            : buffer;
      return binary;
    }
    return value;
  }) as T;
}
