// Exposes the real facade and the pure calibration code to browser tests, calibration and benchmarks.
import { openMatcher } from '../../src/index';
import { calibrate } from '../../src/core/calibration';
import { cosineSimilarity } from '../../src/core/vectors';

declare global {
  interface Window {
    facelocal: { openMatcher: typeof openMatcher; calibrate: typeof calibrate; cosineSimilarity: typeof cosineSimilarity };
  }
}

window.facelocal = { openMatcher, calibrate, cosineSimilarity };
document.body.dataset.ready = 'true';
