import { createMp3Encoder } from '@psrkit/pipeline';
import { describe, expect, it } from 'vitest';
import { mp3ToPcm } from './mp3-to-pcm.js';

/** One second of a 440 Hz tone as MP3 at `rate`. */
function toneMp3(rate: number): Uint8Array {
  const samples = new Int16Array(rate);
  for (let i = 0; i < samples.length; i++)
    samples[i] = Math.round(10_000 * Math.sin((2 * Math.PI * 440 * i) / rate));
  const encoder = createMp3Encoder({ sampleRate: rate, bitrateKbps: 32 });
  const frames = [...encoder.encode(samples), ...encoder.flush()];
  encoder.close();
  return Buffer.concat(frames.map((f) => f.data));
}

/** Upward zero crossings a second: the tone's frequency. */
const frequency = (pcm: Int16Array, rate: number) => {
  let crossings = 0;
  for (let i = 1; i < pcm.length; i++) if (pcm[i - 1]! < 0 && pcm[i]! >= 0) crossings++;
  return crossings / (pcm.length / rate);
};

describe('mp3ToPcm', () => {
  it('decodes an MP3 at its own rate', async () => {
    const pcm = await mp3ToPcm(toneMp3(22_050), 22_050);
    // Whole frames of 576 samples: the second, the encoder's delay and the last frame's padding.
    expect(pcm.length % 576).toBe(0);
    expect(pcm.length).toBeGreaterThanOrEqual(22_050);
    expect(frequency(pcm.subarray(2000, 20_000), 22_050)).toBeCloseTo(440, -1);
  });

  it('resamples it to the rate asked for', async () => {
    const own = await mp3ToPcm(toneMp3(22_050), 22_050);
    const pcm = await mp3ToPcm(toneMp3(22_050), 8000);
    expect(pcm.length).toBe(Math.ceil((own.length * 8000) / 22_050));
    expect(frequency(pcm.subarray(1000, 7000), 8000)).toBeCloseTo(440, -1);
    expect(Math.max(...pcm)).toBeGreaterThan(8000);
  });

  it('says bytes that are not MP3 are not, as a typed error', async () => {
    for (const bytes of [
      new Uint8Array(3000).fill(0x5a),
      new TextEncoder().encode('<html>'),
      new Uint8Array(0),
    ])
      await expect(mp3ToPcm(bytes, 8000)).rejects.toMatchObject({
        name: 'TtsError',
        code: 'INVALID_RESPONSE',
        message: expect.stringMatching(/is not MP3/),
      });
  });
});
