// A service that refuses, starts slowly, falls silent, drops the connection mid-audio or
// sends garbage: each a `TtsError` with its code, after whatever audio did arrive — never
// a crash. Only the service that never answers is waited out, on a short limit.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { type SpeechPiece, TtsError } from '@psrkit/pipeline';
import { lastValueFrom, type Observable, take, toArray } from 'rxjs';
import { afterAll, describe, expect, it } from 'vitest';
import { createElevenLabsTts, type ElevenLabsTtsOptions } from './elevenlabs-tts.js';
import { type FakeElevenLabsBehaviour, startFakeElevenLabs } from './testing/index.js';

const fake = await startFakeElevenLabs({ voices: ['fake-voice'] });
afterAll(() => fake.close());

const TEXT = 'Dạ chào anh Nam, em gọi từ công ty ABC. Anh có rảnh không ạ?';
const tts = (options: Partial<ElevenLabsTtsOptions> = {}) =>
  createElevenLabsTts({
    apiKey: fake.apiKey,
    voiceId: 'fake-voice',
    voices: ['deleted-voice'],
    baseUrl: fake.url,
    ...options,
  });

/** What a speech emitted before it failed, and how it failed. */
async function failure(speech: Observable<SpeechPiece>) {
  const pieces: SpeechPiece[] = [];
  const error = await new Promise<unknown>((resolve) =>
    speech.subscribe({
      next: (piece) => pieces.push(piece),
      error: resolve,
      complete: () => resolve(undefined),
    }),
  );
  expect(error).toBeInstanceOf(TtsError);
  return { error: error as TtsError, audio: pieces.filter((p) => p.type === 'audio').length };
}

const when = async (behaviour: FakeElevenLabsBehaviour, options = {}) => {
  fake.behave(behaviour);
  return failure(tts(options).speak(TEXT));
};

describe('ElevenLabs failures, each a TtsError with its code', () => {
  it('a refused handshake: HTTP_ERROR with its status', async () => {
    fake.behave('refuse', { status: 429 });
    const { error } = await failure(tts().speak(TEXT));
    expect(error).toMatchObject({ code: 'HTTP_ERROR', status: 429 });
    expect(error.message).toBe('ElevenLabs refused the connection: 429');
  });

  it('a wrong key, refused on the socket: HTTP_ERROR naming the refusal', async () => {
    fake.behave('speak');
    const { error } = await failure(tts({ apiKey: 'wrong-key' }).speak(TEXT));
    expect(error).toMatchObject({ code: 'HTTP_ERROR', status: 1008 });
    expect(error.message).toBe('ElevenLabs refused: invalid_api_key: Invalid API key');
  });

  it('a quota used up: HTTP_ERROR naming it', async () => {
    const { error, audio } = await when('quota');
    expect(error).toMatchObject({ code: 'HTTP_ERROR', status: 1008 });
    expect(error.message).toMatch(/^ElevenLabs refused: quota_exceeded: This request exceeds/);
    expect(audio).toBe(0);
  });

  it('a voice configured that ElevenLabs does not have: UNKNOWN_VOICE', async () => {
    fake.behave('speak');
    const { error } = await failure(tts().speak(TEXT, { voice: 'deleted-voice' }));
    expect(error.code).toBe('UNKNOWN_VOICE');
    expect(error.message).toMatch(/voice_not_found/);
  });

  it('a slow start is waited for', async () => {
    fake.behave('speak', { delayMs: 300 });
    const pieces = await lastValueFrom(tts().speak(TEXT).pipe(toArray()));
    expect(pieces.filter((p) => p.type === 'words').flatMap((p) => p.words)).toHaveLength(15);
  });

  it('a service that never answers: TIMEOUT, and the socket dropped', async () => {
    const { error } = await when('mute', { timeoutMs: 300 });
    expect(error).toMatchObject({
      code: 'TIMEOUT',
      message: 'no audio from ElevenLabs within 300 ms',
    });
    expect(await fake.sessions.at(-1)!.closed).toBe(1006);
  });

  it('no connection in time: TIMEOUT', async () => {
    // A server that takes the TCP connection but never answers the upgrade.
    const silent = createServer();
    const held: Duplex[] = [];
    silent.on('upgrade', (_request, socket: Duplex) => held.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const port = (silent.address() as AddressInfo).port;
      const { error } = await failure(
        tts({ baseUrl: `ws://127.0.0.1:${port}`, timeoutMs: 300 }).speak(TEXT),
      );
      expect(error).toMatchObject({
        code: 'TIMEOUT',
        message: 'no connection from ElevenLabs within 300 ms',
      });
    } finally {
      for (const socket of held) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('nothing listening: NETWORK_ERROR', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const { error } = await failure(tts({ baseUrl: `ws://127.0.0.1:${port}` }).speak(TEXT));
    expect(error.code).toBe('NETWORK_ERROR');
    expect(error.message).toMatch(/^the connection to ElevenLabs failed: .*ECONNREFUSED/);
  });

  it('a connection dropped mid-audio: NETWORK_ERROR after the audio that came', async () => {
    const { error, audio } = await when('drop');
    expect(error.code).toBe('NETWORK_ERROR');
    expect(error.message).toMatch(
      /^the connection to ElevenLabs closed \(1006\) before the speech ended$/,
    );
    expect(audio).toBe(1);
  });

  it.each([
    ['garbage', /^ElevenLabs sent what is not a JSON object: <html>502 Bad Gateway<\/html>$/],
    ['malformed', /^ElevenLabs sent audio that is not a base64 string/],
    ['disorder', /^ElevenLabs sent character timings out of order/],
    ['overrun', /^ElevenLabs sent character timings past the audio/],
  ] as const)('%s: INVALID_RESPONSE, and the socket dropped', async (behaviour, message) => {
    const { error } = await when(behaviour);
    expect(error.code).toBe('INVALID_RESPONSE');
    expect(error.message).toMatch(message);
    await fake.sessions.at(-1)!.closed;
  });

  it('a barge-in closes the socket cleanly: the service sees a normal close', async () => {
    fake.behave('speak');
    await lastValueFrom(tts().speak(TEXT).pipe(take(2)));
    expect(await fake.sessions.at(-1)!.closed).toBe(1000);
  });
});
