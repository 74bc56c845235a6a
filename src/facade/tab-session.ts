// Which browser tab sessions are alive, for data held "for this session only" (unnamed import faces).
// A tab's session id lives in sessionStorage (it survives a reload of that tab, not its closing), and the tab holds
// a Web Lock named after it while open, so any tab can ask the browser which sessions are still alive.
const KEY = 'facelocal-session';
const LOCK_PREFIX = 'facelocal-session:';

export interface TabSession {
  readonly id: string;
  /** The ids of every session with an open tab (this one included). */
  liveSessions(): Promise<Set<string>>;
  release(): void;
}

export async function joinTabSession(): Promise<TabSession> {
  const id = storedSessionId();
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  let release: () => void = () => undefined;
  if (locks) {
    // Held until release() (or until the page goes away, when the browser drops it). Shared: several matchers
    // of one tab (or a reload racing the old page's exit) hold it at once instead of waiting for each other.
    await new Promise<void>((held) => {
      void locks.request(
        LOCK_PREFIX + id,
        { mode: 'shared' },
        () =>
          new Promise<void>((resolve) => {
            held();
            release = resolve;
          }),
      );
    });
  }
  return {
    id,
    async liveSessions() {
      // Without Web Locks only this tab is known to be alive: other tabs' imports are left alone until then.
      if (!locks) return new Set([id]);
      const state = await locks.query();
      const names = [...(state.held ?? []), ...(state.pending ?? [])].map((l) => l.name ?? '');
      return new Set([id, ...names.filter((n) => n.startsWith(LOCK_PREFIX)).map((n) => n.slice(LOCK_PREFIX.length))]);
    },
    release: () => release(),
  };
}

function storedSessionId(): string {
  try {
    const existing = sessionStorage.getItem(KEY);
    if (existing) return existing;
    const id = crypto.randomUUID();
    sessionStorage.setItem(KEY, id);
    return id;
  } catch {
    // No sessionStorage (a sandboxed frame, a worker): a session that lasts as long as this page.
    return crypto.randomUUID();
  }
}
