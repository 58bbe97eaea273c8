import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeWav, encodeWav, encodeWavHeader } from './wav.js';

const fixture = (name: string): Uint8Array =>
  new Uint8Array(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url)));

/** Peak and the frequency (by zero crossings) of channel `channel`. */
function describeTone(samples: Int16Array, channels: number, sampleRate: number, channel = 0) {
  let peak = 0;
  let crossings = 0;
  let previous = 0;
  const frames = samples.length / channels;
  for (let i = 0; i < frames; i++) {
    const value = samples[i * channels + channel]!;
    peak = Math.max(peak, Math.abs(value));
    if (i > 0 && previous < 0 && value >= 0) crossings++;
    previous = value;
  }
  return { peak, frequency: (crossings * sampleRate) / frames };
}

describe('decodeWav on files written by sox and ffmpeg', () => {
  it.each([
    ['tone-8k-s16.wav', 8000, 1, 'pcm', 16],
    ['tone-8k-u8.wav', 8000, 1, 'pcm', 8],
    ['tone-8k-s32.wav', 8000, 1, 'pcm', 32],
    ['tone-8k-ulaw.wav', 8000, 1, 'ulaw', 8],
    ['tone-8k-alaw.wav', 8000, 1, 'alaw', 8],
    ['tone-16k-s24-stereo.wav', 16000, 2, 'pcm', 24],
    ['tone-22k-f32.wav', 22050, 1, 'float', 32],
    ['tone-44k-f32-ffmpeg.wav', 44100, 1, 'float', 32],
    ['tone-48k-s24-3ch-extensible.wav', 48000, 3, 'pcm', 24],
    ['tone-8k-s16-list.wav', 8000, 1, 'pcm', 16],
  ])(
    '%s: %i Hz, %i ch, %s %i-bit, a 440 Hz tone at half scale',
    (name, sampleRate, channels, encoding, bits) => {
      const wav = decodeWav(fixture(name));
      expect(wav).toMatchObject({ sampleRate, channels, encoding, bitsPerSample: bits });
      expect(wav.frames).toBeGreaterThanOrEqual(Math.floor(sampleRate * 0.1) - 1);
      expect(wav.samples.length).toBe(wav.frames * channels);
      for (let channel = 0; channel < channels; channel++) {
        const tone = describeTone(wav.samples, channels, sampleRate, channel);
        expect(tone.peak / 32768).toBeGreaterThan(0.46);
        expect(tone.peak / 32768).toBeLessThan(0.54);
        expect(Math.abs(tone.frequency - 440)).toBeLessThan(15);
      }
    },
  );
});

/** Builds a RIFF file from chunks, padding odd ones as RIFF requires. */
function riff(
  chunks: Array<[string, Uint8Array]>,
  { riffSize }: { riffSize?: number } = {},
): Uint8Array {
  const parts: number[] = [...Buffer.from('RIFF'), 0, 0, 0, 0, ...Buffer.from('WAVE')];
  for (const [id, body] of chunks) {
    const size = Buffer.alloc(4);
    size.writeUInt32LE(body.length);
    parts.push(...Buffer.from(id), ...size, ...body);
    if (body.length % 2) parts.push(0);
  }
  const file = Uint8Array.from(parts);
  new DataView(file.buffer).setUint32(4, riffSize ?? file.length - 8, true);
  return file;
}
const fmt16 = (rate = 8000, channels = 1): Uint8Array =>
  encodeWavHeader(rate, channels, 0).slice(20, 36);
const pcm = (...values: number[]): Uint8Array => new Uint8Array(Int16Array.from(values).buffer);

