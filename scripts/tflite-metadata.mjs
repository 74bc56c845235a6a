// Adds a TFLite metadata block (ModelMetadata, identifier "M001") with NormalizationOptions on input 0 to a
// .tflite model. MediaPipe Tasks refuses float32-input models without it; the @mediapipe/face_detection models
// ship without it. Pure function of the input bytes, so the patched file's sha256 can be pinned.
//
// How: a FlatBuffer's offsets point forward only, so we cannot append a new root table after the old data.
// Instead we write a new Model root *in front* of the untouched original bytes: it reuses every old field
// (operator codes, subgraphs, buffers...) by forward offsets and adds one Buffer holding the metadata and one
// Metadata entry named TFLITE_METADATA pointing at it. The old bytes move as one block by a multiple of 16,
// so their internal relative offsets and alignment stay valid.
import * as flatbuffers from 'flatbuffers';

const MODEL = {
  version: 0,
  operatorCodes: 1,
  subgraphs: 2,
  description: 3,
  buffers: 4,
  metadataBuffer: 5,
  metadata: 6,
  signatureDefs: 7,
};

/** Builds the ModelMetadata flatbuffer (metadata_schema.fbs) with one input tensor normalisation. */
export function buildModelMetadata({ name, mean, std }) {
  const b = new flatbuffers.Builder(256);
  const floatVector = (values) => {
    b.startVector(4, values.length, 4);
    for (let i = values.length - 1; i >= 0; i--) b.addFloat32(values[i]);
    return b.endVector();
  };
  const offsetVector = (offsets) => {
    b.startVector(4, offsets.length, 4);
    for (let i = offsets.length - 1; i >= 0; i--) b.addOffset(offsets[i]);
    return b.endVector();
  };
  const meanVec = floatVector(mean);
  const stdVec = floatVector(std);
  b.startObject(2); // NormalizationOptions { mean:[float]; std:[float] }
  b.addFieldOffset(0, meanVec, 0);
  b.addFieldOffset(1, stdVec, 0);
  const normalization = b.endObject();
  b.startObject(2); // ProcessUnit { options_type (union tag); options }
  b.addFieldInt8(0, 1, 0); // ProcessUnitOptions.NormalizationOptions = 1
  b.addFieldOffset(1, normalization, 0);
  const processUnit = b.endObject();
  const processUnits = offsetVector([processUnit]);
  const tensorName = b.createString('image');
  b.startObject(7); // TensorMetadata { name; description; dimension_names; content; process_units; ... }
  b.addFieldOffset(0, tensorName, 0);
  b.addFieldOffset(4, processUnits, 0);
  const tensor = b.endObject();
  const inputs = offsetVector([tensor]);
  b.startObject(4); // SubGraphMetadata { name; description; input_tensor_metadata; output_tensor_metadata }
  b.addFieldOffset(2, inputs, 0);
  const subgraph = b.endObject();
  const subgraphs = offsetVector([subgraph]);
  const modelName = b.createString(name);
  b.startObject(8); // ModelMetadata { name; description; version; subgraph_metadata; ... }
  b.addFieldOffset(0, modelName, 0);
  b.addFieldOffset(3, subgraphs, 0);
  const root = b.endObject();
  b.finish(root, 'M001');
  return b.asUint8Array().slice();
}

function readTable(view, tablePos) {
  const vtablePos = tablePos - view.getInt32(tablePos, true);
  const vtableSize = view.getUint16(vtablePos, true);
  return {
    /** Absolute position of field `id`, or -1 when absent. */
    field(id) {
      const at = 4 + 2 * id;
      if (at >= vtableSize) return -1;
      const offset = view.getUint16(vtablePos + at, true);
      return offset === 0 ? -1 : tablePos + offset;
    },
  };
}

const deref = (view, pos) => pos + view.getUint32(pos, true);

function vectorElements(view, fieldPos) {
  if (fieldPos < 0) return [];
  const vec = deref(view, fieldPos);
  const n = view.getUint32(vec, true);
  return Array.from({ length: n }, (_, i) => deref(view, vec + 4 + 4 * i));
}

export function hasTfliteMetadata(model) {
  const view = new DataView(model.buffer, model.byteOffset, model.byteLength);
  const root = readTable(view, view.getUint32(0, true));
  return vectorElements(view, root.field(MODEL.metadata)).some((meta) => {
    const name = deref(view, readTable(view, meta).field(0));
    const len = view.getUint32(name, true);
    return new TextDecoder().decode(model.subarray(name + 4, name + 4 + len)) === 'TFLITE_METADATA';
  });
}

