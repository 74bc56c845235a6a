// Photo-library import and grouping by person, behind matcher.imports. Reads photos through the matcher's workers
// (detection of the next photo overlaps embedding of this one), commits each photo with its faces in one
// transaction (so a crash or reload keeps everything committed and a resumed import skips it), then groups the
// faces in the grouping worker (core/grouping-plan.ts). Faces belong to nobody until a group is named with consent:
// they are held for the tab's session only, unless kept for a recorded purpose and at most 30 days.
import { fileKey, importProgress, type ImportCounts, type ImportProgress } from '../core/import-progress';
import { enrolmentProblem } from '../core/face-quality';
import type { AuditAction } from '../core/audit';
import type { ConsentRecord } from '../core/consent';
import {
  NO_CONSTRAINTS,
  type GalleryStore,
  type ImportAnswer,
  type ImportConstraints,
  type ImportFaceRecord,
  type ImportFaceUpdate,
  type ImportJobRecord,
  type NewImportFace,
  type PersonRecord,
  type TemplateRecord,
} from '../store/gallery-store';
import { indexConstraints, linkThreshold } from '../core/grouping-plan';
import calibrationData from '../core/calibration-data.json';
import { SUGGESTION_MARGIN } from '../core/same-person';
import { present } from '../core/present';
import type { AnalysedFace, AnalysedPhoto, Box } from '../workers/worker-protocol';
import type { TabSession } from './tab-session';
import { sharedGalleryLock } from '../store/gallery-locks';
import type * as Comlink from 'comlink';
import type { GroupingApi } from '../workers/grouping.worker';
import {
  FacelocalError,
  outdatedFaces,
  type EnrolledLookAlike,
  type HeldImport,
  type ImportGroups,
  type ImportJob,
  type ImportRun,
  type ImportedFace,
  type Person,
  type PhotoImports,
  type SamePersonSuggestion,
  type FoundPhoto,
  type FaceWho,
  type FaceUpdate,
} from '../types';
import { photosMatching, type PeopleQuery } from '../core/photo-filter';
import { reenrolmentNeeded, splitByModel } from '../core/model-change';
import { matchFacesToTemplates, planReembed, type OutdatedFace } from '../core/reembed-plan';

export interface PhotoImportDeps {
  store: GalleryStore;
  session: TabSession;
  threshold: number;
  modelId: string;
  /** With `region`: only the face in that box of the photo (a face the detector missed, boxed by hand). */
  analyse(photo: Blob, region?: Box): Promise<AnalysedPhoto>;
  embed(crops: Uint8ClampedArray[]): Promise<Float32Array[]>;
  audit(action: AuditAction, outcome: string, personId?: string): Promise<void>;
  /** The matcher adds the new person to its search index and tells other tabs. */
  enrolled(person: PersonRecord, templates: TemplateRecord[]): Person;
  assertUnlocked(): void;
  /** The enrolled person these faces look like (the matcher's identification verdicts), if any. */
  lookAlike(embeddings: Float32Array[]): Promise<EnrolledLookAlike | null>;
  /** The grouping worker (started on first use): clustering must not hold up the page. */
  grouping(): Comlink.Remote<GroupingApi>;
  /** Enrolled people who may be shown (not restricted), by id: their names. */
  shownPeople(): Promise<Map<string, string>>;
  /** Templates were changed in the store (re-embedded): the matcher rebuilds its search index and tells other tabs. */
  templatesUpdated(): Promise<void>;
  /** The enrolled person whose template is closest to this face (any score), if anyone is enrolled. */
  closestPerson(embedding: Float32Array): Promise<{ personId: string; name: string; score: number } | null>;
}

/** The smallest box drawn around a missed face that is searched. */
const MIN_BOX_PX = 24;

export class PhotoImporter implements PhotoImports {
  running: ImportRun | null = null;
  private starting = false;
  /**
   * Face pictures of this tab's imports when the gallery keeps no thumbnails: shown while naming groups, never
   * stored, gone with the tab.
   */
  private readonly pictures = new Map<string, Blob>();

  constructor(private readonly deps: PhotoImportDeps) {}

