// Consent records and retention: the lawful basis for holding a person's face templates, and how long we may.
// Pure: the store enforces these rules (no consent, no enrolment), the facade runs expiry on a timer.

export const CONSENT_PURPOSES = {
  'identify-at-event': 'Recognise this person in photos taken at an event',
  'photo-library': 'Group and name this person in a private photo library',
  'access-control': 'Let this person in by face (door, device or account)',
  other: 'Another purpose, described below',
} as const;

export type ConsentPurpose = keyof typeof CONSENT_PURPOSES;

export type RetentionPeriod = { kind: 'days'; days: number } | { kind: 'until-withdrawn' };

export const RETENTION_PRESETS: { label: string; period: RetentionPeriod }[] = [
  { label: '30 days', period: { kind: 'days', days: 30 } },
  { label: '1 year', period: { kind: 'days', days: 365 } },
  { label: 'Until consent is withdrawn', period: { kind: 'until-withdrawn' } },
];

export interface ConsentRecord {
  /** Who consented: the person whose face is enrolled. */
  subjectName: string;
  /** When, as epoch milliseconds. */
  givenAt: number;
  purpose: ConsentPurpose;
  /** Free text: what exactly, where, by whom the data will be used. */
  purposeDetail: string;
  /** How consent was shown: an attested checkbox, or the person typing their name as a signature. */
  method: 'checkbox' | 'typed-signature';
  /** The typed name, when method is 'typed-signature'. */
  signature?: string;
  retention: RetentionPeriod;
  /** Who collected the consent (the operator of this device). */
  collectedBy: string;
}

/** Milliseconds in a day: retention periods are whole days. */
export const DAY_MS = 24 * 60 * 60 * 1000;
const MAX_RETENTION_DAYS = 10 * 365;

/** Problems with a consent record, in words for people; empty when it is valid. */
export function consentProblems(consent: ConsentRecord | null | undefined, now = Date.now()): string[] {
  if (!consent) return ['A consent record is required to enrol a person.'];
  const problems: string[] = [];
  if (!consent.subjectName?.trim()) problems.push('Say who gave consent.');
  if (!consent.collectedBy?.trim()) problems.push('Say who collected the consent.');
  if (!(consent.purpose in CONSENT_PURPOSES)) problems.push('Choose a purpose.');
  if (consent.purpose === 'other' && !consent.purposeDetail?.trim()) problems.push('Describe the purpose.');
  if (!Number.isFinite(consent.givenAt) || consent.givenAt > now + 60_000)
    problems.push('The consent date cannot be in the future.');
  if (consent.method === 'typed-signature') {
    if (!consent.signature?.trim()) problems.push('The person must type their name as a signature.');
    else if (normalise(consent.signature) !== normalise(consent.subjectName))
      problems.push('The typed signature must match the name of the person who consented.');
  } else if (consent.method !== 'checkbox') problems.push('Say how consent was given.');
  const r = consent.retention;
  if (!r || (r.kind === 'days' && !(Number.isInteger(r.days) && r.days >= 1 && r.days <= MAX_RETENTION_DAYS))) {
    problems.push(`Choose a retention period between 1 day and ${MAX_RETENTION_DAYS / 365} years, or until withdrawn.`);
  } else if (r.kind !== 'days' && r.kind !== 'until-withdrawn') problems.push('Choose a retention period.');
  else if (problems.length === 0 && isExpired(expiryOf(consent), now))
    problems.push('This consent has already expired: record a fresh one.');
  return problems;
}

function normalise(s: string): string {
  return s.trim().replace(/\s+/g, ' ').toLocaleLowerCase();
}

/** When the data must be erased, or null when kept until consent is withdrawn. */
export function expiryOf(consent: ConsentRecord): number | null {
  return consent.retention.kind === 'days' ? consent.givenAt + consent.retention.days * DAY_MS : null;
}

export function isExpired(expiresAt: number | null, now = Date.now()): boolean {
  return expiresAt !== null && expiresAt <= now;
}

/** "in 29 days", "today", "until consent is withdrawn". */
export function describeExpiry(expiresAt: number | null, now = Date.now()): string {
  if (expiresAt === null) return 'kept until consent is withdrawn';
  const days = Math.ceil((expiresAt - now) / DAY_MS);
  if (days <= 0) return 'expired: erased at the next check';
  if (days === 1) return 'erased within a day';
  return `erased in ${days} days (${new Date(expiresAt).toISOString().slice(0, 10)})`;
}
