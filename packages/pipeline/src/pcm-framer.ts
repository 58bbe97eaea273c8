import type { PsrChannel } from '@psrkit/protocol';
import type { AudioFrame, CallSide } from './audio-frame.js';
import { checkInteger } from './errors.js';

/** Options of {@link createPcmFramer}. */
export interface PcmFramerOptions {
  /** How PSR's payload is laid out: `stereo` (interleaved), `mono_a` or `mono_b`. */
  readonly layout: PsrChannel;
  /** Samples per second (PSR: 8000). */
  readonly sampleRate?: number;
  /** Frame length in ms (default 20). */
  readonly frameMs?: number;
  /** Which side each stereo channel carries (default `['a', 'b']`: channel 0 is A). */
  readonly stereoOrder?: readonly [CallSide, CallSide];
}

/** Re-frames PCM pieces of any size into fixed frames, per side. */
export interface PcmFramer {
  /** Samples per frame and side. */
  readonly frameSamples: number;
  /** Takes the next piece (interleaved for stereo); returns the frames it completed. */
  push(samples: Int16Array): AudioFrame[];
  /** Returns the partial frame still held (shorter than a frame), if any. */
  flush(): AudioFrame[];
}

/**
 * Creates a framer that carries remainders (even half a stereo sample pair) from one
 * piece to the next, so any piece size yields the same frames.
 *
 * @example
 * ```ts
 * const framer = createPcmFramer({ layout: 'stereo' });
 * for (const frame of framer.push(event.samples)) handle(frame.channel, frame.samples);
 * ```
 */
export function createPcmFramer(options: PcmFramerOptions): PcmFramer {
  const sampleRate = checkInteger(options.sampleRate ?? 8000, 'framer.sampleRate', 1000, 384_000);
  const frameMs = options.frameMs ?? 20;
  const frameSamples = (sampleRate * frameMs) / 1000;
  checkInteger(frameSamples, 'framer.frameMs (as samples)', 1, sampleRate * 10);
  const sides: readonly CallSide[] =
    options.layout === 'stereo'
      ? (options.stereoOrder ?? ['a', 'b'])
      : [options.layout === 'mono_a' ? 'a' : 'b'];
  const channels = sides.length;
  const pending = new Int16Array(frameSamples * channels);
  let filled = 0;
  let startSample = 0;

  const emit = (length: number): AudioFrame[] => {
    // A copy: the frames outlive `pending`, which the next piece overwrites.
    const frames = sides.map((channel, c) => {
      if (channels === 1)
        return { samples: pending.slice(0, length), sampleRate, channel, startSample };
      const samples = new Int16Array(length);
      for (let i = 0; i < length; i++) samples[i] = pending[i * channels + c]!;
      return { samples, sampleRate, channel, startSample };
    });
    startSample += length;
    filled = 0;
    return frames;
  };

  return {
    frameSamples,
    push(samples) {
      const out: AudioFrame[] = [];
      let offset = 0;
      while (offset < samples.length) {
        const take = Math.min(pending.length - filled, samples.length - offset);
        pending.set(samples.subarray(offset, offset + take), filled);
        filled += take;
        offset += take;
        if (filled === pending.length) out.push(...emit(frameSamples));
      }
      return out;
    },
    flush() {
      const whole = Math.floor(filled / channels);
      if (whole > 0) return emit(whole);
      filled = 0; // half a stereo pair at the very end carries no audio
      return [];
    },
  };
}