  async start(
    photos: File[],
    options: { jobId?: string; onProgress?: (p: ImportProgress) => void } = {},
  ): Promise<ImportRun> {
    this.deps.assertUnlocked();
    if (this.starting || (this.running && !this.running.progress.finished))
      throw new FacelocalError('busy', 'An import is already running in this tab: wait for it or cancel it.');
    this.starting = true; // two quick picks must not start two runs
    try {
      const { store, session } = this.deps;
      const job = options.jobId
        ? (await store.listImportJobs()).find((j) => j.id === options.jobId)
        : await store.createImportJob(session.id);
      if (!job)
        throw new FacelocalError(
          'import-not-found',
          'This import is no longer on this device (it was discarded or its session ended).',
        );
      // Known before the run starts, so the caller can say at once how many photos a resumed import skips.
      const alreadyRead = await store.importedFileKeys(job.id);
      const keyed = await Promise.all(photos.map(async (photo) => ({ photo, key: await fileKey(photo) })));
      const todo = keyed.filter(({ key }) => !alreadyRead.has(key));
      // Held (shared, across tabs) while the run writes faces, so encryption cannot be turned on under it.
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      await sharedGalleryLock(store.name, released);
      try {
        await store.refreshSettings(); // encryption may have been turned on while we waited
        this.deps.assertUnlocked();
        this.running = new RunningImport(
          job.id,
          photos.length,
          todo,
          this.deps,
          () => this.regroup(job.id),
          (id, blob) => this.pictures.set(id, blob),
          options.onProgress,
        );
      } catch (error) {
        release();
        throw error;
      }
      this.running.done.then(release, release);
      return this.running;
    } finally {
      this.starting = false;
    }
  }

  async jobs(): Promise<ImportJob[]> {
    this.deps.assertUnlocked();
    const { store, session } = this.deps;
    const live = (await store.listImportJobs()).filter((j) => (j.keep && j.purpose) || j.sessionId === session.id);
    return Promise.all(live.map((j) => this.describe(j)));
  }

  async held(): Promise<HeldImport[]> {
    this.deps.assertUnlocked();
    const jobs = await this.deps.store.listImportJobs();
    return Promise.all(
      jobs.map(async (j) => ({
        ...(await this.describe(j)),
        thisSession: j.sessionId === this.deps.session.id && !(j.keep && j.purpose),
      })),
    );
  }

  private async describe(j: ImportJobRecord): Promise<ImportJob> {
    return {
      id: j.id,
      createdAt: j.createdAt,
      keep: j.keep && j.purpose !== null,
      purpose: j.purpose,
      retentionDays: j.retentionDays,
      expiresAt: j.expiresAt,
      photosRead: (await this.deps.store.importedFileKeys(j.id)).size,
      faces: await this.deps.store.countImportFaces(j.id),
    };
  }

  async groups(jobId: string): Promise<ImportGroups> {
    this.deps.assertUnlocked();
    // Faces of another model wait for an update: none of them is grouped, compared or offered for naming.
    const {
      current: faces,
      outdated,
      fromModels,
    } = splitByModel(await this.deps.store.importFaces(jobId), this.deps.modelId);
    const byGroup = new Map<string, ImportedFace[]>();
    const embeddings = new Map<string, Float32Array[]>();
    const unassigned: ImportedFace[] = [],
      poor: ImportedFace[] = [];
    for (const f of faces) {
      const shown = toImportedFace(f, this.pictures);
      if (f.problem) poor.push(shown);
      else if (f.groupId === null) unassigned.push(shown);
      else {
        pushTo(byGroup, f.groupId, shown);
        pushTo(embeddings, f.groupId, f.embedding);
      }
    }
    // Each group is checked against the people enrolled, so naming it cannot silently make a second record of someone.
    const { notPerson } = await this.constraintsOf(jobId);
    const lookAlike = async (members: ImportedFace[], id: string) => {
      const found = await this.deps.lookAlike(embeddings.get(id) ?? []);
      // "Not this person" sticks: a group said not to be someone is not offered as them again.
      return found &&
        !notPerson.some((n) => n.personId === found.personId && members.some((f) => n.faceIds.includes(f.id)))
        ? found
        : null;
    };
    const groups = (
      await Promise.all(
        [...byGroup].map(async ([id, members]) => ({
          id,
          faces: members,
          alreadyEnrolled: await lookAlike(members, id),
        })),
      )
    ).sort((a, b) => b.faces.length - a.faces.length || a.id.localeCompare(b.id));
    return {
      jobId,
      groups,
      unassigned,
      poor,
      outdated: { faces: outdated.map((f) => toImportedFace(f, this.pictures)), fromModels },
    };
  }

