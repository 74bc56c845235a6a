// Finding photos by the people in them (all of / any of / none of), pure. A "who" is any id naming one person in the
// library: an enrolled person's id or an unnamed group's id.

export interface PeopleQuery {
  /** Every one of these is in the photo. */
  allOf: readonly string[];
  /** At least one of these is (ignored when empty). */
  anyOf: readonly string[];
  /** None of these is. */
  noneOf: readonly string[];
}

/** The photos matching the query, in the order given. A query naming nobody matches nothing (not every photo). */
export function photosMatching<P extends { who: readonly string[] }>(photos: readonly P[], query: PeopleQuery): P[] {
  if (query.allOf.length + query.anyOf.length + query.noneOf.length === 0) return [];
  return photos.filter(({ who }) => {
    const present = new Set(who);
    return (
      query.allOf.every((id) => present.has(id)) &&
      (query.anyOf.length === 0 || query.anyOf.some((id) => present.has(id))) &&
      !query.noneOf.some((id) => present.has(id))
    );
  });
}
