// Tombstones: what is left of a person after withdrawal or erasure, so an older export cannot bring them back.
// A tombstone holds a one-way hash of the person's random id (the id an export carries), when and why, and
// nothing else: no name, no face data, no consent text.

export type TombstoneReason = 'withdraw' | 'delete' | 'expire';

export interface Tombstone {
  /** SHA-256 (hex) of a fixed label and the person's id: recognises the id again, cannot be turned back into it. */
  key: string;
  at: number;
  reason: TombstoneReason;
}

const LABEL = 'facelocal-tombstone:v1:';

export async function tombstoneKey(personId: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(LABEL + personId));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Why an import of this person is refused, in words for the person importing. */
export function refusalFor(tombstone: Tombstone, name: string): string {
  const when = new Date(tombstone.at).toISOString().slice(0, 10);
  const why =
    tombstone.reason === 'withdraw'
      ? 'withdrew consent'
      : tombstone.reason === 'delete'
        ? 'was erased from this gallery'
        : 'reached the end of their retention period';
  return `${name} ${why} on ${when}: an older export cannot bring their data back (a fresh enrolment with fresh consent can).`;
}
