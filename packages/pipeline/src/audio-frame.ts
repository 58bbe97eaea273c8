import type { ChunkFormat } from '@psrkit/protocol';

/** One side of the call: `a` is the calling party, `b` the called party. */
export type CallSide = 'a' | 'b';

/** A fixed-length piece of one side's audio. */
export interface AudioFrame {
  /** Mono signed 16-bit samples. */
  readonly samples: Int16Array;
  /** Samples per second. */
  readonly sampleRate: number;
  /** Which side of the call it is: `a` or `b` (see `call.remoteSide` for the caller's). */
  readonly channel: CallSide;
  /** Index of the first sample since the call started, at `sampleRate`. */
  readonly startSample: number;
}

/** A piece of encoded bot speech, ready to become a `chunk` action. */
export interface AudioChunk {
  /** How `data` is encoded. */
  readonly format: ChunkFormat;
  /** Whole MP3 frames, or little-endian PCM16 at 8000 Hz. */
  readonly data: Uint8Array;
  /** Where the chunk starts in its stream, in ms of audio. */
  readonly startMs: number;
  /** How much audio it holds, in ms. */
  readonly durationMs: number;
}
