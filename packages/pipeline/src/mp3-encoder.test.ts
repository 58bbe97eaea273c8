import { MPEGDecoder } from 'mpg123-decoder';
import { from, lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeMp3 } from './encode-mp3.js';
import { mp3Chunks } from './mp3-chunks.js';
import {
  createMp3Encoder,
  lameJsBackend,
  type Mp3Frame,
  Mp3FrameCollector,
} from './mp3-encoder.js';
import { parseMp3FrameHeader, splitMp3Frames } from './mp3-frame-header.js';
import { concatSamples, correlation, speechLike } from './test-signals.js';
import { describeMp3BackendConformance } from './testing/index.js';

let decoder: MPEGDecoder;
beforeAll(async () => {
  decoder = new MPEGDecoder();
  await decoder.ready;
});
afterAll(() => decoder.free());

/** Decodes MP3 bytes with a real decoder (mpg123, WASM) to 16-bit samples. */
async function decode(bytes: Uint8Array): Promise<{ samples: Int16Array; sampleRate: number }> {
  await decoder.reset();
  const { channelData, sampleRate } = decoder.decode(bytes);
  const pcm = channelData[0] ?? new Float32Array();
  return {
    samples: Int16Array.from(pcm, (v) => Math.max(-32768, Math.min(32767, Math.round(v * 32768)))),
    sampleRate,
  };
}

const joinBytes = (parts: readonly Uint8Array[]): Uint8Array =>
  new Uint8Array(Buffer.concat(parts));

describe('createMp3Encoder (lamejs, 8 kHz mono)', () => {
  const input = speechLike(8000, 3);

  it('emits whole MPEG-2.5 Layer III frames of 576 samples, CBR, in order', () => {
    const encoder = createMp3Encoder({ bitrateKbps: 32 });
    const frames: Mp3Frame[] = [];
    for (let at = 0; at < input.length; at += 160)
      frames.push(...encoder.encode(input.subarray(at, at + 160)));
    frames.push(...encoder.flush());
    frames.forEach((frame, index) => {
      const header = parseMp3FrameHeader(frame.data);
      expect(header).toMatchObject({
        version: 2.5,
        sampleRate: 8000,
        bitrateKbps: 32,
        channels: 1,
        samplesPerFrame: 576,
      });
      expect(frame.data.length).toBe(header.frameLength);
      expect(frame).toMatchObject({ index, startMs: index * 72, durationMs: 72 });
    });
    // 3 s + encoder delay, padded to whole frames: no per-piece padding.
    expect(frames.length).toBe(Math.ceil((input.length + 1105) / 576));
  });

  it('decodes (real mpg123) to the input duration within one frame and matches it, correlation ≥ 0.95', async () => {
    const encoder = createMp3Encoder();
    const frames = [...encoder.encode(input), ...encoder.flush()];
    const { samples, sampleRate } = await decode(joinBytes(frames.map((f) => f.data)));
    expect(sampleRate).toBe(8000);
    const aligned = samples.subarray(encoder.delaySamples, encoder.delaySamples + input.length);
    expect(Math.abs(samples.length - encoder.delaySamples - input.length)).toBeLessThanOrEqual(
      576 + 431,
    );
    expect(correlation(aligned, input)).toBeGreaterThan(0.95);
  });

  it('rejects input lamejs would silently mangle, and bad options', () => {
    const encoder = createMp3Encoder();
    expect(() => encoder.encode(new Float32Array(10) as unknown as Int16Array)).toThrow(
      expect.objectContaining({ code: 'INVALID_AUDIO' }),
    );
    expect(() => createMp3Encoder({ bitrateKbps: 128 })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION', where: 'mp3Encoder.bitrateKbps' }),
    );
    expect(() => createMp3Encoder({ sampleRate: 9000 })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    );
    encoder.close();
    expect(() => encoder.encode(new Int16Array(10))).toThrow(
      expect.objectContaining({ code: 'ENCODER_FAILED' }),
    );
  });

  it('starts a fresh stream after flush', () => {
    const encoder = createMp3Encoder();
    const first = [...encoder.encode(input), ...encoder.flush()];
    const second = [...encoder.encode(input), ...encoder.flush()];
    expect(second.map((f) => f.index)).toEqual(first.map((f) => f.index));
    expect(joinBytes(second.map((f) => f.data))).toEqual(joinBytes(first.map((f) => f.data)));
  });
});

