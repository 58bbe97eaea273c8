// The fault and bad-input matrix, run against the reference server with a real bot on
// real loopback sockets. Each row checks: the process stays up, a bystander call stays up
// and keeps streaming valid audio, the metric for the fault moves, the log names the call and
// the error. Each row it proves must be in docs/reliability.md (`pnpm reliability`
// renders the page; the suite never writes it).
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDemoBot } from '@psrkit/demo-bot';
import { decodeWav, encodeEvent, mediaEvent } from '@psrkit/protocol';
import { placeCall } from '@psrkit/simulator';
import type { Bot, Call } from '@psrkit/transport';
import { connectAsPsr, type PsrClient } from '@psrkit/transport/client';
import pino from 'pino';
import { filter, firstValueFrom, Observable, of } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { recordRow } from '../../../tests/fixtures/reliability-rows.js';
import { countingTts } from '../../demo-bot/src/__fixtures__/counting-tts.js';
import { type SpawnedServer, spawnServer } from './__fixtures__/spawn-server.js';
import { until } from './__fixtures__/until.js';
import { parseConfig } from './config.js';
import { type ReferenceServer, startReferenceServer } from './reference-server.js';

const tone = (ms: number, hz = 440) =>
  Int16Array.from({ length: ms * 8 }, (_, i) => 6000 * Math.sin((2 * Math.PI * hz * i) / 8000));

// ---- a bot with a behaviour per call (`mode` parameter) --------------------------------
const talk = async (call: Call) => {
  // Talks without a pause until the call ends.
  await call.stream(of(tone(120_000, 300)), { sampleRate: 8000 }).done;
};
const faultBot: Bot = (call) => {
  switch (call.params['mode']) {
    case 'sync-throw':
      throw new Error('the bot failed at once');
    case 'reject':
      return Promise.reject(new Error('the bot failed later'));
    case 'never':
      call.play({ sampleRate: 8000, channels: 1, samples: tone(200) });
      return new Promise<void>(() => {});
    case 'tts-error':
      return (async () => {
        const failingTts = new Observable<Int16Array>((subscriber) => {
          subscriber.next(tone(300));
          setTimeout(() => subscriber.error(new Error('TTS engine crashed mid-utterance')), 50);
        });
        const outcome = await call.stream(failingTts, { sampleRate: 8000 }).done;
        if (outcome.type === 'playback-interrupted' && outcome.error) throw outcome.error;
      })();
    case 'fill-then-stream':
      return (async () => {
        // A 10-minute prompt (one ~12.8 MB frame) fills every buffer on the way, then a
        // stream cuts in: the pacer must wait for the socket instead of piling chunks up.
        const prompt = call.play({
          sampleRate: 8000,
          channels: 1,
          samples: new Int16Array(8000 * 600),
        });
        await firstValueFrom(prompt.events$.pipe(filter((e) => e.type === 'playback-start')));
        call.stream(of(tone(60_000)), { sampleRate: 8000, mode: 'interrupt' });
        await call.closed;
      })();
    case 'big-files': {
      const prompt = { sampleRate: 8000, channels: 1, samples: new Int16Array(8000 * 60) };
      const timer = setInterval(() => call.play(prompt, { mode: 'interrupt' }), 5);
      return call.closed.then(() => clearInterval(timer));
    }
    default:
      return talk(call);
  }
};

// ---- harness ---------------------------------------------------------------------------
const logs: Record<string, unknown>[] = [];
const logger = pino(
  { level: 'info' },
  { write: (line: string) => void logs.push(JSON.parse(line)) },
);
const servers: ReferenceServer[] = [];
async function start(argv: string[] = []): Promise<ReferenceServer> {
  const config = parseConfig(
    [
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--max-payload',
      '65536',
      // A dead peer is found within 2 s; a busy machine stalling this process (the server
      // and the emulator share it) for less does not end a healthy call.
      '--heartbeat-ms',
      '1000',
      // A test that fails with a call still open does not hold its server's shutdown.
      '--drain-timeout-ms',
      '0',
      ...argv,
    ],
    {},
  );
  const server = await startReferenceServer(config, faultBot, logger);
  servers.push(server);
  return server;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.shutdown()));
});
async function metric(server: ReferenceServer, name: string, labels = ''): Promise<number> {
  const text = await server.metrics.registry.metrics();
  const escaped = labels.replace(/[{}]/g, '\\$&');
  const match = new RegExp(`^${name}${escaped} ([0-9.e+-]+)$`, 'm').exec(text);
  return match ? Number(match[1]) : 0;
}
/** A call that streams alongside the fault and must not notice it. */
const bystander = (server: ReferenceServer, ms = 3000) =>
  placeCall({
    url: server.url,
    tenant: 'bystander',
    caller: new Int16Array(0),
    tailMs: ms,
    decode: 'stream',
  });
