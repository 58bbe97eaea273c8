import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { createStream, PsrApiError, readCreateStreamAnswer } from './create-stream.js';

interface Received {
  method: string | undefined;
  url: string | undefined;
  authorization: string | undefined;
  fields: Record<string, string>;
  file?: { name: string; bytes: number[] };
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((s) => {
      s.closeAllConnections();
      return new Promise((resolve) => s.close(resolve));
    }),
  );
});

/** A real HTTP server on loopback that parses the multipart body like PSR would. */
async function fakePsr(
  reply: (received: Received) => { status: number; body: string } | 'hang',
): Promise<{ baseUrl: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer(async (request: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const form = await new Response(Buffer.concat(chunks), {
      headers: { 'content-type': request.headers['content-type'] ?? '' },
    }).formData();
    const entry: Received = {
      method: request.method,
      url: request.url,
      authorization: request.headers.authorization,
      fields: {},
    };
    for (const [name, value] of form) {
      if (typeof value === 'string') entry.fields[name] = value;
      else entry.file = { name: value.name, bytes: [...new Uint8Array(await value.arrayBuffer())] };
    }
    received.push(entry);
    const answer = reply(entry);
    if (answer === 'hang') return;
    response.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, received };
}

const ok = (callId: string) =>
  JSON.stringify({
    code: 'OK',
    message: 'OK',
    data: {
      call_id: callId,
      full_recording_url: `https://pbx/record/full_${callId}.wav`,
      recording_url: `https://pbx/record/${callId}.wav`,
      status: 'in-progress',
    },
  });

describe('createStream', () => {
  it('posts every field as multipart with the bearer token and returns the typed answer', async () => {
    const psr = await fakePsr(() => ({ status: 200, body: ok('c-1') }));
    const result = await createStream({
      baseUrl: psr.baseUrl,
      token: 'tok',
      url: 'wss://bot.example/psr',
      destination: '0901234567',
      app: 'bot',
      channel: 'mono_a',
      isSilence: false,
      audioFile: new Uint8Array([82, 73, 70, 70]),
      parameter: { danh_xung: 'anh', vip: true },
    });
    expect(result).toEqual({
      callId: 'c-1',
      recordingUrl: 'https://pbx/record/c-1.wav',
      fullRecordingUrl: 'https://pbx/record/full_c-1.wav',
      status: 'in-progress',
    });
    const [request] = psr.received;
    expect(request).toMatchObject({
      method: 'POST',
      url: '/psr/v1/call/stream',
      authorization: 'Bearer tok',
    });
    expect(request!.fields).toEqual({
      url: 'wss://bot.example/psr',
      destination: '0901234567',
      app: 'bot',
      channel: 'mono_a',
      is_silence: 'false',
      // app=bot: the customer is the called party, side B.
      parameter: '{"danh_xung":"anh","vip":true,"remote_side":"b"}',
    });
    expect(request!.file).toEqual({ name: 'audio.wav', bytes: [82, 73, 70, 70] });
  });

  it('tells the bot of an outbound call to listen to side B, unless told otherwise', async () => {
    const psr = await fakePsr(() => ({ status: 200, body: ok('c-3') }));
    const base = { baseUrl: psr.baseUrl, token: 't', url: 'ws://b/p', destination: '1' };
    await createStream({ ...base, app: 'bot' });
    await createStream({ ...base, app: 'bot', parameter: { remote_side: 'a' } });
    await createStream({ ...base, app: 'dial', extension: '101', parameter: { x: 1 } });
    expect(psr.received.map((r) => r.fields['parameter'])).toEqual([
      '{"remote_side":"b"}',
      '{"remote_side":"a"}',
      '{"x":1}',
    ]);
  });

  it('reads audio_file from a path', async () => {
    const psr = await fakePsr(() => ({ status: 200, body: ok('c-2') }));
    const path = new URL('./__fixtures__/tone-8k-u8.wav', import.meta.url).pathname;
    await createStream({
      baseUrl: psr.baseUrl,
      token: 't',
      url: 'ws://b/p',
      destination: '1',
      app: 'bot',
      audioFile: path,
    });
    expect(psr.received[0]!.file!.name).toBe('tone-8k-u8.wav');
    expect(psr.received[0]!.file!.bytes.length).toBe(844);
  });

  it('checks the request before sending anything', async () => {
    const psr = await fakePsr(() => ({ status: 200, body: ok('never') }));
    const base = { baseUrl: psr.baseUrl, token: 't', url: 'ws://b/p', destination: '1' };
    await expect(createStream(base)).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      message: /extension is required/,
    });
    await expect(createStream({ ...base, app: 'dial', extension: '1 0' })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
    });
    await expect(createStream({ ...base, app: 'bot', url: 'http://b' })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      message: /ws:\/\//,
    });
    await expect(
      createStream({ ...base, app: 'bot', audioFile: '/nonexistent.wav' }),
    ).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    expect(psr.received).toHaveLength(0);
  });

  it('turns an HTTP error into PsrApiError with status and PSR code', async () => {
    const psr = await fakePsr(() => ({
      status: 401,
      body: '{"code":"UNAUTHORIZED","message":"bad token"}',
    }));
    const error = await createStream({
      baseUrl: psr.baseUrl,
      token: 'x',
      url: 'ws://b',
      destination: '1',
      app: 'bot',
    }).catch((e) => e);
    expect(error).toBeInstanceOf(PsrApiError);
    expect(error).toMatchObject({
      code: 'HTTP_ERROR',
      status: 401,
      apiCode: 'UNAUTHORIZED',
      message: 'HTTP 401 UNAUTHORIZED: bad token',
    });
  });

  it('turns code != OK into API_ERROR', async () => {
    const psr = await fakePsr(() => ({
      status: 200,
      body: '{"code":"BUSY","message":"no line free"}',
    }));
    await expect(
      createStream({
        baseUrl: psr.baseUrl,
        token: 'x',
        url: 'ws://b',
        destination: '1',
        app: 'bot',
      }),
    ).rejects.toMatchObject({
      code: 'API_ERROR',
      apiCode: 'BUSY',
      status: 200,
    });
  });

  it('rejects a response that is not the contract JSON', async () => {
    const psr = await fakePsr(() => ({ status: 200, body: '<html>' }));
    await expect(
      createStream({
        baseUrl: psr.baseUrl,
        token: 'x',
        url: 'ws://b',
        destination: '1',
        app: 'bot',
      }),
    ).rejects.toMatchObject({ code: 'INVALID_RESPONSE' });
    const partial = await fakePsr(() => ({
      status: 200,
      body: '{"code":"OK","data":{"call_id":"x"}}',
    }));
    await expect(
      createStream({
        baseUrl: partial.baseUrl,
        token: 'x',
        url: 'ws://b',
        destination: '1',
        app: 'bot',
      }),
    ).rejects.toMatchObject({
      code: 'INVALID_RESPONSE',
      message: /recording_url/,
    });
  });

  it('times out and aborts', async () => {
    const psr = await fakePsr(() => 'hang');
    const options = {
      baseUrl: psr.baseUrl,
      token: 'x',
      url: 'ws://b',
      destination: '1',
      app: 'bot',
    } as const;
    await expect(createStream({ ...options, timeoutMs: 50 })).rejects.toMatchObject({
      code: 'TIMEOUT',
    });
    const controller = new AbortController();
    const pending = createStream({ ...options, signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toMatchObject({ code: 'ABORTED' });
  });

  it('times out while the garbage collector runs, with a signal of the caller’s too', async () => {
    const psr = await fakePsr(() => 'hang');
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const collecting = setInterval(gc, 5);
    try {
      const outer = new AbortController();
      await expect(
        createStream({
          baseUrl: psr.baseUrl,
          token: 'x',
          url: 'ws://b',
          destination: '1',
          app: 'bot',
          timeoutMs: 200,
          signal: outer.signal,
        }),
      ).rejects.toMatchObject({ code: 'TIMEOUT' });
    } finally {
      clearInterval(collecting);
    }
  });

  it('reports an unreachable server as NETWORK_ERROR', async () => {
    const psr = await fakePsr(() => ({ status: 200, body: '' }));
    const port = new URL(psr.baseUrl).port;
    await new Promise((resolve) => servers.pop()!.close(resolve));
    await expect(
      createStream({
        baseUrl: `http://127.0.0.1:${port}`,
        token: 'x',
        url: 'ws://b',
        destination: '1',
        app: 'bot',
      }),
    ).rejects.toMatchObject({
      code: 'NETWORK_ERROR',
    });
  });
});

