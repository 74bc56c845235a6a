// The app regrouping `faces` stored import faces in headless Chromium (test/harness/regroup-probe.ts): how long,
// and the longest main-thread task meanwhile (the page must not freeze while a large library is grouped).
import { withPhotoHarness } from './photo-harness';
import type { RegroupProbeResult } from '../test/harness/regroup-probe';

export async function regroupMainThread(faces: number): Promise<RegroupProbeResult> {
  console.error(`bench:cluster: regrouping ${faces} faces in Chromium…`);
  return withPhotoHarness('.', (page) => page.evaluate((n) => window.facelocal.regroupProbe(n), faces));
}
