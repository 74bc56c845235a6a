// Public API of Facelocal: open a matcher, then detect, enrol, identify, verify, list, rename and delete.
// Everything runs on this device; nothing here sends an image or an embedding anywhere.
export { openMatcher } from './facade/matcher';
export * from './types';
