import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { generatedModule } from '../../../scripts/build-wasm.mjs';
import { decimate, kernelFilter } from './fir-kernel.js';

describe('the SIMD decimation kernel', () => {
  it('is built from fir-kernel.wat (run node scripts/build-wasm.mjs after changing it)', async () => {
    const generated = await readFile(new URL('./fir-kernel-wasm.ts', import.meta.url), 'utf8');
    expect(generated).toBe(await generatedModule('fir-kernel'));
  });

  it('computes each output from its own window, rounded and clamped to int16, in any block size', () => {
    const taps = [0.1, -0.2, 0.35, 0.5, 0.35, -0.2, 0.1]; // 7 taps: padded to 8
    const filter = kernelFilter(taps);
    expect([...filter]).toEqual([...Float32Array.from([...taps, 0])]);
    let seed = 1;
    const input = Float64Array.from({ length: 70_000 }, () => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return (seed / 2 ** 32 - 0.5) * 80_000; // beyond int16 at times: clamped
    });
    const count = Math.floor((input.length - 8) / 3) + 1 - 2; // more than one block
    const out = new Int16Array(count + 2);
    decimate(filter, input, 2, 3, count, out, 2);
    for (let n = 0; n < count; n++) {
      let sum = 0;
      for (let k = 0; k < taps.length; k++) sum += Math.fround(taps[k]!) * input[2 + 3 * n + k]!;
      const expected = Math.max(-32768, Math.min(32767, Math.round(sum)));
      // f32 arithmetic: within one step of the exact sum.
      expect(Math.abs(out[2 + n]! - expected), `output ${n}`).toBeLessThanOrEqual(1);
    }
    expect([out[0], out[1]]).toEqual([0, 0]); // nothing written before outAt
  });
});
