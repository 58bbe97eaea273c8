import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createStream, encodeWav, PsrApiError } from '@psrkit/protocol';
import type { Call } from '@psrkit/transport';
import { first, firstValueFrom } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { tone } from '../../line/src/__fixtures__/audio.js';
import { lineWaiter } from './__fixtures__/run-cli.js';
import { startBotServer } from './__fixtures__/servers.js';
import { startPsrApiEmulator } from './psr-api-emulator.js';

const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const tone16k = (ms: number) =>
  Int16Array.from({ length: ms * 16 }, (_, i) => 8000 * Math.sin((2 * Math.PI * 440 * i) / 16000));
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

async function setUp() {
  const calls: Call[] = [];
  const server = await startBotServer(async (call) => {
    calls.push(call);
    await call.play({ sampleRate: 8000, channels: 1, samples: new Int16Array(800) }).done;
    // Hang up once 600 ms of the call went by on PSR's clock (the audio it sent): the
    // 400 ms audio_file has played by then, however busy the machine.
    await firstValueFrom(call.audio$.pipe(first((frame) => frame.startSample >= 4800)));
    call.hangup();
  });
  const api = await startPsrApiEmulator({
    tokens: ['old', 'new'],
    callee: tone(300),
    call: { tailMs: 2000 },
  });
  cleanups.push(async () => {
    await api.close();
    await server.close();
  });
  return { calls, server, api };
}

describe('psr-sim serve-api: the create-stream REST API, emulated', () => {
  it("answers protocol's createStream with the contract's JSON and places the call with its parameters", async () => {
    const { calls, server, api } = await setUp();
    const result = await createStream({
      baseUrl: api.url,
      token: 'new',
      url: server.url,
      destination: '0901234567',
      app: 'bot',
      channel: 'mono_a',
      audioFile: encodeWav({ sampleRate: 16000, channels: 1, samples: tone16k(400) }),
      parameter: { danh_xung: 'chị', order: 427 },
    });
    expect(result.status).toBe('in-progress');
    expect(result.recordingUrl).toBe(`${api.url}/record/${result.callId}.wav`);
    expect(result.fullRecordingUrl).toBe(`${api.url}/record/full_${result.callId}.wav`);
    const report = await api.calls[0]!.done;
    expect(api.calls[0]!.request).toMatchObject({
      destination: '0901234567',
      app: 'bot',
      audioFileBytes: 44 + 400 * 32,
    });
    // PSR played the audio file to the callee first: heard, but not counted as the bot's audio.
    let sum = 0;
    for (let i = 400; i < 2800; i++) sum += report!.heard[i]! ** 2;
    expect(Math.sqrt(sum / 2400)).toBeGreaterThan(2000);
    expect(report!.botAudio.every((b) => b.kind !== 'prompt')).toBe(true);
    // The bot got the call PSR announced, with `parameter` as dynamic query parameters.
    expect(calls).toHaveLength(1);
    expect(calls[0]!.id).toBe(result.callId);
    expect(calls[0]!.params).toMatchObject({ danh_xung: 'chị', order: '427' });
    expect(calls[0]!.channel).toBe('mono_a');
    expect(report?.summary.actions).toMatchObject({ media: 1, hangup: 1 });
  });

  it('refuses a missing or wrong token with 401', async () => {
    const { server, api } = await setUp();
    const error = await createStream({
      baseUrl: api.url,
      token: 'stolen',
      url: server.url,
      destination: '1',
      app: 'bot',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PsrApiError);
    expect(error).toMatchObject({ code: 'HTTP_ERROR', status: 401, apiCode: 'UNAUTHORIZED' });
    expect(api.calls).toHaveLength(0);
  });

  it('checks the form as PSR documents it', async () => {
    const { api } = await setUp();
    const post = async (fields: Record<string, string>, path = '/psr/v1/call/stream') => {
      const form = new FormData();
      for (const [k, v] of Object.entries(fields)) form.set(k, v);
      const res = await fetch(`${api.url}${path}`, {
        method: 'POST',
        headers: { authorization: 'Bearer old' },
        body: form,
      });
      return { status: res.status, body: (await res.json()) as { code: string; message: string } };
    };
    expect(await post({ destination: '1' })).toMatchObject({
      status: 400,
      body: { message: expect.stringContaining('url') },
    });
    expect(await post({ url: 'ws://127.0.0.1:1/', destination: '1' })).toMatchObject({
      status: 400,
      body: { message: 'extension: required when app is "dial"' },
    });
    expect(
      await post({ url: 'ws://127.0.0.1:1/', destination: '1', app: 'bot', parameter: '[1]' }),
    ).toMatchObject({
      status: 400,
      body: { message: 'parameter: must be a JSON object' },
    });
    expect(
      await post({ url: 'ws://127.0.0.1:1/', destination: '1', app: 'bot', channel: 'quad' }),
    ).toMatchObject({
      status: 400,
    });
    expect((await post({}, '/psr/v1/other')).status).toBe(404);
    const notMultipart = await fetch(`${api.url}/psr/v1/call/stream`, {
      method: 'POST',
      headers: { authorization: 'Bearer old', 'content-type': 'application/json' },
      body: '{}',
    });
    expect(notMultipart.status).toBe(400);
    expect(api.calls).toHaveLength(0);
  });

  it('psr-sim serve-api --report-dir: each call it places becomes a page named after its id', async () => {
    const server = await startBotServer(async (call) => {
      await call.play({ sampleRate: 8000, channels: 1, samples: tone(300) }).done;
      call.hangup();
    });
    const dir = await mkdtemp(join(tmpdir(), 'psr-sim-api-'));
    const cli = spawn(
      process.execPath,
      [bin, 'serve-api', '--port', '0', '--token', 't', '--tail-ms', '500', '--report-dir', dir],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      const next = lineWaiter(cli.stdout!);
      const [, baseUrl] = await next(/^PSR API emulator on (http:\/\/[^/]+)\//);
      const paged = next(/^the call as a page: (.+)$/);
      const { callId } = await createStream({
        baseUrl: baseUrl!,
        token: 't',
        url: server.url,
        destination: '0901234567',
        app: 'bot',
      });
      const [, file] = await paged;
      expect(file).toBe(join(dir, `${callId}.html`));
      const page = await readFile(file!, 'utf8');
      expect(page).toContain(`"callId":"${callId}"`);
    } finally {
      cli.kill('SIGTERM');
      if (cli.exitCode === null && cli.signalCode === null) await once(cli, 'exit');
      await server.close();
      await rm(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
