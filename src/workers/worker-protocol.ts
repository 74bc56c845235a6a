// What crosses between the facade and the workers. Errors come back as values, not exceptions, because
// comlink keeps only an Error's message: the facade needs the code to tell the person what went wrong.
import type { Box, DetectedFace } from '../core/detection-geometry';
import type { Backend, BackendChoice, EmbedderTuning, FacelocalErrorCode } from '../types';

export type WorkerResult<T> = { ok: true; value: T } | { ok: false; code: FacelocalErrorCode; message: string };

export interface AnalysedFace extends DetectedFace {
  quality: import('../core/face-quality').FaceQuality;
  /** 112x112 RGBA crop aligned to the ArcFace template. */
  aligned: Uint8ClampedArray;
  /** Small JPEG of the face for the gallery UI, when asked for. */
  thumbnail?: ArrayBuffer;
}

export interface AnalysedPhoto {
  width: number;
  height: number;
  faces: AnalysedFace[];
  decodeMs: number;
  detectMs: number;
  alignMs: number;
}

export interface AnalyseOptions {
  thumbnails: boolean;
  /**
   * A box drawn around a face the detector missed: only this region is searched, at the scale that suits it and a
   * lower confidence, and the one face centred in it (if any) is returned with its landmarks.
   */
  region?: Box;
}

/** The faces in one camera frame; the worker keeps the frame until the next one, for alignFrameFaces. */
export interface DetectedFrame {
  width: number;
  height: number;
  faces: DetectedFace[];
  detectMs: number;
}

export interface DetectorApi {
  init(baseUrl: string): Promise<WorkerResult<{ model: string }>>;
  analyse(bytes: ArrayBuffer, options: AnalyseOptions): Promise<WorkerResult<AnalysedPhoto>>;
  /** Live camera: finds the faces in a frame (transferred, not copied) and keeps it for alignFrameFaces. */
  detectFrame(frame: ImageBitmap): Promise<WorkerResult<DetectedFrame>>;
  /** 112x112 aligned crops of the given faces (indices into the last detectFrame's faces) of the kept frame. */
  alignFrameFaces(faceIndices: number[]): Promise<WorkerResult<Uint8ClampedArray[]>>;
  /** Lets go of the kept frame (the live session ended). */
  releaseFrame(): Promise<void>;
}

export interface EmbedderInfo {
  backend: Backend;
  threads: number;
  simd: boolean;
  model: string;
  /** How the choice was made, for the UI and the benchmark log. */
  reason: string;
}

export interface EmbedderApi {
  init(baseUrl: string, backend: BackendChoice, tuning?: EmbedderTuning): Promise<WorkerResult<EmbedderInfo>>;
  /** One L2-normalised embedding per aligned crop. */
  embed(crops: Uint8ClampedArray[]): Promise<WorkerResult<Float32Array[]>>;
}

export type { Box };
