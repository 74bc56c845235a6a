// Persistent storage: without it the browser may evict the whole gallery under storage pressure, silently. Asked
// for at the first enrolment (the moment there is something to lose), and its state said in plain words.

export interface StoragePersistence {
  /** true: the browser will not evict the gallery on its own; false: it may; null: this browser cannot say. */
  persisted: boolean | null;
  message: string;
}

export async function askForPersistentStorage(): Promise<boolean | null> {
  const storage = typeof navigator !== 'undefined' ? navigator.storage : undefined;
  if (!storage?.persist) return null;
  if (await storage.persisted()) return true;
  return storage.persist();
}

export async function storagePersistence(): Promise<StoragePersistence> {
  const storage = typeof navigator !== 'undefined' ? navigator.storage : undefined;
  if (!storage?.persisted)
    return {
      persisted: null,
      message: 'This browser cannot say whether it keeps the gallery under storage pressure: export it now and then.',
    };
  if (await storage.persisted())
    return {
      persisted: true,
      message:
        'Persistent storage granted: the browser will not erase the gallery on its own (only you, "Erase everything", or clearing site data in the browser can).',
    };
  return {
    persisted: false,
    message:
      'Persistent storage not granted: if this device runs short of space, the browser may erase the whole gallery without asking. Export it now and then; installing the app or bookmarking it often makes the browser grant it.',
  };
}
