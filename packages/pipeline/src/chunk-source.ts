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
import { PcmIntake } from './pcm-intake.js';
import { createResampler, type ResamplerQuality } from './resampler.js';
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

/** Whether an MP3 source's tail (the partial frame, the encoder's delay) is still to come. */
type TailState = 'open' | 'flushed' | 'handed-over';

/** What one stream's chunk source holds between calls. */
interface ChunkSourceState {
  readonly options: ChunkSourceOptions;
  /** The source's audio on its way to 8 kHz. */
  readonly intake: PcmIntake;
  /** MP3 frames encoded and not yet taken. */
  readonly frames: Mp3Frame[];
  encoder: Mp3Encoder | undefined;
  tail: TailState;
  lastSample: number;
  /** Where the next PCM16 chunk starts, ms. */
  startMs: number;
  /** Something was encoded or taken: too late to adopt another stream's encoder. */
  touched: boolean;
}

/**
 * Creates the chunk source of one stream. Its state is a `ChunkSourceState`; each
 * method is a module function over it (the methods work detached, as plain functions).
 */
export function createChunkSource(options: ChunkSourceOptions): ChunkSource {
  const resampler =
    options.sampleRate === PSR_SAMPLE_RATE
      ? undefined
      : createResampler({
          inputRate: options.sampleRate,
          outputRate: PSR_SAMPLE_RATE,
          ...(options.resamplerQuality && { quality: options.resamplerQuality }),
        });
  const state: ChunkSourceState = {
    options,
    intake: new PcmIntake(resampler, options.outbound),
    frames: [],
    encoder: undefined,
    tail: 'open',
    lastSample: 0,
    startMs: 0,
    touched: false,
  };
  return {
    push: (piece) => state.intake.push(piece),
    end: () => state.intake.end(),
    next: () => nextChunk(state),
    get atTail() {
      return atTail(state);
    },
    get done() {
      return isDone(state);
    },
    flush: () => flushTail(state),
    handOver: () => handOver(state),
    adopt: (continuation) => adopt(state, continuation),
    get fresh() {
      return state.options.format === 'mp3' && !state.touched && state.tail === 'open';
    },
    prepare: (encode) => prepare(state, encode),
    fadeTail: (samples) => fadeTail(state, samples),
    close: () => closeSource(state),
  };
}

/** The next chunk, or `undefined` when more audio is needed (or, for MP3, only the tail is left). */
function nextChunk(state: ChunkSourceState): AudioChunk | undefined {
  const { intake, frames, options } = state;
  const { pcm } = intake;
  if (options.format === 'pcm16') {
    intake.fill(options.pcmChunkSamples);
    if (pcm.length >= options.pcmChunkSamples || (intake.allIn && pcm.length > 0))
      return pcmChunk(state, pcm.take(options.pcmChunkSamples));
    return undefined;
  }
  if (state.tail === 'open') encodeUpTo(state, options.framesPerChunk);
  // Whole chunks while the stream goes on; a shorter one at the source's end, before
  // its tail is flushed or handed over, and what is left after the flush.
  const atEnd = state.tail !== 'open' || (intake.allIn && pcm.length < MP3_FRAME_SAMPLES);
  if (frames.length >= options.framesPerChunk || (atEnd && frames.length > 0))
    return takeFrames(state);
  return undefined;
}

function atTail({ options, tail, intake, frames }: ChunkSourceState): boolean {
  return (
    options.format === 'mp3' &&
    tail === 'open' &&
    intake.allIn &&
    intake.pcm.length < MP3_FRAME_SAMPLES &&
    frames.length === 0
  );
}

function isDone({ options, tail, intake, frames }: ChunkSourceState): boolean {
  if (options.format === 'pcm16') return intake.allIn && intake.pcm.length === 0;
  return tail !== 'open' && frames.length === 0;
}

/** Ends the MP3 stream: the rest, padded to whole frames, waits to be taken. */
function flushTail(state: ChunkSourceState): void {
  if (state.tail !== 'open') return;
  const { pcm } = state.intake;
  feed(state, pcm.take(pcm.length));
  if (state.encoder) state.frames.push(...state.encoder.flush());
  state.tail = 'flushed';
}

function handOver(state: ChunkSourceState): Continuation | undefined {
  const { encoder, intake } = state;
  if (state.tail !== 'open' || !encoder || state.frames.length > 0) return undefined;
  const leftover = intake.pcm.take(intake.pcm.length);
  state.encoder = undefined;
  state.tail = 'handed-over';
  return { encoder, leftover, lastSample: state.lastSample };
}

function adopt(state: ChunkSourceState, continuation: Continuation): void {
  const { pcm } = state.intake;
  state.encoder?.close();
  state.encoder = continuation.encoder;
  state.lastSample = continuation.lastSample;
  const rest = pcm.take(pcm.length);
  pcm.push(continuation.leftover);
  pcm.push(rest);
}

function prepare(state: ChunkSourceState, encode: boolean): void {
  const { framesPerChunk, pcmChunkSamples, format } = state.options;
  if (format === 'pcm16') state.intake.fill(pcmChunkSamples);
  else if (encode && state.tail === 'open') encodeUpTo(state, framesPerChunk);
  else state.intake.fill(framesPerChunk * MP3_FRAME_SAMPLES);
}

function fadeTail(state: ChunkSourceState, samples: number): AudioChunk | undefined {
  if (state.options.format !== 'pcm16' || samples <= 0) return undefined;
  const { intake } = state;
  intake.fill(samples);
  const next = intake.pcm.take(Math.min(samples, intake.pcm.length));
  return pcmChunk(
    state,
    next.length >= samples
      ? fadeOut(next, samples)
      : glideToSilence(next.length > 0 ? next[0]! : state.lastSample, samples),
  );
}

function closeSource(state: ChunkSourceState): void {
  state.encoder?.close();
  state.encoder = undefined;
  state.frames.length = 0;
  state.intake.clear();
}

/** Encodes whole frames until `count` are ready or the 8 kHz audio runs short. */
function encodeUpTo(state: ChunkSourceState, count: number): void {
  const { intake, frames } = state;
  while (frames.length < count) {
    intake.fill(MP3_FRAME_SAMPLES);
    if (intake.pcm.length < MP3_FRAME_SAMPLES) return;
    feed(state, intake.pcm.take(MP3_FRAME_SAMPLES));
  }
}

function feed(state: ChunkSourceState, samples: Int16Array): void {
  if (samples.length === 0) return;
  state.touched = true;
  state.lastSample = samples[samples.length - 1]!;
  state.encoder ??= createMp3Encoder({
    bitrateKbps: state.options.bitrateKbps,
    ...(state.options.mp3Backend && { backend: state.options.mp3Backend }),
  });
  state.frames.push(...state.encoder.encode(samples));
}

function pcmChunk(state: ChunkSourceState, samples: Int16Array): AudioChunk {
  state.touched = true;
  if (samples.length > 0) state.lastSample = samples[samples.length - 1]!;
  const chunk: AudioChunk = {
    format: 'pcm16',
    data: pcm16ToBytes(samples),
    startMs: state.startMs,
    durationMs: (samples.length * 1000) / PSR_SAMPLE_RATE,
  };
  state.startMs += chunk.durationMs;
  return chunk;
}

function takeFrames(state: ChunkSourceState): AudioChunk {
  state.touched = true;
  return joinMp3Frames(state.frames.splice(0, state.options.framesPerChunk));
}
