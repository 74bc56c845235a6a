// Exposes the real facade (and cosine similarity) to browser tests, calibration and benchmarks.
import { openMatcher } from '../../src/index';
import { cosineSimilarity } from '../../src/core/vectors';

declare global {
  interface Window {
    facelocal: { openMatcher: typeof openMatcher; cosineSimilarity: typeof cosineSimilarity };
  }
}

window.facelocal = { openMatcher, cosineSimilarity };
document.body.dataset.ready = 'true';