// Behaviour only: the bystander stays up and keeps streaming valid audio. That it does so
// without a gap while faults hit the server is `faults.timing.test.ts`'s check, with the
// server in its own process (here it shares this process with the emulator).
const expectUndisturbed = async (report: Awaited<ReturnType<typeof bystander>>) => {
  expect(report.violations).toEqual([]);
  expect(report.end.by).toBe('caller');
  expect(report.summary.botAudioMs).toBeGreaterThan(1500);
};
async function psrCall(
  server: ReferenceServer,
  params: Record<string, string> = {},
): Promise<PsrClient> {
  const psr = connectAsPsr(server.url, { tenant: 'faults', channel: 'mono_a', params });
  await psr.opened;
  psr.sendConnected();
  return psr;
}
const logFor = (callId: string, field: string, value: unknown) =>
  logs.find((l) => l['call_id'] === callId && l[field] === value);

// ---- rows --------------------------------------------------------------------------------
describe('bad input on a live call: a typed frame error, counted and logged; the call goes on', () => {
  const media = (callId: string, payload: string) =>
    `{"timestamp":1,"event":"media","media":{"payload":${payload}},"data":{"call_id":"${callId}","channel":"mono_a"}}`;
  const badFrames: [string, (callId: string) => string | Uint8Array, string][] = [
    ['malformed JSON', () => '{"event": "media", "media": {', 'INVALID_JSON'],
    ['valid JSON of the wrong shape', () => '[1, 2, 3]', 'INVALID_FIELD'],
    ['a field of the wrong type', (id) => media(id, '12345'), 'INVALID_FIELD'],
    ['bad base64', (id) => media(id, '"@@not base64@@"'), 'INVALID_BASE64'],
    ['an odd PCM byte count', (id) => media(id, '"AAEC"'), 'ODD_PCM_LENGTH'],
    ['a binary frame', () => new Uint8Array([1, 2, 3, 4]), 'BINARY_FRAME'],
  ];
  for (const [fault, frame, code] of badFrames) {
    it(fault, async () => {
      const server = await start();
      const watching = bystander(server);
      const psr = await psrCall(server);
      const callId = psr.callId;
      const before = await metric(server, 'psrkit_frame_errors_total', `{code="${code}"}`);
      for (let i = 0; i < 5; i++) psr.sendRaw(frame(callId));
      psr.sendMedia(tone(20)); // and valid audio after it
      await until(
        async () =>
          (await metric(server, 'psrkit_frame_errors_total', `{code="${code}"}`)) === before + 5,
      );
      expect(logFor(callId, 'code', code)).toMatchObject({
        tenant: 'faults',
        msg: 'frame refused',
      });
      // The call is still up and the bot still talking on it.
      const chunksBefore = server.psr.totals.actionsSent.chunk;
      await until(() => server.psr.totals.actionsSent.chunk > chunksBefore + 2);
      expect(server.psr.getCall(callId) !== undefined).toBe(true);
      await expectUndisturbed(await watching);
      psr.terminate();
      await recordRow(
        'bad input',
        fault,
        5,
        `\`${code}\` frame error, counted and logged with the call; the call went on`,
      );
    });
  }

  it('an unknown event', async () => {
    const server = await start();
    const watching = bystander(server);
    const psr = await psrCall(server);
    for (let i = 0; i < 5; i++) psr.sendRaw('{"event":"dtmf","digit":"5"}');
    await until(async () => (await metric(server, 'psrkit_unknown_events_total')) === 5);
    expect(
      logs.some((l) => l['call_id'] === psr.callId && String(l['msg']).includes('unknown event')),
    ).toBe(true);
    await expectUndisturbed(await watching);
    psr.terminate();
    await recordRow(
      'bad input',
      'an unknown event',
      5,
      '`unknown-event` for the bot, counted and logged; the call went on',
    );
  });
});

