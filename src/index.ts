// Public API of Facelocal: open a matcher, then detect, enrol, identify, verify, list, rename and delete.
// Everything runs on this device; nothing here sends an image or an embedding anywhere.
export { openMatcher } from './facade/matcher';
export * from './types';

// Small pure helpers the app's own UI uses, exported here so the UI depends on this file alone (the layering rule
// in eslint.config.js): checking a picked file before decoding it, wording an import's time left, and the first-visit
// service-worker hand-over the model loading waits for.
export { MAX_IMAGE_PIXELS, sniffImageType } from './core/image-type';
export { declaredImageSize } from './core/image-header';
export { describeTimeLeft } from './core/import-progress';
export { errorText } from './core/error-text';
export { expectServiceWorker } from './facade/service-worker-gate';
