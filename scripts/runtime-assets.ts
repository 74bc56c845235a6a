// Files the app loads at run time that are not modules vite bundles: the ONNX Runtime and MediaPipe wasm builds
// and the verified models. All are served from our own origin; nothing is ever fetched from a CDN or model hub.
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const ortDist = resolve(root, 'node_modules/onnxruntime-web/dist');
const visionWasm = resolve(root, 'node_modules/@mediapipe/tasks-vision/wasm');
const models = resolve(root, 'models');

/** URL path (under the app's base) -> file on disk. */
export const runtimeAssets: Record<string, string> = {
  // WASM (SIMD + threads): the default embedder runtime.
  'vendor/ort/ort-wasm-simd-threaded.mjs': resolve(ortDist, 'ort-wasm-simd-threaded.mjs'),
  'vendor/ort/ort-wasm-simd-threaded.wasm': resolve(ortDist, 'ort-wasm-simd-threaded.wasm'),
  // WebGPU build: fetched only where a real (non-fallback) GPU adapter exists.
  'vendor/ort/ort-wasm-simd-threaded.asyncify.mjs': resolve(ortDist, 'ort-wasm-simd-threaded.asyncify.mjs'),
  'vendor/ort/ort-wasm-simd-threaded.asyncify.wasm': resolve(ortDist, 'ort-wasm-simd-threaded.asyncify.wasm'),
  // MediaPipe Tasks: the module-worker build (forVisionTasks(path, true)) and its no-SIMD fallback.
  'vendor/mediapipe/vision_wasm_module_internal.js': resolve(visionWasm, 'vision_wasm_module_internal.js'),
  'vendor/mediapipe/vision_wasm_module_internal.wasm': resolve(visionWasm, 'vision_wasm_module_internal.wasm'),
  'vendor/mediapipe/vision_wasm_nosimd_internal.js': resolve(visionWasm, 'vision_wasm_nosimd_internal.js'),
  'vendor/mediapipe/vision_wasm_nosimd_internal.wasm': resolve(visionWasm, 'vision_wasm_nosimd_internal.wasm'),
  'models/manifest.json': resolve(models, 'manifest.json'),
  'models/face_detection_full_range.tflite': resolve(models, 'face_detection_full_range.tflite'),
  'models/face_detection_short_range.tflite': resolve(models, 'face_detection_short_range.tflite'),
  'models/face_landmark.tflite': resolve(models, 'face_landmark.tflite'),
  'models/fr_feature.onnx': resolve(models, 'fr_feature.onnx'),
};

export const contentTypes: Record<string, string> = {
  '.mjs': 'text/javascript',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.tflite': 'application/octet-stream',
  '.onnx': 'application/octet-stream',
};
