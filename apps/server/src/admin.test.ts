/// <reference lib="dom" />
// (The functions passed to page.evaluate run in the browser.)
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeWav } from '@psrkit/protocol';
import { placeCall } from '@psrkit/simulator';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  browserIt,
  mediaDuration,
  watchPage,
  withBrowser,
} from '../../../tests/fixtures/browser.js';
import { recordRow } from '../../../tests/fixtures/reliability-rows.js';
import {
  capturedLogger,
  startAdminServer,
  ADMIN_TOKEN as token,
  tone,
} from './__fixtures__/admin-server.js';
import { until } from './__fixtures__/until.js';
import type { LiveCall } from './call-directory.js';
import type { ReferenceServer } from './reference-server.js';

const ADMIN = `ops:${token}`;
const { logger, lines: logLines } = capturedLogger();
const servers: ReferenceServer[] = [];
let recordings: string;
beforeAll(async () => {
  recordings = await mkdtemp(join(tmpdir(), 'psrkit-admin-'));
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.shutdown()));
});
afterAll(async () => {
  await rm(recordings, { recursive: true, force: true });
});

async function start(argv: string[]) {
  const started = await startAdminServer(argv, logger);
  servers.push(started.server);
  return started;
}

describe('the operator routes: live calls and call control', () => {
  it('are off without --admin-tokens, and need an admin token (not a PSR call token)', async () => {
    const off = await start([]);
    expect((await off.api('/api/calls')).status).toBe(404);
    expect((await off.api('/calls')).status).toBe(404);
    const on = await start(['--admin-tokens', ADMIN, '--tokens', 'psr-call-token']);
    for (const path of ['/calls', '/calls/x', '/api/calls', '/api/events']) {
      expect((await on.api(path)).status).toBe(401);
      expect((await on.api(path, { token: 'psr-call-token' })).status).toBe(401);
    }
    expect((await on.api('/api/calls/x/hangup', { method: 'POST' })).status).toBe(401);
    await recordRow(
      'operator routes',
      'no admin token, or a PSR call token, on every page, the JSON, the event stream and a command',
      9,
      '401, counted (`psrkit_admin_requests_total{kind="unauthorized"}`); with no `--admin-tokens` the routes do not exist (404); PSR call tokens never open them',
    );
    expect((await on.api('/api/calls', { token })).body).toEqual({ calls: [] });
    expect((await on.api(`/api/calls?token=${token}`)).status).toBe(200);
    expect((await on.api('/calls', { token })).response.headers.get('content-type')).toMatch(
      /text\/html/,
    );
    expect((await on.api('/api/calls/nobody', { token })).status).toBe(404);
    expect(await on.api('/api/calls/%E0%A4%A', { token })).toMatchObject({
      status: 400,
      body: { error: expect.stringMatching(/not valid percent-encoding/) },
    });
    expect((await on.api('/api/calls/nobody/hangup', { token, method: 'POST' })).status).toBe(404);
    // /metrics and /healthz are where they were.
    expect((await on.api('/healthz')).status).toBe(200);
  });

  it('lists a live call, streams its changes, and says, transfers and refuses on request — heard by the caller', async () => {
    const { api, base, server } = await start([
      '--admin-tokens',
      ADMIN,
      '--recordings',
      recordings,
    ]);
    const callId = 'op-call-1';
    const call = placeCall({
      url: server.url,
      tenant: 'acme',
      callId,
      caller: [{ atMs: 200, samples: tone(400, 300) }],
      tailMs: 20_000,
    });
    let live: LiveCall | undefined;
    await until(async () => {
      const { body } = await api('/api/calls', { token });
      live = (body['calls'] as LiveCall[]).find((c) => c.id === callId);
      return (live?.framesIn ?? 0) > 10;
    });
    expect(live).toMatchObject({
      id: callId,
      tenant: 'acme',
      pid: process.pid,
      state: 'open',
      botSpeaking: false,
    });
    expect(live!.callerLevelDbfs).toEqual(expect.any(Number));
    // The list carries the last events of each call (its whole log is at /api/calls/<id>).
    const listed = live as unknown as { lastEvents: { event: string }[]; log?: unknown };
    expect(listed.lastEvents.map((e) => e.event)).toEqual(['connected']);
    expect(listed.log).toBeUndefined();

    // The event stream: a snapshot first, then changes as they happen.
    const events = await fetch(`${base}/api/events?call=${callId}&token=${token}`);
    expect(events.headers.get('content-type')).toBe('text/event-stream');
    const reader = events.body!.getReader();
    let streamed = '';
    const read = async (pattern: RegExp) => {
      while (!pattern.test(streamed))
        streamed += new TextDecoder().decode((await reader.read()).value);
    };
    await read(/event: snapshot\ndata: .*"id":"op-call-1"/);

    // Bad commands: a clear 400 each, nothing sent.
    const post = (command: string, body?: string) =>
      api(`/api/calls/${callId}/${command}`, { token, method: 'POST', ...(body && { body }) });
    expect(await post('transfer', '{"extension":"10;1"}')).toMatchObject({
      status: 400,
      body: { error: expect.stringMatching(/\$\.extension/) },
    });
    expect((await post('say', '{"text":""}')).status).toBe(400);
    expect((await post('say', '{"text":"hi","mode":"later"}')).status).toBe(400);
    expect((await post('say', 'not json')).body['error']).toMatch(/not JSON/);
    expect((await post('dance')).body['error']).toMatch(/not a command/);
    expect((await post('say', JSON.stringify({ text: 'x'.repeat(20_000) }))).status).toBe(400);
    // A voice the TTS does not have: refused by the holder, with the voices it has.
    expect(await post('say', '{"text":"hi","voice":"robot"}')).toMatchObject({
      status: 400,
      body: { error: expect.stringMatching(/"robot" is not one of tone's voices \(low, high\)/) },
    });
    await recordRow(
      'operator routes',
      'call commands with an extension PSR would refuse, no text, an unknown mode, a body that is not JSON, an unknown command, 20 kB of text',
      6,
      '400 naming the field and what was wrong, logged (text cut short) and counted (`kind="invalid"`); nothing reached the call, which went on',
    );

    // say: the caller hears 1.2 s of the TTS's tone; the stream shows the bot speaking.
    expect(await post('say', '{"text":"hello world!","voice":"low"}')).toMatchObject({
      status: 200,
      body: { ok: true, detail: expect.stringMatching(/saying \(queue\)/) },
    });
    await read(/"botSpeaking":true/);
    await until(async () => {
      const { body } = await api(`/api/calls/${callId}`, { token });
      return !(body as unknown as LiveCall).botSpeaking;
    });
    expect(await post('transfer', '{"extension":"101"}')).toMatchObject({
      status: 200,
      body: { ok: true, detail: 'transferred to 101' },
    });
    const report = await call;
    await reader.cancel();
    expect(report.transfer?.extension).toBe('101');
    // 1.2 s of speech, in whole MP3 frames (144 ms at 8 kHz): what the caller heard of the
    // stream, in one piece or, on a busy machine, in pieces around a gap.
    const spoken = report.botAudio.filter((b) => b.kind === 'stream');
    const heardMs = spoken.reduce((sum, b) => sum + b.endMs - b.startMs, 0);
    expect(heardMs).toBeGreaterThanOrEqual(1200);
    expect(heardMs).toBeLessThan(1200 + 2 * 144);

    // Ended: listed as closed with its log and, once on disk, its recording.
    let ended: LiveCall | undefined;
    await until(async () => {
      ended = (await api(`/api/calls/${callId}`, { token })).body as unknown as LiveCall;
      return ended.recording !== undefined;
    });
    expect(ended).toMatchObject({ state: 'closed', end: { reason: 'transfer' } });
    expect(ended!.log.map((l) => l.event)).toEqual(
      expect.arrayContaining(['connected', 'command say', 'action transfer', 'closed']),
    );
    expect(ended!.log.find((l) => l.event === 'command say')?.detail).toBe('by ops@127.0.0.1');
    expect((await post('hangup')).status).toBe(409);
    const wav = await fetch(`${base}/calls/${callId}/recording?token=${token}`);
    expect(wav.headers.get('content-type')).toBe('audio/wav');
    expect(decodeWav(new Uint8Array(await wav.arrayBuffer()))).toMatchObject({ channels: 2 });

    // Counted by command and outcome on /metrics.
    const metrics = (await api('/metrics')).body as unknown as string;
    expect(metrics).toContain('psrkit_admin_requests_total{kind="say",status="200"} 1');
    expect(metrics).toContain('psrkit_admin_requests_total{kind="invalid",status="400"} 6');
    expect(metrics).toContain('psrkit_admin_requests_total{kind="hangup",status="409"} 1');
    // Each command is logged with who asked.
    const commands = logLines.filter((l) => l['msg'] === 'call command');
    expect(commands).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ command: 'say', by: 'ops@127.0.0.1', status: 200 }),
        expect.objectContaining({ command: 'transfer', extension: '101', status: 200 }),
        expect.objectContaining({ command: 'hangup', status: 409 }),
      ]),
    );
  }, 40_000);

  browserIt(
    'the live calls page updates as a call starts and ends; the call page shows its log, controls and recording',
    async () => {
      const { base, server } = await start(['--admin-tokens', ADMIN, '--recordings', recordings]);
      await withBrowser(async (browser) => {
        const page = await browser.newPage();
        const seen = watchPage(page);
        await page.goto(`${base}/calls?token=${token}`);
        await page.waitForSelector('#status[data-live="0"]');
        const call = placeCall({
          url: server.url,
          tenant: 'web',
          callId: 'page-call',
          caller: [{ atMs: 100, samples: tone(300) }],
          tailMs: 20_000,
        });
        const row = page.locator('tr[data-call-id="page-call"]');
        await row.waitFor();
        expect(await row.locator('td.state').textContent()).toBe('open');
        expect(await row.locator('td').first().textContent()).toBe('web');

        // The call's page, reached from the list: hang up from the browser.
        const callPage = await browser.newPage();
        const callSeen = watchPage(callPage);
        await callPage.goto(`${base}${await row.locator('a').getAttribute('href')}`);
        await callPage.waitForSelector('dd[data-fact="state"]');
        expect(await callPage.textContent('dd[data-fact="tenant"]')).toBe('web');
        await callPage.click('#hangup button');
        await callPage.waitForFunction(() =>
          document.getElementById('result')?.textContent?.includes('✓ hung up'),
        );
        const report = await call;
        expect(report.end.by).toBe('bot');
        expect(report.hangup).toBeDefined();

        await page.waitForFunction(
          () =>
            document.querySelector('tr[data-call-id="page-call"] td.state')?.textContent ===
            'closed (hangup)',
        );
        // The ended call's recording comes last (its row is built again then); after it, a
        // row that does not change is kept, not rebuilt, as other calls come and go.
        await page.locator('tr[data-call-id="page-call"][data-recording]').waitFor();
        await page.evaluate(() => {
          const row = document.querySelector('tr[data-call-id="page-call"]');
          if (row) row.setAttribute('data-seen', 'before');
        });
        await placeCall({
          url: server.url,
          tenant: 'web',
          callId: 'page-call-2',
          caller: [],
          tailMs: 300,
        });
        await page.locator('tr[data-call-id="page-call-2"]').waitFor();
        expect(await row.getAttribute('data-seen')).toBe('before');
        await callPage.waitForSelector('#recording audio');
        const seconds = await mediaDuration(callPage, '#recording audio');
        expect(seconds).toBeGreaterThan(0.3);
        expect(await callPage.locator('#log tr').count()).toBeGreaterThan(2);
        expect([...seen.errors, ...callSeen.errors]).toEqual([]);
      });
    },
    60_000,
  );
});
