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
import { present } from './present';
import { dot } from './vectors';
import { KernelMemory, ROW_DOTS_ALIGN } from './wasm-kernels';

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
  /** What the user said (guarded linkage only; DBSCAN is kept for the benchmark's comparison and ignores them). */
  constraints?: LinkConstraints;
}

/**
 * The user's answers, as face indices. A must-link set ("Yes, same person") starts as one group; a cannot-link
 * ("No, different people", "not this person") forbids any group holding a face of `a` and a face of `b`. Cannot-link
 * wins: a must-link that would break one is not applied.
 */
export interface LinkConstraints {
  mustLink: readonly (readonly number[])[];
  cannotLink: readonly CannotLink[];
}
export interface CannotLink {
  a: readonly number[];
  b: readonly number[];
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
    this.rows = new RowStore(dim, capacity, options.simd ?? true);
  }

  get size(): number {
    return this.count;
  }

  /** Whether the WASM SIMD kernel computes the similarities. */
  get usesSimd(): boolean {
    return this.rows.memory.usesWasm && (4 * this.dim) % ROW_DOTS_ALIGN === 0;
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
        mine.face.push(j);
        mine.similarity.push(s);
        const theirs = this.neighbours[j];
        theirs.face.push(i);
        theirs.similarity.push(s);
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
    this.neighbours.forEach((n, i) =>
      n.face.forEach((j, k) => {
        if (i < j && n.similarity[k] >= minSimilarity) links.push({ i, j, similarity: n.similarity[k] });
      }),
    );
    return links.sort((a, b) => b.similarity - a.similarity || a.i - b.i || a.j - b.j);
  }
}

// ---- The hot loop: one row's dot products with every earlier row. n = 5,000 faces of 512-d is 6.4 billion
// multiply-adds; plain JavaScript manages about 1 per ns here, WASM SIMD (4 lanes) about 6, so the rows live in a
// KernelMemory and its rowDots kernel (wasm-kernels.ts) does it, in WASM SIMD when the runtime has it.

/** Rows at the start of the kernel memory (so growing never moves them), the scratch output after them. */
class RowStore {
  readonly memory: KernelMemory;
  private capacity = 0;

  constructor(
    private readonly dim: number,
    capacity: number,
    wasm: boolean,
  ) {
    this.memory = new KernelMemory(0, { wasm });
    this.reserve(capacity);
  }

  /** The matrix rows live in (a view; valid until the next `reserve`). */
  matrix(): Float32Array {
    return new Float32Array(this.memory.buffer, 0, this.capacity * this.dim);
  }

  reserve(rows: number): void {
    if (rows <= this.capacity) return;
    const capacity = Math.max(rows, 2 * this.capacity);
    this.memory.reserve(capacity * (this.dim + 1) * 4);
    this.capacity = capacity;
  }

  /** Dot products of row i with rows 0..i-1 (a scratch view, valid until the next call). */
  similaritiesBefore(i: number): Float32Array {
    const rowBytes = this.dim * 4,
      out = this.capacity * rowBytes;
    this.memory.rowDots(i * rowBytes, 0, i, rowBytes, out);
    return new Float32Array(this.memory.buffer, out, i);
  }
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
  if (options.threshold < graph.floor)
    throw new Error(`the graph holds links from ${graph.floor}; cannot cluster at ${options.threshold}`);
  const members = faces ?? Array.from({ length: graph.size }, (_, i) => i);
  const labels =
    (options.method ?? 'guarded') === 'dbscan'
      ? dbscanLabels(graph, members, options.threshold, options.minPoints ?? DEFAULT_MIN_POINTS)
      : guardedLabels(
          graph,
          members,
          options.threshold,
          options.minLinkFraction ?? DEFAULT_MIN_LINK_FRACTION,
          options.constraints,
        );
  return fromLabels(members, labels, options.minPoints ?? DEFAULT_MIN_POINTS);
}

/** Union-find over face indices, with group sizes kept at the roots. */
class DisjointSets {
  private readonly parent = new Map<number, number>();
  readonly size = new Map<number, number>();
  readonly members = new Map<number, number[]>();
  /** Per root: which sides of which cannot-link constraints its faces are on (bit 1: side a, bit 2: side b). */
  private readonly sides = new Map<number, Map<number, number>>();

  constructor(faces: readonly number[], cannotLink: readonly CannotLink[] = []) {
    for (const f of faces) {
      this.parent.set(f, f);
      this.size.set(f, 1);
      this.members.set(f, [f]);
    }
    cannotLink.forEach(({ a, b }, c) => {
      for (const [side, bit] of [
        [a, 1],
        [b, 2],
      ] as const) {
        for (const f of side) {
          if (!this.parent.has(f)) continue;
          const mine = this.sides.get(f) ?? new Map<number, number>();
          mine.set(c, (mine.get(c) ?? 0) | bit);
          this.sides.set(f, mine);
        }
      }
    });
  }

  /** Whether joining the two sets would put both sides of a cannot-link constraint in one group. */
  forbidden(ra: number, rb: number): boolean {
    const x = this.sides.get(ra),
      y = this.sides.get(rb);
    if (!x || !y) return false;
    const [small, large] = x.size <= y.size ? [x, y] : [y, x];
    for (const [c, bits] of small) {
      const other = large.get(c);
      if (other !== undefined && (bits | other) === 3) return true;
    }
    return false;
  }

