// Noise for the false-pause table: white, mains hum, and babble, each at the VAD benchmark's level.
import { RATE, speechOnly } from './caller-recording.js';

/** What the caller's line carries instead of speech. */
export type NoiseKind = 'white' | 'hum' | 'babble';

/** Voices in the babble. */
export const BABBLE_VOICES = 6;

/** A seeded linear congruential generator in [0, 1): the same noise every run. */
const rng = (seed: number) => () => {
  seed = (seed * 1664525 + 1013904223) >>> 0;
  return seed / 2 ** 32;
};

const white = (length: number): Float64Array => {
  const random = rng(17);
  return Float64Array.from({ length }, () => random() * 2 - 1);
};

/** 50 Hz mains hum and its harmonics to 450 Hz, falling as 1/h. */
const hum = (length: number): Float64Array =>
  Float64Array.from({ length }, (_, i) => {
    let x = 0;
    for (let h = 1; h <= 9; h++) x += Math.sin((2 * Math.PI * 50 * h * i) / RATE + h * 17) / h;
    return x;
  });

/**
 * `BABBLE_VOICES` copies of the bundled caller's speech, each shifted by a sixth of it
 * (1.5 s) and looped, summed: people talking at once near the caller's phone. All in one
 * voice (a real room mixes voices), and as loud as the level asks, with no room echo.
 */
const babble = (length: number): Float64Array =>
  Float64Array.from({ length }, (_, i) => {
    let x = 0;
    for (let v = 0; v < BABBLE_VOICES; v++) {
      const shift = Math.round((v * speechOnly.length) / BABBLE_VOICES);
      x += speechOnly[(i + shift) % speechOnly.length]!;
    }
    return x;
  });

/**
 * `seconds` of noise at the VAD benchmark's level for `snrDb`: RMS `snrDb` below speech at
 * −20 dBFS (20 dB SNR: −40 dBFS).
 */
export function noise(kind: NoiseKind, snrDb: number, seconds = 60): Int16Array {
  const length = RATE * seconds;
  const raw = kind === 'white' ? white(length) : kind === 'hum' ? hum(length) : babble(length);
  const rms = Math.sqrt(raw.reduce((s, x) => s + x * x, 0) / length);
  const level = 32768 * 10 ** ((-20 - snrDb) / 20);
  return Int16Array.from(raw, (x) =>
    Math.max(-32768, Math.min(32767, Math.round((x / rms) * level))),
  );
}
