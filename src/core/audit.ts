// The audit log's shape and retention. Entries say when, what and the outcome; never an image, a template or a
// name (an erased person's name must not survive in the log).
import { DAY_MS } from './consent';

export type AuditAction =
  | 'enrol'
  | 'add-photos'
  | 'remove-photo'
  | 'identify'
  | 'verify'
  | 'rename'
  | 'consent-updated'
  | 'withdraw'
  | 'delete'
  | 'expire'
  | 'export'
  | 'import'
  | 'erase-everything'
  | 'encryption-enabled'
  | 'photo-import'
  | 'photo-import-erased'
  | 'live-camera'
  | 'template-refused'
  | 'restrict'
  | 'lift-restriction'
  | 'thumbnails'
  | 'widget-check'
  | 'widget-reveal'
  | 'reembed';

/** Each action in words for the log shown to people (the code stays in the CSV export, for tools). */
export const AUDIT_ACTION_LABELS: Record<AuditAction, string> = {
  enrol: 'Person enrolled',
  'add-photos': 'Photos added to a person',
  'remove-photo': 'Photo removed from a person',
  identify: 'Photo identified',
  verify: 'Two photos compared',
  rename: 'Person renamed',
  'consent-updated': 'Consent recorded again',
  withdraw: 'Consent withdrawn, data erased',
  delete: 'Person deleted',
  expire: 'Retention ended, data erased',
  export: 'Data exported',
  import: 'Gallery file imported',
  'erase-everything': 'Everything erased',
  'encryption-enabled': 'Encryption turned on',
  'photo-import': 'Photo library import',
  'photo-import-erased': 'Photo library import erased',
  'live-camera': 'Live camera session',
  'template-refused': 'Broken face template left out of search',
  restrict: 'Processing restricted',
  'lift-restriction': 'Restriction lifted',
  thumbnails: 'Face thumbnails setting changed',
  'widget-check': 'Checked for a site (widget)',
  'widget-reveal': 'Id revealed to a site (widget)',
  reembed: 'Faces updated for the recognition model in use',
};

export interface AuditEntry {
  id: string;
  at: number;
  action: AuditAction;
  /** What came of it, in words with no personal data: "3 faces: 1 known, 2 unknown", "refused: no consent". */
  outcome: string;
  /** The person it concerned, by id only. */
  personId?: string;
}

/** Audit entries are personal data about use, so they too are kept only for a while. */
export const AUDIT_RETENTION_DAYS = 365;

export function auditCutoff(now: number, retentionDays = AUDIT_RETENTION_DAYS): number {
  return now - retentionDays * DAY_MS;
}

/**
 * CSV for a spreadsheet. Every field is quoted, and a cell that starts with a character a spreadsheet would run as
 * a formula (= + - @, tab, carriage return) gets a leading apostrophe, so opening the file can never run anything
 * (OWASP "CSV injection").
 */
export function auditToCsv(entries: readonly AuditEntry[]): string {
  const rows = entries.map((e) =>
    [new Date(e.at).toISOString(), e.action, e.outcome, e.personId ?? ''].map(csvCell).join(','),
  );
  return [['time', 'action', 'outcome', 'personId'].map(csvCell).join(','), ...rows].join('\r\n') + '\r\n';
}

/** One quoted CSV cell, neutralised against formula injection. */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${safe.replace(/"/g, '""')}"`;
}
