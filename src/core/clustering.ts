// Grouping faces by person, on the device. Pure: no DOM, no workers.
//
// The method ("guarded linkage"): two faces are *linked* when their cosine similarity reaches the link similarity
// (the calibrated match threshold). Links are taken strongest first; a link joins the two faces' groups only if at
// least `minLinkFraction` of all cross pairs between the two groups are links too. Between two single faces that is
// just the link, so two photos that match form a group; but one stray link cannot chain two people's groups into
// one, as it does in plain DBSCAN with minPts = 2 (single linkage). Groups smaller than `minPoints` are left
// unassigned (outliers), as in DBSCAN. Plain DBSCAN is kept (`method: 'dbscan'`) because the benchmark compares them.
//
// Cost: the link graph is every pair once, O(n²·d) in one tight loop over a contiguous float32 matrix (WASM SIMD where
// available), and it can be grown batch by batch (`FaceGraph.add`), each batch paying only for its pairs with the
// faces already there.
// Clustering the graph is near-linear in the number of links.
import { dot } from './vectors';

export interface ClusterOptions {
  /** Cosine similarity at or above which two faces are a match: the calibrated threshold (calibration-data.json). */
  threshold: number;
  /** Smallest group; smaller ones are left unassigned. 2: two photos that match form a group. */
  minPoints?: number;
  /**
   * Guarded linkage only: the share of cross pairs that must be links for two groups to join. 0.5 means a face
   * joins a group only if it matches at least half of it. 0 would be single linkage.
   */
  minLinkFraction?: number;
  method?: 'guarded' | 'dbscan';
}

export interface Clustering {
  /** Face indices per group, each ascending. */
  groups: number[][];
  /** Faces in no group, ascending. */
  unassigned: number[];
}

export const DEFAULT_MIN_POINTS = 2;
export const DEFAULT_MIN_LINK_FRACTION = 0.5;

/**
 * Faces as rows of one contiguous matrix plus every link at or above `floor` (the loosest similarity any later
 * clustering will ask for). Add faces in batches as they are imported; clustering then reads the stored links.
 */
export class FaceGraph {
  readonly dim: number;
  readonly floor: number;
  private readonly rows: RowStore;
  private count = 0;
  /** Per face: linked faces and their similarities, in the order found. */
  private readonly neighbours: { face: number[]; similarity: number[] }[] = [];

  /** `simd: false` forces the plain JavaScript kernel (the WASM SIMD one is used when the runtime has it). */
  constructor(dim: number, floor: number, options: { capacity?: number; simd?: boolean } = {}) {
    this.dim = dim;
    this.floor = floor;
    const capacity = Math.max(1, options.capacity ?? 256);
    this.rows = (options.simd ?? true) && dim % 8 === 0 && simdModule() ? new SimdRowStore(dim, capacity) : new PlainRowStore(dim, capacity);
  }

  get size(): number {
    return this.count;
  }

  /** Whether the WASM SIMD kernel computes the similarities. */
  get usesSimd(): boolean {
    return this.rows instanceof SimdRowStore;
  }

  /** Row `i` of the matrix (a copy). */
  embedding(i: number): Float32Array {
    return this.rows.matrix().slice(i * this.dim, (i + 1) * this.dim);
  }

  /** Appends faces (L2-normalised) and links them with every face already present; returns their indices. */
  add(embeddings: readonly ArrayLike<number>[]): number[] {
    const first = this.count;
    this.rows.reserve(first + embeddings.length);
    const matrix = this.rows.matrix();
    for (const e of embeddings) {
      if (e.length !== this.dim) throw new Error(`expected ${this.dim}-d embedding, got ${e.length}`);
      matrix.set(e, this.count * this.dim);
      this.neighbours.push({ face: [], similarity: [] });
      this.count++;
    }
    for (let i = first; i < this.count; i++) {
      // Row i against rows 0..i-1, then keep what reaches the floor.
      const similarities = this.rows.similaritiesBefore(i);
      const mine = this.neighbours[i];
      for (let j = 0; j < i; j++) {
        const s = similarities[j];
        if (s < this.floor) continue;
        mine.face.push(j); mine.similarity.push(s);
        const theirs = this.neighbours[j];
        theirs.face.push(i); theirs.similarity.push(s);
      }
    }
    return Array.from({ length: this.count - first }, (_, k) => first + k);
  }

  /** Links of face `i` as parallel arrays (do not mutate). */
  linksOf(i: number): { face: readonly number[]; similarity: readonly number[] } {
    return this.neighbours[i];
  }

