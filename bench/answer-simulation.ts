// A person answering "Same person?" questions, simulated from the labels: each question is the app's top suggestion
// (core/same-person.ts) for the groups as they stand; Yes joins the two (as answerSuggestion does), No is remembered
// (a cannot-link). When no question is left and a group still holds someone else, that face is moved out ("not this
// person": one more click). Counts clicks and scores BCubed after each, from the clustering the app made.
import { FaceGraph, type CannotLink, type Clustering } from '../src/core/clustering';
import { samePersonPairsIn, SUGGESTION_MARGIN } from '../src/core/same-person';
import { clusterQuality } from '../src/core/cluster-quality';

export interface SimulationResult {
  /** BCubed after this many answers (fewer if the questions ran out first). */
  afterAnswers: {
    answers: number;
    yes: number;
    no: number;
    bcubed: { precision: number; recall: number; f1: number };
    groups: number;
  };
  /** Clicks (answers and faces moved out) until BCubed F1 first reached the target; null: not within maxClicks. */
  clicksToTarget: number | null;
  target: number;
  /** F1 after every click (index 0: no edits). */
  trace: number[];
  /** Of the clicks to the target: faces moved out of a group they were wrongly in, and questions answered. */
  clicksBy: { moves: number; answers: number };
}

export function simulateAnswers(
  vectors: Float32Array[],
  labels: string[],
  start: Clustering,
  threshold: number,
  options: { answers: number; target: number; maxClicks: number; rank?: 'mean' | 'closest'; fixesFirst?: boolean },
): SimulationResult {
  const graph = new FaceGraph(vectors[0].length, threshold - SUGGESTION_MARGIN, { capacity: vectors.length });
  graph.add(vectors);
  let clusters: number[][] = [...start.groups.map((g) => [...g]), ...start.unassigned.map((f) => [f])];
  const cannotLink: CannotLink[] = [];
  const majority = (c: number[]) => {
    const counts = new Map<string, number>();
    for (const f of c) counts.set(labels[f], (counts.get(labels[f]) ?? 0) + 1);
    return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0][0];
  };
  const score = () =>
    clusterQuality(
      { groups: clusters.filter((c) => c.length > 1), unassigned: clusters.filter((c) => c.length === 1).flat() },
      labels,
    );
  const trace = [score().bcubed.f1];
  let yes = 0,
    no = 0,
    clicks = 0,
    moves = 0;
  let clicksBy = { moves: 0, answers: 0 };
  let afterAnswers: SimulationResult['afterAnswers'] | null = null;
  let clicksToTarget: number | null = trace[0] >= options.target ? 0 : null;
  let questionsLeft = true;
  while (clicks < options.maxClicks && (clicksToTarget === null || afterAnswers === null)) {
    // Fixes first: every wrong face is moved out of its group before any question is answered.
    const fixing = options.fixesFirst === true && clusters.some((c) => c.some((f) => labels[f] !== majority(c)));
    const [pair] =
      questionsLeft && !fixing
        ? samePersonPairsIn(graph, { clusters, threshold, cannotLink, limit: 1, rank: options.rank }, vectors)
        : [];
    if (pair) {
      const a = clusters[pair.a],
        b = clusters[pair.b];
      if (majority(a) === majority(b)) {
        yes++;
        clusters = clusters.filter((_, i) => i !== pair.a && i !== pair.b);
        clusters.push([...a, ...b]);
      } else {
        no++;
        cannotLink.push({ a: [...a], b: [...b] });
      }
    } else {
      if (!fixing) questionsLeft = false;
      if (afterAnswers === null && !fixing) afterAnswers = snapshot();
      // Precision: move one face that is not the group's person out of it.
      const impure = clusters.findIndex((c) => c.some((f) => labels[f] !== majority(c)));
      if (impure < 0) break;
      const c = clusters[impure],
        who = majority(c);
      const out = c.find((f) => labels[f] !== who) ?? c[0];
      clusters[impure] = c.filter((f) => f !== out);
      clusters.push([out]);
      cannotLink.push({ a: [out], b: clusters[impure] });
      moves++;
      questionsLeft = true; // the face moved out may now be asked about
    }
    clicks++;
    const f1 = score().bcubed.f1;
    trace.push(f1);
    if (afterAnswers === null && yes + no === options.answers) afterAnswers = snapshot();
    if (clicksToTarget === null && f1 >= options.target) {
      clicksToTarget = clicks;
      clicksBy = { moves, answers: clicks - moves };
    }
  }
  return { afterAnswers: afterAnswers ?? snapshot(), clicksToTarget, target: options.target, trace, clicksBy };

  function snapshot(): SimulationResult['afterAnswers'] {
    const q = score();
    return { answers: yes + no, yes, no, bcubed: q.bcubed, groups: clusters.filter((c) => c.length > 1).length };
  }
}
