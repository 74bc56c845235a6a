// One place that turns a thrown error into words for people, with the code the tests and styles key on.
import { FacelocalError, type FacelocalErrorCode } from '../index';

export interface UserMessage {
  code: FacelocalErrorCode | 'error';
  text: string;
}

export function messageFor(error: unknown): UserMessage {
  if (error instanceof FacelocalError) return { code: error.code, text: error.message };
  // comlink or the browser may hand back a plain Error; keep its words.
  const text = error instanceof Error ? error.message : String(error);
  return { code: 'error', text: `Something went wrong: ${text}` };
}
