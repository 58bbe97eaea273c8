import { numberProblem } from '@psrkit/pipeline';
import { VadError } from '@psrkit/plugin-vad';
import { QuietGate, type SkipQuietOptions } from './quiet-gate.js';
import type { SileroBatchOptions } from './silero-batcher.js';
import type { SileroThresholds } from './silero-vad-instance.js';

/** The thresholds `loadSileroVad` takes (see `SileroVadOptions`). */
interface ThresholdOptions {
  readonly threshold?: number;
  readonly negThreshold?: number;
  readonly suspectThreshold?: number;
}

/** The thresholds, checked: `suspectThreshold ≤ threshold`, `negThreshold ≤ threshold`. */
export function sileroThresholds(options: ThresholdOptions): SileroThresholds {
  const threshold = probability(options.threshold ?? 0.5, 'threshold');
  const negThreshold = probability(
    options.negThreshold ?? Math.max(0.01, threshold - 0.15),
    'negThreshold',
  );
  const suspectThreshold = probability(
    options.suspectThreshold ?? Math.max(0.01, threshold - 0.1),
    'suspectThreshold',
  );
  for (const [name, value] of [
    ['negThreshold', negThreshold],
    ['suspectThreshold', suspectThreshold],
  ] as const)
    if (value > threshold)
      throw new VadError(
        'INVALID_OPTION',
        `${name} (${value}) must not be above threshold (${threshold})`,
      );
  return { threshold, negThreshold, suspectThreshold };
}

/** The batch options checked, with their defaults; `undefined` when batching is off. */
export function batchOptions(
  batch: boolean | SileroBatchOptions,
): Required<SileroBatchOptions> | undefined {
  if (batch === false) return undefined;
  const { windowMs = 16, maxSize = 64 } = batch === true ? {} : batch;
  for (const [name, value, range] of [
    ['windowMs', windowMs, { min: 0, max: 1000 }],
    ['maxSize', maxSize, { min: 1, max: 4096, integer: true }],
  ] as const) {
    const problem = numberProblem(value, range);
    if (problem) throw new VadError('INVALID_OPTION', `batch.${name}: ${problem}`);
  }
  return { windowMs, maxSize };
}

/** A Silero frame, ms (256 samples at 8 kHz, 512 at 16 kHz). */
const FRAME_MS = 32;

/**
 * Each instance's quiet-frame gate, from the options checked; `undefined` when skipping is
 * off. A frame counts as quiet to the model below half the suspicion threshold.
 */
export function quietGates(
  skipQuiet: boolean | SkipQuietOptions,
  thresholds: SileroThresholds,
): (() => QuietGate) | undefined {
  if (skipQuiet === false) return undefined;
  const { marginDb = 6, holdMs = 320 } = skipQuiet === true ? {} : skipQuiet;
  for (const [name, value, range] of [
    ['marginDb', marginDb, { min: 0, max: 60 }],
    ['holdMs', holdMs, { min: 0, max: 60_000 }],
  ] as const) {
    const problem = numberProblem(value, range);
    if (problem) throw new VadError('INVALID_OPTION', `skipQuiet.${name}: ${problem}`);
  }
  const holdFrames = Math.ceil(holdMs / FRAME_MS);
  return () => new QuietGate(marginDb, holdFrames, thresholds.suspectThreshold / 2);
}

function probability(value: number, name: string): number {
  const problem = numberProblem(value, { min: 0, max: 1 });
  if (problem) throw new VadError('INVALID_OPTION', `${name}: ${problem}`);
  return value;
}
