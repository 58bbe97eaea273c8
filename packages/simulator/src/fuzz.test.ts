import { encodeWav } from '@psrkit/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tone } from '../../line/src/__fixtures__/audio.js';
import { anyBytes, numRuns } from '../../line/src/__fixtures__/fuzz-bytes.js';
import { loadCallerAudio } from './caller-audio-file.js';
import { SimulatorError } from './errors.js';

const validWav = encodeWav({ sampleRate: 8000, channels: 1, samples: tone(50) });

describe('fuzz: the emulator takes any caller recording', () => {
  it('loadCallerAudio: mono 8 kHz audio, or INVALID_CALLER_AUDIO', async () => {
    await fc.assert(
      fc.asyncProperty(anyBytes(validWav), async (bytes) => {
        try {
          const pcm = await loadCallerAudio(bytes);
          expect(pcm).toBeInstanceOf(Int16Array);
        } catch (error) {
          expect(error).toBeInstanceOf(SimulatorError);
          expect((error as SimulatorError).code).toBe('INVALID_CALLER_AUDIO');
        }
      }),
      { numRuns },
    );
  });
});
