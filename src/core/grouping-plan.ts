// What grouping an import changes, pure: new faces join the existing group they match (so the user's merges, splits
// and moves survive), the rest are clustered among themselves; a split re-clusters one group's faces. Runs in the
// grouping worker: clustering thousands of faces is O(n²) and must not hold up the page.
import { clusterFaces, suggestGroupForFace, DEFAULT_MIN_LINK_FRACTION, type ClusterOptions } from './clustering';

export interface GroupingInput {
  /** Faces already in groups: their embeddings and group index (0..groupCount-1). */
  grouped: { embedding: Float32Array; group: number }[];
  groupCount: number;
  /** Faces in no group yet. */
  loose: Float32Array[];
  /** The calibrated match threshold (cosine). */
  threshold: number;
}

export interface GroupingPlan {
  /** For each loose face: the existing group it joins, or null. */
  joins: (number | null)[];
  /** New groups, as indices into `loose` (faces neither joining nor in a new group stay loose). */
  newGroups: number[][];
}

export function clusterOptions(threshold: number): ClusterOptions {
  return { threshold, minLinkFraction: DEFAULT_MIN_LINK_FRACTION };
}

export function planGrouping(input: GroupingInput): GroupingPlan {
  const options = clusterOptions(input.threshold);
  const existing = { groups: Array.from({ length: input.groupCount }, () => [] as number[]), unassigned: [] };
  input.grouped.forEach((f, i) => existing.groups[f.group].push(i));
  const joins = input.loose.map((embedding) => suggestGroupForFace(embedding, existing, (i) => input.grouped[i].embedding, options)?.group ?? null);
  const stillLoose = joins.flatMap((g, i) => (g === null ? [i] : []));
  const clustering = clusterFaces(stillLoose.map((i) => input.loose[i]), options);
  return { joins, newGroups: clustering.groups.map((members) => members.map((m) => stillLoose[m])) };
}

/** Splitting asks for faces that match this much more closely than the threshold (half way to identical). */
export const splitThreshold = (threshold: number) => (threshold + 1) / 2;

/**
 * The parts one group splits into, largest first, as indices into `faces`. A group of two people (merged by hand,
 * say) comes apart at the usual threshold; a group that holds together there is split more strictly.
 */
export function planSplit(faces: Float32Array[], threshold: number): number[][] {
  const parts = clusterFaces(faces, clusterOptions(threshold));
  return parts.groups.length > 1 ? parts.groups : clusterFaces(faces, clusterOptions(splitThreshold(threshold))).groups;
}