  /**
   * Groups the faces not in a group yet, keeping every group as it is (so merges, splits and moves survive):
   * a face that matches an existing group joins it, and the rest are clustered among themselves.
   */
  async regroup(jobId: string): Promise<void> {
    const faces = (await this.currentFaces(jobId)).filter((f) => !f.problem);
    const grouped = faces.flatMap((f) => (f.groupId === null ? [] : [{ ...f, groupId: f.groupId }]));
    const loose = faces.filter((f) => f.groupId === null);
    if (loose.length === 0) return;
    const groupIds = [...new Set(grouped.map((f) => f.groupId))];
    const groupIndex = new Map(groupIds.map((id, i) => [id, i]));
    const plan = await this.deps.grouping().planGrouping({
      grouped: grouped.map((f) => ({
        embedding: f.embedding,
        group: present(groupIndex.get(f.groupId), "a group's index"),
      })),
      groupCount: groupIds.length,
      loose: loose.map((f) => f.embedding),
      threshold: linkThreshold(this.deps.threshold, faces.length, calibrationData.strangerTails),
      // The user's answers bind every regroup: a face removed from a group never goes back by itself.
      constraints: indexConstraints(
        [...grouped, ...loose].map((f) => f.id),
        await this.constraintsOf(jobId),
      ),
    });
    const assignments: { faceId: string; groupId: string | null }[] = [];
    plan.joins.forEach((g, i) => {
      if (g !== null) assignments.push({ faceId: loose[i].id, groupId: groupIds[g] });
    });
    for (const members of plan.newGroups) {
      const groupId = crypto.randomUUID();
      for (const i of members) assignments.push({ faceId: loose[i].id, groupId });
    }
    if (assignments.length) await this.deps.store.setImportGroups(jobId, assignments);
  }

  /** The import's faces the running model may compare: those it embedded (see core/model-change.ts). */
  private async currentFaces(jobId: string): Promise<ImportFaceRecord[]> {
    return splitByModel(await this.deps.store.importFaces(jobId), this.deps.modelId).current;
  }

  private async constraintsOf(jobId: string): Promise<ImportConstraints> {
    const job = (await this.deps.store.listImportJobs()).find((j) => j.id === jobId);
    if (!job)
      throw new FacelocalError(
        'import-not-found',
        'This import is no longer on this device (it was discarded or its session ended).',
      );
    return job.constraints ?? NO_CONSTRAINTS;
  }

  async mergeGroups(jobId: string, groupIds: string[]): Promise<void> {
    this.deps.assertUnlocked();
    if (groupIds.length < 2) return;
    const into = groupIds[0];
    const faces = await this.deps.store.importFaces(jobId);
    // A merge by hand is a "Yes, same person": later grouping keeps them together.
    const members = faces.filter((f) => f.groupId !== null && groupIds.includes(f.groupId));
    await this.deps.store.setImportGroups(
      jobId,
      members.filter((f) => f.groupId !== into).map((f) => ({ faceId: f.id, groupId: into })),
      [{ kind: 'same', faceIds: members.map((f) => f.id) }],
    );
  }

  async splitGroup(jobId: string, groupId: string): Promise<number> {
    this.deps.assertUnlocked();
    // Only faces of the running model are compared; any of another model stays in the group until updated.
    const members = (await this.currentFaces(jobId)).filter((f) => f.groupId === groupId);
    const parts = await this.deps.grouping().planSplit(
      members.map((f) => f.embedding),
      this.deps.threshold,
    );
    // The largest part keeps the group's id (and so does any face that fits no part: moving it is the user's call).
    const assignments = members.map((f) => ({ faceId: f.id, groupId: groupId as string | null }));
    parts.slice(1).forEach((part) => {
      const id = crypto.randomUUID();
      for (const i of part) assignments[i].groupId = id;
    });
    // A split by hand says the parts are different people: no later answer or regroup joins them by itself.
    const answers: ImportAnswer[] = parts.slice(1).map((part) => ({
      kind: 'different',
      a: part.map((i) => members[i].id),
      b: members.filter((_, i) => !part.includes(i)).map((f) => f.id),
    }));
    await this.deps.store.setImportGroups(jobId, assignments, answers);
    return Math.max(1, parts.length);
  }

  async moveFaces(jobId: string, faceIds: string[], to: string | 'new' | null): Promise<void> {
    this.deps.assertUnlocked();
    const groupId = to === 'new' ? crypto.randomUUID() : to; // all of them into one new group
    // "Not this person": each face taken out of a group is remembered as not the faces it leaves there.
    const faces = await this.deps.store.importFaces(jobId);
    const moving = new Set(faceIds);
    const answers: ImportAnswer[] = [];
    for (const from of new Set(
      faces.flatMap((f) => (moving.has(f.id) && f.groupId !== null && f.groupId !== groupId ? [f.groupId] : [])),
    )) {
      const leaving = faces.filter((f) => f.groupId === from && moving.has(f.id)).map((f) => f.id);
      const staying = faces.filter((f) => f.groupId === from && !moving.has(f.id)).map((f) => f.id);
      if (staying.length) answers.push({ kind: 'different', a: leaving, b: staying });
    }
    if (groupId !== null) {
      const joined = faces.filter((f) => f.groupId === groupId).map((f) => f.id);
      if (joined.length) answers.push({ kind: 'same', faceIds: [...faceIds, ...joined] });
    }
    // One transaction: it fails whole (import-not-found) if a face has left the import meanwhile.
    await this.deps.store.setImportGroups(
      jobId,
      faceIds.map((faceId) => ({ faceId, groupId })),
      answers,
    );
  }

