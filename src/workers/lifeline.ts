// How the page learns that a worker died (crashed, ran out of memory, was killed): the worker holds a Web Lock
// for as long as it lives, and the page asks for the same lock. The browser releases a context's locks when the
// context is destroyed, however it ends, so the page is granted the lock exactly when the worker is gone. (A dead
// worker sends no message and fires no event: without this, calls to it would wait for ever.)

export interface Lifeline {
  /** Takes the lock `name` for the rest of this worker's life; resolves once it is held. */
  holdLifeline(name: string): Promise<void>;
}

export function withLifeline<Api extends object>(api: Api): Api & Lifeline {
  return {
    ...api,
    holdLifeline: (name: string) =>
      new Promise<void>((held) => {
        if (!('locks' in navigator)) return held(); // no Web Locks (an insecure context): deaths go unnoticed
        void navigator.locks.request(name, () => {
          held();
          return new Promise<never>(() => undefined); // never released while this worker lives
        });
      }),
  };
}