describe('hostile text: the call goes on, the log stays short and honest', () => {
  it('invalid UTF-8 in a text frame', async () => {
    const server = await start();
    const psr = await psrCall(server);
    for (let i = 0; i < 5; i++)
      psr.socket.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
    psr.sendMedia(tone(20));
    await until(
      async () =>
        (await metric(server, 'psrkit_frame_errors_total', '{code="INVALID_UTF8"}')) === 5,
    );
    expect(server.psr.getCall(psr.callId)?.state).toBe('open');
    psr.terminate();
    await recordRow(
      'bad input',
      'invalid UTF-8 in a text frame',
      5,
      '`INVALID_UTF8` frame error, counted and logged; the call went on (no 1007 close)',
    );
  });

  it('a 60 000-character event name and field names with bidi overrides', async () => {
    const server = await start();
    const psr = await psrCall(server);
    psr.sendRaw(
      JSON.stringify({ event: `\u202e${'x'.repeat(60_000)}`, data: { call_id: psr.callId } }),
    );
    psr.sendRaw(
      JSON.stringify({
        event: 'connected',
        timestamp: 1,
        data: { call_id: psr.callId, channel: 'mono_a', ['\u2028y'.repeat(5000)]: 1 },
      }),
    );
    await until(() =>
      logs.some((l) => l['call_id'] === psr.callId && l['msg'] === 'fields ignored'),
    );
    const lines = logs.filter((l) => l['call_id'] === psr.callId).map((l) => JSON.stringify(l));
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThan(1000);
    expect(lines.join('\n')).not.toMatch(/[\u202e\u2028]/);
    psr.terminate();
    await recordRow(
      'bad input',
      'a 60 000-character event name with U+202E; a 10 000-character field name with U+2028',
      2,
      'logged cut to 120 characters, control and bidi characters escaped; the call went on',
    );
  });

  it('thousands of bad frames, and endless new field names', async () => {
    const server = await start();
    const psr = await psrCall(server);
    for (let frame = 0; frame < 10; frame++)
      psr.sendRaw(
        JSON.stringify({
          event: 'connected',
          timestamp: 1,
          data: {
            call_id: psr.callId,
            channel: 'mono_a',
            ...Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`k${frame}_${i}`, 1])),
          },
        }),
      );
    for (let i = 0; i < 2000; i++) psr.sendRaw('not json');
    await until(
      async () =>
        (await metric(server, 'psrkit_frame_errors_total', '{code="INVALID_JSON"}')) === 2000,
    );
    await until(() => server.psr.totals.framesIn >= 2011);
    const mine = logs.filter((l) => l['call_id'] === psr.callId);
    // 20 warnings about the peer per 10 s: the field names' first (3 lines), then bad frames.
    const warned = mine.filter(
      (l) => l['msg'] === 'frame refused' || l['msg'] === 'fields ignored',
    );
    expect(warned).toHaveLength(20);
    expect(mine.some((l) => l['no_more_reported'] === true)).toBe(true);
    expect(server.psr.getCall(psr.callId)?.state).toBe('open');
    psr.terminate();
    await recordRow(
      'bad input',
      '2 000 malformed frames; 1 000 distinct extra field names',
      2010,
      'every frame counted; 20 warnings logged per 10 s (then how many were left out); field names remembered up to 256; the call went on',
    );
  });
});