/** Returns a new .tflite with `metadata` (ModelMetadata bytes) attached as TFLITE_METADATA. */
export function attachTfliteMetadata(model, metadata) {
  if (new TextDecoder().decode(model.subarray(4, 8)) !== 'TFL3')
    throw new Error('not a TFLite model (no TFL3 identifier)');
  if (hasTfliteMetadata(model)) throw new Error('model already has TFLITE_METADATA');
  const view = new DataView(model.buffer, model.byteOffset, model.byteLength);
  const oldRoot = view.getUint32(0, true);
  const root = readTable(view, oldRoot);
  const oldBuffers = vectorElements(view, root.field(MODEL.buffers));
  const oldMetadata = vectorElements(view, root.field(MODEL.metadata));

  const out = [];
  let pos = 0;
  const u32 = (v) => {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, v, true);
    out.push(b);
    pos += 4;
  };
  const u16 = (v) => {
    const b = new Uint8Array(2);
    new DataView(b.buffer).setUint16(0, v, true);
    out.push(b);
    pos += 2;
  };
  const bytes = (b) => {
    out.push(b);
    pos += b.length;
  };
  const padTo = (align) => {
    while (pos % align) bytes(new Uint8Array(1));
  };

  // Plan the prefix layout first (positions), then emit; the shift S is the prefix size rounded up to 16.
  const name = new TextEncoder().encode('TFLITE_METADATA');
  const layout = {};
  let p = 8; // root offset + file identifier
  layout.modelVtable = p;
  p += 4 + 2 * 8;
  p = align(p, 4);
  layout.model = p;
  p += 4 + 4 * 8;
  layout.buffers = p;
  p += 4 + 4 * (oldBuffers.length + 1);
  layout.metadata = p;
  p += 4 + 4 * (oldMetadata.length + 1);
  layout.metaVtable = p;
  p += 8;
  layout.meta = p;
  p += 12;
  layout.name = p;
  p += align(4 + name.length + 1, 4);
  layout.bufVtable = p;
  p += 8; // 6 bytes of vtable, padded
  layout.buf = p;
  p += 8;
  p = align(p + 4, 16) - 4;
  layout.data = p;
  p += 4 + metadata.length; // vector contents 16-aligned
  const shift = align(p, 16);
  const old = (absolute) => shift + absolute; // position of an old object in the new file
  const fieldOrAbsent = (id) => root.field(id);

  u32(layout.model);
  bytes(new TextEncoder().encode('TFL3'));
  // Model vtable: 8 fields; every field is a 4-byte slot in the new table at 4 + 4*id.
  u16(4 + 2 * 8);
  u16(4 + 4 * 8);
  for (let id = 0; id < 8; id++) {
    const present = id === MODEL.buffers || id === MODEL.metadata || fieldOrAbsent(id) >= 0;
    u16(present ? 4 + 4 * id : 0);
  }
  padTo(4);
  u32(layout.model - layout.modelVtable);
  for (let id = 0; id < 8; id++) {
    const slot = layout.model + 4 + 4 * id;
    if (id === MODEL.buffers) u32(layout.buffers - slot);
    else if (id === MODEL.metadata) u32(layout.metadata - slot);
    else if (fieldOrAbsent(id) < 0) u32(0);
    else if (id === MODEL.version) u32(view.getUint32(root.field(id), true));
    else u32(old(deref(view, root.field(id))) - slot);
  }
  u32(oldBuffers.length + 1);
  oldBuffers.forEach((b) => u32(old(b) - pos));
  u32(layout.buf - pos);
  u32(oldMetadata.length + 1);
  oldMetadata.forEach((m) => u32(old(m) - pos));
  u32(layout.meta - pos);
  // Metadata { name:string; buffer:uint }
  u16(8);
  u16(12);
  u16(4);
  u16(8);
  u32(layout.meta - layout.metaVtable);
  u32(layout.name - (layout.meta + 4));
  u32(oldBuffers.length);
  u32(name.length);
  bytes(name);
  bytes(new Uint8Array(1));
  padTo(4);
  // Buffer { data:[ubyte] }
  u16(6);
  u16(8);
  u16(4);
  u16(0);
  u32(layout.buf - layout.bufVtable);
  u32(layout.data - (layout.buf + 4));
  padTo(1);
  while (pos < layout.data) bytes(new Uint8Array(1));
  u32(metadata.length);
  bytes(metadata);
  while (pos < shift) bytes(new Uint8Array(1));
  bytes(model);

  const result = new Uint8Array(pos);
  let at = 0;
  for (const chunk of out) {
    result.set(chunk, at);
    at += chunk.length;
  }
  return result;
}

function align(n, a) {
  return Math.ceil(n / a) * a;
}
