import { describe, expect, it } from 'vitest';
import { enrolledLookAlike } from '../../src/core/look-alike';

const known = (personId: string) => ({ kind: 'known' as const, best: { personId, score: 0.6 } });
const possible = (personId: string) => ({ kind: 'possible' as const, best: { personId, score: 0.35 } });
const unknown = { kind: 'unknown' as const, best: null };

describe('enrolledLookAlike', () => {
  it('is null when no face is even a possible match', () => {
    expect(enrolledLookAlike([])).toBeNull();
    expect(enrolledLookAlike([unknown, unknown])).toBeNull();
  });

  it('prefers a person named for one face over one only possible for several', () => {
    expect(enrolledLookAlike([possible('a'), possible('a'), known('b'), unknown])).toEqual({
      personId: 'b',
      kind: 'known',
      faces: 1,
    });
  });

  it('counts the faces pointing to each person and keeps "known" once any face names them', () => {
    expect(enrolledLookAlike([possible('a'), known('a'), known('b')])).toEqual({
      personId: 'a',
      kind: 'known',
      faces: 2,
    });
    expect(enrolledLookAlike([possible('a')])).toEqual({ personId: 'a', kind: 'possible', faces: 1 });
  });
});