describe('limits and dead peers', () => {
  it('a frame over maxPayload closes that call with 1009, only that one', async () => {
    const server = await start();
    const watching = bystander(server);
    const psr = await psrCall(server);
    psr.sendRaw(
      encodeEvent(
        mediaEvent({ callId: psr.callId, channel: 'mono_a', samples: new Int16Array(40_000) }),
      ),
    );
    expect((await psr.closed).code).toBe(1009);
    await until(
      async () =>
        (await metric(server, 'psrkit_calls_total', '{outcome="payload-too-large"}')) === 1,
    );
    expect(logFor(psr.callId, 'reason', 'payload-too-large')).toBeDefined();
    await expectUndisturbed(await watching);
    await recordRow(
      'limits',
      'a frame over `--max-payload`',
      1,
      'close 1009 for that call only; outcome counted',
    );
  });

  it('a client opening connections without end', async () => {
    const server = await start(['--max-connections-per-address', '20']);
    const watching = bystander(server);
    // From 127.0.0.2 (loopback too): another address than the bystander's.
    const sockets = Array.from({ length: 60 }, () =>
      connect({ host: '127.0.0.1', port: server.address.port, localAddress: '127.0.0.2' }).on(
        'error',
        () => undefined,
      ),
    );
    try {
      await until(
        async () =>
          (await metric(server, 'psrkit_connections_refused_total', '{reason="per-address"}')) ===
          40,
      );
      expect(
        logs.filter((l) => l['msg'] === 'connection refused by a cap').length,
      ).toBeLessThanOrEqual(2);
      // The server still answers others: health, and the bystander's call.
      expect((await fetch(`http://127.0.0.1:${server.address.port}/healthz`)).status).toBe(200);
      await expectUndisturbed(await watching);
    } finally {
      for (const socket of sockets) socket.destroy();
    }
    await recordRow(
      'limits',
      'one address opening 60 connections and holding them (`--max-connections-per-address 20`)',
      60,
      '20 kept, 40 closed at once, counted by reason and logged once a second; health checks and other callers served',
    );
  });

  it('connections in all, and new connections per second, over their caps', async () => {
    const full = await start(['--max-connections', '10']);
    const sockets = Array.from({ length: 30 }, () =>
      connect({ host: '127.0.0.1', port: full.address.port, localAddress: '127.0.0.3' }).on(
        'error',
        () => undefined,
      ),
    );
    try {
      await until(
        async () =>
          (await metric(full, 'psrkit_connections_refused_total', '{reason="max-connections"}')) ===
          20,
      );
    } finally {
      for (const socket of sockets) socket.destroy();
    }
    // Once they are gone, the server takes connections again.
    await until(
      async () =>
        (await fetch(`http://127.0.0.1:${full.address.port}/healthz`).catch(() => undefined))
          ?.status === 200,
    );

    const rated = await start(['--max-new-connections-per-second', '10']);
    const burst = Array.from({ length: 30 }, () =>
      connect({ host: '127.0.0.1', port: rated.address.port, localAddress: '127.0.0.4' }).on(
        'error',
        () => undefined,
      ),
    );
    try {
      await until(
        async () =>
          (await metric(rated, 'psrkit_connections_refused_total', '{reason="rate"}')) >= 10,
      );
      const refused = await metric(rated, 'psrkit_connections_refused_total', '{reason="rate"}');
      // At most 10 a second got through (the burst may straddle two windows).
      expect(refused).toBeGreaterThanOrEqual(10);
      expect(refused).toBeLessThanOrEqual(20);
    } finally {
      for (const socket of burst) socket.destroy();
    }
    // Other addresses are not slowed by one address's burst.
    expect((await fetch(`http://127.0.0.1:${rated.address.port}/healthz`)).status).toBe(200);
    await recordRow(
      'limits',
      '30 connections against `--max-connections 10`; a burst of 30 against `--max-new-connections-per-second 10`',
      60,
      'beyond each cap closed at once, counted by reason (`max-connections`, `rate`); served again once the cap allows; other addresses served during a burst',
    );
  });

  it('a flood of caller audio at 10× real time', async () => {
    const server = await start();
    const watching = bystander(server, 4000);
    const psr = await psrCall(server);
    const rssBefore = process.memoryUsage().rss;
    const frame = tone(20);
    // 10 × 20 ms of audio every 20 ms, for 3 s: 1500 frames.
    const sent = 1500;
    for (let i = 0; i < sent / 10; i++) {
      for (let k = 0; k < 10; k++) psr.sendMedia(frame);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await until(() => server.psr.totals.framesIn >= sent);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(64 * 1024 * 1024);
    expect(server.psr.getCall(psr.callId) !== undefined).toBe(true); // it kept up
    // Only what fits 2 s ahead of real time was taken: the rest was dropped and counted.
    const dropped = await metric(server, 'psrkit_frame_errors_total', '{code="AUDIO_AHEAD"}');
    expect(dropped).toBeGreaterThan(sent / 2);
    const call = server.psr.getCall(psr.callId)!;
    expect(call.stats.samplesIn / 8).toBeLessThanOrEqual(3000 + 2000 + 1000);
    await expectUndisturbed(await watching);
    psr.terminate();
    await recordRow(
      'limits',
      'a flood of caller audio, 10× real time for 3 s',
      sent,
      'audio more than 2 s ahead of real time dropped (`AUDIO_AHEAD`, counted, warnings rate-limited); memory bounded; the call kept up',
    );
  });

  it('one media frame with 2 s of audio (PSR sends 20 ms)', async () => {
    const server = await start();
    const psr = await psrCall(server);
    for (let i = 0; i < 3; i++) psr.sendMedia(tone(2000));
    psr.sendMedia(tone(20));
    await until(
      async () =>
        (await metric(server, 'psrkit_frame_errors_total', '{code="MEDIA_TOO_LONG"}')) === 3,
    );
    await until(() => server.psr.getCall(psr.callId)?.stats.samplesIn === 160);
    psr.terminate();
    await recordRow(
      'limits',
      'a media frame with 2 s of audio (`--max-media-frame-ms` 1000 by default)',
      3,
      '`MEDIA_TOO_LONG` frame error before its audio is framed; the call went on',
    );
  });

  it('the peer vanishes mid-stream (stops answering, no close frame)', async () => {
    const server = await start();
    const watching = bystander(server);
    const psr = await psrCall(server);
    const callId = psr.callId;
    psr.socket.pause(); // no more reads: no pongs, no close
    // Ended by the heartbeat (every 1 s, timeout 2 s), not by anything else.
    await until(
      async () =>
        (await metric(server, 'psrkit_calls_total', '{outcome="heartbeat-timeout"}')) === 1,
      10_000,
    );
    expect(server.psr.getCall(callId) !== undefined).toBe(false);
    expect(logFor(callId, 'reason', 'heartbeat-timeout')).toBeDefined();
    await expectUndisturbed(await watching);
    psr.terminate();
    await recordRow(
      'dead peers',
      'the peer vanishes mid-stream (no close frame, no pongs)',
      1,
      'ended within the heartbeat timeout; its resources released',
    );
  });

  it('the socket is destroyed mid-stream', async () => {
    const server = await start();
    const watching = bystander(server);
    const psr = await psrCall(server);
    psr.terminate();
    await until(
      async () => (await metric(server, 'psrkit_calls_total', '{outcome="socket-closed"}')) === 1,
    );
    expect(server.psr.activeCalls).toBe(1); // the bystander only
    await expectUndisturbed(await watching);
    await recordRow(
      'dead peers',
      'the socket is destroyed mid-stream',
      1,
      'ended at once (`socket-closed`); resources released',
    );
  });

  it('the peer stops reading while the bot streams', async () => {
    const server = await start();
    const watching = bystander(server, 4000);
    const psr = await psrCall(server, { mode: 'fill-then-stream' });
    psr.socket.pause();
    await until(async () => (await metric(server, 'psrkit_backpressure_waits_total')) > 0, 20_000);
    expect(
      logs.some(
        (l) => l['call_id'] === psr.callId && l['msg'] === 'send buffer full: playout waits',
      ),
    ).toBe(true);
    const sent = server.psr.totals.bytesOut;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(server.psr.totals.bytesOut - sent).toBeLessThan(64 * 1024); // the bystander's chunks only
    await expectUndisturbed(await watching);
    psr.terminate();
    await recordRow(
      'dead peers',
      'the peer stops reading while the bot streams',
      1,
      'backpressure engaged (counted, logged): the pacer waits, nothing piles up',
    );
  }, 30_000);

  it('the peer stops reading while the bot sends large files', async () => {
    const server = await start();
    const watching = bystander(server, 4000);
    const psr = await psrCall(server, { mode: 'big-files' });
    psr.socket.pause();
    await until(
      async () =>
        (await metric(server, 'psrkit_calls_total', '{outcome="send-buffer-full"}')) === 1,
      20_000,
    );
    expect(process.memoryUsage().rss).toBeLessThan(1024 * 1024 * 1024);
    await expectUndisturbed(await watching);
    psr.terminate();
    await recordRow(
      'dead peers',
      'the peer stops reading while the bot sends large files',
      1,
      'send buffer capped (16 MiB): the call ended with `send-buffer-full`, close 1008',
    );
  }, 30_000);
});

describe('bots that fail: the configured fallback, exactly once', () => {
  for (const [mode, fault] of [
    ['sync-throw', 'a bot that throws synchronously'],
    ['reject', 'a bot that rejects'],
    ['tts-error', 'a bot whose TTS errors mid-utterance'],
  ] as const) {
    for (const policy of ['hangup', 'transfer:199'] as const) {
      it(`${fault} → ${policy}`, async () => {
        const server = await start(['--on-bot-error', policy]);
        const outcomes: string[] = [];
        server.psr.on('call-open', (call) =>
          call.events$.subscribe((e) => {
            if (e.type === 'playback-interrupted' || e.type === 'playback-end')
              outcomes.push(`${e.type}:${e.type === 'playback-interrupted' ? e.reason : ''}`);
          }),
        );
        const report = await placeCall({
          url: server.url,
          tenant: 'faults',
          params: { mode },
          caller: new Int16Array(0),
          tailMs: 3000,
        });
        if (policy === 'hangup') expect(report.summary.actions.hangup).toBe(1);
        else expect(report.transfer).toMatchObject({ extension: '199' });
        expect(report.summary.actions.hangup + report.summary.actions.transfer).toBe(1);
        expect(logFor(report.callId, 'msg', 'bot failed')).toMatchObject({
          policy: policy.split(':')[0],
        });
        // The item that failed ends once, with an error mark.
        if (mode === 'tts-error') expect(outcomes).toEqual(['playback-interrupted:error']);
        await recordRow(
          'bots',
          `${fault}, \`--on-bot-error ${policy}\``,
          1,
          `${policy === 'hangup' ? '`hangup`' : '`transfer` to 199'} sent exactly once; logged with the call`,
        );
      });
    }
  }

  it('a bot that never returns', async () => {
    const server = await start();
    const report = await placeCall({
      url: server.url,
      tenant: 'faults',
      params: { mode: 'never' },
      caller: tone(300),
      tailMs: 1000,
    });
    expect(report.summary.actions.media).toBe(1);
    await until(() => server.psr.activeCalls === 0);
    await recordRow(
      'bots',
      'a bot that never returns',
      1,
      'the call still ends when PSR closes it; nothing left behind',
    );
  });
});

describe('what a caller can make the demo bot do', () => {
  it('a 4 499-character name, and 60 callers hanging up right after the upgrade', async () => {
    const { tts, texts } = countingTts();
    const config = parseConfig(['--host', '127.0.0.1', '--port', '0'], {});
    const server = await startReferenceServer(
      config,
      createDemoBot({ tts: async () => tts }),
      logger,
    );
    servers.push(server);
    await Promise.all(
      Array.from({ length: 60 }, async () => {
        const psr = connectAsPsr(server.url, {
          tenant: 'faults',
          channel: 'mono_a',
          params: { danh_xung: 'anh' },
        });
        await psr.opened;
        await psr.close();
      }),
    );
    const greeted = async () => {
      const psr = await psrCall(server, { danh_xung: 'x'.repeat(4499) });
      const greeting = await firstValueFrom(psr.actions$);
      psr.terminate();
      return greeting;
    };
    const media = { ok: true, action: { type: 'media' } };
    expect(await greeted()).toMatchObject(media);
    expect(await greeted()).toMatchObject(media);
    // One synthesis: the hang-ups cost none, the second caller got the cached greeting, and
    // the name was cut to 40 characters.
    expect(texts).toEqual([`Hello ${'x'.repeat(40)}! ${texts[0]!.split('! ')[1]}`]);
    await recordRow(
      'bots',
      'the demo bot: a 4 499-character `danh_xung`; 60 callers hanging up right after the upgrade; the same greeting twice',
      62,
      'the name cut to 40 characters; nothing synthesised for a call that never connected; one synthesis per greeting text (cached)',
    );
  });
});

describe('who may call', () => {
  it('unauthenticated or wrong-tenant upgrades are refused before any call exists', async () => {
    const server = await start(['--tokens', 's3cret', '--tenants', 'acme']);
    const opened: string[] = [];
    server.psr.on('call-open', (call) => opened.push(call.id));
    const refused = async (options: { tenant: string; params?: Record<string, string> }) => {
      const psr = connectAsPsr(server.url, { channel: 'mono_a', ...options });
      return psr.opened.then(
        () => 0,
        (error: { status?: number }) => error.status ?? -1,
      );
    };
    expect(await refused({ tenant: 'acme' })).toBe(401);
    expect(await refused({ tenant: 'acme', params: { token: 'wrong' } })).toBe(401);
    expect(await refused({ tenant: 'evil', params: { token: 's3cret' } })).toBe(403);
    expect(opened).toEqual([]);
    expect(server.psr.totals.framesIn).toBe(0);
    await recordRow(
      'access',
      'no token, a wrong token, a wrong tenant',
      3,
      '401/401/403 at the upgrade; no call object was made',
    );
  });

  it('tokens bound to tenants: a tenant opens, blocks and replaces only its own calls; bots never see a token', async () => {
    const server = await start([
      '--tokens',
      'acme:tok-a,beta:tok-b',
      '--duplicate-call-id',
      'replace',
    ]);
    const opened: Call[] = [];
    server.psr.on('call-open', (call) => opened.push(call));
    const open = (tenant: string, token: string) => {
      const psr = connectAsPsr(server.url, {
        tenant,
        callId: 'c-1',
        channel: 'mono_a',
        params: { token, mode: 'never' },
      });
      return psr.opened.then(
        () => ({ psr, status: 101 }),
        (error: { status?: number }) => ({ psr, status: error.status ?? -1 }),
      );
    };
    const acme = await open('acme', 'tok-a');
    expect(acme.status).toBe(101);
    // Beta's token cannot open (nor, under `replace`, end) acme's call.
    expect((await open('acme', 'tok-b')).status).toBe(403);
    // Beta's own call with the same call_id is another call: acme's stays.
    const beta = await open('beta', 'tok-b');
    expect(beta.status).toBe(101);
    await until(() => server.psr.activeCalls === 2);
    expect(server.psr.getCall('c-1', 'acme')?.state).toBe('open');
    // Acme replaces its own call; beta's is untouched.
    const again = await open('acme', 'tok-a');
    expect(again.status).toBe(101);
    expect((await acme.psr.closed).code).toBe(4001);
    await until(() => opened.length === 3 && server.psr.activeCalls === 2);
    expect(server.psr.getCall('c-1', 'beta')).toBe(opened[1]);
    expect(opened.map((call) => call.params)).toEqual(Array(3).fill({ mode: 'never' }));
    beta.psr.terminate();
    again.psr.terminate();
    await recordRow(
      'access',
      'tokens bound to tenants (`--tokens acme:…,beta:…`, `replace`): beta’s token for acme, and both tenants with one `call_id`',
      4,
      '403 for a token of another tenant; each tenant’s `call_id` is its own call, never blocked or replaced by another; bots never see the token in `params`',
    );
  });

  it('/metrics and /readyz need --metrics-token when it is set; /healthz stays open', async () => {
    const server = await start(['--metrics-token', 'm3trics']);
    const base = `http://127.0.0.1:${server.address.port}`;
    const status = async (path: string, token?: string) =>
      (
        await fetch(
          `${base}${path}`,
          token ? { headers: { authorization: `Bearer ${token}` } } : {},
        )
      ).status;
    expect(await status('/metrics')).toBe(401);
    expect(await status('/readyz', 'wrong')).toBe(401);
    expect(await status('/metrics', 'm3trics')).toBe(200);
    expect(await status('/readyz', 'm3trics')).toBe(200);
    expect(await status('/healthz')).toBe(200);
    await recordRow(
      'access',
      '/metrics and /readyz without (or with a wrong) `--metrics-token`',
      2,
      '401 (`WWW-Authenticate: Bearer`); with the token 200; /healthz stays open',
    );
  });

  it('a slow or half-open handshake times out', async () => {
    const server = await start(['--handshake-timeout-ms', '300']);
    const socket = connect(server.address.port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write('GET /?call_id=c1&tenant=t HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n'); // and never more
    const started = Date.now();
    let answer = '';
    socket.on('data', (data: Buffer) => {
      answer += data.toString();
    });
    await new Promise((resolve) => socket.once('close', resolve));
    expect(Date.now() - started).toBeLessThan(2500);
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(server.psr.activeCalls).toBe(0);
    await recordRow(
      'access',
      'a half-open upgrade request (headers never finish)',
      1,
      'the socket is closed after `--handshake-timeout-ms`',
    );
  });

  it('the same call_id twice: rejected (409), or the first replaced', async () => {
    const rejecting = await start();
    const first = connectAsPsr(rejecting.url, {
      tenant: 'faults',
      callId: 'dup-1',
      channel: 'mono_a',
    });
    await first.opened;
    const second = connectAsPsr(rejecting.url, {
      tenant: 'faults',
      callId: 'dup-1',
      channel: 'mono_a',
    });
    await expect(second.opened).rejects.toMatchObject({ status: 409 });
    expect(rejecting.psr.calls.filter((call) => call.id === 'dup-1')).toHaveLength(1);
    first.terminate();

    const replacing = await start(['--duplicate-call-id', 'replace']);
    const old = connectAsPsr(replacing.url, {
      tenant: 'faults',
      callId: 'dup-2',
      channel: 'mono_a',
    });
    await old.opened;
    const fresh = connectAsPsr(replacing.url, {
      tenant: 'faults',
      callId: 'dup-2',
      channel: 'mono_a',
    });
    await fresh.opened;
    expect((await old.closed).code).toBe(4001);
    await until(() => replacing.psr.calls.filter((call) => call.id === 'dup-2').length === 1);
    fresh.terminate();
    await recordRow(
      'access',
      'the same `call_id` twice, both policies',
      2,
      '`reject`: 409, one call; `replace`: the first closed with 4001, one call',
    );
  });
});

describe('shutdown under load', () => {
  it('SIGTERM with 50 calls live: not ready at once, new calls refused, calls drain, recordings valid, exit 0', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'psrkit-faults-'));
    const botFile = join(dir, 'bot.mjs');
    await writeFile(
      botFile,
      `export default async (call) => {
  const tone = Int16Array.from({ length: 4000 }, (_, i) => 6000 * Math.sin(i / 3));
  call.play({ sampleRate: 8000, channels: 1, samples: tone });
  await call.closed;
};\n`,
    );
    const spawned = await spawnServer([
      '--bot',
      botFile,
      '--recordings',
      join(dir, 'rec'),
      '--drain-timeout-ms',
      '1500',
    ]);
    try {
      await sigtermUnderLoad(spawned, dir);
    } finally {
      await spawned.stop();
      await rm(dir, { recursive: true, force: true });
    }
    await recordRow(
      'shutdown',
      'SIGTERM with 50 calls live',
      50,
      'readyz 503 at once, new upgrades refused, calls drained then ended (1001), 50 valid recordings, exit 0',
    );
  }, 60_000);
});

async function sigtermUnderLoad({ process: server, url, exited }: SpawnedServer, dir: string) {
  const http = url.replace('ws://', 'http://');
  const calls = Array.from({ length: 50 }, () =>
    placeCall({ url, tenant: 'load', caller: new Int16Array(0), tailMs: 60_000, decode: 'none' }),
  );
  await until(
    async () => (await (await fetch(`${http}metrics`)).text()).includes('psrkit_active_calls 50'),
    20_000,
  );
  server.kill('SIGTERM');
  await until(async () => (await fetch(`${http}readyz`)).status === 503, 2000);
  await expect(placeCall({ url, caller: new Int16Array(0) })).rejects.toMatchObject({
    code: 'CONNECT_FAILED',
  });
  const reports = await Promise.all(calls);
  expect(reports.every((r) => r.end.by === 'server' && r.end.code === 1001)).toBe(true);
  expect(await exited).toBe(0);
  const files = (await readdir(join(dir, 'rec'))).filter((f) => f.endsWith('.wav'));
  expect(files).toHaveLength(50);
  for (const file of files)
    expect(decodeWav(await readFile(join(dir, 'rec', file)))).toMatchObject({ channels: 2 });
}
