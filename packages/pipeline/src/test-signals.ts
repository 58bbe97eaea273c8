import { concatPcm } from '@psrkit/protocol';

/** Signals for tests and benchmarks (not exported from the package). */
export { speechLike } from './speech-like.js';

/** A sine tone. */
export function tone(
  sampleRate: number,
  frequency: number,
  seconds: number,
  amplitude = 32767,
): Int16Array {
  return Int16Array.from({ length: Math.round(sampleRate * seconds) }, (_, i) =>
    Math.round(amplitude * Math.sin((2 * Math.PI * frequency * i) / sampleRate)),
  );
}

/** Level of the middle of a signal (the edges skipped), dB relative to a full-scale sine. */
export function levelDb(samples: Int16Array, edge = 0.1): number {
  const from = Math.floor(samples.length * edge);
  const to = Math.floor(samples.length * (1 - edge));
  let sum = 0;
  for (let i = from; i < to; i++) sum += samples[i]! * samples[i]!;
  return 10 * Math.log10(sum / (to - from) / (32767 ** 2 / 2) + 1e-30);
}

/** Concatenates sample arrays. */
export const concatSamples = concatPcm;

/** Pearson correlation of two equally long signals. */
export function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = Math.min(a.length, b.length);
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]!;
    mb += b[i]!;
  }
  ma /= n;
  mb /= n;
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i]! - ma;
    const y = b[i]! - mb;
    ab += x * y;
    aa += x * x;
    bb += y * y;
  }
  return ab / Math.sqrt(aa * bb);
}
