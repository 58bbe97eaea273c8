/** What the level processor does to each sample: gain, loudness, ceiling. */
export interface LevelSettings {
  /** Fixed gain, dB. */
  readonly gainDb: number;
  /** Speech level to bring the audio to, dBFS RMS; `undefined`: no normalising. */
  readonly targetDbfs: number | undefined;
  /** Most the normaliser boosts or cuts, dB. */
  readonly maxGainDb: number;
  /** Frames quieter than this (dBFS RMS) are pauses: they do not move the level. */
  readonly gateDbfs: number;
  /** Fastest the normaliser's gain moves, dB per second. */
  readonly rateDbPerSecond: number;
  /** Peak ceiling, dBFS: the limiter keeps every sample at or below it. */
  readonly ceilingDb: number;
  /** How fast the limiter lets go after a peak, ms (time constant). */
  readonly releaseMs: number;
}

const dbToGain = (db: number): number => 10 ** (db / 20);
/** How long the limiter holds a reduction before it lets go, ms. */
const HOLD_MS = 10;
/** Mean square of a frame, full scale = 1. */
const meanSquare = (samples: Int16Array): number => {
  let sum = 0;
  for (const s of samples) sum += s * s;
  return samples.length === 0 ? 0 : sum / samples.length / 32768 ** 2;
};

/**
 * A stateful level processor for one stream of mono 16-bit audio: a fixed gain, then (with
 * `targetDbfs`) a slow normaliser that brings speech to the target level — it measures
 * frames above the gate, so pauses are not pumped up, and moves its gain at most
 * `rateDbPerSecond`, interpolated across each frame — then a peak limiter that never lets
 * a sample past the ceiling (instant attack, a 10 ms hold, smooth release) instead of
 * clipping.
 */
export function createLevelProcessor(
  settings: LevelSettings,
): (samples: Int16Array, sampleRate: number) => Int16Array {
  const fixed = settings.gainDb;
  const ceiling = 32767 * dbToGain(settings.ceilingDb);
  const hardCeiling = Math.floor(ceiling);
  let power: number | undefined; // the speech's mean square so far (full scale = 1)
  let normaliserDb = 0;
  let limiter = 1; // gain reduction now (≤ 1)
  let held = 0; // samples the limiter holds its reduction still
  return (samples, sampleRate) => {
    const startDb = normaliserDb;
    if (settings.targetDbfs !== undefined) {
      const frame = meanSquare(samples) * dbToGain(fixed) ** 2;
      if (10 * Math.log10(frame) > settings.gateDbfs) {
        // The speech's power: learnt from the first frame, then averaged over ~1 s of speech.
        const weight = power === undefined ? 1 : Math.min(1, samples.length / sampleRate);
        power = power === undefined ? frame : power + (frame - power) * weight;
        const level = 10 * Math.log10(power);
        const wanted = Math.max(
          -settings.maxGainDb,
          Math.min(settings.maxGainDb, settings.targetDbfs - level),
        );
        const step = (settings.rateDbPerSecond * samples.length) / sampleRate;
        normaliserDb += Math.max(-step, Math.min(step, wanted - normaliserDb));
      }
    }
    const release = Math.exp(-1000 / (settings.releaseMs * sampleRate));
    const hold = Math.round((HOLD_MS * sampleRate) / 1000);
    const out = new Int16Array(samples.length);
    const from = dbToGain(fixed + startDb);
    const slope = (dbToGain(fixed + normaliserDb) - from) / samples.length;
    for (let i = 0; i < samples.length; i++) {
      const value = samples[i]! * (from + slope * (i + 1));
      // The limiter: down at once to what the ceiling needs, held through the peak (a
      // pitch period or two), then back up smoothly.
      if (held > 0) held--;
      else limiter = 1 - (1 - limiter) * release;
      if (Math.abs(value * limiter) > ceiling) {
        limiter = ceiling / Math.abs(value);
        held = hold;
      }
      const limited = Math.round(value * limiter);
      out[i] =
        limited > hardCeiling ? hardCeiling : limited < -hardCeiling ? -hardCeiling : limited;
    }
    return out;
  };
}
