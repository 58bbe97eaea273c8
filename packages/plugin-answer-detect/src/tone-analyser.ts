import { powerSpectrum } from './fft.js';

/** The strongest pure tone in the last ~32 ms of audio. */
export interface ToneReading {
  /** Its frequency, Hz (interpolated between FFT bins). */
  readonly frequencyHz: number;
  /** Share of the power above `lowCutHz` that lies in the tone's peak, 0–1 (a clean sine ≈ 1, speech < 0.6). */
  readonly purity: number;
}

/** Where a beep may lie, Hz. */
export const TONE_RANGE_HZ = { low: 300, high: 3400 } as const;
/** Power below this (mains hum and its first harmonics) is left out of the purity. */
const LOW_CUT_HZ = 250;

/**
 * Reads how tone-like the audio is: a sliding window of the last 2^n samples (~32 ms;
 * 256 at 8 kHz), Hann-windowed, and the share of its power in the strongest peak between
 * 300 and 3400 Hz (± 2 bins, the window's main lobe). Speech spreads its power over
 * harmonics and formants; a beep puts it all in one line.
 */
export class ToneAnalyser {
  private readonly window: Float64Array;
  private readonly hann: Float64Array;
  private readonly buffer: Float64Array;

  constructor(private readonly sampleRate: number) {
    let size = 2;
    while (size < sampleRate * 0.03) size *= 2;
    this.buffer = new Float64Array(size);
    this.window = new Float64Array(size);
    this.hann = Float64Array.from(
      { length: size },
      (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (size - 1)),
    );
  }

  /** Adds the next samples; returns the reading of the window that ends with them. */
  push(samples: Int16Array): ToneReading {
    const size = this.buffer.length;
    if (samples.length >= size) {
      for (let i = 0; i < size; i++) this.buffer[i] = samples[samples.length - size + i]!;
    } else {
      this.buffer.copyWithin(0, samples.length);
      for (let i = 0; i < samples.length; i++) this.buffer[size - samples.length + i] = samples[i]!;
    }
    for (let i = 0; i < size; i++) this.window[i] = this.buffer[i]! * this.hann[i]!;
    return this.read(powerSpectrum(this.window));
  }

  private read(power: Float64Array): ToneReading {
    const binHz = this.sampleRate / this.buffer.length;
    const low = Math.ceil(TONE_RANGE_HZ.low / binHz);
    const high = Math.min(power.length - 3, Math.floor(TONE_RANGE_HZ.high / binHz));
    let peak = low;
    for (let k = low; k <= high; k++) if (power[k]! > power[peak]!) peak = k;
    let total = 0;
    for (let k = Math.ceil(LOW_CUT_HZ / binHz); k < power.length; k++) total += power[k]!;
    let inPeak = 0;
    for (let k = peak - 2; k <= peak + 2; k++) inPeak += power[k]!;
    // Parabolic interpolation on the log power: the peak's frequency to a fraction of a bin.
    const [a, b, c] = [peak - 1, peak, peak + 1].map((k) => Math.log(power[k]! + 1e-9));
    const denominator = a! - 2 * b! + c!;
    const offset = denominator === 0 ? 0 : (0.5 * (a! - c!)) / denominator;
    return {
      frequencyHz: (peak + Math.max(-0.5, Math.min(0.5, offset))) * binHz,
      purity: total > 0 ? inPeak / total : 0,
    };
  }
}
