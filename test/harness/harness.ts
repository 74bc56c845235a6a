// Exposes the real facade (and cosine similarity, and the shipped 1:N thresholds for a gallery size) to browser
// tests, calibration and benchmarks; for the worker-crash test, a way to kill a worker as a crash would; and the two
// set-up steps most of them take in the page: a shared photo as a File, a consent record to enrol with.
import { openMatcher } from '../../src/index';
import { cosineSimilarity } from '../../src/core/vectors';
import { crashWorkersForTests } from '../../src/facade/worker-clients';
import { identificationThresholds } from '../../src/core/identity-rule';
import type { ShippedCalibration } from '../../src/core/calibration';
import calibrationData from '../../src/core/calibration-data.json';
import { regroupProbe } from './regroup-probe';
import { consentFor } from '../test-consent';

const calibration: ShippedCalibration = calibrationData;
const thresholdsFor = (templates: number) =>
  identificationThresholds(
    calibration.strangerTails,
    { ...calibration.identification, verifyThreshold: calibration.threshold },
    templates,
  );

/** A photo of ../shared/faces (the test serves it at /__faces/) as a File: `obama/obama1.jpg` gives `obama1.jpg`. */
async function facePhoto(path: string, options?: FilePropertyBag): Promise<File> {
  const response = await fetch(`/__faces/${path}`);
  if (!response.ok) throw new Error(`/__faces/${path}: ${response.status}`);
  return new File([await response.blob()], path.split('/').pop() ?? path, options);
}

declare global {
  interface Window {
    facelocal: {
      openMatcher: typeof openMatcher;
      cosineSimilarity: typeof cosineSimilarity;
      thresholdsFor: typeof thresholdsFor;
      crashWorker: typeof crashWorkersForTests;
      regroupProbe: typeof regroupProbe;
      facePhoto: typeof facePhoto;
      consentFor: typeof consentFor;
    };
    /** A matcher a test suite opened and keeps between its `page.evaluate` calls (set by the suite, not here). */
    matcher: Awaited<ReturnType<typeof openMatcher>>;
  }
}

window.facelocal = {
  openMatcher,
  cosineSimilarity,
  thresholdsFor,
  crashWorker: crashWorkersForTests,
  regroupProbe,
  facePhoto,
  consentFor,
};
document.body.dataset.ready = 'true';
