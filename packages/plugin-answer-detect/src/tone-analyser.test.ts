import { describe, expect, it } from 'vitest';
import { buzz, noise, tone } from './__fixtures__/espeak.js';
import { powerSpectrum } from './fft.js';
import { NoiseFloor } from './noise-floor.js';
import { ToneAnalyser } from './tone-analyser.js';

const read = (samples: Int16Array) => {
  const analyser = new ToneAnalyser(8000);
  let last = analyser.push(samples.subarray(0, 160));
  for (let at = 160; at + 160 <= samples.length; at += 160)
    last = analyser.push(samples.subarray(at, at + 160));
  return last;
};

describe('powerSpectrum', () => {
  it('puts a sine in its bin, and refuses a length that is not a power of two', () => {
    const signal = Float64Array.from({ length: 64 }, (_, i) =>
      Math.sin((2 * Math.PI * 8 * i) / 64),
    );
    const power = powerSpectrum(signal);
    expect(power).toHaveLength(33);
    expect(power.indexOf(Math.max(...power))).toBe(8);
    expect(() => powerSpectrum(new Float64Array(100))).toThrow(RangeError);
  });
});

describe('ToneAnalyser', () => {
  it('reads a beep as one pure line at its frequency', () => {
    for (const hz of [425, 1000, 1400, 2000]) {
      const reading = read(tone(hz, 0.2));
      expect(reading.purity).toBeGreaterThan(0.95);
      expect(Math.abs(reading.frequencyHz - hz)).toBeLessThan(4);
    }
  });

  it('still does under noise 10 dB down, and does not for a voice or for noise', () => {
    const loud = tone(1000, 0.2, 8000);
    const hiss = noise(0.2, 8000 / Math.SQRT2 / Math.sqrt(10));
    expect(read(Int16Array.from(loud, (s, i) => s + hiss[i]!)).purity).toBeGreaterThan(0.8);
    expect(read(buzz(0.2)).purity).toBeLessThan(0.6);
    expect(read(noise(0.2, 3000)).purity).toBeLessThan(0.2);
  });
});

describe('NoiseFloor', () => {
  it('learns from non-speech frames, and from the quietest recent frame when there are none', () => {
    const floor = new NoiseFloor(20, 75);
    expect(floor.db).toBeUndefined();
    for (let i = 0; i < 100; i++) floor.push(-20, true); // long speech: no pause at all
    expect(floor.db).toBe(-20);
    floor.push(-50, false);
    for (let i = 0; i < 200; i++) floor.push(-18 + (i % 3), true); // speech never raises it
    expect(floor.db).toBe(-50);
    const noisy = new NoiseFloor(20, 75);
    for (let i = 0; i < 100; i++) noisy.push(i % 2 ? -30 : -31, true); // noise the VAD calls speech
    expect(noisy.db).toBe(-31);
  });
});