  /** Every link (i < j) at or above `minSimilarity`, strongest first; ties by (i, j) so the order is deterministic. */
  linksAtOrAbove(minSimilarity: number): { i: number; j: number; similarity: number }[] {
    const links: { i: number; j: number; similarity: number }[] = [];
    this.neighbours.forEach((n, i) => n.face.forEach((j, k) => {
      if (i < j && n.similarity[k] >= minSimilarity) links.push({ i, j, similarity: n.similarity[k] });
    }));
    return links.sort((a, b) => b.similarity - a.similarity || a.i - b.i || a.j - b.j);
  }
}

// ---- The hot loop: one row's dot products with every earlier row. n = 5,000 faces of 512-d is 6.4 billion
// multiply-adds; plain JavaScript manages about 1 per ns here, WASM SIMD (4 lanes) about 6, so a tiny hand-assembled
// module does it when the runtime has SIMD (every current browser and Node), and plain JavaScript otherwise.

interface RowStore {
  /** The matrix rows live in (a view; valid until the next `reserve`). */
  matrix(): Float32Array;
  reserve(rows: number): void;
  /** Dot products of row i with rows 0..i-1 (a scratch view, valid until the next call). */
  similaritiesBefore(i: number): Float32Array;
}

class PlainRowStore implements RowStore {
  private data: Float32Array;
  private scratch: Float32Array;

  constructor(private readonly dim: number, capacity: number) {
    this.data = new Float32Array(dim * capacity);
    this.scratch = new Float32Array(capacity);
  }

  matrix(): Float32Array {
    return this.data;
  }

  reserve(rows: number): void {
    if (rows <= this.scratch.length) return;
    const capacity = Math.max(rows, 2 * this.scratch.length);
    const grown = new Float32Array(capacity * this.dim);
    grown.set(this.data);
    this.data = grown;
    this.scratch = new Float32Array(capacity);
  }

  similaritiesBefore(i: number): Float32Array {
    const m = this.data, dim = this.dim, a = i * dim, out = this.scratch;
    for (let j = 0; j < i; j++) {
      const b = j * dim;
      let s0 = 0, s1 = 0, k = 0;
      for (; k + 4 <= dim; k += 4) {
        s0 += m[a + k] * m[b + k] + m[a + k + 1] * m[b + k + 1];
        s1 += m[a + k + 2] * m[b + k + 2] + m[a + k + 3] * m[b + k + 3];
      }
      for (; k < dim; k++) s0 += m[a + k] * m[b + k];
      out[j] = s0 + s1;
    }
    return out.subarray(0, i);
  }
}

/** Rows at the start of the module's memory (so growing never moves them), the scratch output after them. */
class SimdRowStore implements RowStore {
  private readonly memory: WebAssembly.Memory;
  private readonly rowDots: (a: number, b: number, count: number, bytes: number, out: number) => void;
  private capacity = 0;

  constructor(private readonly dim: number, capacity: number) {
    const exports = new WebAssembly.Instance(simdModule()!).exports as { memory: WebAssembly.Memory; rowDots: SimdRowStore['rowDots'] };
    this.memory = exports.memory;
    this.rowDots = exports.rowDots;
    this.reserve(capacity);
  }

  matrix(): Float32Array {
    return new Float32Array(this.memory.buffer, 0, this.capacity * this.dim);
  }

  reserve(rows: number): void {
    if (rows <= this.capacity) return;
    const capacity = Math.max(rows, 2 * this.capacity);
    const bytes = capacity * (this.dim + 1) * 4;
    if (bytes > this.memory.buffer.byteLength) this.memory.grow(Math.ceil((bytes - this.memory.buffer.byteLength) / 65536));
    this.capacity = capacity;
  }

  similaritiesBefore(i: number): Float32Array {
    const rowBytes = this.dim * 4, out = this.capacity * rowBytes;
    this.rowDots(i * rowBytes, 0, i, rowBytes, out);
    return new Float32Array(this.memory.buffer, out, i);
  }
}

let compiled: WebAssembly.Module | null | undefined;

/** The SIMD module, compiled once; null where WebAssembly or its SIMD is missing. */
function simdModule(): WebAssembly.Module | null {
  if (compiled !== undefined) return compiled;
  const bytes = rowDotsWasm();
  compiled = typeof WebAssembly === 'object' && WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
  return compiled;
}

/**
 * A WebAssembly module (about 250 bytes, assembled here so there is no build step or binary file) exporting its
 * memory and rowDots(a, b, count, bytes, out): for r < count, f32 at out + 4r = dot(row at a, row at b + r·bytes),
 * rows of `bytes` bytes (a multiple of 32), summed in two f32x4 accumulators.
 */
