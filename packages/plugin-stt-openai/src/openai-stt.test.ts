import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { AudioFrame } from '@psrkit/pipeline';
import { describeSttConformance } from '@psrkit/pipeline/testing';
import { decodeWav } from '@psrkit/protocol';
import { firstValueFrom, from, lastValueFrom, toArray } from 'rxjs';
import { afterAll, describe, expect, it } from 'vitest';
import { startTranscriptionServer } from './__fixtures__/transcription-server.js';
import { createOpenAiStt } from './openai-stt.js';

/** "Hello, I would like to check the status of my order." (the simulator's sample, 8 kHz). */
const hello = decodeWav(
  readFileSync(fileURLToPath(new URL('../../simulator/samples/hello.wav', import.meta.url))),
).samples;
const service = await startTranscriptionServer();
afterAll(() => service.close());

const frames = (samples: Int16Array): AudioFrame[] =>
  Array.from({ length: Math.ceil(samples.length / 160) }, (_, i) => ({
    samples: samples.slice(i * 160, (i + 1) * 160),
    sampleRate: 8000,
    channel: 'b' as const,
    startSample: i * 160,
  }));

// A generous limit: an answer on loopback is not timed here (a busy machine may be slow).
const stt = createOpenAiStt({ baseUrl: service.url, apiKey: 'sk-test', timeoutMs: 10_000 });

describeSttConformance(
  stt,
  { describe, it, expect },
  {
    speech: hello,
    expected: /xin chào/,
    language: 'vi',
  },
);

describe('OpenAI-compatible speech-to-text', () => {
  it('sends a turn as one 8 kHz WAV with the model, language and verbose_json, and reads the timings', async () => {
    service.behave('transcribe');
    const before = service.received.length;
    const [transcript] = await lastValueFrom(
      stt.transcribe(from(frames(hello)), { language: 'vi' }).pipe(toArray()),
    );
    expect(service.received.slice(before)).toEqual([
      {
        model: 'whisper-1',
        language: 'vi',
        responseFormat: 'verbose_json',
        authorization: 'Bearer sk-test',
        sampleRate: 8000,
        seconds: expect.closeTo(hello.length / 8000, 1),
      },
    ]);
    expect(transcript).toMatchObject({
      type: 'final',
      text: 'xin chào, tôi muốn hỏi về đơn hàng',
      language: 'vi',
      timings: [{ text: 'xin chào, tôi muốn hỏi về đơn hàng', startMs: 200 }],
    });
  });

  it('sends nothing for a turn without audio', async () => {
    const before = service.received.length;
    expect(await lastValueFrom(stt.transcribe(from([])).pipe(toArray()))).toEqual([]);
    expect(service.received.length).toBe(before);
  });

  it('turns what a failing service does into typed errors, the service’s text cut short', async () => {
    // Only the service that never answers is waited out on a short limit.
    const fail = async (timeoutMs = 10_000) => {
      try {
        await firstValueFrom(
          createOpenAiStt({ baseUrl: service.url, timeoutMs }).transcribe(from(frames(hello))),
        );
      } catch (error) {
        return error as { name: string; code: string; status?: number; message: string };
      }
      throw new Error('no error');
    };
    service.behave('http-401');
    const unauthorised = await fail();
    expect(unauthorised).toMatchObject({ name: 'SttError', code: 'HTTP_ERROR', status: 401 });
    expect(unauthorised.message.length).toBeLessThan(300);
    service.behave('http-500');
    expect(await fail()).toMatchObject({ code: 'HTTP_ERROR', status: 500 });
    service.behave('hang');
    expect(await fail(300)).toMatchObject({ code: 'TIMEOUT' });
    service.behave('drop');
    expect(await fail()).toMatchObject({ code: 'NETWORK_ERROR' });
    service.behave('not-json');
    expect(await fail()).toMatchObject({ code: 'INVALID_RESPONSE' });
    service.behave('transcribe');
  });

  it('times out while the garbage collector runs (a timeout nothing else holds still fires)', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const collecting = setInterval(gc, 5);
    service.behave('hang');
    try {
      const error = await firstValueFrom(
        createOpenAiStt({ baseUrl: service.url, timeoutMs: 200 }).transcribe(from(frames(hello))),
      ).catch((thrown: unknown) => thrown);
      expect(error).toMatchObject({ name: 'SttError', code: 'TIMEOUT' });
    } finally {
      clearInterval(collecting);
      service.behave('transcribe');
    }
  });

  it('refuses a base URL that is not one', () => {
    expect(() => createOpenAiStt({ baseUrl: 'api.openai.com' })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    );
  });
});
