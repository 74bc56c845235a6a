// Exposes the real facade (and cosine similarity, and the shipped 1:N thresholds for a gallery size) to browser
// tests, calibration and benchmarks; and, for the worker-crash test, a way to kill a worker as a crash would.
import { openMatcher } from '../../src/index';
import { cosineSimilarity } from '../../src/core/vectors';
import { crashWorkersForTests } from '../../src/facade/worker-clients';
import { identificationThresholds } from '../../src/core/identity-rule';
import type { ShippedCalibration } from '../../src/core/calibration';
import calibrationData from '../../src/core/calibration-data.json';
import { regroupProbe } from './regroup-probe';

const calibration: ShippedCalibration = calibrationData;
const thresholdsFor = (templates: number) =>
  identificationThresholds(
    calibration.strangerTails,
    { ...calibration.identification, verifyThreshold: calibration.threshold },
    templates,
  );

declare global {
  interface Window {
    facelocal: {
      openMatcher: typeof openMatcher;
      cosineSimilarity: typeof cosineSimilarity;
      thresholdsFor: typeof thresholdsFor;
      crashWorker: typeof crashWorkersForTests;
      regroupProbe: typeof regroupProbe;
    };
    /** A matcher a test suite opened and keeps between its `page.evaluate` calls (set by the suite, not here). */
    matcher: Awaited<ReturnType<typeof openMatcher>>;
  }
}

window.facelocal = { openMatcher, cosineSimilarity, thresholdsFor, crashWorker: crashWorkersForTests, regroupProbe };
document.body.dataset.ready = 'true';