  async suggestions(jobId: string, options: { limit?: number } = {}): Promise<SamePersonSuggestion[]> {
    this.deps.assertUnlocked();
    const limit = options.limit ?? 20;
    const faces = (await this.currentFaces(jobId)).filter((f) => !f.problem);
    const constraints = await this.constraintsOf(jobId);
    // Clusters: each group, then each face in no group on its own.
    const byGroup = new Map<string, ImportFaceRecord[]>();
    for (const f of faces) if (f.groupId !== null) pushTo(byGroup, f.groupId, f);
    const clusters: ImportFaceRecord[][] = [
      ...byGroup.values(),
      ...faces.filter((f) => f.groupId === null).map((f) => [f]),
    ];
    const ordered = clusters.flat();
    const position = new Map(ordered.map((f, i) => [f.id, i]));
    const pairs = await this.deps.grouping().samePersonPairs({
      clusters: clusters.map((c) => c.map((f) => present(position.get(f.id), "a face's position"))),
      embeddings: ordered.map((f) => f.embedding),
      threshold: linkThreshold(this.deps.threshold, faces.length, calibrationData.strangerTails),
      cannotLink: indexConstraints(
        ordered.map((f) => f.id),
        constraints,
      ).cannotLink,
      limit,
    });
    const side = (c: ImportFaceRecord[]): SamePersonSuggestion['a'] =>
      c[0].groupId === null
        ? { kind: 'face', face: toImportedFace(c[0], this.pictures) }
        : { kind: 'group', groupId: c[0].groupId, faces: c.map((f) => toImportedFace(f, this.pictures)) };
    const found: SamePersonSuggestion[] = pairs.map((p) => ({
      a: side(clusters[p.a]),
      b: side(clusters[p.b]),
      similarity: p.similarity,
    }));
    // Group (or face) ↔ enrolled person: the closest template near the threshold, unless answered No before.
    for (const c of clusters) {
      let best: { personId: string; name: string; score: number } | null = null;
      for (const f of c) {
        const near = await this.deps.closestPerson(f.embedding);
        if (near && (!best || near.score > best.score)) best = near;
      }
      if (!best || best.score < this.deps.threshold - SUGGESTION_MARGIN) continue;
      const ids = new Set(c.map((f) => f.id));
      if (constraints.notPerson.some((n) => n.personId === best.personId && n.faceIds.some((id) => ids.has(id))))
        continue;
      // A group the look-alike check already ties to this person is offered there ("add to…"), not asked again.
      if (c[0].groupId !== null && (await this.deps.lookAlike(c.map((f) => f.embedding)))?.personId === best.personId)
        continue;
      found.push({
        a: side(c),
        b: { kind: 'person', personId: best.personId, name: best.name },
        similarity: best.score,
      });
    }
    return found.sort((x, y) => y.similarity - x.similarity).slice(0, limit);
  }

  async findPhotos(jobId: string, query: PeopleQuery, fileNames: string[]): Promise<FoundPhoto[]> {
    this.deps.assertUnlocked();
    const wanted = new Set(fileNames);
    const byPhoto = new Map<string, { box: FoundPhoto['faces'][number]['box']; who: FaceWho }[]>();
    const add = (fileName: string, face: { box: FoundPhoto['faces'][number]['box']; who: FaceWho }) => {
      if (wanted.has(fileName)) pushTo(byPhoto, fileName, face);
    };
    await this.constraintsOf(jobId); // the import must still be here
    for (const f of await this.deps.store.importFaces(jobId))
      add(f.fileName, { box: f.box, who: f.groupId === null ? null : { kind: 'group', groupId: f.groupId } });
    // Named faces have left the import as templates, which keep the photo's name.
    const people = await this.deps.shownPeople();
    for (const t of await this.deps.store.allTemplates()) {
      const name = people.get(t.personId);
      if (name !== undefined) add(t.sourceName, { box: t.box, who: { kind: 'person', personId: t.personId, name } });
    }
    const photos = [...byPhoto].map(([fileName, faces]) => ({
      fileName,
      faces,
      who: faces.flatMap((f) => (f.who ? [f.who.kind === 'person' ? f.who.personId : f.who.groupId] : [])),
    }));
    return photosMatching(photos, query)
      .sort((a, b) => a.fileName.localeCompare(b.fileName))
      .map(({ fileName, faces }) => ({ fileName, faces }));
  }

