// Progress of a photo-library import, pure: what the progress bar and "time left" show, and the fingerprint that
// lets a resumed import recognise a photo it has already read.

export interface ImportCounts {
  /** Photos picked for this run. */
  total: number;
  /** Photos finished in this run: read, failed, or skipped because an earlier run read them. */
  done: number;
  /** Of `done`, photos an earlier run had already read (not read again). */
  skipped: number;
  faces: number;
  failed: number;
}

export interface ImportProgress extends ImportCounts {
  elapsedMs: number;
  /** Photos actually read per second in this run (skipped ones excluded: they cost nothing). */
  photosPerSecond: number;
  /** Estimated time to finish; null until there is a rate to go by. */
  remainingMs: number | null;
  finished: boolean;
  cancelled: boolean;
}

export function importProgress(
  counts: ImportCounts,
  elapsedMs: number,
  state: { finished?: boolean; cancelled?: boolean } = {},
): ImportProgress {
  const read = counts.done - counts.skipped;
  const photosPerSecond = elapsedMs > 0 ? (read * 1000) / elapsedMs : 0;
  const left = counts.total - counts.done;
  const remainingMs = left === 0 ? 0 : photosPerSecond > 0 ? (left / photosPerSecond) * 1000 : null;
  return {
    ...counts,
    elapsedMs,
    photosPerSecond,
    remainingMs,
    finished: state.finished ?? false,
    cancelled: state.cancelled ?? false,
  };
}

/** "about 2 min left", for people; rounded so the text does not flicker every photo. */
export function describeTimeLeft(remainingMs: number | null): string {
  if (remainingMs === null) return 'estimating time left…';
  const s = Math.ceil(remainingMs / 1000);
  if (s <= 0) return 'done';
  if (s < 60) return `about ${s < 10 ? s : Math.ceil(s / 5) * 5} s left`;
  const min = Math.round(s / 60);
  return min < 60 ? `about ${min} min left` : `about ${Math.floor(min / 60)} h ${min % 60} min left`;
}

/** What identifies a picked file across reloads: its path in the picked folder (or name), size and date. */
export function fileIdentity(file: {
  name: string;
  size: number;
  lastModified: number;
  webkitRelativePath?: string;
}): string {
  return `${file.webkitRelativePath || file.name}\u0000${file.size}\u0000${file.lastModified}`;
}

/** A one-way fingerprint of fileIdentity, so the store does not keep file names in clear. */
export async function fileKey(file: {
  name: string;
  size: number;
  lastModified: number;
  webkitRelativePath?: string;
}): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(fileIdentity(file)));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
