import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AudioFrame } from '@psrkit/pipeline';
import { describeSttConformance } from '@psrkit/pipeline/testing';
import { decodeWav } from '@psrkit/protocol';
import { from, lastValueFrom, toArray } from 'rxjs';
import { afterAll, describe, expect, it } from 'vitest';
import { startDeepgramServer } from './__fixtures__/deepgram-server.js';
import { createDeepgramStt } from './deepgram-stt.js';

/** The simulator's "Hello, I would like to check the status of my order." (8 kHz). */
const hello = decodeWav(
  readFileSync(fileURLToPath(new URL('../../simulator/samples/hello.wav', import.meta.url))),
).samples;
const deepgram = await startDeepgramServer();
afterAll(() => deepgram.close());

const frames = (samples: Int16Array): AudioFrame[] =>
  Array.from({ length: Math.ceil(samples.length / 160) }, (_, i) => ({
    samples: samples.slice(i * 160, (i + 1) * 160),
    sampleRate: 8000,
    channel: 'a' as const,
    startSample: i * 160,
  }));
// A generous limit: an answer on loopback is not timed here (a busy machine may be slow).
const stt = createDeepgramStt({ apiKey: 'dg-key', baseUrl: deepgram.url, timeoutMs: 10_000 });

describeSttConformance(
  stt,
  { describe, it, expect },
  {
    speech: hello,
    expected: /xin chào anh/,
    language: 'vi',
  },
);

describe('Deepgram live speech-to-text', () => {
  it('streams 8 kHz linear16 with the language asked for; interim then final transcripts with word times, the end of speech marked', async () => {
    deepgram.behave('transcribe');
    const before = deepgram.sessions.length;
    const transcripts = await lastValueFrom(
      stt.transcribe(from(frames(hello)), { language: 'vi' }).pipe(toArray()),
    );
    const [session] = deepgram.sessions.slice(before);
    expect(session).toMatchObject({
      authorization: 'Token dg-key',
      query: {
        encoding: 'linear16',
        sample_rate: '8000',
        channels: '1',
        language: 'vi',
        interim_results: 'true',
        endpointing: '300',
      },
      bytes: hello.length * 2,
    });
    // The recording ends in more silence than the endpointing: Deepgram settles the
    // utterance before the audio ends, as the end of speech (`speech_final`).
    expect(transcripts).toEqual([
      expect.objectContaining({ type: 'interim', text: 'xin' }),
      {
        type: 'final',
        text: 'xin chào anh',
        language: 'vi',
        confidence: 0.93,
        endOfSpeech: true,
        timings: [
          { text: 'xin', startMs: 0, endMs: 250 },
          { text: 'chào', startMs: 300, endMs: 550 },
          { text: 'anh', startMs: 600, endMs: 850 },
        ],
      },
    ]);
  });

  it('turns a refused connection, a dropped socket, no answer and garbage into typed errors', async () => {
    // Only the service that never answers is waited out on a short limit.
    const fail = async (
      behaviour: Parameters<typeof deepgram.behave>[0],
      key = 'dg-key',
      timeoutMs = 10_000,
    ) => {
      deepgram.behave(behaviour);
      try {
        await lastValueFrom(
          createDeepgramStt({ apiKey: key, baseUrl: deepgram.url, timeoutMs })
            .transcribe(from(frames(hello)))
            .pipe(toArray()),
        );
      } catch (error) {
        return error as { name: string; code: string; status?: number };
      }
      throw new Error('no error');
    };
    expect(await fail('transcribe', 'wrong-key')).toMatchObject({
      name: 'SttError',
      code: 'HTTP_ERROR',
      status: 401,
    });
    expect(await fail('drop')).toMatchObject({ code: 'NETWORK_ERROR' });
    expect(await fail('mute', 'dg-key', 300)).toMatchObject({ code: 'TIMEOUT' });
    expect(await fail('garbage')).toMatchObject({ code: 'INVALID_RESPONSE' });
    deepgram.behave('transcribe');
  });

  it('opens no socket for a turn without audio, and refuses options it cannot use', async () => {
    const before = deepgram.sessions.length;
    expect(await lastValueFrom(stt.transcribe(from([])).pipe(toArray()))).toEqual([]);
    expect(deepgram.sessions.length).toBe(before);
    expect(() => createDeepgramStt({ apiKey: '' })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    );
    expect(() => createDeepgramStt({ apiKey: 'k', baseUrl: 'https://api.deepgram.com' })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    );
  });
});