  async addFace(jobId: string, photo: File, box: Box): Promise<ImportedFace> {
    this.deps.assertUnlocked();
    // Smaller than this, no face could pass the quality gate anyway (40 px), so none is looked for.
    const valid =
      [box.x, box.y, box.width, box.height].every(Number.isFinite) &&
      box.width >= MIN_BOX_PX &&
      box.height >= MIN_BOX_PX;
    if (!valid)
      throw new FacelocalError(
        'no-face',
        `Draw the box around the face, at least ${MIN_BOX_PX} pixels of the photo each way.`,
      );
    const key = await fileKey(photo);
    if (!(await this.deps.store.importedFileKeys(jobId)).has(key))
      throw new FacelocalError(
        'import-not-found',
        'This import has not read this photo: import it first, then add a face it missed.',
      );
    const analysed = await this.deps.analyse(photo, box);
    const found = analysed.faces[0];
    if (!found)
      throw new FacelocalError(
        'no-face',
        'No face could be read in that box. Draw it around one face, a little larger than the face; a face turned far away or hidden cannot be read.',
      );
    const [embedding] = await this.deps.embed([found.aligned]);
    const saved = await this.deps.store.addImportFace(jobId, key, {
      fileName: photo.webkitRelativePath || photo.name,
      box: found.box,
      detectionScore: found.score,
      embedding,
      modelId: this.deps.modelId,
      problem: enrolmentProblem(found.quality),
      thumbnail: found.thumbnail ? { type: 'image/jpeg', bytes: found.thumbnail } : null,
    });
    if (!saved.thumbnail && found.thumbnail)
      this.pictures.set(saved.id, new Blob([found.thumbnail], { type: 'image/jpeg' }));
    await this.deps.audit('photo-import', 'a face the detector missed was added by hand');
    await this.regroup(jobId);
    const now = (await this.deps.store.importFaces(jobId)).find((f) => f.id === saved.id);
    return toImportedFace(now ?? saved, this.pictures);
  }

  async answerSuggestion(jobId: string, suggestion: SamePersonSuggestion, same: boolean): Promise<void> {
    this.deps.assertUnlocked();
    const faceIdsOf = (s: SamePersonSuggestion['a']) => (s.kind === 'group' ? s.faces.map((f) => f.id) : [s.face.id]);
    const a = faceIdsOf(suggestion.a);
    const { b } = suggestion;
    if (b.kind === 'person') {
      if (!same) {
        await this.deps.store.setImportGroups(jobId, [], [{ kind: 'not-person', faceIds: a, personId: b.personId }]);
        return;
      }
      const saved = await this.deps.store.addFromImport(b.personId, a, this.deps.modelId);
      await this.deps.audit('add-photos', `${saved.templates.length} added from a "same person?" answer`, b.personId);
      this.deps.enrolled(saved.person, saved.templates);
      return;
    }
    const bIds = faceIdsOf(b);
    if (!same) {
      await this.deps.store.setImportGroups(jobId, [], [{ kind: 'different', a, b: bIds }]);
      return;
    }
    // Yes: one group (a group's id is kept; two loose faces get a new one), held together from now on.
    const into =
      suggestion.a.kind === 'group' ? suggestion.a.groupId : b.kind === 'group' ? b.groupId : crypto.randomUUID();
    const all = [...a, ...bIds];
    await this.deps.store.setImportGroups(
      jobId,
      all.map((faceId) => ({ faceId, groupId: into })),
      [{ kind: 'same', faceIds: all }],
    );
  }

  async enrolGroup(jobId: string, groupId: string, person: { name: string; consent: ConsentRecord }): Promise<Person> {
    this.deps.assertUnlocked();
    let saved: { person: PersonRecord; templates: TemplateRecord[] };
    try {
      const members = await this.membersToName(jobId, groupId);
      saved = await this.deps.store.enrolFromImport(
        person,
        members.map((f) => f.id),
        this.deps.modelId,
      );
    } catch (error) {
      if (error instanceof FacelocalError)
        await this.deps.audit('enrol', `refused from an import group: ${error.code}`);
      throw error;
    }
    await this.deps.audit(
      'enrol',
      `enrolled from an import group of ${saved.templates.length} face(s)`,
      saved.person.id,
    );
    return this.deps.enrolled(saved.person, saved.templates);
  }

