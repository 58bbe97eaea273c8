import { decodeWav, encodeWav, type PcmAudio, PSR_SAMPLE_RATE } from '@psrkit/protocol';
import { createResampler, type ResamplerQuality } from './resampler.js';

/** A WAV file as PSR plays it: 16-bit, mono, 8000 Hz. */
export interface PsrWav {
  readonly wav: Uint8Array;
  /** The 8 kHz mono samples inside it. */
  readonly samples: Int16Array;
  readonly durationMs: number;
}

/**
 * Packages audio for a `media` action: any WAV file (see `decodeWav`) or PCM at any rate
 * and channel count becomes a 16-bit mono 8000 Hz WAV (channels averaged, then resampled).
 *
 * @throws {ProtocolError} `INVALID_WAV` for a file that cannot be read
 */
export function toPsrWav(
  input: Uint8Array | PcmAudio,
  options: { quality?: ResamplerQuality } = {},
): PsrWav {
  const audio = input instanceof Uint8Array ? decodeWav(input) : input;
  let samples = downmix(audio);
  if (audio.sampleRate !== PSR_SAMPLE_RATE) {
    const resampler = createResampler({
      inputRate: audio.sampleRate,
      outputRate: PSR_SAMPLE_RATE,
      ...options,
    });
    const head = resampler.push(samples);
    const tail = resampler.flush();
    samples = new Int16Array(head.length + tail.length);
    samples.set(head, 0);
    samples.set(tail, head.length);
  }
  return {
    wav: encodeWav({ sampleRate: PSR_SAMPLE_RATE, channels: 1, samples }),
    samples,
    durationMs: (samples.length * 1000) / PSR_SAMPLE_RATE,
  };
}

function downmix({ samples, channels }: PcmAudio): Int16Array {
  if (channels === 1) return samples;
  const frames = Math.floor(samples.length / channels);
  const out = new Int16Array(frames);
  for (let i = 0; i < frames; i++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += samples[i * channels + c]!;
    out[i] = Math.round(sum / channels);
  }
  return out;
}
