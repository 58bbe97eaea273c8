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

  it('initialises LAME once per stream, between timers and I/O rather than when a stream starts', async () => {
    const pool = await createWasmMp3Backend({ idle: 2 });
    const tick = () => new Promise((resolve) => setImmediate(resolve));
    await tick();
    await tick();
    const before = pool.stats.configured; // the new encoders, made ready (one a turn)
    expect(before).toBe(2);
    for (let i = 0; i < 5; i++) {
      const encoder = createMp3Encoder({ backend: pool });
      encoder.encode(tone);
      encoder.flush();
      encoder.close();
      await tick(); // the used one is made ready again here
    }
    for (let i = 0; i < 5; i++) await tick(); // one a turn: the last ones
    // One per stream, and one per encoder the pool added meanwhile; none when a stream started.
    const added = pool.stats.created - 2;
    expect(pool.stats).toMatchObject({ configured: before + 5 + added, configuredOnStart: 0 });
    // A stream that follows a flush on the same backend starts anew (configured then).
    const backend = pool({ sampleRate: 8000, bitrateKbps: 32 });
    backend.encode(tone);
    backend.flush();
    expect(pool.stats.configuredOnStart).toBe(0);
    backend.encode(tone);
    expect(pool.stats.configuredOnStart).toBe(1);
    backend.close();
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
