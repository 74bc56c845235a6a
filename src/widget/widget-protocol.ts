// The postMessage protocol between a host page and the Facelocal widget (an iframe on Facelocal's origin).
// Pure: parsing, the origin allow-list, and the only shapes of answer a host can ever receive. No image,
// template or gallery data has a place in these types.

export type WidgetRequestKind = 'verify' | 'identify';

export interface WidgetRequest {
  type: 'facelocal:request';
  id: string;
  kind: WidgetRequestKind;
  /** Shown to the person in the widget's own prompt, quoted and cleaned (prompt-text.ts): why the site asks. */
  reason?: string;
  /** How long the host waits before the request ends with 'timeout' (clamped to the limits below). */
  timeoutMs: number;
}

/** The host gives up on a request it sent: the prompt closes and the answer is 'cancelled'. */
export interface WidgetCancel {
  type: 'facelocal:cancel';
  id: string;
}

/** A request waits at most this long for the person, unless the host asks for less (or more, up to the maximum). */
export const DEFAULT_TIMEOUT_MS = 180_000;
export const MIN_TIMEOUT_MS = 5_000;
export const MAX_TIMEOUT_MS = 600_000;
/** Longer reasons are refused whole (bad-request); prompt-text.ts shortens what it shows further. */
export const MAX_REASON_LENGTH = 300;

/**
 * Everything a host can learn: a yes/no, an id the person chose to reveal (different for every host origin), or
 * why there is no answer. One code per meaning:
 * - 'unavailable': the check cannot be answered here (nothing enrolled for this site and the person did not enrol,
 *   a locked gallery, models that failed to load, no storage). Never turned into `matched: false`.
 * - 'not-revealed': identify found nobody the person would reveal. A non-match and "Don't reveal" both give this,
 *   after the same click, so the host cannot tell them apart.
 */
export type WidgetAnswer =
  | { type: 'facelocal:result'; id: string; kind: 'verify'; matched: boolean }
  | { type: 'facelocal:result'; id: string; kind: 'identify'; personId: string }
  | { type: 'facelocal:error'; id: string | null; error: WidgetErrorCode };

export type WidgetErrorCode =
  'origin-not-allowed' | 'bad-request' | 'busy' | 'denied' | 'not-revealed' | 'unavailable' | 'cancelled' | 'timeout';

export interface WidgetConfig {
  /** Origins allowed to ask, exactly as `location.origin` spells them. Set by whoever serves the widget. */
  allowedOrigins: string[];
}

/** Why an allow-list entry is refused, or null when it is an exact origin. Wildcards are refused, not guessed at. */
export function originProblem(value: unknown): string | null {
  if (typeof value !== 'string') return 'not a string';
  if (value.includes('*')) return `${value}: wildcards are refused; list each origin exactly (https://shop.example)`;
  if (value === 'null' || value === "'self'" || value === "'none'") return `${value}: not an origin`;
  try {
    const url = new URL(value);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return `${value}: only http(s) origins`;
    if (url.origin !== value)
      return `${value}: not an exact origin (no path, no trailing slash; write it as ${url.origin})`;
    return null;
  } catch {
    return `${value}: not an origin`;
  }
}

/** The allow-list, or the problems that refuse it whole (the build fails on them: see vite.config.ts). */
export function checkWidgetConfig(
  json: unknown,
): { ok: true; config: WidgetConfig } | { ok: false; problems: string[] } {
  const origins = (json as { allowedOrigins?: unknown } | null)?.allowedOrigins;
  if (!Array.isArray(origins)) return { ok: false, problems: ['allowedOrigins must be a list of origins'] };
  const problems = origins.map(originProblem).filter((p): p is string => p !== null);
  return problems.length
    ? { ok: false, problems }
    : { ok: true, config: { allowedOrigins: [...new Set(origins as string[])] } };
}

/** Lenient reading for tools that must not throw: only exact origins are kept. */
export function parseWidgetConfig(json: unknown): WidgetConfig {
  const origins = (json as { allowedOrigins?: unknown } | null)?.allowedOrigins;
  if (!Array.isArray(origins)) return { allowedOrigins: [] };
  return { allowedOrigins: origins.filter((o): o is string => originProblem(o) === null) };
}

export function isAllowedOrigin(origin: string, config: WidgetConfig): boolean {
  return origin !== 'null' && config.allowedOrigins.includes(origin);
}

/** A request, or null when the message is not a well-formed Facelocal request. */
export function parseRequest(data: unknown): WidgetRequest | null {
  if (!data || typeof data !== 'object') return null;
  const d = data as Record<string, unknown>;
  if (d.type !== 'facelocal:request') return null;
  if (!isId(d.id)) return null;
  if (d.kind !== 'verify' && d.kind !== 'identify') return null;
  if (d.reason !== undefined && (typeof d.reason !== 'string' || d.reason.length > MAX_REASON_LENGTH)) return null;
  if (d.timeoutMs !== undefined && (typeof d.timeoutMs !== 'number' || !Number.isFinite(d.timeoutMs))) return null;
  const timeoutMs = Math.min(
    MAX_TIMEOUT_MS,
    Math.max(MIN_TIMEOUT_MS, (d.timeoutMs as number | undefined) ?? DEFAULT_TIMEOUT_MS),
  );
  return {
    type: 'facelocal:request',
    id: d.id,
    kind: d.kind,
    ...(typeof d.reason === 'string' ? { reason: d.reason } : {}),
    timeoutMs,
  };
}

export function parseCancel(data: unknown): WidgetCancel | null {
  if (!data || typeof data !== 'object') return null;
  const d = data as Record<string, unknown>;
  return d.type === 'facelocal:cancel' && isId(d.id) ? { type: 'facelocal:cancel', id: d.id } : null;
}

function isId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= 100;
}

/** The frame-ancestors directive for the widget page: itself and the allowed hosts. */
export function frameAncestors(config: WidgetConfig): string {
  return ["frame-ancestors 'self'", ...config.allowedOrigins].join(' ');
}

/**
 * The allow-list as the widget page's own CSP states it. The widget reads its served policy at start, so the
 * origins that may frame it and the origins whose messages it answers are one list, from one place. A policy
 * with anything but 'self' and exact origins (a wildcard, a scheme, 'none') is refused whole: nobody is answered.
 */
export function allowListFromCsp(
  csp: string | null,
): { ok: true; config: WidgetConfig } | { ok: false; problem: string } {
  if (!csp) return { ok: false, problem: 'the widget page has no Content-Security-Policy' };
  if (csp.includes(','))
    return { ok: false, problem: 'the widget page is served with more than one Content-Security-Policy' };
  const directives = csp
    .split(';')
    .map((d) => d.trim().split(/\s+/))
    .filter((d) => d[0]?.toLowerCase() === 'frame-ancestors');
  if (directives.length !== 1)
    return { ok: false, problem: "the widget page's policy needs exactly one frame-ancestors directive" };
  const sources = directives[0].slice(1).filter((s) => s !== "'self'");
  const problems = sources.map(originProblem).filter((p): p is string => p !== null);
  if (problems.length) return { ok: false, problem: `frame-ancestors refused: ${problems.join('; ')}` };
  return { ok: true, config: { allowedOrigins: sources } };
}
