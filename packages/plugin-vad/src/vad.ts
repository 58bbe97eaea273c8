/** 0 (least aggressive: most speech kept) to 3 (most aggressive: least noise let through). */
export type VadMode = 0 | 1 | 2 | 3;

/**
 * A graded decision on a frame: `speech` (what `isSpeech` calls speech), `maybe` (not
 * speech, but near: a lower threshold — enough to suspect the caller is starting to speak,
 * not to start a turn), or `silence`.
 */
export type VadLevel = 'silence' | 'maybe' | 'speech';

/**
 * One voice activity detector on one stream of mono PCM16: a speech/non-speech decision
 * per frame of `frameSamples`. The contract `detectTurns` and `createVadPlugin` run on;
 * the WebRTC VAD here and `@psrkit/plugin-vad-silero` implement it.
 */
export interface Vad {
  /** The rate it decides at, Hz. */
  readonly sampleRate: number;
  /** Samples per decision: `detectTurns` re-cuts the stream into frames of this length. */
  readonly frameSamples: number;
  /**
   * True when the frame holds speech. A model may answer asynchronously; callers ask for
   * one frame at a time and in order (the answer may depend on the frames before).
   */
  isSpeech(frame: Int16Array): boolean | Promise<boolean>;
  /**
   * Optional: the graded decision on the frame, moving the same state as `isSpeech` (call
   * one or the other for a stream). `detectTurns` uses it when present: `maybe` frames
   * raise suspicions (`suspectMs`) but neither start a turn nor hold one open.
   */
  speechLevel?(frame: Int16Array): VadLevel | Promise<VadLevel>;
  /** Forgets the frames heard so far. */
  reset(): void;
  /** Frees the instance; later calls throw `VadError` `CLOSED`. */
  close(): void;
}

/** What an engine is opened for (see {@link OpenVad}). */
export interface OpenVadOptions {
  /** The stream's rate; an engine that cannot take it throws `VadError` `INVALID_OPTION`. */
  readonly sampleRate: number;
  /** The WebRTC VAD's aggressiveness; other engines refuse it (`INVALID_OPTION`). */
  readonly mode?: VadMode;
}

/** Opens VAD instances synchronously: `detectTurns` makes one per call and side. */
export type OpenVad = (options: OpenVadOptions) => Vad;
