// When the embedding model changes, templates from the old one cannot be compared with new embeddings (their
// numbers mean something else). Pure: which templates a search may use, and who needs re-enrolling. Names, consent
// records and retention are untouched: only the templates are set aside until new photos are added.

export interface ModelledTemplate {
  personId: string;
  /** The embedding model that made the template (the running model's id for new ones). */
  modelId: string;
}

/** The templates a search by `modelId` may compare against: that model's only. */
export function comparableTemplates<T extends ModelledTemplate>(templates: readonly T[], modelId: string): T[] {
  return templates.filter((t) => t.modelId === modelId);
}

/**
 * People with no template of the running model, each with the model(s) their templates came from: they cannot be
 * recognised until they are re-enrolled (new photos embedded by the running model).
 */
export function reenrolmentNeeded(templates: readonly ModelledTemplate[], modelId: string): Map<string, string[]> {
  const current = new Set<string>(),
    other = new Map<string, Set<string>>();
  for (const t of templates) {
    if (t.modelId === modelId) current.add(t.personId);
    else other.set(t.personId, (other.get(t.personId) ?? new Set()).add(t.modelId));
  }
  return new Map(
    [...other]
      .filter(([personId]) => !current.has(personId))
      .map(([personId, models]) => [personId, [...models].sort()]),
  );
}

/**
 * The model of an import face stored before import faces recorded theirs. Until then every release ran one set-up
 * (this package, version and file, default pre-processing: the model has never changed in a release), so a face
 * stored without an id was made by it. Frozen: it names the model that made those faces, and must not follow the
 * running model when that changes (test/unit/model-change.test.ts checks it against the manifest of its time).
 */
export const UNRECORDED_IMPORT_FACE_MODEL = 'faceplugin-face-recognition-js@0.0.1 fr_feature.onnx';

/** An import face's model: the one it records, or, for a face stored before faces recorded it, the one of its time. */
export function importFaceModel(recorded: string | undefined): string {
  return recorded ?? UNRECORDED_IMPORT_FACE_MODEL;
}

/**
 * The id a model and its pre-processing give every embedding they make: other pre-processing makes other numbers,
 * so it is part of the id (the default adds nothing).
 */
export function embedderModelId(entry: { package: string; version: string; file: string }, preprocessing: string[]) {
  const extra = preprocessing.filter(Boolean).join(', ');
  return `${entry.package}@${entry.version} ${entry.file}${extra ? ` (${extra})` : ''}`;
}

/**
 * Faces split by the model that made them: those the running model may compare (group, suggest, check against
 * people, enrol), and those waiting to be embedded again by it, with the models they came from.
 */
export function splitByModel<T extends { modelId: string }>(
  faces: readonly T[],
  modelId: string,
): { current: T[]; outdated: T[]; fromModels: string[] } {
  const current: T[] = [],
    outdated: T[] = [];
  for (const f of faces) (f.modelId === modelId ? current : outdated).push(f);
  return { current, outdated, fromModels: [...new Set(outdated.map((f) => f.modelId))].sort() };
}
