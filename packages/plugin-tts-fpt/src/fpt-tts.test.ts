import { type SpeechPiece, TtsError } from '@psrkit/pipeline';
import { describeTtsV2Conformance } from '@psrkit/pipeline/testing';
import { firstValueFrom, lastValueFrom, type Observable, toArray } from 'rxjs';
import { afterAll, describe, expect, it } from 'vitest';
import { createFptTts } from './fpt-tts.js';
import type { FptTtsOptions } from './fpt-tts-options.js';
import { type FptServiceBehaviour, startFptTtsServer } from './testing/index.js';

const service = await startFptTtsServer({ apiKey: 'fpt-test' });
afterAll(() => service.close());

// Generous limits: nothing here measures how fast loopback answers (a busy machine is slow).
const tts = (options: Partial<FptTtsOptions> = {}) =>
  createFptTts({ apiKey: 'fpt-test', endpoint: service.url, pollIntervalMs: 10, ...options });

const audioOf = (pieces: SpeechPiece[]) =>
  Int16Array.from(pieces.flatMap((p) => (p.type === 'audio' ? [...p.samples] : [])));
const all = (speech: Observable<SpeechPiece>) => lastValueFrom(speech.pipe(toArray()));
const failure = (speech: Observable<SpeechPiece>) =>
  all(speech).then(
    () => undefined,
    (error: unknown) => error,
  );

describeTtsV2Conformance(tts(), { describe, it, expect }, { engineStopped: () => service.idle() });

describe('FPT.AI text-to-speech: orders and audio', () => {
  it('orders each sentence (key, voice, speed, mp3) and fetches its file once it appears', async () => {
    service.behave('speak');
    const orders = service.orders.length;
    const polls = service.polls;
    const pieces = await all(
      tts({ speed: -1, lookahead: 0 }).speak('Dạ chào anh Nam. Em gọi từ công ty ABC ạ.', {
        voice: 'lannhi',
      }),
    );
    expect(service.orders.slice(orders)).toEqual(
      ['Dạ chào anh Nam.', 'Em gọi từ công ty ABC ạ.'].map((text) => ({
        text,
        voice: 'lannhi',
        speed: '-1',
        format: 'mp3',
        apiKey: 'fpt-test',
      })),
    );
    // Each link: one look before the file is there (404), one that fetches it.
    expect(service.polls - polls).toBe(4);
    const words = pieces.flatMap((p) => (p.type === 'words' ? p.words.map((w) => w.text) : []));
    expect(words).toEqual([
      'Dạ',
      'chào',
      'anh',
      'Nam.',
      'Em',
      'gọi',
      'từ',
      'công',
      'ty',
      'ABC',
      'ạ.',
    ]);
    // About 65 ms a character (the stand-in's pace), at 8 kHz.
    expect(audioOf(pieces).length / 8000).toBeCloseTo((40 * 65) / 1000, 0);
  });

  it('orders the next sentences while the first is fetched, and speaks them in order', async () => {
    service.behave('speak');
    const text = 'Một câu đầu tiên. Câu thứ hai đây. Câu thứ ba đây. Câu thứ tư đây.';
    const before = service.orders.length;
    const first = await firstValueFrom(tts({ lookahead: 2 }).speak(text));
    expect(first.type).toBe('audio');
    await service.idle();
    // The first sentence alone, not the whole text: its audio comes as soon as it can.
    expect(service.orders.slice(before).map((o) => o.text)).toEqual([
      'Một câu đầu tiên.',
      'Câu thứ hai đây.',
      'Câu thứ ba đây.',
    ]);
    const ahead = audioOf(await all(tts({ lookahead: 2 }).speak(text)));
    const inTurn = audioOf(await all(tts({ lookahead: 0 }).speak(text)));
    expect(ahead).toEqual(inTurn);
  });
});

