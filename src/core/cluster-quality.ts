// How well a clustering of faces matches the true identities: pairwise and BCubed precision / recall / F1, and the
// share of faces left unassigned. Pure, so the benchmark and the unit tests share it.
//
// Unassigned faces count as singletons: each is its own one-face cluster. So leaving a face out costs recall (its
// true mates are not with it) but never precision (it claims no wrong mate). Read the unassigned share beside them.
import type { Clustering } from './clustering';
import { present } from './present';

export interface PrecisionRecall {
  precision: number;
  recall: number;
  f1: number;
}

export interface ClusterQuality {
  /** Over pairs of faces: precision = same-group pairs that are the same person; recall = same-person pairs grouped together. */
  pairwise: PrecisionRecall;
  /** Per face, averaged: precision = share of its group that is its person; recall = share of its person in its group. */
  bcubed: PrecisionRecall;
  unassignedShare: number;
  faces: number;
  groups: number;
  identities: number;
}

/** Scores `clustering` (indices into `labels`) against the true label of every face. */
export function clusterQuality(clustering: Clustering, labels: readonly string[]): ClusterQuality {
  const n = labels.length;
  const clusterOf = new Array<number>(n).fill(-1);
  clustering.groups.forEach((g, k) =>
    g.forEach((f) => {
      if (clusterOf[f] !== -1) throw new Error(`face ${f} is in two groups`);
      clusterOf[f] = k;
    }),
  );
  let nextSingleton = clustering.groups.length;
  for (const f of clustering.unassigned) {
    if (clusterOf[f] !== -1) throw new Error(`face ${f} is both grouped and unassigned`);
    clusterOf[f] = nextSingleton++;
  }
  if (clusterOf.some((c) => c === -1)) throw new Error('every face must be grouped or unassigned');

  // Contingency counts: faces per (cluster, label), per cluster, per label.
  const joint = new Map<string, number>(),
    perCluster = new Map<number, number>(),
    perLabel = new Map<string, number>();
  for (let f = 0; f < n; f++) {
    const key = `${clusterOf[f]}\u0000${labels[f]}`;
    joint.set(key, (joint.get(key) ?? 0) + 1);
    perCluster.set(clusterOf[f], (perCluster.get(clusterOf[f]) ?? 0) + 1);
    perLabel.set(labels[f], (perLabel.get(labels[f]) ?? 0) + 1);
  }
  const pairs = (k: number) => (k * (k - 1)) / 2;
  let together = 0,
    bcubedPrecision = 0,
    bcubedRecall = 0;
  for (const [key, count] of joint) {
    const [cluster, label] = key.split('\u0000');
    together += pairs(count);
    // Each of the `count` faces has `count` of its group sharing its label.
    bcubedPrecision += (count * count) / present(perCluster.get(Number(cluster)), `the size of cluster ${cluster}`);
    bcubedRecall += (count * count) / present(perLabel.get(label), `the size of label ${label}`);
  }
  let groupedPairs = 0,
    samePersonPairs = 0;
  for (const c of perCluster.values()) groupedPairs += pairs(c);
  for (const c of perLabel.values()) samePersonPairs += pairs(c);

  return {
    // No grouped pairs claims nothing wrong (precision 1); no same-person pairs leaves nothing to find (recall 1).
    pairwise: withF1(
      groupedPairs === 0 ? 1 : together / groupedPairs,
      samePersonPairs === 0 ? 1 : together / samePersonPairs,
    ),
    bcubed: withF1(n === 0 ? 1 : bcubedPrecision / n, n === 0 ? 1 : bcubedRecall / n),
    unassignedShare: n === 0 ? 0 : clustering.unassigned.length / n,
    faces: n,
    groups: clustering.groups.length,
    identities: perLabel.size,
  };
}

function withF1(precision: number, recall: number): PrecisionRecall {
  return { precision, recall, f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall) };
}
