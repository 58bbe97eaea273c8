// A service that refuses, starts slowly, falls silent, drops the connection mid-audio or
// sends garbage: each a `TtsError` with its code, after whatever audio did arrive — never
// a crash. A failure of one context leaves the others on the socket alone; a failure of
// the socket fails every speech on it. Only the service that never answers is waited out,
// on a short limit.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { type SpeechPiece, TtsError } from '@psrkit/pipeline';
import { lastValueFrom, type Observable, Subject, toArray } from 'rxjs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { type CartesiaTts, type CartesiaTtsOptions, createCartesiaTts } from './cartesia-tts.js';
import { type FakeCartesiaBehaviour, startFakeCartesia } from './testing/index.js';

const fake = await startFakeCartesia({ voices: ['fake-voice'] });
afterAll(() => fake.close());

const TEXT = 'Dạ chào anh Nam, em gọi từ công ty ABC. Anh có rảnh không ạ?';
const engines: CartesiaTts[] = [];
afterEach(() => {
  for (const engine of engines.splice(0)) engine.close();
});
const tts = (options: Partial<CartesiaTtsOptions> = {}) => {
  const engine = createCartesiaTts({
    apiKey: fake.apiKey,
    voiceId: 'fake-voice',
    voices: ['deleted-voice'],
    baseUrl: fake.url,
    ...options,
  });
  engines.push(engine);
  return engine;
};

/** How a speech failed, and how many audio pieces it emitted first. */
async function failure(speech: Observable<SpeechPiece>) {
  let audio = 0;
  const error = await new Promise<unknown>((resolve) =>
    speech.subscribe({
      next: (piece) => (audio += piece.type === 'audio' ? 1 : 0),
      error: resolve,
      complete: () => resolve(undefined),
    }),
  );
  expect(error).toBeInstanceOf(TtsError);
  return { error: error as TtsError, audio };
}

const when = (behaviour: FakeCartesiaBehaviour, options = {}) => {
  fake.behave(behaviour);
  return failure(tts(options).speak(TEXT));
};

describe('Cartesia failures, each a TtsError with its code', () => {
  it('a wrong key: HTTP_ERROR 401 at the handshake', async () => {
    fake.behave('speak');
    const { error } = await failure(tts({ apiKey: 'wrong-key' }).speak(TEXT));
    expect(error).toMatchObject({ code: 'HTTP_ERROR', status: 401 });
    expect(error.message).toBe('Cartesia refused the connection: 401');
  });

  it('too many sockets: HTTP_ERROR 429 at the handshake', async () => {
    fake.behave('refuse', { status: 429 });
    const { error } = await failure(tts().speak(TEXT));
    expect(error).toMatchObject({ code: 'HTTP_ERROR', status: 429 });
  });

  it('a concurrency limit reached: HTTP_ERROR 429 for that context', async () => {
    const { error, audio } = await when('limit');
    expect(error).toMatchObject({ code: 'HTTP_ERROR', status: 429 });
    expect(error.message).toBe('Cartesia refused: concurrency_limited: Error: Too many requests');
    expect(audio).toBe(0);
  });

  it('a voice configured that Cartesia does not have: UNKNOWN_VOICE', async () => {
    fake.behave('speak');
    const { error } = await failure(tts().speak(TEXT, { voice: 'deleted-voice' }));
    expect(error.code).toBe('UNKNOWN_VOICE');
    expect(await fake.contexts.at(-1)!.ended).toBe('failed');
  });

  it('a slow start is waited for', async () => {
    fake.behave('speak', { delayMs: 300 });
    const pieces = await lastValueFrom(tts().speak(TEXT).pipe(toArray()));
    expect(pieces.filter((p) => p.type === 'words').flatMap((p) => p.words)).toHaveLength(15);
  });

  it('a service that never answers: TIMEOUT, and the context cancelled', async () => {
    const { error } = await when('mute', { timeoutMs: 300 });
    expect(error).toMatchObject({
      code: 'TIMEOUT',
      message: 'no audio from Cartesia within 300 ms',
    });
    expect(await fake.contexts.at(-1)!.ended).toBe('cancelled');
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
        message: 'no connection to Cartesia within 300 ms',
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
    expect(error.message).toMatch(/^the connection to Cartesia failed: .*ECONNREFUSED/);
  });

  it('a connection dropped mid-audio: NETWORK_ERROR for every speech on it; the next reconnects', async () => {
    fake.behave('speak');
    const engine = tts();
    const text = new Subject<string>();
    const waiting = failure(engine.speak(text));
    text.next('Một câu đang chờ câu tiếp theo. Và');
    await expect.poll(() => fake.contexts.at(-1)?.transcripts.length).toBe(1);
    fake.behave('drop');
    const dropped = await failure(engine.speak(TEXT));
    expect(dropped.error.message).toMatch(
      /^the connection to Cartesia closed \(1006\) before the speech ended$/,
    );
    expect(dropped.audio).toBe(1);
    expect((await waiting).error.code).toBe('NETWORK_ERROR');
    fake.behave('speak');
    expect(await lastValueFrom(engine.speak(TEXT).pipe(toArray()))).not.toEqual([]);
  });

  it('garbage (not JSON) on the socket: INVALID_RESPONSE for every speech on it', async () => {
    const { error } = await when('garbage');
    expect(error.code).toBe('INVALID_RESPONSE');
    expect(error.message).toBe(
      'Cartesia sent what is not a JSON object: <html>502 Bad Gateway</html>',
    );
  });

  it.each([
    ['malformed', /^Cartesia sent a chunk whose data is not base64$/],
    ['disorder', /^Cartesia sent word timestamps out of order/],
    ['overrun', /^Cartesia sent word timestamps past the audio/],
  ] as const)('%s: INVALID_RESPONSE for that context alone', async (behaviour, message) => {
    fake.behave('speak');
    const engine = tts();
    const text = new Subject<string>();
    const other = lastValueFrom(engine.speak(text).pipe(toArray()));
    text.next('Cuộc gọi bên cạnh vẫn nói tiếp. Và');
    await expect.poll(() => fake.contexts.at(-1)?.transcripts.length).toBe(1);
    fake.behave(behaviour);
    const { error } = await failure(engine.speak(TEXT));
    expect(error.code).toBe('INVALID_RESPONSE');
    expect(error.message).toMatch(message);
    // Timings past the audio show only at its end: the context is done by then.
    expect(await fake.contexts.at(-1)!.ended).toBe(behaviour === 'overrun' ? 'done' : 'cancelled');
    text.next(' xong.');
    text.complete();
    const pieces = await other;
    expect(pieces.flatMap((p) => (p.type === 'words' ? p.words : [])).at(-1)?.text).toBe('xong.');
  });
});
