// "Is this someone already enrolled?": from the identification verdicts of several faces (the photos given to enrol
// a person, or a library group), the one enrolled person they most look like. Asked before a second record of the
// same person is created. Pure: the verdicts come from the identification rule (identity-rule.ts), unchanged.
import type { IdentityVerdict, RankedPerson } from './identity-rule';

export interface LookAlikeTally {
  personId: string;
  /** 'known' when at least one face is named as them, else 'possible'. */
  kind: 'known' | 'possible';
  /** How many of the faces point to them. */
  faces: number;
}

/** The enrolled person most of the faces point to (named before possible), or null when none is even possible. */
export function enrolledLookAlike(verdicts: readonly IdentityVerdict<RankedPerson>[]): LookAlikeTally | null {
  const tally = new Map<string, LookAlikeTally>();
  for (const v of verdicts) {
    if (v.kind === 'unknown') continue;
    const seen = tally.get(v.best.personId);
    tally.set(v.best.personId, {
      personId: v.best.personId,
      kind: seen?.kind === 'known' || v.kind === 'known' ? 'known' : 'possible',
      faces: (seen?.faces ?? 0) + 1,
    });
  }
  const rank = (t: LookAlikeTally) => (t.kind === 'known' ? 1 : 0);
  return [...tally.values()].sort((a, b) => rank(b) - rank(a) || b.faces - a.faces)[0] ?? null;
}