function rowDotsWasm(): Uint8Array<ArrayBuffer> {
  const leb = (n: number) => { const out: number[] = []; do { let byte = n & 0x7f; n >>>= 7; if (n) byte |= 0x80; out.push(byte); } while (n); return out; };
  const section = (id: number, body: number[]) => [id, ...leb(body.length), ...body];
  const name = (text: string) => [text.length, ...[...text].map((c) => c.charCodeAt(0))];
  const I32 = 0x7f, V128 = 0x7b;
  const simd = (op: number, ...immediates: number[]) => [0xfd, ...leb(op), ...immediates];
  const get = (i: number) => [0x20, i], set = (i: number) => [0x21, i], tee = (i: number) => [0x22, i];
  const [A, B, COUNT, BYTES, OUT, K, ACC0, ACC1] = [0, 1, 2, 3, 4, 5, 6, 7];
  const V128_LOAD = 0x00, V128_CONST = 0x0c, F32X4_EXTRACT = 0x1f, F32X4_ADD = 0xe4, F32X4_MUL = 0xe6;
  const load = (base: number, offset: number) => [...get(base), ...get(K), 0x6a /* i32.add */, ...simd(V128_LOAD, 4, ...leb(offset))];
  const multiplyAdd = (acc: number, offset: number) => [...get(acc), ...load(A, offset), ...load(B, offset), ...simd(F32X4_MUL), ...simd(F32X4_ADD), ...set(acc)];
  const zero = (acc: number) => [...simd(V128_CONST, ...new Array<number>(16).fill(0)), ...set(acc)];
  const lane = (l: number) => [...get(ACC0), ...simd(F32X4_EXTRACT, l)];
  const body = [
    2, 1, I32, 2, V128, // locals: k; acc0, acc1
    0x02, 0x40, 0x03, 0x40, // block, loop (rows)
    ...get(COUNT), 0x45, 0x0d, 1, // count == 0: leave
    ...zero(ACC0), ...zero(ACC1), 0x41, 0, ...set(K),
    0x03, 0x40, // loop (k)
    ...multiplyAdd(ACC0, 0), ...multiplyAdd(ACC1, 16),
    ...get(K), 0x41, 32, 0x6a, ...tee(K), ...get(BYTES), 0x49, 0x0d, 0, // k += 32; again while k < bytes
    0x0b,
    ...get(ACC0), ...get(ACC1), ...simd(F32X4_ADD), ...set(ACC0),
    ...get(OUT), ...lane(0), ...lane(1), 0x92, ...lane(2), ...lane(3), 0x92, 0x92, 0x38, 2, 0, // f32.store
    ...get(OUT), 0x41, 4, 0x6a, ...set(OUT), // out += 4
    ...get(B), ...get(BYTES), 0x6a, ...set(B), // b += bytes
    ...get(COUNT), 0x41, 1, 0x6b, ...set(COUNT), // count -= 1
    0x0c, 0, // next row
    0x0b, 0x0b, 0x0b,
  ];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    ...section(1, [1, 0x60, 5, I32, I32, I32, I32, I32, 0]), // type: (i32 × 5) → ()
    ...section(3, [1, 0]), // one function of that type
    ...section(5, [1, 0, 1]), // one memory, at least one page
    ...section(7, [2, ...name('memory'), 2, 0, ...name('rowDots'), 0, 0]),
    ...section(10, [1, ...leb(body.length), ...body]),
  ]);
}

/** Groups L2-normalised embeddings by person. Groups are ordered by size (largest first), then by first face. */
export function clusterFaces(embeddings: readonly ArrayLike<number>[], options: ClusterOptions): Clustering {
  if (embeddings.length === 0) return { groups: [], unassigned: [] };
  const graph = new FaceGraph(embeddings[0].length, options.threshold, { capacity: embeddings.length });
  graph.add(embeddings);
  return clusterGraph(graph, options);
}

/** Clusters the faces of a graph (or a subset of them) using the links it already holds. */
export function clusterGraph(graph: FaceGraph, options: ClusterOptions, faces?: readonly number[]): Clustering {
  if (options.threshold < graph.floor) throw new Error(`the graph holds links from ${graph.floor}; cannot cluster at ${options.threshold}`);
  const members = faces ?? Array.from({ length: graph.size }, (_, i) => i);
  const labels = (options.method ?? 'guarded') === 'dbscan'
    ? dbscanLabels(graph, members, options.threshold, options.minPoints ?? DEFAULT_MIN_POINTS)
    : guardedLabels(graph, members, options.threshold, options.minLinkFraction ?? DEFAULT_MIN_LINK_FRACTION);
  return fromLabels(members, labels, options.minPoints ?? DEFAULT_MIN_POINTS);
}

