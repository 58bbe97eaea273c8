import { numberProblem } from '@psrkit/pipeline';
import { VadError } from './errors.js';
import { levelDbfs, NoiseFloor } from './noise-floor.js';

/** Options of {@link EnergyOnset} (and `detectTurns`' `onset`). */
export interface OnsetOptions {
  /** How far a piece's level must jump over the line's noise floor, dB (default 12). */
  readonly riseDb?: number;
  /** The quietest level that counts as an onset, dBFS (default −45). */
  readonly minDbfs?: number;
}

/**
 * The first sign of a voice on a line, piece by piece as the audio arrives (no VAD frame to
 * fill, no model to wait for): a piece whose level jumps `riseDb` over the line's noise
 * floor and is at least `minDbfs` loud. The floor falls at once to a quieter piece and
 * follows louder ones slowly (hardly at all while above the onset's level), so steady
 * noise — hiss, hum — raises none; after an onset, the next needs the level to fall back
 * halfway first. Cheap and quick, and fooled by clicks and bumps: a trigger for a
 * suspicion that a VAD confirms or clears, not a VAD.
 */
export class EnergyOnset {
  private readonly floor = new NoiseFloor();
  /** The last piece was above the onset's level: no new onset until it falls back. */
  private above = false;
  private readonly riseDb: number;
  private readonly minDbfs: number;

  constructor(options: OnsetOptions = {}) {
    this.riseDb = checked(options.riseDb ?? 12, 'riseDb', { min: 1, max: 60 });
    this.minDbfs = checked(options.minDbfs ?? -45, 'minDbfs', { min: -120, max: 0 });
  }

  /** True when this piece is an onset. */
  hear(samples: Int16Array): boolean {
    const level = levelDbfs(samples);
    const floor = this.floor.at(level);
    const onset = !this.above && level >= this.minDbfs && level - floor >= this.riseDb;
    this.above = level - floor >= this.riseDb / 2 && (this.above || onset);
    this.floor.follow(level, this.above);
    return onset;
  }
}

function checked(value: number, name: string, range: { min: number; max: number }): number {
  const problem = numberProblem(value, range);
  if (problem) throw new VadError('INVALID_OPTION', `onset.${name}: ${problem}`);
  return value;
}
