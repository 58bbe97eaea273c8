import { createMp3Encoder } from '@psrkit/pipeline';
import { describeMp3BackendConformance } from '@psrkit/pipeline/testing';
import { MPEGDecoder } from 'mpg123-decoder';
import { describe, expect, it } from 'vitest';
import { createWasmMp3Backend } from './wasm-mp3-backend.js';

const backend = await createWasmMp3Backend({ idle: 2 });
describeMp3BackendConformance(
  'wasm LAME',
  backend,
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

const tone = Int16Array.from({ length: 4000 }, (_, i) => Math.round(8000 * Math.sin(i / 3)));

describe('the WASM backend pool', () => {
  it('reuses its encoders stream after stream', async () => {
    const pool = await createWasmMp3Backend({ idle: 2 });
    for (let i = 0; i < 5; i++) {
      const encoder = createMp3Encoder({ backend: pool });
      expect([...encoder.encode(tone), ...encoder.flush()].length).toBeGreaterThan(5);
      encoder.close();
    }
    expect(pool.stats).toMatchObject({ created: 2, reused: 5, fallbacks: 0 });
  });

  it('falls back to lamejs when every encoder is busy, and for a bitrate LAME CBR lacks', async () => {
    const pool = await createWasmMp3Backend({ idle: 1 });
    const busy = [createMp3Encoder({ backend: pool }), createMp3Encoder({ backend: pool })];
    expect(pool.stats.fallbacks).toBe(1);
    const odd = createMp3Encoder({ backend: pool, bitrateKbps: 56 });
    expect([...odd.encode(tone), ...odd.flush()].length).toBeGreaterThan(5);
    expect(pool.stats.fallbacks).toBe(2);
    for (const encoder of [...busy, odd]) encoder.close();
  });

  it('refuses a bad pool size with a typed error', async () => {
    await expect(createWasmMp3Backend({ idle: 0 })).rejects.toMatchObject({
      code: 'INVALID_OPTION',
    });
  });
});