/** Union-find over face indices, with group sizes kept at the roots. */
class DisjointSets {
  private readonly parent = new Map<number, number>();
  readonly size = new Map<number, number>();
  readonly members = new Map<number, number[]>();

  constructor(faces: readonly number[]) {
    for (const f of faces) { this.parent.set(f, f); this.size.set(f, 1); this.members.set(f, [f]); }
  }

  has(face: number): boolean {
    return this.parent.has(face);
  }

  find(face: number): number {
    let root = face;
    while (this.parent.get(root) !== root) root = this.parent.get(root)!;
    while (face !== root) { const next = this.parent.get(face)!; this.parent.set(face, root); face = next; }
    return root;
  }

  union(a: number, b: number): void {
    let ra = this.find(a), rb = this.find(b);
    if (ra === rb) return;
    if (this.size.get(ra)! < this.size.get(rb)!) [ra, rb] = [rb, ra];
    this.parent.set(rb, ra);
    this.size.set(ra, this.size.get(ra)! + this.size.get(rb)!);
    this.members.get(ra)!.push(...this.members.get(rb)!);
    this.members.delete(rb);
    this.size.delete(rb);
  }
}

function guardedLabels(graph: FaceGraph, faces: readonly number[], threshold: number, minLinkFraction: number): Map<number, number> {
  const sets = new DisjointSets(faces);
  for (const { i, j } of graph.linksAtOrAbove(threshold)) {
    if (!sets.has(i) || !sets.has(j)) continue;
    const ri = sets.find(i), rj = sets.find(j);
    if (ri === rj) continue;
    const [small, other] = sets.size.get(ri)! <= sets.size.get(rj)! ? [ri, rj] : [rj, ri];
    // Cross links, counted from the smaller group's side.
    let cross = 0;
    for (const f of sets.members.get(small)!) {
      const n = graph.linksOf(f);
      for (let k = 0; k < n.face.length; k++) if (n.similarity[k] >= threshold && sets.has(n.face[k]) && sets.find(n.face[k]) === other) cross++;
    }
    if (cross >= minLinkFraction * sets.size.get(small)! * sets.size.get(other)!) sets.union(ri, rj);
  }
  return new Map(faces.map((f) => [f, sets.find(f)]));
}

/** DBSCAN with cosine distance eps = 1 - threshold; a face with at least minPoints-1 neighbours is a core point. */
function dbscanLabels(graph: FaceGraph, faces: readonly number[], threshold: number, minPoints: number): Map<number, number> {
  const inSet = new Set(faces);
  const neighboursOf = (f: number) => {
    const n = graph.linksOf(f);
    return n.face.filter((g, k) => n.similarity[k] >= threshold && inSet.has(g));
  };
  const labels = new Map<number, number>();
  for (const seed of faces) {
    if (labels.has(seed)) continue;
    const seedNeighbours = neighboursOf(seed);
    if (seedNeighbours.length + 1 < minPoints) continue; // noise for now; a core point may still claim it as a border
    labels.set(seed, seed);
    const queue = [...seedNeighbours];
    while (queue.length > 0) {
      const f = queue.pop()!;
      if (labels.has(f)) continue;
      labels.set(f, seed);
      const n = neighboursOf(f);
      if (n.length + 1 >= minPoints) queue.push(...n.filter((g) => !labels.has(g)));
    }
  }
  for (const f of faces) if (!labels.has(f)) labels.set(f, f); // noise: its own (too small) group
  return labels;
}

function fromLabels(faces: readonly number[], labels: Map<number, number>, minPoints: number): Clustering {
  const byLabel = new Map<number, number[]>();
  for (const f of faces) {
    const l = labels.get(f)!;
    if (!byLabel.has(l)) byLabel.set(l, []);
    byLabel.get(l)!.push(f);
  }
  const groups: number[][] = [], unassigned: number[] = [];
  for (const members of byLabel.values()) {
    members.sort((a, b) => a - b);
    if (members.length >= minPoints) groups.push(members); else unassigned.push(...members);
  }
  return { groups: sortGroups(groups), unassigned: unassigned.sort((a, b) => a - b) };
}

function sortGroups(groups: number[][]): number[][] {
  return groups.sort((a, b) => b.length - a.length || a[0] - b[0]);
}

// ---- Edits the UI makes. Each returns a new Clustering; untouched groups keep their positions (so names the UI
// keeps per position stay put), empty groups are dropped, and a group may shrink below minPoints by hand.

