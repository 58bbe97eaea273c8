import { createMp3Encoder, type Mp3EncoderBackendFactory, type Mp3Frame } from '../mp3-encoder.js';
import { parseMp3FrameHeader } from '../mp3-frame-header.js';
import type { TestApi } from './test-api.js';

/** Options of `describeMp3BackendConformance`. */
export interface Mp3BackendConformanceOptions {
  /** Decodes MP3 bytes (e.g. with mpg123-decoder) so the kit can check what comes out. */
  readonly decode?: (bytes: Uint8Array) => Promise<{ samples: Float32Array; sampleRate: number }>;
}

/**
 * Registers the conformance suite for an MP3 encoder backend (`Mp3EncoderBackendFactory`):
 * through `createMp3Encoder`, 8 kHz mono CBR whole frames of the asked bitrate, a stream
 * as long as its input plus the declared delay, streams restartable after a flush, and —
 * with `decode` — audio that decodes back to the input.
 */
export function describeMp3BackendConformance(
  name: string,
  backend: Mp3EncoderBackendFactory,
  test: TestApi,
  options: Mp3BackendConformanceOptions = {},
): void {
  const { describe, it, expect } = test;
  const input = Int16Array.from({ length: 8000 }, (_, i) =>
    Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 8000)),
  );
  const encodeAll = (bitrateKbps = 32) => {
    const encoder = createMp3Encoder({ backend, bitrateKbps });
    const frames: Mp3Frame[] = [];
    for (let at = 0; at < input.length; at += 160)
      frames.push(...encoder.encode(input.subarray(at, at + 160)));
    frames.push(...encoder.flush());
    return { encoder, frames };
  };

  describe(`${name}: MP3 encoder backend conformance`, () => {
    it('writes whole 8 kHz mono MPEG-2.5 Layer III frames, CBR at the asked bitrate', () => {
      for (const bitrateKbps of [16, 32, 64]) {
        const { encoder, frames } = encodeAll(bitrateKbps);
        expect(frames.length).toBeGreaterThan(10);
        for (const frame of frames) {
          const header = parseMp3FrameHeader(frame.data);
          expect(header).toMatchObject({
            sampleRate: 8000,
            channels: 1,
            bitrateKbps,
            samplesPerFrame: 576,
          });
          expect(frame.data.length).toBe(header.frameLength);
        }
        encoder.close();
      }
    });

    it('plays as long as its input plus the declared delay (to a frame)', () => {
      const { encoder, frames } = encodeAll();
      expect(encoder.delaySamples).toBeGreaterThanOrEqual(0);
      const samples = frames.length * 576;
      expect(samples).toBeGreaterThanOrEqual(input.length + encoder.delaySamples - 576);
      expect(samples).toBeLessThanOrEqual(input.length + encoder.delaySamples + 2 * 576);
      encoder.close();
    });

    it('starts a new stream after a flush, and refuses use after close', () => {
      const { encoder } = encodeAll();
      const again = [...encoder.encode(input), ...encoder.flush()];
      expect(again.length).toBeGreaterThan(10);
      expect(again[0]!.index).toBe(0);
      encoder.close();
      expect(() => encoder.encode(input)).toThrow();
    });

    if (options.decode) {
      const decode = options.decode;
      it('decodes back to the input (a 440 Hz tone at its level)', async () => {
        const { encoder, frames } = encodeAll();
        encoder.close();
        const bytes = new Uint8Array(frames.reduce((n, f) => n + f.data.length, 0));
        let at = 0;
        for (const f of frames) {
          bytes.set(f.data, at);
          at += f.data.length;
        }
        const { samples, sampleRate } = await decode(bytes);
        expect(sampleRate).toBe(8000);
        const middle = samples.subarray(2000, 6000);
        const rms = Math.sqrt(middle.reduce((sum, s) => sum + s * s, 0) / middle.length);
        expect(rms).toBeGreaterThan(0.15); // 8000 / 32768 / √2 ≈ 0.17
        expect(rms).toBeLessThan(0.2);
      });
    }
  });
}