describe('decodeWav on unusual layouts', () => {
  it('reads chunks in any order, skipping unknown and odd-sized ones', () => {
    const file = riff([
      ['junk', new Uint8Array(3)],
      ['data', pcm(1, -2, 3)],
      ['LIST', new Uint8Array(5)],
      ['fmt ', fmt16()],
    ]);
    expect([...decodeWav(file).samples]).toEqual([1, -2, 3]);
  });

  it('reads 16-bit PCM from a pooled Buffer at an odd offset (as base64 decoding returns)', () => {
    const samples = Int16Array.from([1, -2, 300, -32768, 32767]);
    const wav = encodeWav({ sampleRate: 8000, channels: 1, samples });
    const pooled = Buffer.from(Buffer.from(wav).toString('base64'), 'base64'); // shares Node's pool
    const shifted = Buffer.concat([Buffer.from([0]), pooled]).subarray(1);
    for (const bytes of [pooled, shifted]) expect(decodeWav(bytes).samples).toEqual(samples);
  });

  it('drops a partial trailing sample frame', () => {
    const file = riff([
      ['fmt ', fmt16(8000, 2)],
      ['data', pcm(1, 2, 3)],
    ]);
    expect([...decodeWav(file).samples]).toEqual([1, 2]);
  });

  it('reads a streaming recorder file whose data size is 0xFFFFFFFF', () => {
    const file = riff([
      ['fmt ', fmt16()],
      ['data', pcm(5, 6)],
    ]);
    new DataView(file.buffer).setUint32(40, 0xffffffff, true);
    expect([...decodeWav(file).samples]).toEqual([5, 6]);
  });

  it('rejects a truncated data chunk unless asked to read what is there', () => {
    const file = riff([
      ['fmt ', fmt16()],
      ['data', pcm(5, 6, 7)],
    ]).slice(0, -2);
    expect(() => decodeWav(file)).toThrow(
      expect.objectContaining({
        code: 'INVALID_WAV',
        path: 'wav@36',
        message: expect.stringMatching(/declares 6 bytes but only 4/),
      }),
    );
    expect([...decodeWav(file, { allowTruncated: true }).samples]).toEqual([5, 6]);
  });

  it('tolerates truncated metadata after the audio', () => {
    const file = riff([
      ['fmt ', fmt16()],
      ['data', pcm(5)],
      ['LIST', new Uint8Array(40)],
    ]).slice(0, -30);
    expect([...decodeWav(file).samples]).toEqual([5]);
  });

  it.each([
    ['empty input', new Uint8Array(), /too short/],
    ['a non-RIFF file', new TextEncoder().encode('ID3\u0004 this is an mp3 file'), /no RIFF tag/],
    ['RF64', new TextEncoder().encode('RF64\0\0\0\0WAVEds64'), /RF64 files are not supported/],
    ['no fmt chunk', riff([['data', pcm(1)]]), /no fmt chunk/],
    ['no data chunk', riff([['fmt ', fmt16()]]), /no data chunk/],
    [
      'a short fmt chunk',
      riff([
        ['fmt ', new Uint8Array(10)],
        ['data', pcm(1)],
      ]),
      /at least 16/,
    ],
    [
      'a compressed format',
      riff([
        ['fmt ', Uint8Array.from([0x55, 0, ...fmt16().slice(2)])],
        ['data', pcm(1)],
      ]),
      /0x55 is not supported/,
    ],
    [
      'zero channels',
      riff([
        ['fmt ', Uint8Array.from([1, 0, 0, 0, ...fmt16().slice(4)])],
        ['data', pcm(1)],
      ]),
      /channel count 0/,
    ],
    [
      'a wrong block align',
      riff([
        ['fmt ', Uint8Array.from([...fmt16().slice(0, 12), 4, 0, 16, 0])],
        ['data', pcm(1)],
      ]),
      /block align 4/,
    ],
    [
      'a chunk that claims 4 GB',
      riff(
        [
          ['fmt ', fmt16()],
          ['LIST', new Uint8Array(4)],
        ],
        {},
      ).map((b, i) => (i >= 40 && i < 44 ? 0xff : b)),
      /declares 4294967295 bytes/,
    ],
  ])('rejects %s with INVALID_WAV', (_name, bytes, message) => {
    expect(() => decodeWav(bytes)).toThrow(
      expect.objectContaining({ code: 'INVALID_WAV', message: expect.stringMatching(message) }),
    );
  });
});

describe('encodeWav', () => {
  it('writes a canonical 16-bit file that sox agrees with and decodeWav reads back', () => {
    const samples = Int16Array.from([0, 1000, -1000, 32767, -32768, 5]);
    const wav = encodeWav({ sampleRate: 8000, channels: 2, samples });
    expect(wav.length).toBe(44 + 12);
    expect(Buffer.from(wav.subarray(0, 4)).toString()).toBe('RIFF');
    expect(decodeWav(wav)).toMatchObject({
      sampleRate: 8000,
      channels: 2,
      frames: 3,
      encoding: 'pcm',
      bitsPerSample: 16,
    });
    expect(decodeWav(wav).samples).toEqual(samples);
    // sox writes the same canonical header for 16-bit mono: 1600 bytes of data.
    expect(encodeWavHeader(8000, 1, 1600)).toEqual(fixture('tone-8k-s16.wav').subarray(0, 44));
  });

  it('rejects impossible formats', () => {
    expect(() => encodeWav({ sampleRate: 0, channels: 1, samples: new Int16Array() })).toThrow(
      /sample rate 0/,
    );
    expect(() => encodeWav({ sampleRate: 8000, channels: 2, samples: new Int16Array(3) })).toThrow(
      /do not divide/,
    );
  });
});
