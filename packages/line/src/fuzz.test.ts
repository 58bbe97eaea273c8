import { encodeWav } from '@psrkit/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concatBytes, mp3FramesOf, tone } from './__fixtures__/audio.js';
import { anyBytes, numRuns } from './__fixtures__/fuzz-bytes.js';
import { inspectMp3, inspectWav } from './audio-checks.js';
import { EmulatedLine } from './emulated-line.js';

const validMp3 = concatBytes(mp3FramesOf(tone(500)));
const validWav = encodeWav({ sampleRate: 8000, channels: 1, samples: tone(50) });

describe("fuzz: the line's checks of bot actions take any payload", () => {
  it('inspectWav: PCM no longer than the payload, or named problems; never throws', () => {
    fc.assert(
      fc.property(anyBytes(validWav), (bytes) => {
        const wav = inspectWav(bytes);
        if (wav.pcm) expect(wav.pcm.length * 2).toBeLessThanOrEqual(bytes.length);
        else expect(wav.problems.map((p) => p.code)).toEqual(['INVALID_WAV']);
      }),
      { numRuns },
    );
  });

  it('inspectMp3: a frame count, or named problems; never throws', () => {
    fc.assert(
      fc.property(anyBytes(validMp3), (bytes) => {
        const mp3 = inspectMp3(bytes);
        const codes = mp3.problems.map((p) => p.code);
        // 8 kHz frames play 576 samples each; frames of other rates are named MP3_FORMAT.
        if (!codes.includes('MP3_FORMAT')) expect(mp3.samples).toBe(mp3.frames * 576);
        for (const code of codes)
          expect(['INVALID_MP3', 'MP3_FORMAT', 'MP3_PARTIAL_FRAME', 'EMPTY_AUDIO']).toContain(code);
      }),
      { numRuns },
    );
  });

  it('the emulated line decodes any chunk without throwing (the decoder reports, never crashes)', async () => {
    const line = new EmulatedLine({ decode: 'stream' });
    let at = 0;
    await fc.assert(
      fc.asyncProperty(anyBytes(validMp3), async (bytes) => {
        const problems = await line.playChunk('mp3', bytes, 576, at);
        at += 576;
        for (const p of problems) expect(p.code).toBe('MP3_UNDECODABLE');
      }),
      { numRuns: Math.min(numRuns, 2000) },
    );
    line.close();
  });
});
