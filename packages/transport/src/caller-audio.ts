import { type AudioFrame, type CallSide, createResampler, type Resampler } from '@psrkit/pipeline';
import { PSR_SAMPLE_RATE } from '@psrkit/protocol';
import { type MonoTypeOperatorFunction, Observable } from 'rxjs';

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
  const rate = options.sampleRate ?? PSR_SAMPLE_RATE;
  return (source) =>
    new Observable<AudioFrame>((subscriber) => {
      const sides = new Map<CallSide, { resampler: Resampler; next: number }>();
      const emit = (channel: CallSide, samples: Int16Array): void => {
        const side = sides.get(channel)!;
        if (samples.length === 0) return;
        subscriber.next({ samples, sampleRate: rate, channel, startSample: side.next });
        side.next += samples.length;
      };
      return source.subscribe({
        next(frame) {
          if (options.channel && options.channel !== 'both' && frame.channel !== options.channel)
            return;
          if (frame.sampleRate === rate) {
            subscriber.next(frame);
            return;
          }
          let side = sides.get(frame.channel);
          if (!side) {
            side = {
              resampler: createResampler({ inputRate: frame.sampleRate, outputRate: rate }),
              next: 0,
            };
            sides.set(frame.channel, side);
          }
          emit(frame.channel, side.resampler.push(frame.samples));
        },
        error: (error: unknown) => subscriber.error(error),
        complete() {
          for (const [channel, side] of sides) emit(channel, side.resampler.flush());
          subscriber.complete();
        },
      });
    });
}
