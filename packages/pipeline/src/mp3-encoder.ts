import { Mp3Encoder as LameJsEncoder } from '@breezystack/lamejs';
import { checkInteger, PipelineError } from './errors.js';
import { parseMp3FrameHeader, splitMp3Frames } from './mp3-frame-header.js';

/** One whole MP3 frame with its place in the stream. */
export interface Mp3Frame {
  /** The frame's bytes, header included. */
  readonly data: Uint8Array;
  /** 0 for the stream's first frame. */
  readonly index: number;
  /** Where the frame starts in the encoded stream, in ms (`index × durationMs`). */
  readonly startMs: number;
  /** 72 ms at 8000 Hz (576 samples). */
  readonly durationMs: number;
}

/** The encoding engine behind {@link createMp3Encoder}: raw bytes in, raw bytes out. */
export interface Mp3EncoderBackend {
  /** Samples of encoder delay at the start of its output (decoders can't trim it: no Xing header). */
  readonly delaySamples: number;
  /** Encodes the next samples; returns the bytes completed so far (often none). */
  encode(samples: Int16Array): Uint8Array;
  /** Ends the stream: the rest, padded to whole frames. */
  flush(): Uint8Array;
  /** Releases what the engine holds (a WASM instance goes back to its pool, say). */
  close(): void;
}

/** What a backend is made for: one mono stream at one rate and bitrate. */
export interface Mp3EncoderBackendOptions {
  /** Input and output sample rate, Hz (PSR: 8000). */
  readonly sampleRate: number;
  /** Constant bitrate, kbps. */
  readonly bitrateKbps: number;
}

/** Makes one backend per stream. Plugins (e.g. a WASM LAME build) provide these. */
export type Mp3EncoderBackendFactory = (options: Mp3EncoderBackendOptions) => Mp3EncoderBackend;

/** The built-in backend: `@breezystack/lamejs` (pure JavaScript, mono, CBR). */
export const lameJsBackend: Mp3EncoderBackendFactory = ({ sampleRate, bitrateKbps }) => {
  let encoder: LameJsEncoder | undefined = new LameJsEncoder(1, sampleRate, bitrateKbps);
  // lamejs hands back Int8Array (its typings say Uint8Array): view the same bytes unsigned.
  const bytes = (out: ArrayBufferView): Uint8Array =>
    new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  const live = (): LameJsEncoder => {
    if (!encoder)
      throw new PipelineError('ENCODER_FAILED', 'the encoder was closed', { where: 'mp3Encoder' });
    return encoder;
  };
  return {
    delaySamples: 1105,
    encode: (samples) => bytes(live().encodeBuffer(samples)),
    flush: () => bytes(live().flush()),
    close: () => {
      encoder = undefined;
    },
  };
};

/** Options of {@link createMp3Encoder}. */
export interface Mp3EncoderOptions {
  /** Input and output sample rate; PSR plays 8000 Hz (MPEG-2.5). */
  readonly sampleRate?: number;
  /** Constant bitrate; 8–64 kbps at 8000 Hz (default 32). */
  readonly bitrateKbps?: number;
  /** The engine (default: lamejs). */
  readonly backend?: Mp3EncoderBackendFactory;
}

/** A streaming PCM16 → MP3 encoder that returns whole frames only. */
export interface Mp3Encoder {
  /** Input and output sample rate, Hz. */
  readonly sampleRate: number;
  /** Constant bitrate, kbps. */
  readonly bitrateKbps: number;
  /** Encoder delay of the backend, in samples: the decoded stream starts this late. */
  readonly delaySamples: number;
  /** Encodes the next piece; returns the frames completed so far (often none for small pieces). */
  encode(samples: Int16Array): Mp3Frame[];
  /**
   * Ends the stream: the rest of the audio, padded to whole frames. Call only when the
   * stream ends or is interrupted, never per piece (mid-stream flushes insert gaps).
   * The encoder then starts a new stream on the next `encode`.
   */
  flush(): Mp3Frame[];
  /** Releases the backend; the encoder cannot be used afterwards. */
  close(): void;
}

const BITRATES_8K = [8, 16, 24, 32, 40, 48, 56, 64];

/** The MP3 bitrate when none is given, kbps: clear speech at 8 kHz, 4 KB a second. */
export const DEFAULT_BITRATE_KBPS = 32;