  async addGroupTo(jobId: string, groupId: string, personId: string): Promise<Person> {
    this.deps.assertUnlocked();
    const members = await this.membersToName(jobId, groupId);
    const saved = await this.deps.store.addFromImport(
      personId,
      members.map((f) => f.id),
      this.deps.modelId,
    );
    await this.deps.audit('add-photos', `${saved.templates.length} added from an import group`, personId);
    const person = this.deps.enrolled(saved.person, saved.templates);
    return { ...person, templateCount: (await this.deps.store.templatesOf(personId)).length };
  }

  /**
   * The faces of a group that may become templates: those of the running model (a template records its model, so
   * one of another model's faces would claim the wrong one). Those of another model stay in the import, waiting for
   * an update; a group of nothing else is refused ('outdated-faces').
   */
  private async membersToName(jobId: string, groupId: string): Promise<ImportFaceRecord[]> {
    const members = (await this.deps.store.importFaces(jobId)).filter((f) => f.groupId === groupId);
    if (members.length === 0) throw new FacelocalError('import-not-found', 'This group is no longer in the import.');
    const { current, fromModels } = splitByModel(members, this.deps.modelId);
    if (current.length === 0) throw outdatedFaces(fromModels);
    return current;
  }

  async updateFaces(jobId: string, folderFiles: File[]): Promise<FaceUpdate> {
    this.deps.assertUnlocked();
    const { store, modelId } = this.deps;
    await this.constraintsOf(jobId); // the import must still be here
    const importKeys = await store.importedFileKeys(jobId);
    const importFaces = await store.importFaces(jobId);
    const knownPaths = new Set(importFaces.map((f) => f.fileName));
    const picked = await Promise.all(
      folderFiles.map(async (file) => ({ file, path: file.webkitRelativePath || file.name, key: await fileKey(file) })),
    );
    // Restricted people are left as they are: re-embedding their faces would be processing them.
    const names = await this.deps.shownPeople();
    const templates = await store.allTemplates();
    const outdated: OutdatedFace[] = [
      ...templates
        .filter((t) => t.modelId !== modelId && names.has(t.personId))
        .map((t) => ({
          kind: 'template' as const,
          templateId: t.id,
          personId: t.personId,
          sourceName: t.sourceName,
          box: t.box,
        })),
      // The import's own faces of another model: updated, they are grouped and compared again (groups kept).
      ...splitByModel(importFaces, modelId).outdated.map((f) => ({
        kind: 'import-face' as const,
        faceId: f.id,
        sourceName: f.fileName,
        box: f.box,
      })),
    ];
    const plan = planReembed({ importKeys, knownPaths, picked, outdated });
    if (plan.unchanged === 0)
      throw new FacelocalError(
        'not-this-folder',
        `None of the files in this folder is a photo this import read (same place in the folder, same size and date), so nothing was changed. Choose the folder the photos were imported from${
          plan.changed.length
            ? `; ${plan.changed.length} of its photos are here but have changed since (size or date), so they are not trusted`
            : ''
        }.`,
      );
    const files = new Map(picked.map((p) => [p.path, p.file]));
    const updates: Parameters<GalleryStore['reembedTemplates']>[1] = [];
    const faceUpdates: ImportFaceUpdate[] = [];
    let facesNotFound = 0;
    for (const photo of plan.photos) {
      const file = present(files.get(photo.path), 'a planned photo');
      const analysed = await this.analyseForUpdate(file);
      if (!analysed) {
        facesNotFound += photo.faces.length; // unreadable now: its faces are left as they were
        continue;
      }
      // Templates and import faces of one photo together: each face found again goes to one of them only.
      const matched = matchFacesToTemplates(photo.faces, analysed.faces);
      const found: { t: OutdatedFace; face: AnalysedFace }[] = [];
      for (const [i, t] of photo.faces.entries()) {
        const m = matched[i];
        // A face added by hand (the detector missed it) is looked for again in its own box, as it was then.
        const face = m !== null ? analysed.faces[m] : await this.faceInBox(file, t.box);
        if (face) found.push({ t, face });
        else facesNotFound++;
      }
      if (found.length === 0) continue;
      const embeddings = await this.deps.embed(found.map((f) => f.face.aligned));
      found.forEach(({ t, face }, i) => {
        const again = { embedding: embeddings[i], box: face.box, detectionScore: face.score };
        if (t.kind === 'template') updates.push({ templateId: t.templateId, personId: t.personId, ...again });
        else faceUpdates.push({ faceId: t.faceId, jobId, ...again });
      });
    }
    const before = reenrolmentNeeded(templates, modelId);
    if (updates.length || faceUpdates.length) {
      // One transaction: every face is updated, or none (a photo or face removed meanwhile: nothing changes).
      await store.reembedTemplates(modelId, updates, faceUpdates);
      if (updates.length) await this.deps.templatesUpdated();
      const perPerson = new Map<string, number>();
      for (const u of updates) perPerson.set(u.personId, (perPerson.get(u.personId) ?? 0) + 1);
      for (const [personId, n] of perPerson)
        await this.deps.audit(
          'reembed',
          `${n} face(s) embedded again by the model in use, from an import's folder`,
          personId,
        );
      if (faceUpdates.length) {
        await this.deps.audit(
          'reembed',
          `${faceUpdates.length} unnamed face(s) of an import embedded again by the model in use, from its folder`,
        );
        await this.regroup(jobId); // faces in no group may now join one, or form their own
      }
    }
    const after = reenrolmentNeeded(await store.allTemplates(), modelId);
    return {
      photosRead: plan.photos.length,
      facesReembedded: updates.length,
      unnamedFacesReembedded: faceUpdates.length,
      facesNotFound,
      peopleUpdated: [...before.keys()]
        .filter((id) => !after.has(id) && names.has(id))
        .map((personId) => ({ personId, name: names.get(personId) ?? '?' })),
      stillNeedReenrolling: [...after.keys()].filter((id) => names.has(id)).length,
      photosMissing: Math.max(0, plan.notFound - plan.changed.length),
      photosChanged: plan.changed,
    };
  }

