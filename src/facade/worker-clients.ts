// The one place the main thread creates workers. Each call's WorkerResult is unwrapped into a value or a
// FacelocalError with the worker's code and message.
//
// Workers are supervised: if one dies (a crash, out of memory, killed), every call pending on it fails at once with
// 'worker-crashed' instead of waiting for ever, a new worker is started and given the same init as the dead one,
// and later calls go to it. (workers/lifeline.ts says how a death is noticed.)
import * as Comlink from 'comlink';
import type { DetectorApi, EmbedderApi, WorkerResult } from '../workers/worker-protocol';
import type { GroupingApi } from '../workers/grouping.worker';
import type { Lifeline } from '../workers/lifeline';
import { FacelocalError } from '../types';

export interface SupervisedWorker<Api> {
  api: Comlink.Remote<Api>;
  /** Stops the worker for good (no restart). */
  worker: { terminate(): void };
}

// The three starters below look alike on purpose: vite bundles a worker only where it sees
// `new Worker(new URL('literal path', import.meta.url))` written out, so the path cannot be a parameter.
export function startDetector(): SupervisedWorker<DetectorApi> {
  return supervise<DetectorApi>(
    'facelocal-detector',
    'face detector',
    () =>
      new Worker(new URL('../workers/detector.worker.ts', import.meta.url), {
        type: 'module',
        name: 'facelocal-detector',
      }),
    ['init', 'analyse', 'detectFrame', 'alignFrameFaces', 'releaseFrame'],
  );
}

export function startEmbedder(): SupervisedWorker<EmbedderApi> {
  return supervise<EmbedderApi>(
    'facelocal-embedder',
    'face recognition model',
    () =>
      new Worker(new URL('../workers/embedder.worker.ts', import.meta.url), {
        type: 'module',
        name: 'facelocal-embedder',
      }),
    ['init', 'embed'],
  );
}

export function startGroupingWorker(): SupervisedWorker<GroupingApi> {
  return supervise<GroupingApi>(
    'facelocal-grouping',
    'grouping',
    () =>
      new Worker(new URL('../workers/grouping.worker.ts', import.meta.url), {
        type: 'module',
        name: 'facelocal-grouping',
      }),
    ['planGrouping', 'planSplit', 'samePersonPairs'],
  );
}

interface Generation<Api> {
  worker: Worker;
  remote: Comlink.Remote<Api & Lifeline>;
  /** Rejects with 'worker-crashed' when this worker dies. */
  died: Promise<never>;
  /** The restarted worker's init; calls wait for it. */
  ready: Promise<unknown>;
  /** Calls sent and not answered yet (for the test hook below). */
  pending: number;
  /** Its entry in `liveWorkers`. */
  entry?: { generation: Generation<unknown> };
}

/** Live raw workers by name, for the test hook only. */
const liveWorkers = new Map<string, Set<{ generation: Generation<unknown> }>>();

/**
 * Runs `methods` of a worker made by `create`, restarting it when it dies. A call to 'init' is remembered and
 * replayed on each new worker, so a restarted detector or embedder has its models again.
 */
function supervise<Api>(
  name: string,
  what: string,
  create: () => Worker,
  methods: readonly (keyof Api & string)[],
): SupervisedWorker<Api> {
  let stopped = false;
  let initArgs: unknown[] | undefined;
  let current: Generation<Api>;

  const send = (gen: Generation<Api>, method: string, args: unknown[]): Promise<unknown> => {
    gen.pending++;
    const reply = (gen.remote as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[method](...args);
    return Promise.race([reply, gen.died]).finally(() => gen.pending--);
  };

  const spawn = (): Generation<Api> => {
    const worker = create();
    let die!: (error: FacelocalError) => void;
    const died = new Promise<never>((_, reject) => {
      die = reject;
    });
    died.catch(() => undefined); // a death with nothing pending is not an error of anyone's
    const gen: Generation<Api> = {
      worker,
      remote: Comlink.wrap<Api & Lifeline>(worker),
      died,
      ready: Promise.resolve(),
      pending: 0,
    };
    const entry = { generation: gen as Generation<unknown> };
    let set = liveWorkers.get(name);
    if (!set) liveWorkers.set(name, (set = new Set()));
    set.add(entry);
    gen.entry = entry;
    if ('locks' in navigator) {
      const lock = `facelocal-worker:${name}:${crypto.randomUUID()}`;
      void gen.remote.holdLifeline(lock).then(() =>
        navigator.locks.request(lock, () => {
          // Granted: the worker is gone.
          set.delete(entry);
          if (stopped || current !== gen) return;
          die(
            new FacelocalError(
              'worker-crashed',
              `The ${what} stopped unexpectedly (its worker died), so this could not be finished; it has been restarted: try again.`,
            ),
          );
          worker.terminate();
          current = spawn();
          if (initArgs) current.ready = send(current, 'init', initArgs).catch(() => undefined);
        }),
      );
    }
    return gen;
  };

  current = spawn();
  const api = Object.fromEntries(
    methods.map((method) => [
      method,
      async (...args: unknown[]) => {
        if (method === 'init') {
          initArgs = args;
          return send(current, method, args);
        }
        await current.ready;
        return send(current, method, args);
      },
    ]),
  );
  return {
    api: api as unknown as Comlink.Remote<Api>,
    worker: {
      terminate() {
        stopped = true;
        current.worker.terminate();
        if (current.entry) liveWorkers.get(name)?.delete(current.entry);
      },
    },
  };
}

/**
 * For tests only: kills the live workers of this name as a crash would (terminated from outside, unknown to their
 * supervisor), once one has a call pending when `whenBusy` is set. Resolves with how many were killed.
 */
export async function crashWorkersForTests(name: string, options: { whenBusy?: boolean } = {}): Promise<number> {
  const workers = () => [...(liveWorkers.get(name) ?? [])];
  if (options.whenBusy) {
    while (!workers().some((w) => w.generation.pending > 0)) await new Promise((resolve) => setTimeout(resolve, 1));
  }
  const killed = workers();
  for (const w of killed) w.generation.worker.terminate();
  return killed.length;
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
