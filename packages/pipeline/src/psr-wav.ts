import { concatPcm, decodeWav, encodeWav, type PcmAudio, PSR_SAMPLE_RATE } from '@psrkit/protocol';
import { createResampler, type Resampler, type ResamplerQuality } from './resampler.js';
import type { PcmProcessor } from './stage-chain.js';
import type { WorkQueue } from './work-queue.js';

/** A WAV file as PSR plays it: 16-bit, mono, 8000 Hz. */
export interface PsrWav {
  /** The whole WAV file, header included. */
  readonly wav: Uint8Array;
  /** The 8 kHz mono samples inside it. */
  readonly samples: Int16Array;
  /** Its length, ms. */
  readonly durationMs: number;
}

/**
 * Packages audio for a `media` action: any WAV file (see `decodeWav`) or PCM at any rate
 * and channel count becomes a 16-bit mono 8000 Hz WAV (channels averaged, then resampled).
 *
 * @throws {ProtocolError} `INVALID_WAV` for a file that cannot be read
 */
export function toPsrWav(input: Uint8Array | PcmAudio, options: PsrWavOptions = {}): PsrWav {
  const audio = input instanceof Uint8Array ? decodeWav(input) : input;
  let samples = downmix(audio);
  if (audio.sampleRate !== PSR_SAMPLE_RATE) {
    const resampler = createResampler({
      inputRate: audio.sampleRate,
      outputRate: PSR_SAMPLE_RATE,
      ...(options.quality && { quality: options.quality }),
    });
    samples = concatPcm([resampler.push(samples), resampler.flush()]);
  }
  const { outbound } = options;
  if (outbound) samples = concatPcm([...outbound.push(samples), ...outbound.end()]);
  return packaged(samples);
}

/** How a file is prepared: the resampler's quality, stages on its 8 kHz audio. */
export interface PsrWavOptions {
  /** Resampler filter design, when the input is not at 8 kHz (default `standard`). */
  readonly quality?: ResamplerQuality;
  /** Stages on the 8 kHz audio before it is packaged (see the line's `outbound`). */
  readonly outbound?: PcmProcessor;
}

/**
 * {@link toPsrWav} in slices on `work` (a quarter of a second of source audio each, a
 * millisecond or two), so that a long prompt never blocks the event loop; `done` gets
 * the result or the error. A WAV that cannot be read throws at once. Without `work`,
 * it is all done now. Returns a function that cancels the rest.
 *
 * @throws {ProtocolError} `INVALID_WAV` for a file that cannot be read
 */
export function preparePsrWav(
  input: Uint8Array | PcmAudio,
  options: PsrWavOptions,
  work: WorkQueue | undefined,
  done: (result: PsrWav | Error) => void,
): () => void {
  const audio = input instanceof Uint8Array ? decodeWav(input) : input;
  if (!work) {
    try {
      done(toPsrWav(audio, options));
    } catch (error) {
      done(error as Error);
    }
    return () => undefined;
  }
  const frames = Math.floor(audio.samples.length / audio.channels);
  const step = Math.max(1, Math.round(audio.sampleRate / 4));
  let resampler: Resampler | undefined;
  const parts: Int16Array[] = [];
  const { outbound } = options;
  const keep = (samples: Int16Array): void => {
    if (outbound) parts.push(...outbound.push(samples));
    else parts.push(samples);
  };
  let at = 0;
  let cancelled = false;
  const slice = (): void => {
    if (cancelled) return;
    try {
      const end = Math.min(frames, at + step);
      let samples = downmix(audio, at, end);
      if (audio.sampleRate !== PSR_SAMPLE_RATE) {
        resampler ??= createResampler({
          inputRate: audio.sampleRate,
          outputRate: PSR_SAMPLE_RATE,
          ...(options.quality && { quality: options.quality }),
        });
        samples = resampler.push(samples);
      }
      keep(samples);
      at = end;
      if (at < frames) {
        work.add(slice);
        return;
      }
      if (resampler) keep(resampler.flush());
      if (outbound) parts.push(...outbound.end());
      done(packaged(concatPcm(parts)));
    } catch (error) {
      done(error as Error);
    }
  };
  work.add(slice);
  return () => {
    cancelled = true;
  };
}

const packaged = (samples: Int16Array): PsrWav => ({
  wav: encodeWav({ sampleRate: PSR_SAMPLE_RATE, channels: 1, samples }),
  samples,
  durationMs: (samples.length * 1000) / PSR_SAMPLE_RATE,
});

/** Mono frames [from, to) of `audio` (channels averaged). */
function downmix(
  { samples, channels }: PcmAudio,
  from = 0,
  to = samples.length / channels,
): Int16Array {
  if (channels === 1)
    return from === 0 && to >= samples.length ? samples : samples.subarray(from, to);
  const out = new Int16Array(Math.max(0, Math.floor(to) - from));
  for (let i = 0; i < out.length; i++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += samples[(from + i) * channels + c]!;
    out[i] = Math.round(sum / channels);
  }
  return out;
}