  /** The face found in this box of the photo, if it fills the box as the template's face did. */
  private async faceInBox(file: File, box: Box): Promise<AnalysedFace | null> {
    const inBox = await this.analyseForUpdate(file, box);
    const [m] = matchFacesToTemplates([{ box }], inBox?.faces ?? []);
    return m === null || !inBox ? null : inBox.faces[m];
  }

  /** A photo read again for updateFaces: null if it cannot be read now (its faces are then left as they were). */
  private async analyseForUpdate(file: File, region?: Box): Promise<AnalysedPhoto | null> {
    try {
      return await this.deps.analyse(file, region);
    } catch (error) {
      if (isWorkerCrash(error)) throw error; // nothing is stored yet: trying again works
      return null;
    }
  }

  async setKept(jobId: string, keeping: { purpose: string; days: number } | null): Promise<void> {
    this.deps.assertUnlocked();
    const job = await this.deps.store.setImportKept(jobId, keeping);
    // The purpose stays with the import, not in the log (it is free text).
    await this.deps.audit(
      'photo-import',
      job.keep
        ? `unnamed faces kept beyond this session for ${job.retentionDays} day(s), purpose recorded`
        : 'unnamed faces held for this session only',
    );
  }

  async discard(jobId: string): Promise<void> {
    if (this.running?.jobId === jobId) this.running.cancel();
    await this.deps.store.discardImport(jobId);
    await this.deps.audit('photo-import-erased', 'discarded: its faces and records erased');
  }
}

class RunningImport implements ImportRun {
  readonly failures: ImportRun['failures'] = [];
  readonly done: Promise<ImportProgress>;
  private counts: ImportCounts;
  private readonly startedAt = performance.now();
  private cancelled = false;
  /** Set when a commit failed (a full disk): grouping, which writes too, waits for a later run. */
  private stoppedByError = false;
  private finished = false;

  constructor(
    readonly jobId: string,
    total: number,
    private readonly todo: { photo: File; key: string }[],
    private readonly deps: PhotoImportDeps,
    private readonly groupFaces: () => Promise<void>,
    private readonly remember: (faceId: string, picture: Blob) => void,
    private readonly onProgress?: (p: ImportProgress) => void,
  ) {
    const skipped = total - todo.length;
    this.counts = { total, done: skipped, skipped, faces: 0, failed: 0 };
    this.done = this.run();
  }

  get progress(): ImportProgress {
    return importProgress(this.counts, performance.now() - this.startedAt, {
      finished: this.finished,
      cancelled: this.cancelled,
    });
  }

  cancel(): void {
    this.cancelled = true;
  }

  private report(): void {
    this.onProgress?.(this.progress);
  }

