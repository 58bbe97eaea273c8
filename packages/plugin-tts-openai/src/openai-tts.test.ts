import { type SpeechPiece, speechLike, TtsError } from '@psrkit/pipeline';
import { describeTtsV2Conformance } from '@psrkit/pipeline/testing';
import { firstValueFrom, lastValueFrom, type Observable, take, toArray } from 'rxjs';
import { afterAll, describe, expect, it } from 'vitest';
import { createOpenAiTts } from './openai-tts.js';
import type { OpenAiTtsOptions } from './openai-tts-options.js';
import { type SpeechServiceBehaviour, startOpenAiSpeechServer } from './testing/index.js';

const service = await startOpenAiSpeechServer({ apiKey: 'sk-test' });
afterAll(() => service.close());

// Generous limits: nothing here measures how fast loopback answers (a busy machine is slow).
const tts = (options: OpenAiTtsOptions = {}) =>
  createOpenAiTts({
    baseURL: service.url,
    apiKey: 'sk-test',
    voices: ['alloy', 'coral'],
    ...options,
  });

const audioOf = (pieces: SpeechPiece[]) =>
  Int16Array.from(pieces.flatMap((p) => (p.type === 'audio' ? [...p.samples] : [])));
const all = (speech: Observable<SpeechPiece>) => lastValueFrom(speech.pipe(toArray()));
const failure = (speech: Observable<SpeechPiece>) =>
  all(speech).then(
    () => undefined,
    (error: unknown) => error,
  );

describeTtsV2Conformance(tts(), { describe, it, expect }, { engineStopped: () => service.idle() });

describe('OpenAI-compatible text-to-speech: requests and audio', () => {
  it('asks for each sentence in turn: model, voice, pcm, speed, instructions and the key', async () => {
    service.behave('speak');
    const before = service.requests.length;
    const speech = tts({ model: 'tts-1', speed: 1.25, instructions: 'Nói chậm, ấm áp.' }).speak(
      'Dạ chào anh Nam. Em gọi từ công ty ABC!',
      { voice: 'coral' },
    );
    const pieces = await all(speech);
    expect(service.requests.slice(before)).toEqual(
      ['Dạ chào anh Nam.', 'Em gọi từ công ty ABC!'].map((input) => ({
        model: 'tts-1',
        input,
        voice: 'coral',
        response_format: 'pcm',
        speed: 1.25,
        instructions: 'Nói chậm, ấm áp.',
        authorization: 'Bearer sk-test',
      })),
    );
    const words = pieces.flatMap((p) => (p.type === 'words' ? p.words.map((w) => w.text) : []));
    expect(words).toEqual(['Dạ', 'chào', 'anh', 'Nam.', 'Em', 'gọi', 'từ', 'công', 'ty', 'ABC!']);
    expect(pieces.every((p) => p.type === 'audio' || p.estimated)).toBe(true);
  });

  it('passes the audio on exactly, samples split across body pieces joined', async () => {
    service.behave('speak');
    const text = 'Exactly these samples, please.';
    const audio = audioOf(await all(tts().speak(text)));
    expect(audio).toEqual(speechLike(24_000, (text.length * 65) / 1000));
  });

  it('resamples a server that announces another rate (openedai-speech: audio/pcm;rate=22050)', async () => {
    const piper = await startOpenAiSpeechServer({ sampleRate: 22_050 });
    try {
      const text = 'A voice at twenty-two kilohertz.';
      const audio = audioOf(await all(createOpenAiTts({ baseURL: piper.url }).speak(text)));
      const sent = speechLike(22_050, (text.length * 65) / 1000).length;
      expect(audio.length).toBe(Math.ceil((sent * 24_000) / 22_050));
    } finally {
      await piper.close();
    }
  });

  it('waits for a slow start within its limit', async () => {
    const slow = await startOpenAiSpeechServer({ delayMs: 300 });
    try {
      const pieces = await all(createOpenAiTts({ baseURL: slow.url }).speak('Take your time.'));
      expect(audioOf(pieces).length).toBeGreaterThan(0);
    } finally {
      await slow.close();
    }
  });
});

describe('OpenAI-compatible text-to-speech: cancelling', () => {
  it('aborts the request when unsubscribed mid-audio (barge-in); the service sees it go', async () => {
    service.behave('stall');
    const before = service.aborted;
    const first = await firstValueFrom(tts().speak('This one is cut off in the middle.'));
    expect(first.type).toBe('audio');
    await expect.poll(() => service.aborted).toBe(before + 1);
    service.behave('speak');
  });

  it('finishes a stalled answer once the service goes on', async () => {
    service.behave('stall');
    const speech = all(tts().speak('Wait for it, then go on.'));
    await expect.poll(() => service.requests.at(-1)?.input).toBe('Wait for it, then go on.');
    service.release();
    expect(audioOf(await speech).length).toBe(speechLike(24_000, (24 * 65) / 1000).length);
    service.behave('speak');
  });

  it('does not speak the rest once unsubscribed after the first piece', async () => {
    service.behave('speak');
    const before = service.requests.length;
    await lastValueFrom(
      tts().speak('One sentence here. Another one there. A third one.').pipe(take(1)),
    );
    await service.idle();
    expect(service.requests.length).toBe(before + 1);
  });
});

