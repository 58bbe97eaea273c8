import { type AudioStagePlugin, PipelineError } from '@psrkit/pipeline';
import { map } from 'rxjs';

export interface GainOptions {
  /** Gain in dB (default 0); negative attenuates. */
  readonly gainDb?: number;
  /** Peak ceiling in dBFS (default -1): samples beyond it are clipped to it. */
  readonly ceilingDb?: number;
}

/**
 * Makes the gain plugin: each frame is scaled by `gainDb` and hard-limited to `ceilingDb`.
 *
 * @example
 * ```ts
 * const registry = createStageRegistry();
 * registry.register(createGainPlugin());
 * frames$.pipe(createGainPlugin().createStage({ gainDb: 6 }));
 * ```
 */
export function createGainPlugin(): AudioStagePlugin<GainOptions | undefined> {
  return {
    specificationVersion: 1,
    name: 'gain',
    input: { sampleRates: 'any' },
    output: 'same-as-input',
    createStage(options = {}) {
      const gainDb = options.gainDb ?? 0;
      const ceilingDb = options.ceilingDb ?? -1;
      if (!Number.isFinite(gainDb) || gainDb > 60)
        throw new PipelineError(
          'INVALID_OPTION',
          'gain.gainDb',
          `must be a finite number up to 60, got ${gainDb}`,
        );
      if (!Number.isFinite(ceilingDb) || ceilingDb > 0)
        throw new PipelineError(
          'INVALID_OPTION',
          'gain.ceilingDb',
          `must be ≤ 0 dBFS, got ${ceilingDb}`,
        );
      const factor = 10 ** (gainDb / 20);
      const ceiling = Math.floor(32767 * 10 ** (ceilingDb / 20));
      return map((frame) => {
        const samples = new Int16Array(frame.samples.length);
        for (let i = 0; i < samples.length; i++) {
          const value = Math.round(frame.samples[i]! * factor);
          samples[i] = value > ceiling ? ceiling : value < -ceiling ? -ceiling : value;
        }
        return { ...frame, samples };
      });
    },
  };
}
