import { decodeWav, encodeWav } from '@psrkit/protocol';
import { describe, expect, it } from 'vitest';
import { toPsrWav } from './psr-wav.js';
import { levelDb, tone } from './test-signals.js';

describe('toPsrWav', () => {
  it('turns a 44.1 kHz stereo WAV into 16-bit mono 8 kHz, channels averaged', () => {
    const left = tone(44100, 1000, 0.5, 16384);
    const stereo = new Int16Array(left.length * 2);
    for (let i = 0; i < left.length; i++) {
      stereo[2 * i] = left[i]!;
      stereo[2 * i + 1] = left[i]!;
    }
    const { wav, samples, durationMs } = toPsrWav(
      encodeWav({ sampleRate: 44100, channels: 2, samples: stereo }),
    );
    expect(decodeWav(wav)).toMatchObject({
      sampleRate: 8000,
      channels: 1,
      bitsPerSample: 16,
      frames: 4000,
    });
    expect(durationMs).toBe(500);
    expect(levelDb(samples)).toBeCloseTo(20 * Math.log10(16384 / 32767), 1);
  });

  it('passes 8 kHz mono PCM through unchanged', () => {
    const samples = tone(8000, 440, 0.1);
    expect(toPsrWav({ sampleRate: 8000, channels: 1, samples }).samples).toBe(samples);
  });

  it('rejects a file that is not a WAV with the protocol error', () => {
    expect(() => toPsrWav(new Uint8Array([1, 2, 3]))).toThrow(
      expect.objectContaining({ code: 'INVALID_WAV' }),
    );
  });
});
