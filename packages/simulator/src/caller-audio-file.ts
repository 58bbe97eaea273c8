import { readFile } from 'node:fs/promises';
import { createResampler, PipelineError } from '@psrkit/pipeline';
import { concatPcm, decodeWav, isProtocolError, PSR_SAMPLE_RATE } from '@psrkit/protocol';
import { SimulatorError } from './errors.js';

/**
 * Reads a caller recording (any WAV PSR-side tools write: PCM 8–32 bit, float, A-law,
 * µ-law; any rate, any channels) as mono 16-bit PCM at 8000 Hz, as PSR would hear it.
 */
export async function loadCallerAudio(source: string | Uint8Array): Promise<Int16Array> {
  const where = typeof source === 'string' ? source : 'caller audio';
  let bytes: Uint8Array;
  try {
    bytes = typeof source === 'string' ? await readFile(source) : source;
  } catch (cause) {
    throw new SimulatorError(
      'INVALID_CALLER_AUDIO',
      where,
      `cannot read: ${(cause as Error).message}`,
      {
        cause,
      },
    );
  }
  let wav: ReturnType<typeof decodeWav>;
  try {
    wav = decodeWav(bytes, { allowTruncated: true });
  } catch (cause) {
    if (!isProtocolError(cause)) throw cause;
    throw new SimulatorError('INVALID_CALLER_AUDIO', where, cause.message, { cause });
  }
  return toMono8k(wav.samples, wav.sampleRate, wav.channels);
}

/**
 * Mixes interleaved PCM down to mono and resamples it to 8000 Hz.
 * @throws {SimulatorError} `INVALID_CALLER_AUDIO` for a rate the resampler cannot take
 */
export function toMono8k(samples: Int16Array, sampleRate: number, channels: number): Int16Array {
  const mono = mixDown(samples, channels);
  if (sampleRate === PSR_SAMPLE_RATE) return mono;
  let resampler: ReturnType<typeof createResampler>;
  try {
    resampler = createResampler({ inputRate: sampleRate, outputRate: PSR_SAMPLE_RATE });
  } catch (cause) {
    if (!(cause instanceof PipelineError)) throw cause;
    throw new SimulatorError(
      'INVALID_CALLER_AUDIO',
      'sampleRate',
      `cannot play audio at ${sampleRate} Hz`,
      { cause },
    );
  }
  return concatPcm([resampler.push(mono), resampler.flush()]);
}

function mixDown(samples: Int16Array, channels: number): Int16Array {
  if (channels === 1) return samples;
  const out = new Int16Array(Math.floor(samples.length / channels));
  for (let i = 0; i < out.length; i++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += samples[i * channels + c]!;
    out[i] = Math.round(sum / channels);
  }
  return out;
}
