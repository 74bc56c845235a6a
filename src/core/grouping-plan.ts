// What grouping an import changes, pure: new faces join the existing group they match (so the user's merges, splits
// and moves survive), the rest are clustered among themselves; a split re-clusters one group's faces. Runs in the
// grouping worker: clustering thousands of faces is O(n²) and must not hold up the page.
import {
  clusterFaces,
  suggestGroupForFace,
  DEFAULT_MIN_LINK_FRACTION,
  type ClusterOptions,
  type LinkConstraints,
} from './clustering';
import { thresholdForChance, type StrangerTails } from './identity-rule';

/**
 * In a library of n faces each face is compared with n - 1 others, so at the 1:1 threshold (1 stranger in 1,000 per
 * pair) a face of 1,500 has one or two stranger links. The link threshold rises with the library so that a face's
 * chance of any stranger link stays near this (as the 1:N rule does for a gallery): on 1,514 LFW photos it took
 * grouping from BCubed F1 0.936 (links at 0.344) to 0.980 (0.420); 113 photos keep about 0.344.
 */
export const LINK_STRANGER_CHANCE = 0.1;

/** The similarity at which two faces of a library of `faces` are linked: never below the 1:1 threshold. */
export function linkThreshold(threshold: number, faces: number, tails: StrangerTails): number {
  return Math.max(threshold, thresholdForChance(tails, LINK_STRANGER_CHANCE, Math.max(1, faces)));
}

export interface GroupingInput {
  /** Faces already in groups: their embeddings and group index (0..groupCount-1). */
  grouped: { embedding: Float32Array; group: number }[];
  groupCount: number;
  /** Faces in no group yet. */
  loose: Float32Array[];
  /** The calibrated match threshold (cosine). */
  threshold: number;
  /**
   * The user's answers, over faces numbered grouped first (0..grouped.length-1), then loose: a loose face never joins
   * a group it is cannot-linked with, and joins the group of a face it is must-linked with.
   */
  constraints?: LinkConstraints;
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
  const G = input.grouped.length;
  const groupOf = (face: number): number | null => (face < G ? input.grouped[face].group : null);
  const cannotLink = input.constraints?.cannotLink ?? [];
  const mustLink = input.constraints?.mustLink ?? [];
  // Per loose face: the groups it must not join (the other side of a cannot-link holds one of their faces).
  const forbidden = input.loose.map(() => new Set<number>());
  for (const { a, b } of cannotLink) {
    for (const [mine, theirs] of [
      [a, b],
      [b, a],
    ]) {
      const groups = theirs.map(groupOf).filter((g): g is number => g !== null);
      for (const f of mine) if (f >= G && f - G < input.loose.length) for (const g of groups) forbidden[f - G].add(g);
    }
  }
  const joins = input.loose.map((embedding, i) => {
    // A "Yes" with a face already in a group takes the face there (unless a "No" says otherwise).
    const told = mustLink
      .find((set) => set.includes(G + i))
      ?.map(groupOf)
      .find((g) => g !== null && g !== undefined);
    if (told !== undefined && told !== null && !forbidden[i].has(told)) return told;
    return (
      suggestGroupForFace(
        embedding,
        existing,
        (k) => input.grouped[k].embedding,
        options,
        (g) => !forbidden[i].has(g),
      )?.group ?? null
    );
  });
  const stillLoose = joins.flatMap((g, i) => (g === null ? [i] : []));
  const position = new Map(stillLoose.map((i, k) => [G + i, k]));
  const local = (faces: readonly number[]) =>
    faces.flatMap((f) => {
      const k = position.get(f);
      return k === undefined ? [] : [k];
    });
  const constraints: LinkConstraints = {
    mustLink: mustLink.map(local).filter((set) => set.length > 1),
    cannotLink: cannotLink
      .map(({ a, b }) => ({ a: local(a), b: local(b) }))
      .filter(({ a, b }) => a.length > 0 && b.length > 0),
  };
  const clustering = clusterFaces(
    stillLoose.map((i) => input.loose[i]),
    { ...options, constraints },
  );
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

/** The user's answers (by face id) over faces numbered as `faceIds` is ordered; faces not among them are dropped. */
export function indexConstraints(
  faceIds: readonly string[],
  answers: {
    mustLink: readonly (readonly string[])[];
    cannotLink: readonly { a: readonly string[]; b: readonly string[] }[];
  },
): LinkConstraints {
  const index = new Map(faceIds.map((id, i) => [id, i]));
  const local = (ids: readonly string[]) =>
    ids.flatMap((id) => {
      const k = index.get(id);
      return k === undefined ? [] : [k];
    });
  return {
    mustLink: answers.mustLink.map(local).filter((set) => set.length > 1),
    cannotLink: answers.cannotLink
      .map(({ a, b }) => ({ a: local(a), b: local(b) }))
      .filter(({ a, b }) => a.length > 0 && b.length > 0),
  };
}
