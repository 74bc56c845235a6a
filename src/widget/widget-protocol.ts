// The postMessage protocol between a host page and the Facelocal widget (an iframe on Facelocal's origin).
// Pure: parsing, the origin allow-list, and the only shapes of answer a host can ever receive. No image,
// template or gallery data has a place in these types.

export type WidgetRequestKind = 'verify' | 'identify';

export interface WidgetRequest {
  type: 'facelocal:request';
  id: string;
  kind: WidgetRequestKind;
  /** Shown to the person in the widget's own prompt: why the site asks. */
  reason?: string;
}

/** Everything a host can learn: a yes/no, a person id the person chose to reveal, or why there is no answer. */
export type WidgetAnswer =
  | { type: 'facelocal:result'; id: string; kind: 'verify'; matched: boolean }
  | { type: 'facelocal:result'; id: string; kind: 'identify'; personId: string }
  | { type: 'facelocal:error'; id: string | null; error: WidgetErrorCode };

export type WidgetErrorCode = 'origin-not-allowed' | 'bad-request' | 'denied' | 'not-revealed' | 'no-match' | 'failed' | 'busy';

export interface WidgetConfig {
  /** Origins allowed to ask, exactly as `location.origin` spells them. Set by whoever serves the widget. */
  allowedOrigins: string[];
}

export function parseWidgetConfig(json: unknown): WidgetConfig {
  const origins = (json as { allowedOrigins?: unknown } | null)?.allowedOrigins;
  if (!Array.isArray(origins)) return { allowedOrigins: [] };
  return { allowedOrigins: origins.filter((o): o is string => typeof o === 'string' && isOrigin(o)) };
}

function isOrigin(value: string): boolean {
  try {
    return new URL(value).origin === value;
  } catch {
    return false;
  }
}

export function isAllowedOrigin(origin: string, config: WidgetConfig): boolean {
  return origin !== 'null' && config.allowedOrigins.includes(origin);
}

/** A request, or null when the message is not a well-formed Facelocal request. */
export function parseRequest(data: unknown): WidgetRequest | null {
  if (!data || typeof data !== 'object') return null;
  const d = data as Record<string, unknown>;
  if (d.type !== 'facelocal:request') return null;
  if (typeof d.id !== 'string' || d.id.length === 0 || d.id.length > 100) return null;
  if (d.kind !== 'verify' && d.kind !== 'identify') return null;
  if (d.reason !== undefined && (typeof d.reason !== 'string' || d.reason.length > 300)) return null;
  return { type: 'facelocal:request', id: d.id, kind: d.kind, ...(typeof d.reason === 'string' ? { reason: d.reason } : {}) };
}

/** The frame-ancestors directive for the widget page: itself and the allowed hosts. */
export function frameAncestors(config: WidgetConfig): string {
  return ["frame-ancestors 'self'", ...config.allowedOrigins].join(' ');
}
