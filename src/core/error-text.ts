// An error's own words, whatever was thrown (comlink, the browser and libraries may throw non-Errors).

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
