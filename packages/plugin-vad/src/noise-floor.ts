/** The level of digital silence, dBFS. */
const SILENT_DB = -120;

/** How fast the floor follows the line up, per piece: quiet pieces, and loud ones. */
const FOLLOW_QUIET = 0.05;
const FOLLOW_LOUD = 0.002;

/** A piece's RMS level, dBFS (−120 for digital silence or no samples). */
export function levelDbfs(samples: Int16Array): number {
  if (samples.length === 0) return SILENT_DB;
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += samples[i]! * samples[i]!;
  return Math.max(SILENT_DB, 10 * Math.log10(sum / samples.length / 32768 ** 2 + 1e-12));
}

/**
 * A line's noise floor, piece by piece: it falls at once to a quieter piece and follows
 * louder ones slowly — hardly at all while the piece may be a voice (`loud`) — so it stays
 * at the line's hiss or hum between words. `EnergyOnset` measures a jump over it; Silero's
 * quiet-frame gate, a frame near it.
 */
export class NoiseFloor {
  private db: number | undefined;

  /** The floor as it stands, dBFS: `level` itself before any piece was heard. */
  at(level: number): number {
    return this.db ?? level;
  }

  /** Moves the floor for a piece at `level` (a possible voice when `loud`). */
  follow(level: number, loud: boolean): void {
    const floor = this.at(level);
    const rate = level < floor ? 1 : loud ? FOLLOW_LOUD : FOLLOW_QUIET;
    this.db = floor + (level - floor) * rate;
  }
}