/** Group `into` absorbs group `from`; the merged group takes `into`'s position. */
export function mergeGroups(clustering: Clustering, into: number, from: number): Clustering {
  checkGroup(clustering, into); checkGroup(clustering, from);
  if (into === from) return clustering;
  const merged = [...clustering.groups[into], ...clustering.groups[from]].sort((a, b) => a - b);
  const groups = clustering.groups.map((g, k) => (k === into ? merged : g)).filter((_, k) => k !== from);
  return { groups, unassigned: [...clustering.unassigned] };
}

/** Takes `faces` out of group `group` into a new group appended at the end. */
export function splitOutFaces(clustering: Clustering, group: number, faces: readonly number[]): Clustering {
  checkGroup(clustering, group);
  const out = new Set(faces);
  const source = clustering.groups[group];
  for (const f of out) if (!source.includes(f)) throw new Error(`face ${f} is not in group ${group}`);
  const kept = source.filter((f) => !out.has(f));
  const groups = clustering.groups.map((g, k) => (k === group ? kept : g));
  groups.push([...out].sort((a, b) => a - b));
  return { groups: groups.filter((g) => g.length > 0), unassigned: [...clustering.unassigned] };
}

/**
 * Re-clusters one group's members with a stricter threshold (by default halfway from the current one to 1): the
 * largest part keeps the group's position, other parts are appended, and members that fit no part become unassigned.
 */
export function splitGroup(clustering: Clustering, group: number, graph: FaceGraph, options: ClusterOptions, stricterThreshold = (options.threshold + 1) / 2): Clustering {
  checkGroup(clustering, group);
  const parts = clusterGraph(graph, { ...options, threshold: stricterThreshold }, clustering.groups[group]);
  if (parts.groups.length === 0) {
    return { groups: clustering.groups.filter((_, k) => k !== group), unassigned: [...clustering.unassigned, ...parts.unassigned].sort((a, b) => a - b) };
  }
  const groups = clustering.groups.map((g, k) => (k === group ? parts.groups[0] : g));
  groups.push(...parts.groups.slice(1));
  return { groups, unassigned: [...clustering.unassigned, ...parts.unassigned].sort((a, b) => a - b) };
}

/** Moves one face to group `to`, or to the unassigned faces when `to` is null. */
export function moveFace(clustering: Clustering, face: number, to: number | null): Clustering {
  if (to !== null) checkGroup(clustering, to);
  const from = clustering.groups.findIndex((g) => g.includes(face));
  if (from < 0 && !clustering.unassigned.includes(face)) throw new Error(`face ${face} is not in this clustering`);
  const groups = clustering.groups.map((g, k) => {
    const without = k === from ? g.filter((f) => f !== face) : g;
    return k === to ? [...without, face].sort((a, b) => a - b) : without;
  });
  const unassigned = clustering.unassigned.filter((f) => f !== face);
  if (to === null) unassigned.push(face);
  return { groups: groups.filter((g) => g.length > 0), unassigned: unassigned.sort((a, b) => a - b) };
}

export interface GroupSuggestion {
  group: number;
  /** Mean cosine similarity to the group's faces. */
  meanSimilarity: number;
  /** Highest cosine similarity to one of the group's faces. */
  maxSimilarity: number;
}

/**
 * The group a face (L2-normalised embedding) belongs to, by the same rule the clustering uses: it must match at
 * least `minLinkFraction` of the group's faces; among such groups, the highest mean similarity wins. Null: none.
 */
export function suggestGroupForFace(embedding: ArrayLike<number>, clustering: Clustering, embeddingOf: (face: number) => ArrayLike<number>, options: ClusterOptions): GroupSuggestion | null {
  const minLinkFraction = options.minLinkFraction ?? DEFAULT_MIN_LINK_FRACTION;
  let best: GroupSuggestion | null = null;
  clustering.groups.forEach((members, group) => {
    let sum = 0, max = -Infinity, matches = 0;
    for (const f of members) {
      const s = dot(embedding, embeddingOf(f));
      sum += s; max = Math.max(max, s);
      if (s >= options.threshold) matches++;
    }
    if (matches === 0 || matches < minLinkFraction * members.length) return;
    const meanSimilarity = sum / members.length;
    if (!best || meanSimilarity > best.meanSimilarity) best = { group, meanSimilarity, maxSimilarity: max };
  });
  return best;
}

function checkGroup(clustering: Clustering, group: number): void {
  if (!Number.isInteger(group) || group < 0 || group >= clustering.groups.length) throw new Error(`no group ${group}`);
}
