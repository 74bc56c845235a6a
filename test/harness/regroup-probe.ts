// For bench:cluster: the app's own regroup (PhotoImporter.regroup, the grouping worker, the store) of an import
// holding `count` synthetic faces, timed on this page with the longest main-thread task meanwhile. The faces are
// written straight into a scratch gallery (reading 10,000 photos would take an hour); everything after is the app's.
import { openGalleryStore, type NewImportFace } from '../../src/store/gallery-store';
import { PhotoImporter } from '../../src/facade/photo-imports';
import { startGroupingWorker } from '../../src/facade/worker-clients';
import { l2Normalize } from '../../src/core/vectors';
import { gaussianFrom, seededRandom } from '../../bench/seeded-random';
import calibrationData from '../../src/core/calibration-data.json';

export interface RegroupProbeResult {
  faces: number;
  groups: number;
  regroupMs: number;
  longestTaskMs: number;
  longTasks: number;
  suggestionsMs: number;
  suggestionsLongestTaskMs: number;
}

const unused = () => {
  throw new Error('not used by regroup');
};

export async function regroupProbe(count: number, people = Math.round(count / 5)): Promise<RegroupProbeResult> {
  const name = 'bench-regroup';
  const store = await openGalleryStore({ name });
  const grouping = startGroupingWorker();
  try {
    const job = await store.createImportJob('bench');
    const gaussian = gaussianFrom(seededRandom(44));
    const centres = Array.from({ length: people }, () => l2Normalize(Array.from({ length: 512 }, gaussian)));
    for (let start = 0; start < count; start += 250) {
      const faces: NewImportFace[] = Array.from({ length: Math.min(250, count - start) }, (_, k) => ({
        fileName: `synthetic/${start + k}.jpg`,
        box: { x: 0, y: 0, width: 100, height: 100 },
        detectionScore: 0.9,
        modelId: 'bench', // the importer's below: faces of another model would not be grouped
        problem: null,
        thumbnail: null,
        embedding: l2Normalize(
          Array.from(centres[(start + k) % people], (c) => c + (gaussian() * 0.75) / Math.sqrt(512)),
        ),
      }));
      await store.recordImportedFile(job.id, { fileKey: `k${start}`, faces: faces.length, error: null }, faces);
    }
    const importer = new PhotoImporter({
      store,
      session: { id: 'bench', liveSessions: async () => new Set(['bench']), release: () => undefined },
      threshold: calibrationData.threshold,
      modelId: 'bench',
      analyse: unused,
      embed: unused,
      audit: async () => undefined,
      enrolled: unused,
      assertUnlocked: () => undefined,
      lookAlike: async () => null,
      grouping: () => grouping.api,
      closestPerson: async () => null,
      shownPeople: async () => new Map(),
      templatesUpdated: async () => undefined,
    });
    const regroup = await withLongTasks(() => importer.regroup(job.id));
    const suggestions = await withLongTasks(() => importer.suggestions(job.id));
    const groups = new Set((await store.importFaces(job.id)).flatMap((f) => (f.groupId ? [f.groupId] : []))).size;
    return {
      faces: count,
      groups,
      regroupMs: regroup.ms,
      longestTaskMs: regroup.longest,
      longTasks: regroup.count,
      suggestionsMs: suggestions.ms,
      suggestionsLongestTaskMs: suggestions.longest,
    };
  } finally {
    grouping.worker.terminate();
    store.close();
    indexedDB.deleteDatabase(name);
  }
}

/** Runs `work`, recording the main thread's long tasks (over 50 ms, as the browser reports them) meanwhile. */
async function withLongTasks(work: () => Promise<unknown>): Promise<{ ms: number; longest: number; count: number }> {
  const durations: number[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) durations.push(e.duration);
  });
  observer.observe({ type: 'longtask' });
  const t0 = performance.now();
  await work();
  const ms = performance.now() - t0;
  await new Promise((resolve) => setTimeout(resolve, 100)); // long-task entries arrive after the task
  observer.disconnect();
  return { ms, longest: Math.max(0, ...durations), count: durations.length };
}
