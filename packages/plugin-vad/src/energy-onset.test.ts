import { describe, expect, it } from 'vitest';
import { EnergyOnset } from './energy-onset.js';
import { levelDbfs } from './noise-floor.js';

/** A 20 ms piece at 8 kHz: a 300 Hz tone at `dbfs` (RMS), or digital silence. */
const tone = (dbfs: number | undefined, phase = 0) =>
  Int16Array.from({ length: 160 }, (_, i) =>
    dbfs === undefined
      ? 0
      : Math.round(
          Math.SQRT2 *
            32768 *
            10 ** (dbfs / 20) *
            Math.sin((2 * Math.PI * 300 * (i + phase)) / 8000),
        ),
  );
/** Deterministic white noise at `dbfs` (RMS), a piece of 160. */
function hiss(dbfs: number, seed: number): Int16Array {
  let state = seed;
  const rms = 32768 * 10 ** (dbfs / 20);
  return Int16Array.from({ length: 160 }, () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return Math.round((state / 2 ** 32 - 0.5) * 2 * rms * Math.sqrt(3));
  });
}
/** Which pieces an onset detector calls onsets. */
const onsets = (pieces: Int16Array[], detector = new EnergyOnset()) =>
  pieces.flatMap((piece, i) => (detector.hear(piece) ? [i] : []));

describe('EnergyOnset', () => {
  it('measures a piece’s level in dBFS', () => {
    expect(levelDbfs(tone(-20))).toBeCloseTo(-20, 0);
    expect(levelDbfs(tone(undefined))).toBe(-120);
    expect(levelDbfs(new Int16Array(0))).toBe(-120);
  });

  it('calls the first loud piece after silence an onset, once for a whole run of loud pieces', () => {
    const pieces = [
      ...Array.from({ length: 10 }, () => tone(undefined)),
      ...Array.from({ length: 10 }, (_, i) => tone(-25, i * 160)),
      ...Array.from({ length: 10 }, () => tone(undefined)),
      ...Array.from({ length: 5 }, (_, i) => tone(-30, i * 160)),
    ];
    expect(onsets(pieces)).toEqual([10, 30]);
  });

  it('raises none in steady hiss or hum, and one when a voice rises 12 dB over the hiss', () => {
    const noise = Array.from({ length: 100 }, (_, i) => hiss(-40, i + 1));
    expect(onsets(noise)).toEqual([]);
    const hum = Array.from({ length: 100 }, (_, i) => tone(-30, i * 160));
    expect(onsets(hum)).toEqual([]);
    const voice = Array.from({ length: 5 }, (_, i) => tone(-25, i * 160));
    expect(onsets([...noise, ...voice])).toEqual([100]);
    const soft = Array.from({ length: 5 }, (_, i) => tone(-34, i * 160));
    expect(onsets([...noise, ...soft])).toEqual([]);
  });

  it('ignores pieces quieter than minDbfs, and refuses options out of range', () => {
    const quiet = [tone(undefined), tone(undefined), tone(-55), tone(-55)];
    expect(onsets(quiet)).toEqual([]);
    expect(onsets(quiet, new EnergyOnset({ minDbfs: -60 }))).toEqual([2]);
    expect(() => new EnergyOnset({ riseDb: 0 })).toThrow(
      expect.objectContaining({
        code: 'INVALID_OPTION',
        message: expect.stringContaining('riseDb'),
      }),
    );
  });
});
