// The peer, face-api.js (@vladmandic/face-api: SSD MobileNet v1 + 68-point landmarks + 128-d ResNet descriptor) on
// TensorFlow.js' WASM backend, in the same browser as Facelocal. Served by the benchmark at /__peer/.
import * as faceapi from '/__peer/face-api.esm.js';

window.peer = {
  async init() {
    faceapi.tf.setWasmPaths('/__peer/wasm/');
    await faceapi.tf.setBackend('wasm');
    await faceapi.tf.ready();
    await faceapi.nets.ssdMobilenetv1.loadFromUri('/__peer/model');
    await faceapi.nets.faceLandmark68Net.loadFromUri('/__peer/model');
    await faceapi.nets.faceRecognitionNet.loadFromUri('/__peer/model');
    // Warm up, as Facelocal's embedder does, so the first photo is not charged for compilation.
    const warm = document.createElement('canvas');
    warm.width = warm.height = 128;
    await faceapi
      .detectAllFaces(warm, new faceapi.SsdMobilenetv1Options({ minConfidence: 0.5 }))
      .withFaceLandmarks()
      .withFaceDescriptors();
    return { backend: faceapi.tf.getBackend(), tfjs: faceapi.tf.version_core };
  },

  async embed(blob) {
    const t0 = performance.now();
    const bitmap = await createImageBitmap(blob, { imageOrientation: 'from-image' });
    const canvas = document.createElement('canvas');
    canvas.width = bitmap.width;
    canvas.height = bitmap.height;
    canvas.getContext('2d').drawImage(bitmap, 0, 0);
    bitmap.close();
    const t1 = performance.now();
    const options = new faceapi.SsdMobilenetv1Options({ minConfidence: 0.5 });
    const described = await faceapi.detectAllFaces(canvas, options).withFaceLandmarks().withFaceDescriptors();
    const t2 = performance.now();
    // Detection alone, timed separately (not counted in the total) to split detect from align+embed.
    await faceapi.detectAllFaces(canvas, options);
    const detectMs = performance.now() - t2;
    const fullMs = t2 - t1;
    return {
      faces: described.map((d) => ({
        box: {
          x: d.detection.box.x,
          y: d.detection.box.y,
          width: d.detection.box.width,
          height: d.detection.box.height,
        },
        embedding: Array.from(d.descriptor),
      })),
      timings: {
        decodeMs: t1 - t0,
        detectMs: Math.min(detectMs, fullMs),
        embedMs: Math.max(0, fullMs - detectMs),
        totalMs: t1 - t0 + fullMs,
      },
    };
  },
};
document.body.dataset.ready = 'true';
