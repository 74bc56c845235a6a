// Bringing faces up to date after a model change from a kept import's folder, picked again. Pure: which picked
// files are the photos the import read (same path, size and date: the import's own fingerprint of each), which
// out-of-date faces they hold (templates of people named from them, and the import's own unnamed faces), and which
// face found again in a photo is which. Nothing of the old model is compared with the new: a face is tied to its
// template or import face by the photo and the box alone.
import { intersectionOverUnion, type Box } from './detection-geometry';

/** A file of the folder as picked now: its path in the folder and its fingerprint (`fileKey`). */
export interface PickedFile {
  path: string;
  key: string;
}

/** A template made by another model, with the photo (path in the imported folder) and box it came from. */
export interface OutdatedTemplate {
  kind: 'template';
  templateId: string;
  personId: string;
  sourceName: string;
  box: Box;
}

/** An unnamed face of the import made by another model, with its photo and box. */
export interface OutdatedImportFace {
  kind: 'import-face';
  faceId: string;
  sourceName: string;
  box: Box;
}

export type OutdatedFace = OutdatedTemplate | OutdatedImportFace;

export interface ReembedPlan<T extends OutdatedFace = OutdatedFace> {
  /** The photos to read again, each with the out-of-date faces (templates and import faces) made from it. */
  photos: { path: string; faces: T[] }[];
  /** Picked files the import read, unchanged (path, size and date all the same). */
  unchanged: number;
  /** Paths the import knows (a face of it, or a template from it) whose file now differs: never trusted. */
  changed: string[];
  /** The import's photos not found unchanged in the folder (missing, or changed). */
  notFound: number;
}

/**
 * `importKeys`: the fingerprints of every photo the import read. `knownPaths`: the photo paths of its faces still
 * in the import. A face is re-read only from a picked file at its photo's path whose fingerprint the import
 * recorded, so a renamed, edited or different file is skipped and counted, never taken for the photo.
 */
export function planReembed<T extends OutdatedFace>(input: {
  importKeys: ReadonlySet<string>;
  knownPaths: ReadonlySet<string>;
  picked: readonly PickedFile[];
  outdated: readonly T[];
}): ReembedPlan<T> {
  const read = new Map<string, PickedFile>();
  const changed = new Set<string>();
  const templatePaths = new Set(input.outdated.map((t) => t.sourceName));
  for (const file of input.picked) {
    if (input.importKeys.has(file.key)) read.set(file.path, file);
    else if (input.knownPaths.has(file.path) || templatePaths.has(file.path)) changed.add(file.path);
  }
  const byPath = new Map<string, T[]>();
  for (const t of input.outdated) {
    if (!read.has(t.sourceName)) continue;
    const list = byPath.get(t.sourceName);
    if (list) list.push(t);
    else byPath.set(t.sourceName, [t]);
  }
  const unchanged = new Set([...read.values()].map((f) => f.key)).size;
  return {
    photos: [...byPath].sort(([a], [b]) => a.localeCompare(b)).map(([path, faces]) => ({ path, faces })),
    unchanged,
    changed: [...changed].sort(),
    notFound: Math.max(0, input.importKeys.size - unchanged),
  };
}

/** A face found again must overlap its template's box at least this much (the same detector finds the same box). */
export const SAME_FACE_IOU = 0.5;

/**
 * Pairs each template of a photo with the face found again in the same place, best overlaps first, each face at
 * most once. Returns, per template (in order), the index of its face, or null when none overlaps enough.
 */
export function matchFacesToTemplates(
  templates: readonly { box: Box }[],
  found: readonly { box: Box }[],
): (number | null)[] {
  const pairs: { t: number; f: number; iou: number }[] = [];
  templates.forEach((t, ti) =>
    found.forEach((f, fi) => {
      const iou = intersectionOverUnion(t.box, f.box);
      if (iou >= SAME_FACE_IOU) pairs.push({ t: ti, f: fi, iou });
    }),
  );
  pairs.sort((a, b) => b.iou - a.iou);
  const result: (number | null)[] = templates.map(() => null);
  const taken = new Set<number>();
  for (const { t, f } of pairs) {
    if (result[t] !== null || taken.has(f)) continue;
    result[t] = f;
    taken.add(f);
  }
  return result;
}
