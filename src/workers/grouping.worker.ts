// Grouping worker: runs the O(n²) clustering of an import's faces off the page. A thin shell over core.
import * as Comlink from 'comlink';
import { withLifeline } from './lifeline';
import { planGrouping, planSplit, type GroupingInput, type GroupingPlan } from '../core/grouping-plan';

export interface GroupingApi {
  planGrouping(input: GroupingInput): GroupingPlan;
  planSplit(faces: Float32Array[], threshold: number): number[][];
}

const api: GroupingApi = { planGrouping, planSplit };
Comlink.expose(withLifeline(api));