describe('encodeMp3 + mp3Chunks', () => {
  it('chunks carry whole frames, N per chunk, and the concatenated chunks decode to the input', async () => {
    const input = speechLike(8000, 2, 7);
    const pieces = Array.from({ length: 100 }, (_, i) => input.subarray(i * 160, (i + 1) * 160));
    const chunks = await lastValueFrom(
      from(pieces).pipe(encodeMp3(), mp3Chunks({ framesPerChunk: 2 }), toArray()),
    );
    for (const [i, chunk] of chunks.entries()) {
      const { frames, rest } = splitMp3Frames(chunk.data);
      expect(rest).toBe(0);
      expect(frames.length).toBe(i < chunks.length - 1 ? 2 : frames.length);
      expect(chunk).toMatchObject({
        format: 'mp3',
        startMs: i * 144,
        durationMs: frames.length * 72,
      });
    }
    const { samples } = await decode(joinBytes(chunks.map((c) => c.data)));
    expect(correlation(samples.subarray(1105, 1105 + input.length), input)).toBeGreaterThan(0.95);
  });

  it('parses frame headers strictly', () => {
    expect(() => parseMp3FrameHeader(new Uint8Array([0x49, 0x44, 0x33, 4]))).toThrow(
      /no frame sync/,
    );
    expect(() => parseMp3FrameHeader(new Uint8Array([0xff, 0xe3, 0xf0, 0xc4]))).toThrow(
      /bad bitrate/,
    );
    expect(() => parseMp3FrameHeader(new Uint8Array([0xff, 0xfd, 0x40, 0xc4]))).toThrow(
      /not Layer III/,
    );
    expect(() => parseMp3FrameHeader(new Uint8Array([0xff, 0xe3]))).toThrow(/truncated/);
    expect(parseMp3FrameHeader(new Uint8Array([0xff, 0xe3, 0x48, 0xc4]))).toMatchObject({
      version: 2.5,
      bitrateKbps: 32,
      sampleRate: 8000,
      frameLength: 288,
    });
    expect(concatSamples([])).toHaveLength(0);
  });
});

describeMp3BackendConformance(
  'lamejs',
  lameJsBackend,
  { describe, it, expect },
  {
    decode: async (bytes) => {
      const decoder = new MPEGDecoder();
      await decoder.ready;
      try {
        const { channelData, sampleRate } = decoder.decode(bytes);
        return { samples: channelData[0] ?? new Float32Array(0), sampleRate };
      } finally {
        decoder.free();
      }
    },
  },
);

describe('Mp3FrameCollector', () => {
  it('gives the same whole frames, numbered from 0, however the bytes are cut; reset starts again', () => {
    const backend = lameJsBackend({ sampleRate: 8000, bitrateKbps: 32 });
    const bytes = joinBytes([backend.encode(speechLike(8000, 1)), backend.flush()]);
    backend.close();
    const whole = new Mp3FrameCollector().collect(bytes);
    const collector = new Mp3FrameCollector();
    const cut = [
      ...collector.collect(bytes.subarray(0, 101)),
      ...collector.collect(bytes.subarray(101)),
    ];
    expect(cut.map((f) => [f.index, f.startMs, f.data.length])).toEqual(
      whole.map((f) => [f.index, f.startMs, f.data.length]),
    );
    expect(whole.map((f) => f.index)).toEqual(whole.map((_, i) => i));
    collector.collect(bytes.subarray(0, 101));
    collector.reset();
    expect(collector.collect(bytes)[0]?.index).toBe(0);
    expect(collector.collect(bytes).length).toBe(whole.length); // no partial frame left over
  });

  it('refuses bytes that are not MP3 frames with a typed error', () => {
    expect(() => new Mp3FrameCollector().collect(new Uint8Array(500).fill(7))).toThrow(
      expect.objectContaining({ code: 'ENCODER_FAILED' }),
    );
  });
});