describe('OpenAI-compatible text-to-speech: failures', () => {
  it('says which voice is unknown without asking the service', async () => {
    const before = service.requests.length;
    const error = await failure(tts().speak('Hello there.', { voice: 'nova' }));
    expect(error).toMatchObject({ name: 'TtsError', code: 'UNKNOWN_VOICE' });
    expect(service.requests.length).toBe(before);
  });

  it('turns what a failing service does into typed errors, its text cut short', async () => {
    const cases: [SpeechServiceBehaviour, string, number | undefined, RegExp][] = [
      ['http-401', 'HTTP_ERROR', 401, /answered 401: Incorrect API key provided: sk-x+…$/],
      ['http-429', 'HTTP_ERROR', 429, /answered 429: Rate limit reached .*try again in 20s\.$/],
      ['http-400', 'HTTP_ERROR', 400, /answered 400: .*less than or equal to 4/],
      ['http-400-detail', 'HTTP_ERROR', 400, /answered 400: Voice 'xx' not found/],
      ['http-500', 'HTTP_ERROR', 500, /answered 500: Internal Server Error$/],
      ['drop', 'NETWORK_ERROR', undefined, /the request failed/],
      ['not-audio', 'INVALID_RESPONSE', undefined, /sent text\/html, not raw PCM/],
      ['mp3', 'INVALID_RESPONSE', undefined, /sent audio\/mpeg, not raw PCM/],
      ['odd-bytes', 'INVALID_RESPONSE', undefined, /ended in the middle of a sample/],
      ['empty', 'INVALID_RESPONSE', undefined, /sent no audio/],
    ];
    for (const [behaviour, code, status, message] of cases) {
      service.behave(behaviour);
      const error = await failure(tts().speak('Something to say.'));
      expect(error, behaviour).toBeInstanceOf(TtsError);
      expect({ behaviour, ...(error as TtsError) }).toMatchObject({ behaviour, code, status });
      expect((error as Error).message, behaviour).toMatch(message);
      expect((error as Error).message.length, behaviour).toBeLessThan(300);
    }
    service.behave('speak');
  });

  it('times out a service that never answers, and one that stops mid-audio', async () => {
    service.behave('hang');
    expect(await failure(tts({ timeoutMs: 200 }).speak('Anyone there?'))).toMatchObject({
      code: 'TIMEOUT',
      message: 'no audio within 200 ms',
    });
    service.behave('stall');
    expect(
      await failure(tts({ idleTimeoutMs: 200 }).speak('Cut off, then silence.')),
    ).toMatchObject({
      code: 'TIMEOUT',
      message: 'no audio for 200 ms in the middle of a sentence',
    });
    service.release();
    service.behave('speak');
  });

  it('names a wrong address: refused connections and endpoints that are not there', async () => {
    const gone = await startOpenAiSpeechServer();
    const url = gone.url;
    await gone.close();
    expect(await failure(createOpenAiTts({ baseURL: url }).speak('Hello there.'))).toMatchObject({
      code: 'NETWORK_ERROR',
      message: expect.stringMatching(/ECONNREFUSED/),
    });
    const root = service.url.replace(/\/v1$/, '');
    expect(await failure(tts({ baseURL: root }).speak('Hello there.'))).toMatchObject({
      code: 'HTTP_ERROR',
      status: 404,
      message: expect.stringMatching(/baseURL ends in \/v1/),
    });
  });
});

describe('OpenAI-compatible text-to-speech: options', () => {
  it('refuses bad options, naming them', () => {
    const bad: [OpenAiTtsOptions, RegExp][] = [
      [{}, /apiKey is required at api.openai.com/],
      [{ apiKey: ' ' }, /apiKey is empty/],
      [{ baseURL: 'not a url' }, /baseURL is not a URL/],
      [{ baseURL: 'ftp://host/v1' }, /baseURL must be http/],
      [{ baseURL: 'http://me:sk-secret@host/v1' }, /must not hold credentials/],
      [{ apiKey: 'k', voice: 'af_bella' }, /voice "af_bella" is not one of voices/],
      [{ apiKey: 'k', speed: 5 }, /speed must be 0.25–4/],
      [{ apiKey: 'k', sampleRate: 1000 }, /sampleRate must be/],
      [{ apiKey: 'k', timeoutMs: 0 }, /timeoutMs must be/],
      [{ apiKey: 'k', idleTimeoutMs: 1.5 }, /idleTimeoutMs must be/],
    ];
    for (const [options, message] of bad)
      expect(() => createOpenAiTts(options)).toThrow(
        expect.objectContaining({
          code: 'INVALID_OPTION',
          message: expect.stringMatching(message),
        }),
      );
  });

  it('describes itself: OpenAI’s voices at OpenAI, the configured one elsewhere; no secret in its key', () => {
    const openai = createOpenAiTts({ apiKey: 'sk-secret' });
    expect(openai.voices).toContain('marin');
    expect(openai.settingsKey).not.toContain('sk-secret');
    expect(openai.settingsKey).toBe(
      '["openai","https://api.openai.com/v1","gpt-4o-mini-tts","alloy",1,"",24000]',
    );
    const kokoro = createOpenAiTts({ baseURL: 'http://127.0.0.1:8880/v1', voice: 'af_bella' });
    expect(kokoro.voices).toEqual(['af_bella']);
    expect(kokoro.capabilities).toEqual({
      streamingInput: false,
      wordTimings: false,
      sampleRates: [24_000],
    });
  });
});
