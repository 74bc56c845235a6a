// Embedder worker: the one place that owns ONNX Runtime. Picks the backend (WASM with SIMD and threads by default;
// WebGPU only on a real GPU adapter that measures faster), checks the model's checksum, and turns aligned crops
// into L2-normalised 512-d embeddings.
import * as Comlink from 'comlink';
import { withLifeline } from './lifeline';
import type * as Ort from 'onnxruntime-web';
import { l2Normalize, meanNormalized } from '../core/vectors';
import { EMBEDDER_INPUT, toEmbedderTensor, type EmbedderInputSpec } from '../core/embedder-input';
import type { BackendChoice, EmbedderTuning } from '../types';
import type { EmbedderApi, EmbedderInfo, WorkerResult } from './worker-protocol';
import { fetchVerifiedModel, fetchVerifiedRuntime } from './verified-model';
import { errorText } from '../core/error-text';
import { embedderModelId } from '../core/model-change';

const INPUT_NAME = 'input';
const OUTPUT_NAME = 'output';
const INPUT_SIZE = 3 * EMBEDDER_INPUT.size * EMBEDDER_INPUT.size;
/** The wasm binaries each backend instantiates (served by scripts/runtime-assets.ts, hashed at build time). */
const WASM_RUNTIME = 'vendor/ort/ort-wasm-simd-threaded.wasm';
const WEBGPU_RUNTIME = 'vendor/ort/ort-wasm-simd-threaded.asyncify.wasm';

let ort: typeof Ort | undefined;
let session: Ort.InferenceSession | undefined;
let info: EmbedderInfo | undefined;
let inputSpec: EmbedderInputSpec = EMBEDDER_INPUT;
let flipAverage = false;
/** The first run of a session is slow; it runs after init returns, while the detector works, and embed waits for it. */
let warmUp: Promise<unknown> = Promise.resolve();

async function init(
  baseUrl: string,
  backend: BackendChoice,
  tuning: EmbedderTuning = {},
): Promise<WorkerResult<EmbedderInfo>> {
  inputSpec = { ...EMBEDDER_INPUT, channelOrder: tuning.channelOrder ?? EMBEDDER_INPUT.channelOrder };
  flipAverage = tuning.flipAverage ?? false;
  try {
    // The runtime's code, the model and the GPU probe load side by side.
    if (backend !== 'webgpu') void import('onnxruntime-web/wasm').catch(() => undefined);
    const [{ bytes, entry }, adapter] = await Promise.all([
      fetchVerifiedModel(baseUrl, 'faceEmbedder'),
      backend === 'wasm' ? null : gpuAdapter(),
    ]);
    // The id every template records: pre-processing other than the default makes other numbers, so it is part of it.
    const model = embedderModelId(entry, [
      inputSpec.channelOrder !== EMBEDDER_INPUT.channelOrder ? inputSpec.channelOrder : '',
      flipAverage ? 'flip-average' : '',
    ]);
    const realGpu = adapter !== null && !adapter.isFallback;
    if (backend === 'webgpu' || (backend === 'auto' && realGpu)) {
      const gpu = await tryWebGpu(baseUrl, bytes);
      if (gpu) {
        const gpuMs = await timeRuns(gpu.ort, gpu.session);
        if (backend === 'webgpu')
          return ready(gpu.ort, gpu.session, {
            backend: 'webgpu',
            threads: 0,
            simd: false,
            model,
            reason: `forced (adapter: ${adapter?.description ?? 'none'}), ${gpuMs.toFixed(1)} ms/face`,
          });
        const wasm = await createWasmSession(baseUrl, bytes);
        const wasmMs = await timeRuns(wasm.ort, wasm.session);
        if (gpuMs < wasmMs) {
          await wasm.session.release();
          return ready(gpu.ort, gpu.session, {
            backend: 'webgpu',
            threads: 0,
            simd: false,
            model,
            reason: `WebGPU ${gpuMs.toFixed(1)} ms/face vs WASM ${wasmMs.toFixed(1)} ms/face on ${adapter?.description}`,
          });
        }
        await gpu.session.release();
        return ready(
          wasm.ort,
          wasm.session,
          wasmInfo(
            wasm.ort,
            model,
            `WASM ${wasmMs.toFixed(1)} ms/face was faster than WebGPU ${gpuMs.toFixed(1)} ms/face`,
          ),
        );
      }
    }
    const wasm = await createWasmSession(baseUrl, bytes);
    warmUp = runGreyFace(wasm.ort, wasm.session).catch(() => undefined);
    const reason =
      backend === 'wasm'
        ? 'asked for WASM'
        : adapter
          ? 'only a software (fallback) WebGPU adapter: WASM is far faster'
          : 'no WebGPU adapter';
    return ready(wasm.ort, wasm.session, wasmInfo(wasm.ort, model, reason));
  } catch (error) {
    return {
      ok: false,
      code: 'model-load-failed',
      message: `The face embedding model failed to load: ${errorText(error)}`,
    };
  }
}

