// Grouping worker: runs the O(n²) clustering of an import's faces off the page. A thin shell over core.
import * as Comlink from 'comlink';
import { withLifeline } from './lifeline';
import { planGrouping, planSplit, type GroupingInput, type GroupingPlan } from '../core/grouping-plan';
import { samePersonPairs, type SamePersonInput, type SamePersonPair } from '../core/same-person';

export interface GroupingApi {
  planGrouping(input: GroupingInput): GroupingPlan;
  planSplit(faces: Float32Array[], threshold: number): number[][];
  samePersonPairs(input: SamePersonInput): SamePersonPair[];
}

const api: GroupingApi = { planGrouping, planSplit, samePersonPairs };
Comlink.expose(withLifeline(api));
