// Exposes the real facade (and cosine similarity, and the shipped 1:N thresholds for a gallery size) to browser
// tests, calibration and benchmarks.
import { openMatcher } from '../../src/index';
import { cosineSimilarity } from '../../src/core/vectors';
import { identificationThresholds } from '../../src/core/identity-rule';
import type { ShippedCalibration } from '../../src/core/calibration';
import calibrationData from '../../src/core/calibration-data.json';

const calibration: ShippedCalibration = calibrationData;
const thresholdsFor = (templates: number) =>
  identificationThresholds(calibration.strangerTails, { ...calibration.identification, verifyThreshold: calibration.threshold }, templates);

declare global {
  interface Window {
    facelocal: { openMatcher: typeof openMatcher; cosineSimilarity: typeof cosineSimilarity; thresholdsFor: typeof thresholdsFor };
  }
}

window.facelocal = { openMatcher, cosineSimilarity, thresholdsFor };
document.body.dataset.ready = 'true';
