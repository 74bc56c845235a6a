// The host's reason, made safe to show inside the widget's own prompt. The prompt is the widget's trusted voice;
// a host must not be able to reorder it (bidi overrides), hide text in it (zero-width and control characters) or
// crowd it out (length). Pure.

/** What the prompt shows of a reason, at most (in characters, counted as code points). */
export const SHOWN_REASON_LENGTH = 140;

/**
 * The reason as shown: control characters (Cc) and format characters (Cf: bidi overrides and isolates, zero-width
 * joiners and spaces, the BOM…) removed, every run of white space one space, cut to SHOWN_REASON_LENGTH with "…".
 * Null when nothing is left.
 */
export function cleanReason(reason: string | undefined): string | null {
  if (!reason) return null;
  const cleaned = reason
    .replace(/[\p{Cc}\p{Cf}\p{Co}\p{Cn}]/gu, (c) => (/\s/.test(c) ? ' ' : ''))
    .replace(/[\s\u2028\u2029]+/gu, ' ')
    .trim();
  if (!cleaned) return null;
  const chars = Array.from(cleaned);
  return chars.length <= SHOWN_REASON_LENGTH
    ? cleaned
    : `${chars
        .slice(0, SHOWN_REASON_LENGTH - 1)
        .join('')
        .trimEnd()}…`;
}