describe('readCreateStreamAnswer: PSR’s answer, without a server', () => {
  const ok = { status: 200, ok: true };
  const answer = (data: object, code = 'OK') => JSON.stringify({ code, message: 'm', data });

  it('reads the new call’s fields from an OK envelope', () => {
    const data = { call_id: 'c1', recording_url: 'r', full_recording_url: 'f', status: 'queued' };
    expect(readCreateStreamAnswer(ok, answer(data))).toEqual({
      callId: 'c1',
      recordingUrl: 'r',
      fullRecordingUrl: 'f',
      status: 'queued',
    });
  });

  it('names what is wrong: the status, PSR’s code, the body, a missing field', () => {
    const failure = (response: { status: number; ok: boolean }, text: string) => {
      try {
        readCreateStreamAnswer(response, text);
      } catch (error) {
        const { code, status, apiCode, message } = error as PsrApiError;
        return { code, status, apiCode, message };
      }
      throw new Error('no error');
    };
    expect(failure({ status: 502, ok: false }, 'bad gateway')).toEqual({
      code: 'HTTP_ERROR',
      status: 502,
      apiCode: undefined,
      message: 'HTTP 502: bad gateway',
    });
    expect(failure(ok, answer({}, 'BUSY'))).toMatchObject({ code: 'API_ERROR', apiCode: 'BUSY' });
    expect(failure(ok, '<html>')).toMatchObject({ code: 'INVALID_RESPONSE', status: 200 });
    expect(failure(ok, answer({ call_id: 'c1' }))).toMatchObject({
      code: 'INVALID_RESPONSE',
      message: 'response has no string data.recording_url',
    });
  });
});