  has(face: number): boolean {
    return this.parent.has(face);
  }

  private parentOf(face: number): number {
    return present(this.parent.get(face), `the parent of face ${face}`);
  }

  sizeOf(root: number): number {
    return present(this.size.get(root), `the size of set ${root}`);
  }

  membersOf(root: number): number[] {
    return present(this.members.get(root), `the members of set ${root}`);
  }

  find(face: number): number {
    let root = face;
    while (this.parentOf(root) !== root) root = this.parentOf(root);
    while (face !== root) {
      const next = this.parentOf(face);
      this.parent.set(face, root);
      face = next;
    }
    return root;
  }

  union(a: number, b: number): void {
    let ra = this.find(a),
      rb = this.find(b);
    if (ra === rb) return;
    if (this.sizeOf(ra) < this.sizeOf(rb)) [ra, rb] = [rb, ra];
    this.parent.set(rb, ra);
    const sb = this.sides.get(rb);
    if (sb) {
      const sa = this.sides.get(ra) ?? new Map<number, number>();
      for (const [c, bits] of sb) sa.set(c, (sa.get(c) ?? 0) | bits);
      this.sides.set(ra, sa);
      this.sides.delete(rb);
    }
    this.size.set(ra, this.sizeOf(ra) + this.sizeOf(rb));
    this.membersOf(ra).push(...this.membersOf(rb));
    this.members.delete(rb);
    this.size.delete(rb);
  }
}

function guardedLabels(
  graph: FaceGraph,
  faces: readonly number[],
  threshold: number,
  minLinkFraction: number,
  constraints?: LinkConstraints,
): Map<number, number> {
  const sets = new DisjointSets(faces, constraints?.cannotLink);
  // "Yes, same person" first: those faces are one group whatever their links say.
  for (const together of constraints?.mustLink ?? []) {
    const inSet = together.filter((f) => sets.has(f));
    for (let k = 1; k < inSet.length; k++) {
      const r0 = sets.find(inSet[0]),
        rk = sets.find(inSet[k]);
      if (r0 !== rk && !sets.forbidden(r0, rk)) sets.union(r0, rk);
    }
  }
  for (const { i, j } of graph.linksAtOrAbove(threshold)) {
    if (!sets.has(i) || !sets.has(j)) continue;
    const ri = sets.find(i),
      rj = sets.find(j);
    if (ri === rj || sets.forbidden(ri, rj)) continue;
    const [small, other] = sets.sizeOf(ri) <= sets.sizeOf(rj) ? [ri, rj] : [rj, ri];
    // Cross links, counted from the smaller group's side.
    let cross = 0;
    for (const f of sets.membersOf(small)) {
      const n = graph.linksOf(f);
      for (let k = 0; k < n.face.length; k++)
        if (n.similarity[k] >= threshold && sets.has(n.face[k]) && sets.find(n.face[k]) === other) cross++;
    }
    if (cross >= minLinkFraction * sets.sizeOf(small) * sets.sizeOf(other)) sets.union(ri, rj);
  }
  return new Map(faces.map((f) => [f, sets.find(f)]));
}

/** DBSCAN with cosine distance eps = 1 - threshold; a face with at least minPoints-1 neighbours is a core point. */
function dbscanLabels(
  graph: FaceGraph,
  faces: readonly number[],
  threshold: number,
  minPoints: number,
): Map<number, number> {
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
      const f = queue.pop();
      if (f === undefined || labels.has(f)) continue;
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
    const l = present(labels.get(f), `the label of face ${f}`);
    const members = byLabel.get(l);
    if (members) members.push(f);
    else byLabel.set(l, [f]);
  }
  const groups: number[][] = [],
    unassigned: number[] = [];
  for (const members of byLabel.values()) {
    members.sort((a, b) => a - b);
    if (members.length >= minPoints) groups.push(members);
    else unassigned.push(...members);
  }
  return { groups: sortGroups(groups), unassigned: unassigned.sort((a, b) => a - b) };
}

function sortGroups(groups: number[][]): number[][] {
  return groups.sort((a, b) => b.length - a.length || a[0] - b[0]);
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
 * least `minLinkFraction` of the group's faces; among such groups (and those `allowed`: no cannot-link), the highest
 * mean similarity wins. Null: none.
 */
export function suggestGroupForFace(
  embedding: ArrayLike<number>,
  clustering: Clustering,
  embeddingOf: (face: number) => ArrayLike<number>,
  options: ClusterOptions,
  allowed: (group: number) => boolean = () => true,
): GroupSuggestion | null {
  const minLinkFraction = options.minLinkFraction ?? DEFAULT_MIN_LINK_FRACTION;
  let best: GroupSuggestion | null = null;
  clustering.groups.forEach((members, group) => {
    if (!allowed(group)) return;
    let sum = 0,
      max = -Infinity,
      matches = 0;
    for (const f of members) {
      const s = dot(embedding, embeddingOf(f));
      sum += s;
      max = Math.max(max, s);
      if (s >= options.threshold) matches++;
    }
    if (matches === 0 || matches < minLinkFraction * members.length) return;
    const meanSimilarity = sum / members.length;
    if (!best || meanSimilarity > best.meanSimilarity) best = { group, meanSimilarity, maxSimilarity: max };
  });
  return best;
}
