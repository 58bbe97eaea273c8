import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createResampler } from './resampler.js';
import { concatSamples, levelDb, tone } from './test-signals.js';

const RATES_IN = [8000, 11025, 16000, 22050, 24000, 32000, 44100, 48000];

function convert(
  inputRate: number,
  outputRate: number,
  input: Int16Array,
  pieces = [input.length],
): Int16Array {
  const resampler = createResampler({ inputRate, outputRate });
  const out: Int16Array[] = [];
  let offset = 0;
  for (const size of pieces) {
    out.push(resampler.push(input.subarray(offset, offset + size)));
    offset += size;
  }
  out.push(resampler.push(input.subarray(offset)), resampler.flush());
  return concatSamples(out);
}

/** SNR of `actual` against the ideal tone, after a least-squares fit of its amplitude. */
function toneSnrDb(
  actual: Int16Array,
  rate: number,
  frequency: number,
): { snr: number; gainDb: number } {
  const from = Math.floor(actual.length * 0.1);
  const to = Math.floor(actual.length * 0.9);
  let ss = 0;
  let sc = 0;
  let s2 = 0;
  let c2 = 0;
  for (let i = from; i < to; i++) {
    const s = Math.sin((2 * Math.PI * frequency * i) / rate);
    const c = Math.cos((2 * Math.PI * frequency * i) / rate);
    ss += actual[i]! * s;
    sc += actual[i]! * c;
    s2 += s * s;
    c2 += c * c;
  }
  const a = ss / s2;
  const b = sc / c2;
  let signal = 0;
  let noise = 0;
  for (let i = from; i < to; i++) {
    const fit =
      a * Math.sin((2 * Math.PI * frequency * i) / rate) +
      b * Math.cos((2 * Math.PI * frequency * i) / rate);
    signal += fit * fit;
    noise += (actual[i]! - fit) ** 2;
  }
  return {
    snr: 10 * Math.log10(signal / noise),
    gainDb: 20 * Math.log10(Math.hypot(a, b) / 16384),
  };
}

describe('createResampler quality (targets: alias ≥ 80 dB down, 1 kHz SNR ≥ 70 dB, flat ±0.1 dB)', () => {
  it.each([
    [24000, 8000],
    [44100, 8000],
    [48000, 8000],
    [22050, 8000],
  ])(
    '%i → %i: 5 and 6 kHz full-scale tones come out at least 80 dB below full scale',
    (inputRate, outputRate) => {
      for (const frequency of [5000, 6000]) {
        expect(levelDb(convert(inputRate, outputRate, tone(inputRate, frequency, 1)))).toBeLessThan(
          -80,
        );
      }
    },
  );

  it.each(
    RATES_IN.flatMap((rate) => [[rate, 8000] as const, [rate, 16000] as const]).filter(
      ([a, b]) => a !== b,
    ),
  )(
    '%i → %i: a 1 kHz tone passes with SNR ≥ 70 dB at unity gain ±0.1 dB',
    (inputRate, outputRate) => {
      const out = convert(inputRate, outputRate, tone(inputRate, 1000, 0.5, 16384));
      const { snr, gainDb } = toneSnrDb(out, outputRate, 1000);
      expect(snr).toBeGreaterThan(70);
      expect(Math.abs(gainDb)).toBeLessThan(0.1);
    },
  );

  it('upsampling 8 → 16 kHz leaves no image of a 3 kHz tone at 5 kHz', () => {
    const out = convert(8000, 16000, tone(8000, 3000, 0.5, 16384));
    expect(toneSnrDb(out, 16000, 3000).snr).toBeGreaterThan(70);
  });
});

describe('createResampler streaming', () => {
  it('has exactly ceil(n × out / in) samples after flush, for long streams too (no drift)', () => {
    for (const [inputRate, outputRate] of [
      [44100, 8000],
      [24000, 8000],
      [8000, 16000],
      [11025, 16000],
    ] as const) {
      const input = tone(inputRate, 440, 61.3, 8000);
      expect(convert(inputRate, outputRate, input, [1, 2, 999, 4410])).toHaveLength(
        Math.ceil((input.length * outputRate) / inputRate),
      );
    }
  });

  it('gives the same samples whatever the piece sizes (no clicks or phase jumps at boundaries)', () => {
    const input = tone(24000, 1234, 0.3, 12000);
    const whole = convert(24000, 8000, input);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 900 }), { maxLength: 20 }), (pieces) => {
        expect(convert(24000, 8000, input, pieces)).toEqual(whole);
      }),
      { numRuns: 60 },
    );
    const odd = tone(44100, 700, 0.2, 12000);
    expect(convert(44100, 8000, odd, [7, 13, 441, 1, 1000])).toEqual(convert(44100, 8000, odd));
  });

  it('is time-aligned: a delayed copy of an impulse peaks where the input did', () => {
    const input = new Int16Array(24000);
    input[12000] = 30000;
    const out = convert(24000, 8000, input);
    const peak = out.indexOf(Math.max(...out));
    expect(peak).toBe(4000);
  });

  it('reports its latency and is reusable after flush', () => {
    const resampler = createResampler({ inputRate: 24000, outputRate: 8000 });
    expect(resampler.delaySamples).toBeGreaterThan(5);
    expect(resampler.delaySamples).toBeLessThan(40);
    const first = concatSamples([resampler.push(tone(24000, 500, 0.1)), resampler.flush()]);
    const second = concatSamples([resampler.push(tone(24000, 500, 0.1)), resampler.flush()]);
    expect(second).toEqual(first);
  });

  it('rejects rates it cannot use with a typed error', () => {
    expect(() => createResampler({ inputRate: 0, outputRate: 8000 })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION', where: 'resampler.inputRate' }),
    );
    expect(() => createResampler({ inputRate: 8000, outputRate: 8000.5 })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    );
    // @ts-expect-error: not a quality
    expect(() => createResampler({ inputRate: 8000, outputRate: 16000, quality: 'best' })).toThrow(
      /quality/,
    );
  });
});
