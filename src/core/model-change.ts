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
