// Cross-tab locks on one gallery (Web Locks: they span every tab and worker of the origin). A photo-library import
// holds the gallery's lock shared for as long as it runs; turning encryption on needs it alone, so it cannot start
// while an import writes faces in any tab, and no import can start until it ends.
import { FacelocalError } from '../types';

const lockName = (database: string) => `facelocal-gallery-writes:${database}`;

/** Web Locks exist in every browser that runs Facelocal; Node (the unit tests) has none, and has one "tab". */
function locks(): LockManager | null {
  return typeof navigator !== 'undefined' && navigator.locks ? navigator.locks : null;
}

/** Runs `work` holding the gallery alone; refuses at once ('busy') when an import holds it. */
export async function exclusiveGalleryLock<T>(database: string, work: () => Promise<T>): Promise<T> {
  const manager = locks();
  if (!manager) return work();
  return manager.request(lockName(database), { mode: 'exclusive', ifAvailable: true }, async (lock) => {
    if (!lock)
      throw new FacelocalError(
        'busy',
        'A photo-library import is running (in this tab or another): let it finish or cancel it, then turn encryption on.',
      );
    return work();
  });
}

/**
 * Holds the gallery shared until `until` settles; resolves once the lock is held, so the caller starts writing
 * only then. Waits while encryption is being turned on.
 */
export function sharedGalleryLock(database: string, until: Promise<unknown>): Promise<void> {
  const manager = locks();
  if (!manager) return Promise.resolve();
  return new Promise((held, failed) => {
    manager
      .request(lockName(database), { mode: 'shared' }, () => {
        held();
        return until.catch(() => undefined);
      })
      .catch(failed);
  });
}
