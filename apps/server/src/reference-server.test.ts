import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeWav, encodeWavHeader } from '@psrkit/protocol';
import { placeCall } from '@psrkit/simulator';
import type { Bot } from '@psrkit/transport';
import pino from 'pino';
import { of } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from './config.js';
import { loadStages } from './load-stages.js';
import { recoverRecordings } from './recording-files.js';
import { type ReferenceServer, startReferenceServer } from './reference-server.js';

const logger = pino({ level: 'silent' });
const tone = (ms: number, hz = 440) =>
  Int16Array.from({ length: ms * 8 }, (_, i) => 6000 * Math.sin((2 * Math.PI * hz * i) / 8000));
/** Greets with a file, streams a second of tone, hangs up. */
const talkingBot: Bot = async (call) => {
  call.play({ sampleRate: 8000, channels: 1, samples: tone(300, 660) });
  await call.stream(of(tone(1000)), { sampleRate: 8000 }).done;
  call.hangup();
};
const servers: ReferenceServer[] = [];
async function start(argv: string[], bot: Bot = talkingBot) {
  const config = parseConfig(['--host', '127.0.0.1', '--port', '0', ...argv], {});
  const server = await startReferenceServer(config, bot, logger, {
    stages: {
      inbound: await loadStages(config.inboundStages, '--inbound-stage'),
      outbound: await loadStages(config.outboundStages, '--outbound-stage'),
    },
  });
  servers.push(server);
  return server;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.shutdown()));
});
const http = (server: ReferenceServer, path: string) =>
  fetch(`http://127.0.0.1:${server.address.port}${path}`).then(async (r) => ({
    status: r.status,
    text: await r.text(),
  }));