function ready(o: typeof Ort, s: Ort.InferenceSession, i: EmbedderInfo): WorkerResult<EmbedderInfo> {
  ort = o;
  session = s;
  info = i;
  return { ok: true, value: i };
}

function wasmInfo(o: typeof Ort, model: string, reason: string): EmbedderInfo {
  return { backend: 'wasm', threads: o.env.wasm.numThreads ?? 1, simd: o.env.wasm.simd !== false, model, reason };
}

async function gpuAdapter(): Promise<{ isFallback: boolean; description: string } | null> {
  const gpu = (navigator as typeof navigator & { gpu?: { requestAdapter(): Promise<GpuAdapterLike | null> } }).gpu;
  if (!gpu) return null;
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return null;
    const isFallback = adapter.info?.isFallbackAdapter ?? adapter.isFallbackAdapter ?? false;
    return {
      isFallback,
      description:
        [adapter.info?.vendor, adapter.info?.architecture, adapter.info?.description].filter(Boolean).join(' ') ||
        'unknown GPU',
    };
  } catch {
    return null;
  }
}

interface GpuAdapterLike {
  isFallbackAdapter?: boolean;
  info?: { isFallbackAdapter?: boolean; vendor?: string; architecture?: string; description?: string };
}

function runtimeUrl(baseUrl: string): string {
  return new URL('vendor/ort/', baseUrl).href;
}

async function createWasmSession(baseUrl: string, bytes: Uint8Array) {
  // Dynamic import with explicit wasmPaths: a static import in a built module worker made
  // InferenceSession.create hang, and the default entry pulls a 28 MB wasm we do not need.
  const [o, wasmBinary] = await Promise.all([
    import('onnxruntime-web/wasm'),
    fetchVerifiedRuntime(baseUrl, WASM_RUNTIME),
  ]);
  o.env.wasm.wasmPaths = runtimeUrl(baseUrl);
  // Instantiated from the checked bytes: ONNX Runtime then never fetches the .wasm itself.
  o.env.wasm.wasmBinary = wasmBinary;
  // Threads need SharedArrayBuffer, i.e. cross-origin isolation (COOP/COEP headers).
  o.env.wasm.numThreads = self.crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency || 1) : 1;
  const s = await o.InferenceSession.create(bytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
  return { ort: o as unknown as typeof Ort, session: s as unknown as Ort.InferenceSession };
}

async function tryWebGpu(baseUrl: string, bytes: Uint8Array) {
  try {
    const [o, wasmBinary] = await Promise.all([
      import('onnxruntime-web/webgpu'),
      fetchVerifiedRuntime(baseUrl, WEBGPU_RUNTIME),
    ]);
    o.env.wasm.wasmPaths = runtimeUrl(baseUrl);
    o.env.wasm.wasmBinary = wasmBinary;
    o.env.wasm.numThreads = 1;
    const s = await o.InferenceSession.create(bytes, { executionProviders: ['webgpu'], graphOptimizationLevel: 'all' });
    return { ort: o as unknown as typeof Ort, session: s as unknown as Ort.InferenceSession };
  } catch {
    return null;
  }
}

function runGreyFace(o: typeof Ort, s: Ort.InferenceSession) {
  return s.run({
    [INPUT_NAME]: new o.Tensor('float32', new Float32Array(INPUT_SIZE), [
      1,
      3,
      EMBEDDER_INPUT.size,
      EMBEDDER_INPUT.size,
    ]),
  });
}

/** Median ms of `runs` embeddings of a grey face (after one warm-up). */
async function timeRuns(o: typeof Ort, s: Ort.InferenceSession, runs = 3): Promise<number> {
  await runGreyFace(o, s);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await runGreyFace(o, s);
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
}

async function embed(crops: Uint8ClampedArray[]): Promise<WorkerResult<Float32Array[]>> {
  if (!ort || !session || !info)
    return { ok: false, code: 'model-load-failed', message: 'The face embedding model is not loaded.' };
  await warmUp;
  const out: Float32Array[] = [];
  for (const crop of crops) {
    const views = flipAverage ? [false, true] : [false];
    const embeddings: Float32Array[] = [];
    for (const mirror of views) {
      const data = toEmbedderTensor(crop, inputSpec, undefined, 0, mirror);
      const input = new ort.Tensor('float32', data, [1, 3, EMBEDDER_INPUT.size, EMBEDDER_INPUT.size]);
      const result = await session.run({ [INPUT_NAME]: input });
      embeddings.push(result[OUTPUT_NAME].data as Float32Array);
    }
    out.push(
      embeddings.length === 1 ? l2Normalize(embeddings[0]) : meanNormalized(embeddings.map((e) => l2Normalize(e))),
    );
  }
  return Comlink.transfer(
    { ok: true as const, value: out },
    out.map((e) => e.buffer as ArrayBuffer),
  );
}

const api: EmbedderApi = { init, embed };
Comlink.expose(withLifeline(api));
