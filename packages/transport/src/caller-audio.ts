import { type AudioFrame, type CallSide, resampleFrames } from '@psrkit/pipeline';
import { PSR_SAMPLE_RATE } from '@psrkit/protocol';
import { filter, type MonoTypeOperatorFunction } from 'rxjs';

/** How `call.audio()` shapes the caller's audio. */
export interface CallerAudioOptions {
  /** Keep only this side (default `both`). */
  readonly channel?: CallSide | 'both';
  /** Resample each side to this rate (default 8000: as PSR sends it). */
  readonly sampleRate?: number;
}

/**
 * Selects one side of a call's audio and resamples it for a model that wants another
 * rate (16 kHz for most speech recognisers). Each side gets its own streaming
 * resampler; `startSample` counts at the new rate.
 *
 * @example
 * ```ts
 * call.audio$.pipe(callerAudio({ channel: 'b', sampleRate: 16000 })).subscribe(asr.push);
 * ```
 */
export function callerAudio(
  options: CallerAudioOptions = {},
): MonoTypeOperatorFunction<AudioFrame> {
  const side = options.channel && options.channel !== 'both' ? options.channel : undefined;
  const toRate = resampleFrames(options.sampleRate ?? PSR_SAMPLE_RATE);
  return (source) => toRate(side ? source.pipe(filter((frame) => frame.channel === side)) : source);
}