describe('FPT.AI text-to-speech: cancelling and waiting', () => {
  it('stops looking for the file when unsubscribed', async () => {
    service.behave('never');
    const subscription = tts().speak('Không bao giờ có tệp này.').subscribe();
    const polls = service.polls;
    await expect.poll(() => service.polls).toBeGreaterThan(polls + 2);
    subscription.unsubscribe();
    const stopped = service.polls;
    await service.idle();
    // Still looking every 10 ms, it would look ~30 times more; a look already on its way
    // when it stopped may still arrive.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(service.polls - stopped).toBeLessThanOrEqual(1);
    service.behave('speak');
  });

  it('says clearly when the audio file never appears', async () => {
    service.behave('never');
    const error = await failure(tts({ audioTimeoutMs: 300 }).speak('Tệp này không bao giờ có.'));
    expect(error).toMatchObject({
      name: 'TtsError',
      code: 'TIMEOUT',
      message: expect.stringMatching(/^the audio file never appeared after 0.3 s \(http:\/\/127/),
    });
    service.behave('speak');
  });

  it('pads a text under FPT.AI’s 3 characters', async () => {
    service.behave('speak');
    const before = service.orders.length;
    expect(audioOf(await all(tts().speak('Dạ'))).length).toBeGreaterThan(0);
    expect(service.orders.slice(before).map((o) => o.text)).toEqual(['Dạ.']);
  });
});

describe('FPT.AI text-to-speech: failures', () => {
  it('turns what a failing service does into typed errors, its text cut short', async () => {
    const cases: [FptServiceBehaviour, string, number | undefined, RegExp][] = [
      ['http-401', 'HTTP_ERROR', 401, /^FPT.AI answered 401: Invalid authentication credentials$/],
      ['http-429', 'HTTP_ERROR', 429, /^FPT.AI answered 429: API rate limit exceeded$/],
      ['http-400', 'HTTP_ERROR', 400, /^FPT.AI answered 400: Invalid request: x+…$/],
      [
        'refuse',
        'HTTP_ERROR',
        3,
        /refused the text \(error 3\): Your account is out of characters/,
      ],
      ['not-json', 'INVALID_RESPONSE', undefined, /not JSON: <html>Bad gateway/],
      ['no-link', 'INVALID_RESPONSE', undefined, /no audio link/],
      ['drop-file', 'NETWORK_ERROR', undefined, /the audio file failed/],
      ['garbage-file', 'INVALID_RESPONSE', undefined, /is not MP3/],
    ];
    for (const [behaviour, code, status, message] of cases) {
      service.behave(behaviour);
      const error = await failure(tts().speak('Một điều cần nói.'));
      expect(error, behaviour).toBeInstanceOf(TtsError);
      expect({ behaviour, ...(error as TtsError) }).toMatchObject({ behaviour, code, status });
      expect((error as Error).message, behaviour).toMatch(message);
    }
    service.behave('speak');
  });

  it('refuses a wrong key with the gateway’s 401', async () => {
    expect(await failure(tts({ apiKey: 'wrong' }).speak('Xin chào anh.'))).toMatchObject({
      code: 'HTTP_ERROR',
      status: 401,
    });
  });

  it('times out an order never answered; a refused connection is a network error', async () => {
    service.behave('hang');
    expect(await failure(tts({ timeoutMs: 200 }).speak('Có ai ở đó không?'))).toMatchObject({
      code: 'TIMEOUT',
      message: 'no answer to the order within 200 ms',
    });
    service.behave('speak');
    const gone = await startFptTtsServer();
    const endpoint = gone.url;
    await gone.close();
    expect(await failure(tts({ endpoint }).speak('Xin chào anh.'))).toMatchObject({
      code: 'NETWORK_ERROR',
      message: expect.stringMatching(/ECONNREFUSED/),
    });
  });

  it('says which voice is unknown without ordering anything', async () => {
    const before = service.orders.length;
    expect(await failure(tts().speak('Xin chào anh.', { voice: 'alloy' }))).toMatchObject({
      code: 'UNKNOWN_VOICE',
    });
    expect(service.orders.length).toBe(before);
  });
});

describe('FPT.AI text-to-speech: options', () => {
  it('refuses bad options, naming them', () => {
    const bad: [Partial<FptTtsOptions>, RegExp][] = [
      [{ apiKey: ' ' }, /apiKey is required/],
      [{ voice: 'alloy' }, /voice "alloy" is not one of voices/],
      [{ speed: 4 }, /speed must be a whole number from -3 to 3/],
      [{ speed: 0.5 }, /speed must be/],
      [{ sampleRate: 100 }, /sampleRate must be/],
      [{ endpoint: 'nowhere' }, /endpoint is not a URL/],
      [{ endpoint: 'ftp://host/tts' }, /endpoint must be http/],
      [{ endpoint: 'https://me:key@host/tts' }, /must not hold credentials/],
      [{ timeoutMs: 0 }, /timeoutMs must be/],
      [{ audioTimeoutMs: -1 }, /audioTimeoutMs must be/],
      [{ pollIntervalMs: 1.5 }, /pollIntervalMs must be/],
      [{ lookahead: -1 }, /lookahead must be/],
    ];
    for (const [options, message] of bad)
      expect(() => tts(options)).toThrow(
        expect.objectContaining({
          code: 'INVALID_OPTION',
          message: expect.stringMatching(message),
        }),
      );
  });

  it('describes itself, with no secret in its settings key', () => {
    const fpt = createFptTts({
      apiKey: 'secret-key',
      voices: ['banmai', 'ngoclam'],
      voice: 'ngoclam',
    });
    expect(fpt.voices).toEqual(['banmai', 'ngoclam']);
    expect(fpt.settingsKey).toBe('["fpt","https://api.fpt.ai/hmi/tts/v5","ngoclam",0,"mp3",8000]');
    expect(fpt.capabilities).toEqual({
      streamingInput: false,
      wordTimings: false,
      sampleRates: [8000],
    });
  });
});