/**
 * Creates an MP3 encoder for one stream of mono audio.
 *
 * @example
 * ```ts
 * const encoder = createMp3Encoder({ sampleRate: 8000, bitrateKbps: 32 });
 * const frames = [...encoder.encode(pcm), ...encoder.flush()];
 * ```
 */
export function createMp3Encoder(options: Mp3EncoderOptions = {}): Mp3Encoder {
  const { sampleRate, bitrateKbps } = checkEncoderOptions(options);
  const makeBackend = options.backend ?? lameJsBackend;
  const frames = new Mp3FrameCollector();
  let backend: Mp3EncoderBackend | undefined;
  let closed = false;

  const open = (): Mp3EncoderBackend => {
    if (closed)
      throw new PipelineError('ENCODER_FAILED', 'encode after close', { where: 'mp3Encoder' });
    backend ??= makeBackend({ sampleRate, bitrateKbps });
    return backend;
  };
  const first = open();

  return {
    sampleRate,
    bitrateKbps,
    delaySamples: first.delaySamples,
    encode(samples) {
      if (!(samples instanceof Int16Array)) {
        throw new PipelineError(
          'INVALID_AUDIO',
          `expected an Int16Array, got ${Object.prototype.toString.call(samples)}`,
          { where: 'mp3Encoder.encode' },
        );
      }
      return samples.length === 0 ? [] : frames.collect(open().encode(samples));
    },
    flush() {
      if (!backend) return [];
      const last = frames.collect(backend.flush());
      backend.close();
      backend = undefined;
      frames.reset();
      return last;
    },
    close() {
      backend?.close();
      backend = undefined;
      closed = true;
    },
  };
}

/** The encoder's rate and bitrate, checked: an MP3 rate, and at 8 kHz an MPEG-2.5 bitrate. */
function checkEncoderOptions(options: Mp3EncoderOptions): {
  sampleRate: number;
  bitrateKbps: number;
} {
  const sampleRate = options.sampleRate ?? 8000;
  const bitrateKbps = options.bitrateKbps ?? DEFAULT_BITRATE_KBPS;
  if (![8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000].includes(sampleRate)) {
    throw new PipelineError('INVALID_OPTION', `${sampleRate} Hz is not an MP3 sample rate`, {
      where: 'mp3Encoder.sampleRate',
    });
  }
  checkInteger(bitrateKbps, 'mp3Encoder.bitrateKbps', 8, 320);
  if (sampleRate === 8000 && !BITRATES_8K.includes(bitrateKbps)) {
    throw new PipelineError(
      'INVALID_OPTION',
      `at 8000 Hz must be one of ${BITRATES_8K.join(', ')}`,
      { where: 'mp3Encoder.bitrateKbps' },
    );
  }
  return { sampleRate, bitrateKbps };
}

/**
 * Cuts a backend's output into whole MP3 frames, numbered from the stream's start: bytes
 * of a frame not yet complete wait for the next output. A class: the partial frame and
 * the next index are its state, `reset` starts a new stream.
 */
export class Mp3FrameCollector {
  private pending: Uint8Array = new Uint8Array(0);
  private index = 0;

  /** The whole frames `bytes` completes, in order. */
  collect(bytes: Uint8Array): Mp3Frame[] {
    const joined = this.pending.length === 0 ? bytes : concat(this.pending, bytes);
    let split: ReturnType<typeof splitMp3Frames>;
    try {
      split = splitMp3Frames(joined);
    } catch (cause) {
      throw new PipelineError(
        'ENCODER_FAILED',
        `the backend wrote bytes that are not MP3 frames: ${(cause as Error).message}`,
        { where: 'mp3Encoder', cause },
      );
    }
    this.pending = joined.slice(joined.length - split.rest);
    return split.frames.map((data) => {
      const header = parseMp3FrameHeader(data);
      const durationMs = (header.samplesPerFrame * 1000) / header.sampleRate;
      const frame = { data, index: this.index, startMs: this.index * durationMs, durationMs };
      this.index++;
      return frame;
    });
  }

  /** A new stream: no partial frame, numbering from 0. */
  reset(): void {
    this.pending = new Uint8Array(0);
    this.index = 0;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
