import { createResampler } from '@psrkit/pipeline';
import { concatPcm, PSR_SAMPLE_RATE } from '@psrkit/protocol';

/**
 * Mixes interleaved PCM down to mono and resamples it to 8000 Hz: audio as PSR plays it.
 * @throws {PipelineError} `INVALID_OPTION` for a rate the resampler cannot take
 */
export function toMono8k(samples: Int16Array, sampleRate: number, channels: number): Int16Array {
  const mono = mixDown(samples, channels);
  if (sampleRate === PSR_SAMPLE_RATE) return mono;
  const resampler = createResampler({ inputRate: sampleRate, outputRate: PSR_SAMPLE_RATE });
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
