import type { OperatorFunction } from 'rxjs';
import { codecOperator, nonEmpty } from './codec-operator.js';
import { createResampler, type ResamplerOptions } from './resampler.js';

/**
 * Resamples a stream of mono PCM pieces (see {@link createResampler}); the tail is
 * emitted on completion. Empty results are not emitted.
 *
 * @example
 * ```ts
 * tts$.pipe(resample({ inputRate: 24000, outputRate: 8000 }));
 * ```
 */
export function resample(options: ResamplerOptions): OperatorFunction<Int16Array, Int16Array> {
  return codecOperator(() => {
    const resampler = createResampler(options);
    return {
      push: (samples) => nonEmpty(resampler.push(samples)),
      flush: () => nonEmpty(resampler.flush()),
    };
  });
}