  private async run(): Promise<ImportProgress> {
    const todo = this.todo;
    await this.deps.audit(
      'photo-import',
      `started: ${this.counts.total} photo(s) picked, ${this.counts.skipped} already read`,
    );
    this.report();
    // Detection of the next photo runs in the detector worker while this one is embedded in the embedder worker.
    let next = todo.length ? this.analyseSafely(todo[0].photo) : null;
    for (let i = 0; i < todo.length && !this.cancelled; i++) {
      if (!next) break; // only after a cancel, which the loop's condition has seen
      const analysed = await next;
      next = i + 1 < todo.length && !this.cancelled ? this.analyseSafely(todo[i + 1].photo) : null;
      try {
        await this.commitWithRetry(todo[i].photo, todo[i].key, analysed);
      } catch (error) {
        if (isWorkerCrash(error)) {
          // Died twice on this photo: it is left unread (not committed), so resuming the import reads it again.
          this.counts.failed++;
          this.failures.push({ fileName: todo[i].photo.name, ...codeAndMessage(error) });
          this.counts.done++;
          this.report();
          continue;
        }
        // A full disk or a discarded import stops the batch: nothing further could be kept.
        this.cancelled = true;
        this.stoppedByError = true;
        this.counts.failed++;
        this.failures.push({ fileName: todo[i].photo.name, ...codeAndMessage(error) });
      }
      this.counts.done++;
      this.report();
    }
    await next?.catch(() => undefined);
    // Even a cancelled import groups what it read; a failure here leaves the faces ungrouped, not lost.
    if (!this.stoppedByError)
      await this.groupFaces().catch((error: unknown) => this.failures.push({ fileName: '', ...codeAndMessage(error) }));
    this.finished = true;
    const p = this.progress;
    await this.deps.audit(
      'photo-import',
      `${p.cancelled ? 'cancelled' : 'finished'}: ${p.done - p.skipped} read, ${p.skipped} already read, ${p.failed} failed, ${p.faces} face(s)`,
    );
    this.report();
    return p;
  }

  private analyseSafely(photo: File): Promise<AnalysedPhoto | FacelocalError> {
    return this.deps
      .analyse(photo)
      .catch((error: unknown) =>
        error instanceof FacelocalError ? error : new FacelocalError('unreadable-file', String(error)),
      );
  }

  /**
   * A worker that died while reading this photo has been restarted by then (worker-clients.ts): read the photo
   * once more rather than lose it. (Its crops went to the dead worker, so it is read from the file again.)
   */
  private async commitWithRetry(photo: File, key: string, analysed: AnalysedPhoto | FacelocalError): Promise<void> {
    try {
      await this.commit(photo, key, analysed);
    } catch (error) {
      if (!isWorkerCrash(error)) throw error;
      await this.commit(photo, key, await this.analyseSafely(photo));
    }
  }

  private async commit(photo: File, key: string, analysed: AnalysedPhoto | FacelocalError): Promise<void> {
    if (isWorkerCrash(analysed)) throw analysed; // not the photo's fault: never recorded as read
    if (analysed instanceof FacelocalError) {
      this.counts.failed++;
      this.failures.push({ fileName: photo.name, code: analysed.code, message: analysed.message });
      await this.deps.store.recordImportedFile(this.jobId, { fileKey: key, faces: 0, error: analysed.code }, []);
      return;
    }
    const embeddings = analysed.faces.length ? await this.deps.embed(analysed.faces.map((f) => f.aligned)) : [];
    const faces: NewImportFace[] = analysed.faces.map((f, i) => ({
      fileName: photo.webkitRelativePath || photo.name,
      box: f.box,
      detectionScore: f.score,
      embedding: embeddings[i],
      modelId: this.deps.modelId,
      problem: enrolmentProblem(f.quality),
      thumbnail: f.thumbnail ? { type: 'image/jpeg', bytes: f.thumbnail } : null,
    }));
    const saved = await this.deps.store.recordImportedFile(
      this.jobId,
      { fileKey: key, faces: faces.length, error: null },
      faces,
    );
    // The store drops the pictures when the gallery keeps no thumbnails: this tab keeps them in memory to name groups.
    saved.forEach((r, i) => {
      const picture = faces[i].thumbnail;
      if (!r.thumbnail && picture) this.remember(r.id, new Blob([picture.bytes], { type: 'image/jpeg' }));
    });
    this.counts.faces += faces.length;
  }
}

function toImportedFace(f: ImportFaceRecord, pictures: ReadonlyMap<string, Blob>): ImportedFace {
  const thumbnail = f.thumbnail
    ? new Blob([f.thumbnail.bytes], { type: f.thumbnail.type })
    : (pictures.get(f.id) ?? null);
  return { id: f.id, fileName: f.fileName, box: f.box, thumbnail, problem: f.problem, groupId: f.groupId };
}

/** Appends to a list in a map (one pass over thousands of faces, not a copy per face). */
function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function isWorkerCrash(error: unknown): error is FacelocalError {
  return error instanceof FacelocalError && error.code === 'worker-crashed';
}

function codeAndMessage(error: unknown): { code: FacelocalError['code']; message: string } {
  return error instanceof FacelocalError
    ? { code: error.code, message: error.message }
    : { code: 'unreadable-file', message: String(error) };
}
