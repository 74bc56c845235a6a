// The export file (a person's or the whole gallery's data, on request) and its validation on import.
// Pure: JSON in, checked data out; the facade writes nothing unless everything here passes.
import * as v from 'valibot';
import { CONSENT_PURPOSES, consentProblems, type ConsentRecord } from './consent';
import { TEMPLATE_DIM, templateProblem } from './template-check';

export const EXPORT_FORMAT = 'facelocal-gallery';
export const EXPORT_VERSION = 1;
const MAX_TEMPLATES_PER_PERSON = 1000;

const finite = v.pipe(v.number(), v.finite());

const ConsentSchema = v.object({
  subjectName: v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
  givenAt: finite,
  purpose: v.picklist(
    Object.keys(CONSENT_PURPOSES) as [keyof typeof CONSENT_PURPOSES, ...(keyof typeof CONSENT_PURPOSES)[]],
  ),
  purposeDetail: v.pipe(v.string(), v.maxLength(2000)),
  method: v.picklist(['checkbox', 'typed-signature']),
  signature: v.optional(v.pipe(v.string(), v.maxLength(200))),
  retention: v.variant('kind', [
    v.object({ kind: v.literal('days'), days: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(3650)) }),
    v.object({ kind: v.literal('until-withdrawn') }),
  ]),
  collectedBy: v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
});

const TemplateSchema = v.object({
  // Any list here (JSON writes NaN and Infinity as null); templateProblem then says what is wrong with it, under
  // its own error code, so a forged or broken template is told apart from a malformed file.
  embedding: v.pipe(v.array(v.unknown()), v.maxLength(16 * TEMPLATE_DIM, 'an embedding is far too long')),
  modelId: v.pipe(v.string(), v.minLength(1)),
  sourceName: v.pipe(v.string(), v.maxLength(500)),
  box: v.object({ x: finite, y: finite, width: finite, height: finite }),
  quality: finite,
  createdAt: finite,
  // null (or absent): the gallery it came from keeps templates only.
  thumbnail: v.nullish(
    v.object({
      type: v.literal('image/jpeg'),
      base64: v.pipe(v.string(), v.maxLength(200_000), v.regex(/^[A-Za-z0-9+/=]*$/, 'a thumbnail must be base64')),
    }),
    null,
  ),
});

const PersonSchema = v.object({
  id: v.string(),
  name: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(100)),
  createdAt: finite,
  expiresAt: v.nullable(finite),
  consent: ConsentSchema,
  templates: v.pipe(
    v.array(TemplateSchema),
    v.minLength(1, 'a person needs at least one face template'),
    v.maxLength(MAX_TEMPLATES_PER_PERSON),
  ),
  /** The consent receipt (Kantara CR v1.1) built from the same consent record: for the person, not read on import. */
  consentReceipt: v.optional(v.record(v.string(), v.unknown())),
});

export const ExportSchema = v.object({
  format: v.literal(EXPORT_FORMAT, 'this is not a Facelocal export'),
  version: v.literal(EXPORT_VERSION, `only version ${EXPORT_VERSION} exports can be imported`),
  exportedAt: v.string(),
  people: v.array(PersonSchema),
});

export type ExportFile = v.InferOutput<typeof ExportSchema>;
export type ExportedPerson = ExportFile['people'][number];
export type ExportedTemplate = ExportedPerson['templates'][number];

/**
 * 'invalid-template' when a template is forged or broken (templateProblem); 'invalid-import' for anything else
 * wrong with the file. Either way nothing is written.
 */
export type ImportCheck =
  { ok: true; file: ExportFile } | { ok: false; code: 'invalid-import' | 'invalid-template'; problems: string[] };

/**
 * Parses and checks an export file: its shape, every template (512 finite float32 numbers of unit length), every
 * consent record, and that its templates fit our model.
 */
export function checkExportFile(text: string, modelId: string, now = Date.now()): ImportCheck {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, code: 'invalid-import', problems: ['The file is not JSON.'] };
  }
  const parsed = v.safeParse(ExportSchema, json);
  if (!parsed.success) {
    const problems = parsed.issues.slice(0, 5).map((issue) => {
      const path = issue.path?.map((p) => p.key).join('.') ?? '';
      return path ? `${path}: ${issue.message}` : issue.message;
    });
    return { ok: false, code: 'invalid-import', problems };
  }
  const templateProblems: string[] = [];
  parsed.output.people.forEach((p, i) =>
    p.templates.forEach((t, j) => {
      const problem = templateProblem(t.embedding);
      if (problem) templateProblems.push(`people.${i} (${p.name}), template ${j + 1}: ${problem}`);
    }),
  );
  if (templateProblems.length) return { ok: false, code: 'invalid-template', problems: templateProblems.slice(0, 5) };
  const problems: string[] = [];
  parsed.output.people.forEach((p, i) => {
    for (const c of consentProblems(p.consent as ConsentRecord, now)) problems.push(`people.${i} (${p.name}): ${c}`);
    if (p.expiresAt !== null && p.expiresAt <= now)
      problems.push(`people.${i} (${p.name}): retention ended; this data must not be imported.`);
    if (p.templates.some((t) => t.modelId !== modelId))
      problems.push(`people.${i} (${p.name}): templates were made by another model (${p.templates[0].modelId}).`);
  });
  return problems.length
    ? { ok: false, code: 'invalid-import', problems: problems.slice(0, 5) }
    : { ok: true, file: parsed.output };
}

export function bytesToBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export function base64ToBytes(base64: string): Uint8Array<ArrayBuffer> {
  const s = atob(base64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** A stored template, as the export needs it (the gallery store's record has this shape). */
export interface TemplateForExport {
  embedding: Float32Array;
  modelId: string;
  sourceName: string;
  box: { x: number; y: number; width: number; height: number };
  detectionScore: number;
  createdAt: number;
  thumbnail: { type: string; bytes: ArrayBuffer } | null;
}

/** A template as the export file writes it (its detection score under the file's name for it, `quality`). */
export function exportedTemplate(t: TemplateForExport): ExportedTemplate {
  return {
    embedding: Array.from(t.embedding),
    modelId: t.modelId,
    sourceName: t.sourceName,
    box: t.box,
    quality: t.detectionScore,
    createdAt: t.createdAt,
    thumbnail: t.thumbnail && { type: 'image/jpeg', base64: bytesToBase64(new Uint8Array(t.thumbnail.bytes)) },
  };
}

/** A checked file's template, back in the store's shape (checkExportFile has already refused a broken one). */
export function importedTemplate(t: ExportedTemplate): Omit<TemplateForExport, 'createdAt'> {
  return {
    embedding: new Float32Array(t.embedding as number[]),
    modelId: t.modelId,
    sourceName: t.sourceName,
    box: t.box,
    detectionScore: t.quality,
    thumbnail: t.thumbnail ? { type: t.thumbnail.type, bytes: base64ToBytes(t.thumbnail.base64).buffer } : null,
  };
}
