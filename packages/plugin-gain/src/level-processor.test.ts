import { speechLike } from '@psrkit/pipeline';
import { describe, expect, it } from 'vitest';
import { createLevelProcessor, type LevelSettings } from './level-processor.js';

const RATE = 8000;
const settings: LevelSettings = {
  gainDb: 0,
  targetDbfs: undefined,
  maxGainDb: 20,
  gateDbfs: -50,
  rateDbPerSecond: 10,
  ceilingDb: -1,
  releaseMs: 50,
};
const rmsDb = (samples: Int16Array) => {
  let sum = 0;
  for (const s of samples) sum += s * s;
  return 10 * Math.log10(sum / samples.length / 32768 ** 2);
};
const scaled = (samples: Int16Array, db: number) => {
  const factor = 10 ** ((db - rmsDb(samples)) / 20);
  return samples.map((s) => Math.max(-32768, Math.min(32767, Math.round(s * factor))));
};
/** The level of speech: the power of the 20 ms frames above −50 dBFS, in dBFS. */
const speechDb = (samples: Int16Array) => {
  let sum = 0;
  let count = 0;
  for (let at = 0; at + 160 <= samples.length; at += 160) {
    const frame = samples.subarray(at, at + 160);
    if (rmsDb(frame) <= -50) continue;
    for (const s of frame) sum += s * s;
    count += 160;
  }
  return 10 * Math.log10(sum / count / 32768 ** 2);
};
/** Runs `samples` through a processor in 20 ms frames. */
const run = (process: ReturnType<typeof createLevelProcessor>, samples: Int16Array) => {
  const out = new Int16Array(samples.length);
  for (let at = 0; at < samples.length; at += 160)
    out.set(process(samples.subarray(at, at + 160), RATE), at);
  return out;
};

describe('the level processor', () => {
  it('brings quiet speech to the target level, at its rate, and leaves pauses alone', () => {
    const process = createLevelProcessor({ ...settings, targetDbfs: -20 });
    const quiet = scaled(speechLike(RATE, 6), -36);
    const out = run(process, quiet);
    // 16 dB to make up at 10 dB/s: not in the first second, there after two.
    expect(speechDb(out.subarray(0, RATE))).toBeLessThan(speechDb(quiet) + 10);
    expect(Math.abs(speechDb(out.subarray(3 * RATE)) - -20)).toBeLessThan(1.5);
    // A pause (below the gate) is not pumped up: it gets the gain speech had, no more.
    const gain = 10 ** ((-20 - speechDb(quiet)) / 20);
    const pause = run(process, new Int16Array(RATE).fill(3)); // ~ −80 dBFS
    expect(Math.max(...pause)).toBeLessThanOrEqual(Math.round(3 * gain * 1.2));
  });

  it('cuts loud speech, never more than the most it may', () => {
    const process = createLevelProcessor({ ...settings, targetDbfs: -32, maxGainDb: 6 });
    const loud = scaled(speechLike(RATE, 4, 2), -20);
    const out = run(process, loud);
    // Too loud by more than 6 dB, the most it may cut.
    expect(Math.abs(speechDb(out.subarray(2 * RATE)) - (speechDb(loud) - 6))).toBeLessThan(0.5);
  });

  it('keeps every sample at or below the ceiling without clipping the rest', () => {
    const process = createLevelProcessor(settings); // no normalising: the limiter alone
    const hot = scaled(speechLike(RATE, 2, 3), -30); // not clipped on the way
    const peakIn = Math.max(...hot.map(Math.abs));
    const loudest = hot.map((s) => Math.round((s * 32600) / peakIn)); // peaks at −0.04 dBFS
    const out = run(process, loudest);
    const ceiling = Math.floor(32767 * 10 ** (-1 / 20));
    expect(Math.max(...out.map(Math.abs))).toBe(ceiling);
    // Quiet passages well after a peak come out as they went in.
    const quietIn = loudest.findIndex((s, i) => i > 400 && Math.abs(s) < 1000 && out[i] !== 0);
    expect(Math.abs(out[quietIn]! - loudest[quietIn]!)).toBeLessThanOrEqual(
      Math.abs(loudest[quietIn]!) * 0.2,
    );
    // Limited, not flattened: the ceiling is touched at the tips of the peaks only, far
    // fewer samples than clipping would flatten.
    const atCeiling = out.filter((s) => Math.abs(s) === ceiling).length;
    const overCeiling = loudest.filter((s) => Math.abs(s) > ceiling).length;
    expect(atCeiling).toBeLessThan(overCeiling / 2);
  });
});
