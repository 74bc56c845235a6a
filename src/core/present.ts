// For lookups whose entry the surrounding code guarantees (a key just inserted, a row within bounds): a missing
// entry is a bug here, so it throws at once rather than letting `undefined` flow on as a number or an object.

/** `value`, or an internal error naming `what` was missing. */
export function present<T>(value: T | null | undefined, what: string): T {
  if (value === undefined || value === null) throw new Error(`internal: ${what} is missing`);
  return value;
}