describe('the reference server', () => {
  it('serves health, readiness and metrics on the WebSocket port, and the metrics move with calls', async () => {
    const server = await start([]);
    expect(await http(server, '/healthz')).toMatchObject({ status: 200 });
    expect(await http(server, '/readyz')).toMatchObject({ status: 200 });
    const report = await placeCall({ url: server.url, caller: tone(500, 300), tailMs: 3000 });
    expect(report.hangup).toBeDefined();
    const { text } = await http(server, '/metrics');
    expect(text).toMatch(/psrkit_calls_total\{outcome="hangup"\} 1/);
    expect(text).toMatch(/psrkit_actions_sent_total\{event="media"\} 1/);
    expect(text).toMatch(/psrkit_actions_sent_total\{event="chunk"\} \d+/);
    expect(text).toMatch(/psrkit_inbound_frames_total [1-9]\d*/);
    expect(text).toMatch(/psrkit_active_calls 0/);
    expect(text).toMatch(/psrkit_mp3_encode_seconds_count [1-9]/);
    expect(text).toMatch(/psrkit_pacing_send_lag_seconds_count [1-9]/);
    expect(text).toMatch(/psrkit_first_chunk_seconds_count\{part="total"\} 1\n/);
    expect(text).toMatch(/psrkit_first_chunk_seconds_count\{part="processing"\} 1\n/);
    expect(text).toMatch(/psrkit_timer_wakes_total [1-9]/);
    expect(text).toMatch(/psrkit_timer_runs_total [1-9]/);
    expect(text).toContain(`psrkit_server_info{pid="${process.pid}"} 1`);
    expect(text).toMatch(/psrkit_nodejs_eventloop_lag_seconds/);
    expect((await http(server, '/nope')).status).toBe(404);
  });

  it('streams MP3 from the WASM encoder with --mp3-encoder wasm', async () => {
    const server = await start(['--mp3-encoder', 'wasm']);
    const report = await placeCall({ url: server.url, caller: tone(500, 300), tailMs: 3000 });
    expect(report.violations).toEqual([]); // every chunk whole 8 kHz mono frames that decode
    expect(report.summary.actions.chunk).toBeGreaterThan(3);
    let sum = 0;
    const stream = report.botAudio.find((b) => b.kind === 'stream')!;
    for (let i = (stream.startMs + 300) * 8; i < (stream.startMs + 700) * 8; i++)
      sum += report.heard[i]! ** 2;
    expect(Math.sqrt(sum / 3200)).toBeGreaterThan(2000); // the decoded tone
    // Served by the pool of WASM instances, not the lamejs fallback.
    const metrics = await (await fetch(`http://127.0.0.1:${server.address.port}/metrics`)).text();
    // (The warm-up's streams count too.)
    const pool = /psrkit_mp3_wasm_streams_total\{encoder="pool"\} (\d+)/.exec(metrics)?.[1];
    expect(Number(pool)).toBeGreaterThanOrEqual(1);
    expect(metrics).toContain('psrkit_mp3_wasm_streams_total{encoder="fallback"} 0');
  });

  it('refuses calls without a token or from another tenant before any call exists', async () => {
    const server = await start(['--tokens', 's3cret', '--tenants', 'acme']);
    await expect(placeCall({ url: server.url, caller: tone(100) })).rejects.toMatchObject({
      code: 'CONNECT_FAILED',
    });
    await expect(
      placeCall({
        url: server.url,
        tenant: 'evil',
        params: { token: 's3cret' },
        caller: tone(100),
      }),
    ).rejects.toMatchObject({ code: 'CONNECT_FAILED' });
    const ok = await placeCall({
      url: server.url,
      tenant: 'acme',
      params: { token: 's3cret' },
      caller: tone(100),
      tailMs: 3000,
    });
    expect(ok.hangup).toBeDefined();
    expect(server.psr.totals.framesIn).toBeGreaterThan(0);
  });

  it('records each call as a stereo WAV: caller left, bot right, aligned', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'psrkit-rec-'));
    const server = await start(['--recordings', dir]);
    const report = await placeCall({
      url: server.url,
      caller: [{ atMs: 400, samples: tone(300, 300) }],
      tailMs: 2000,
    });
    const name = `sim__${report.callId}.wav`; // tenant and call id
    await expect
      .poll(async () => (await readdir(dir)).filter((f) => f.endsWith('.wav')))
      .toEqual([name]);
    const wav = decodeWav(await readFile(join(dir, name)));
    expect(wav).toMatchObject({ sampleRate: 8000, channels: 2 });
    const level = (side: 0 | 1, fromMs: number, toMs: number) => {
      let sum = 0;
      for (let i = fromMs * 8; i < toMs * 8; i++) sum += wav.samples[2 * i + side]! ** 2;
      return Math.sqrt(sum / ((toMs - fromMs) * 8));
    };
    expect(level(1, 50, 250)).toBeGreaterThan(2000); // the greeting, on the right
    expect(level(0, 50, 250)).toBe(0); // the caller is silent then
    expect(level(0, 450, 650)).toBeGreaterThan(2000); // the caller's tone, on the left
    expect(level(0, 800, 1100)).toBe(0);
    expect(level(1, 800, 1100)).toBeGreaterThan(2000); // the streamed tone (MP3, decoded)
  });

  it('runs --inbound-stage plugins on the caller’s audio before the bot hears it', async () => {
    const peaks: number[] = [];
    const server = await start(
      ['--inbound-stage', '@psrkit/plugin-gain={"gainDb":-6.0206}'],
      async (call) => {
        call.audio().subscribe((frame) => peaks.push(Math.max(...frame.samples.map(Math.abs))));
        await call.closed;
      },
    );
    await placeCall({ url: server.url, caller: tone(200), tailMs: 100 });
    expect(peaks.length).toBeGreaterThan(5);
    // 6000 at the caller, half of it (−6.02 dB) at the bot.
    expect(Math.max(...peaks)).toBeGreaterThanOrEqual(2990);
    expect(Math.max(...peaks)).toBeLessThanOrEqual(3000);
  });

  it('runs --outbound-stage plugins on what the bot says before it is sent', async () => {
    const server = await start(
      ['--outbound-stage', '@psrkit/plugin-gain={"gainDb":-6.0206}', '--chunk-format', 'pcm16'],
      async (call) => {
        await call.stream(of(tone(400)), { sampleRate: 8000 }).done;
        call.hangup();
      },
    );
    const report = await placeCall({ url: server.url, caller: new Int16Array(0), tailMs: 2000 });
    const { heard } = report;
    // 6000 from the bot, half of it (−6.02 dB) on the line.
    expect(Math.max(...[...heard].map(Math.abs))).toBeGreaterThanOrEqual(2990);
    expect(Math.max(...[...heard].map(Math.abs))).toBeLessThanOrEqual(3000);
  });

  it('repairs recordings a crash left behind', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'psrkit-rec-'));
    const samples = new Int16Array(8000 * 2).fill(1000);
    // A header that still says 0 bytes, as after a crash before the first rewrite, and a torn last frame.
    await writeFile(
      join(dir, 'c1.wav.part'),
      Buffer.concat([
        encodeWavHeader(8000, 2, 0),
        Buffer.from(samples.buffer),
        Buffer.from([1, 2]),
      ]),
    );
    const recovered = await recoverRecordings(dir, logger);
    expect(recovered).toEqual([join(dir, 'c1.recovered.wav')]);
    expect(decodeWav(await readFile(recovered[0]!))).toMatchObject({ channels: 2, frames: 8000 });
  });

  it('drains on shutdown: not ready at once, new calls refused, live calls end after the drain timeout', async () => {
    const server = await start(['--drain-timeout-ms', '800'], async (call) => {
      await call.closed; // never ends the call itself
    });
    const live = placeCall({ url: server.url, caller: tone(100), tailMs: 20_000 });
    await expect.poll(() => server.psr.activeCalls).toBe(1);
    const started = Date.now();
    const stopping = server.shutdown();
    expect((await http(server, '/readyz')).status).toBe(503);
    await expect(placeCall({ url: server.url, caller: tone(100) })).rejects.toMatchObject({
      code: 'CONNECT_FAILED',
    });
    const report = await live;
    await stopping;
    expect(report.end).toMatchObject({ by: 'server', code: 1001 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(700);
  });
});
