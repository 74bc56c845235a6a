// What a face template must be before anything stores or searches it: TEMPLATE_DIM finite float32 numbers of unit
// length. Search scores are dot products, so a template scaled ×1e6, holding Infinity or NaN, or all zeros would
// outscore (or poison) every honest one: a forged export could otherwise make every stranger "match" its person.
// One pure check, used by the import file check, the gallery store and the in-memory search index alike.
import { FacelocalError } from '../types';

export const TEMPLATE_DIM = 512;
/** |‖v‖ − 1| allowed: float32 rounding of a normalised 512-d vector stays far inside it (about 1e-7). */
export const UNIT_NORM_TOLERANCE = 1e-3;

/**
 * Why `values` is not a valid template (a sentence for people), or null when it is one. Values are judged as the
 * float32 numbers they would be stored as: 1e39 is finite in JSON but Infinity in a Float32Array.
 */
export function templateProblem(values: unknown, dim = TEMPLATE_DIM): string | null {
  if (!isArrayLike(values)) return 'a face template must be a list of numbers.';
  if (values.length !== dim) return `a face template must have ${dim} numbers, not ${values.length}.`;
  let sumSquares = 0;
  for (let i = 0; i < dim; i++) {
    const x = values[i];
    if (typeof x !== 'number' || !Number.isFinite(x))
      return `number ${i + 1} of the face template is not a finite number (${describe(x)}).`;
    const f = Math.fround(x);
    if (!Number.isFinite(f))
      return `number ${i + 1} of the face template (${x}) is too large to store (it would become Infinity).`;
    sumSquares += f * f;
  }
  const norm = Math.sqrt(sumSquares);
  if (!Number.isFinite(norm)) return "the face template's length overflows: it is not a normalised template.";
  if (Math.abs(norm - 1) > UNIT_NORM_TOLERANCE)
    return `the face template's length is ${formatNorm(norm)}, not 1: it is not a normalised template.`;
  return null;
}

/** Throws 'invalid-template' (the one code for this meaning) with the reason, before anything is written. */
export function assertTemplate(values: unknown, context: string, dim = TEMPLATE_DIM): void {
  const problem = templateProblem(values, dim);
  if (problem) throw new FacelocalError('invalid-template', `${context}: ${problem}`);
}

function isArrayLike(values: unknown): values is ArrayLike<unknown> {
  return Array.isArray(values) || (ArrayBuffer.isView(values) && !(values instanceof DataView));
}

function describe(x: unknown): string {
  if (typeof x === 'number') return String(x); // NaN, Infinity, -Infinity
  if (x === null) return 'empty (NaN or Infinity written as JSON)';
  return `a ${typeof x}`;
}

function formatNorm(norm: number): string {
  return norm === 0 ? '0' : norm >= 1e4 || norm < 1e-3 ? norm.toExponential(2) : norm.toFixed(4);
}
