// The one place the main thread creates workers. Each call's WorkerResult is unwrapped into a value or a
// FacelocalError with the worker's code and message.
import * as Comlink from 'comlink';
import type { DetectorApi, EmbedderApi, WorkerResult } from '../workers/worker-protocol';
import type { GroupingApi } from '../workers/grouping.worker';
import { FacelocalError } from '../types';

export function startDetector(): { api: Comlink.Remote<DetectorApi>; worker: Worker } {
  const worker = new Worker(new URL('../workers/detector.worker.ts', import.meta.url), { type: 'module', name: 'facelocal-detector' });
  return { api: Comlink.wrap<DetectorApi>(worker), worker };
}

export function startEmbedder(): { api: Comlink.Remote<EmbedderApi>; worker: Worker } {
  const worker = new Worker(new URL('../workers/embedder.worker.ts', import.meta.url), { type: 'module', name: 'facelocal-embedder' });
  return { api: Comlink.wrap<EmbedderApi>(worker), worker };
}

export function startGroupingWorker(): { api: Comlink.Remote<GroupingApi>; worker: Worker } {
  const worker = new Worker(new URL('../workers/grouping.worker.ts', import.meta.url), { type: 'module', name: 'facelocal-grouping' });
  return { api: Comlink.wrap<GroupingApi>(worker), worker };
}

export function unwrap<T>(result: WorkerResult<T>): T {
  if (result.ok) return result.value;
  throw new FacelocalError(result.code, result.message);
}

/** Runs async calls one after another (an ONNX Runtime session must not run twice at once). */
export function serialised<A extends unknown[], R>(fn: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  let tail: Promise<unknown> = Promise.resolve();
  return (...args: A) => {
    const run = tail.then(() => fn(...args));
    tail = run.catch(() => undefined);
    return run;
  };
}
