import { type ChunkFormat, PSR_SAMPLE_RATE, pcm16ToBytes } from '@psrkit/protocol';
import type { AudioChunk } from './audio-frame.js';
import { fadeOut, glideToSilence } from './fade.js';
import { joinMp3Frames } from './mp3-chunks.js';
import {
  createMp3Encoder,
  type Mp3Encoder,
  type Mp3EncoderBackendFactory,
  type Mp3Frame,
} from './mp3-encoder.js';
import { PcmFifo } from './pcm-fifo.js';
import { createResampler, type Resampler, type ResamplerQuality } from './resampler.js';
import type { PcmProcessor } from './stage-chain.js';

/** Samples in one MP3 frame at 8000 Hz (MPEG-2.5 Layer III). */
export const MP3_FRAME_SAMPLES = 576;

/** How a stream's PCM becomes chunks: its rate, the format, chunk sizes and the encoder. */
export interface ChunkSourceOptions {
  /** Rate of the PCM pushed in, Hz. */
  readonly sampleRate: number;
  /** Chunk format: `mp3` or `pcm16`. */
  readonly format: ChunkFormat;
  /** MP3 frames per chunk. */
  readonly framesPerChunk: number;
  /** PCM16 samples per chunk (at 8 kHz). */
  readonly pcmChunkSamples: number;
  /** MP3 bitrate, kbps. */
  readonly bitrateKbps: number;
  /** MP3 engine (default lamejs). */
  readonly mp3Backend?: Mp3EncoderBackendFactory;
  /** Resampler filter design, when the rate is not 8 kHz. */
  readonly resamplerQuality?: ResamplerQuality;
  /** Stages on the 8 kHz PCM before it is encoded (the playout line's `outbound`). */
  readonly outbound?: PcmProcessor;
}

/** What a stream hands to the stream queued right after it, to go on without a seam. */
export interface Continuation {
  /** The MP3 encoder, mid-stream: no new encoder delay at the seam. */
  readonly encoder: Mp3Encoder;
  /** 8 kHz samples not yet fed to the encoder (less than a frame). */
  readonly leftover: Int16Array;
  /** The last sample sent, for a click-free seam. */
  readonly lastSample: number;
}

/**
 * One stream's chunks, made on demand and without timers: PCM pieces in (any rate),
 * resampled to 8 kHz, MP3-encoded (or cut into PCM16 pieces), out as whole-frame
 * chunks. Nothing is sent from here: audio inside the encoder or encoded ahead is not
 * the caller's until a chunk holding it is taken, so an interruption drops it.
 */
export interface ChunkSource {
  /** A source piece (not copied: it must not change afterwards). */
  push(pcm: Int16Array): void;
  /** The source has given everything. */
  end(): void;
  /**
   * The next chunk, or `undefined` when more source audio is needed, or — at the end of
   * an MP3 source — when only the encoder's tail is left: then `flush()` or
   * `handOver()` decides.
   */
  next(): AudioChunk | undefined;
  /** True once the source ended and only the encoder's tail (a partial frame, its delay) is left. */
  readonly atTail: boolean;
  /** True once every chunk was taken (after the source ended and the tail was flushed or handed over). */
  readonly done: boolean;
  /** Ends the MP3 stream: the tail, padded to whole frames, comes out of `next()`. */
  flush(): void;
  /** Gives the encoder and the unencoded tail to the next stream instead of flushing them. */
  handOver(): Continuation | undefined;
  /** Goes on with the previous stream's encoder (only before anything was encoded). */
  adopt(continuation: Continuation): void;
  /** True while nothing was encoded or taken: a previous stream's encoder can still be adopted. */
  readonly fresh: boolean;
  /** Does the work of the next chunk now (resampling; with `encode`, encoding) without taking it. */
  prepare(encode: boolean): void;
  /** PCM16 only: a short fade from where the stream was cut, as the last chunk. */
  fadeTail(samples: number): AudioChunk | undefined;
  /** Drops everything (the encoder included). */
  close(): void;
}

