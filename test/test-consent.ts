// The consent record tests and benchmarks enrol with, in one place: imported by Node-side tests that pass it into
// a page, and exposed on the harness page (window.facelocal.consentFor) for code that builds it there.
import type { ConsentRecord } from '../src/index';

/** A photo library's consent, given by checkbox now, kept 30 days unless told, collected by 'Test' unless told. */
export function consentFor(subjectName: string, options: { days?: number; collectedBy?: string } = {}): ConsentRecord {
  return {
    subjectName,
    givenAt: Date.now(),
    purpose: 'photo-library',
    purposeDetail: '',
    method: 'checkbox',
    retention: { kind: 'days', days: options.days ?? 30 },
    collectedBy: options.collectedBy ?? 'Test',
  };
}
