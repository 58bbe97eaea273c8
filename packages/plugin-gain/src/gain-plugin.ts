import { type AudioStagePlugin, PipelineError } from '@psrkit/pipeline';
import { map } from 'rxjs';
import { createLevelProcessor } from './level-processor.js';

/** Options of the gain stage ({@link createGainPlugin}): a fixed gain, a normaliser, a limiter. */
export interface GainOptions {
  /** Fixed gain in dB (default 0); negative attenuates. */
  readonly gainDb?: number;
  /**
   * Bring speech to this level, dBFS RMS (e.g. −20; default: no normalising). For TTS
   * voices that come out too loud or too quiet, or callers far from the microphone.
   */
  readonly targetDbfs?: number;
  /** Most the normaliser boosts or cuts, dB (default 20). */
  readonly maxGainDb?: number;
  /** Frames quieter than this are pauses and do not move the level, dBFS (default −50). */
  readonly gateDbfs?: number;
  /** Fastest the normaliser's gain moves, dB per second (default 10). */
  readonly rateDbPerSecond?: number;
  /** Peak ceiling in dBFS (default −1): a limiter keeps every sample at or below it. */
  readonly ceilingDb?: number;
  /** How fast the limiter lets go after a peak, ms (default 50). */
  readonly releaseMs?: number;
}

/** A finite number within [min, max] (default `fallback`), or INVALID_OPTION naming it. */
function option(
  options: GainOptions,
  name: keyof GainOptions,
  fallback: number | undefined,
  min: number,
  max: number,
): number | undefined {
  const value = options[name] ?? fallback;
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max)
    throw new PipelineError(
      'INVALID_OPTION',
      `must be a finite number from ${min} to ${max}, got ${String(value)}`,
      { where: `gain.${name}` },
    );
  return value;
}

/**
 * Makes the gain plugin: a fixed gain, an optional loudness normaliser (`targetDbfs`) and
 * a peak limiter at `ceilingDb`, per stage (each call's side, each file or stream).
 *
 * @example
 * ```ts
 * const registry = createStageRegistry();
 * registry.register(createGainPlugin());
 * frames$.pipe(createGainPlugin().createStage({ targetDbfs: -20, ceilingDb: -1 }));
 * ```
 */
export function createGainPlugin(): AudioStagePlugin<GainOptions | undefined> {
  return {
    specificationVersion: 1,
    name: 'gain',
    input: { sampleRates: 'any' },
    output: 'same-as-input',
    createStage(options = {}) {
      const process = createLevelProcessor({
        gainDb: option(options, 'gainDb', 0, -120, 60)!,
        targetDbfs: option(options, 'targetDbfs', undefined, -60, 0),
        maxGainDb: option(options, 'maxGainDb', 20, 0, 60)!,
        gateDbfs: option(options, 'gateDbfs', -50, -120, 0)!,
        rateDbPerSecond: option(options, 'rateDbPerSecond', 10, 0.1, 1000)!,
        ceilingDb: option(options, 'ceilingDb', -1, -60, 0)!,
        releaseMs: option(options, 'releaseMs', 50, 1, 10_000)!,
      });
      return map((frame) => ({ ...frame, samples: process(frame.samples, frame.sampleRate) }));
    },
  };
}