/** Creates the chunk source of one stream. */
export function createChunkSource(options: ChunkSourceOptions): ChunkSource {
  const { format, framesPerChunk, pcmChunkSamples } = options;
  const resampler: Resampler | undefined =
    options.sampleRate === PSR_SAMPLE_RATE
      ? undefined
      : createResampler({
          inputRate: options.sampleRate,
          outputRate: PSR_SAMPLE_RATE,
          ...(options.resamplerQuality && { quality: options.resamplerQuality }),
        });
  const input = new PcmFifo(); // source pieces, at the source's rate
  const pcm = new PcmFifo(); // at 8 kHz, not yet encoded or taken
  const frames: Mp3Frame[] = [];
  let encoder: Mp3Encoder | undefined;
  let ended = false;
  const { outbound } = options;
  // The resampler's and the stages' tails are in (nothing to flush without them).
  let tailIn = resampler === undefined && outbound === undefined;
  let tail: 'open' | 'flushed' | 'handed-over' = 'open';
  let lastSample = 0;
  let startMs = 0;
  let touched = false;

  /** 8 kHz audio in, through the outbound stages when there are any. */
  const toPcm = (samples: Int16Array): void => {
    if (!outbound) return void pcm.push(samples);
    for (const out of outbound.push(samples)) pcm.push(out);
  };
  /** Resamples source pieces until `count` samples wait at 8 kHz, or the source runs out. */
  const fill = (count: number): void => {
    while (pcm.length < count) {
      const piece = input.takePiece();
      if (piece) toPcm(resampler ? resampler.push(piece) : piece);
      else if (ended && !tailIn) {
        tailIn = true;
        if (resampler) toPcm(resampler.flush());
        if (outbound) for (const out of outbound.end()) pcm.push(out);
      } else return;
    }
  };
  const allIn = (): boolean => ended && tailIn && input.length === 0;
  const openEncoder = (): Mp3Encoder =>
    (encoder ??= createMp3Encoder({
      bitrateKbps: options.bitrateKbps,
      ...(options.mp3Backend && { backend: options.mp3Backend }),
    }));
  const feed = (samples: Int16Array): void => {
    if (samples.length === 0) return;
    touched = true;
    lastSample = samples[samples.length - 1]!;
    frames.push(...openEncoder().encode(samples));
  };
  /** Encodes whole frames until `count` are ready or the 8 kHz audio runs short. */
  const encodeUpTo = (count: number): void => {
    while (frames.length < count) {
      fill(MP3_FRAME_SAMPLES);
      if (pcm.length < MP3_FRAME_SAMPLES) return;
      feed(pcm.take(MP3_FRAME_SAMPLES));
    }
  };

  const pcmChunk = (samples: Int16Array): AudioChunk => {
    touched = true;
    if (samples.length > 0) lastSample = samples[samples.length - 1]!;
    const chunk: AudioChunk = {
      format: 'pcm16',
      data: pcm16ToBytes(samples),
      startMs,
      durationMs: (samples.length * 1000) / PSR_SAMPLE_RATE,
    };
    startMs += chunk.durationMs;
    return chunk;
  };
  const takeFrames = (): AudioChunk => {
    touched = true;
    return joinMp3Frames(frames.splice(0, framesPerChunk));
  };

  return {
    push: (piece) => input.push(piece),
    end() {
      ended = true;
    },
    next() {
      if (format === 'pcm16') {
        fill(pcmChunkSamples);
        if (pcm.length >= pcmChunkSamples || (allIn() && pcm.length > 0))
          return pcmChunk(pcm.take(pcmChunkSamples));
        return undefined;
      }
      if (tail === 'open') encodeUpTo(framesPerChunk);
      // Whole chunks while the stream goes on; a shorter one at the source's end, before
      // its tail is flushed or handed over, and what is left after the flush.
      const atEnd = tail !== 'open' || (allIn() && pcm.length < MP3_FRAME_SAMPLES);
      if (frames.length >= framesPerChunk || (atEnd && frames.length > 0)) return takeFrames();
      return undefined;
    },
    get atTail() {
      return (
        format === 'mp3' &&
        tail === 'open' &&
        allIn() &&
        pcm.length < MP3_FRAME_SAMPLES &&
        frames.length === 0
      );
    },
    get done() {
      if (format === 'pcm16') return allIn() && pcm.length === 0;
      return tail !== 'open' && frames.length === 0;
    },
    flush() {
      if (tail !== 'open') return;
      feed(pcm.take(pcm.length));
      if (encoder) frames.push(...encoder.flush());
      tail = 'flushed';
    },
    handOver() {
      if (tail !== 'open' || !encoder || frames.length > 0) return undefined;
      const continuation = { encoder, leftover: pcm.take(pcm.length), lastSample };
      encoder = undefined;
      tail = 'handed-over';
      return continuation;
    },
    adopt(continuation) {
      encoder?.close();
      encoder = continuation.encoder;
      lastSample = continuation.lastSample;
      const rest = pcm.take(pcm.length);
      pcm.push(continuation.leftover);
      pcm.push(rest);
    },
    get fresh() {
      return format === 'mp3' && !touched && tail === 'open';
    },
    prepare(encode) {
      if (format === 'pcm16') fill(pcmChunkSamples);
      else if (encode && tail === 'open') encodeUpTo(framesPerChunk);
      else fill(framesPerChunk * MP3_FRAME_SAMPLES);
    },
    fadeTail(samples) {
      if (format !== 'pcm16' || samples <= 0) return undefined;
      fill(samples);
      const next = pcm.take(Math.min(samples, pcm.length));
      return pcmChunk(
        next.length >= samples
          ? fadeOut(next, samples)
          : glideToSilence(next.length > 0 ? next[0]! : lastSample, samples),
      );
    },
    close() {
      encoder?.close();
      encoder = undefined;
      frames.length = 0;
      input.clear();
      pcm.clear();
    },
  };
}
