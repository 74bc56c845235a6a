// One place that turns a thrown error into words for people, with the code the tests and styles key on, and the one
// way those words are shown.
import { html, nothing, type TemplateResult } from 'lit';
import { FacelocalError, errorText, type FacelocalErrorCode } from '../index';

export interface UserMessage {
  code: FacelocalErrorCode | 'error';
  text: string;
}

export function messageFor(error: unknown): UserMessage {
  if (error instanceof FacelocalError) return { code: error.code, text: error.message };
  // comlink or the browser may hand back a plain Error; keep its words.
  return { code: 'error', text: `Something went wrong: ${errorText(error)}` };
}

/**
 * A message people must notice (role="alert"): a UserMessage keyed by its code, or plain text with its own test id.
 * Nothing when there is nothing to say.
 */
export function alertMessage(
  message: UserMessage | string | null | undefined,
  testid = 'message',
): TemplateResult | typeof nothing {
  if (!message) return nothing;
  if (typeof message === 'string')
    return html`<div class="message" role="alert" data-testid=${testid}>${message}</div>`;
  return html`<div class="message" role="alert" data-testid=${testid} data-code=${message.code}>${message.text}</div>`;
}

/** "1 photo", "3 photos": `n` and the word, plural unless n is 1 (`plural` for irregular words). */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}
