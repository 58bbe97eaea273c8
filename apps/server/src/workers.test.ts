import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeWav } from '@psrkit/protocol';
import { placeCall } from '@psrkit/simulator';
import { describe, expect, it } from 'vitest';
import { recordRow } from '../../../tests/fixtures/reliability-rows.js';
import { spawnServer } from './__fixtures__/spawn-server.js';

const OPERATOR_BOT = new URL('./__fixtures__/operator-bot.mjs', import.meta.url).pathname;

/** Waits until `condition` holds or `ms` passed (whichever first). */
const waitFor = async (condition: () => boolean, ms: number) => {
  const deadline = Date.now() + ms;
  while (!condition() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
};
const tone = (ms: number) =>
  Int16Array.from({ length: ms * 8 }, (_, i) => 6000 * Math.sin((2 * Math.PI * 300 * i) / 8000));

describe('psrkit-server --workers', () => {
  it('runs N processes on one port, spreads calls over them, and stops them all on SIGTERM', async () => {
    // The caller here is a tone: the WebRTC VAD takes it for speech, Silero (rightly) not.
    const server = await spawnServer(['--workers', '2'], {
      listeners: 2,
      env: { DEMO_VAD: 'webrtc' },
    });
    try {
      const { url, logs } = server;
      const listening = new Set(logs.filter((l) => l['msg'] === 'listening').map((l) => l['url']));
      expect(listening.size).toBe(1); // one port, shared
      const reports = await Promise.all(
        Array.from({ length: 6 }, () =>
          // 9 s for the bot to answer: a cold worker on a busy machine may be slow to greet.
          placeCall({ url, caller: [{ atMs: 200, samples: tone(600) }], tailMs: 9000 }),
        ),
      );
      // Every call was served: the bot greeted it, or (the caller speaking before a cold
      // worker's greeting was ready) answered its words; nothing broke the contract.
      for (const report of reports) {
        expect(report.violations).toEqual([]);
        expect(report.actions.length).toBeGreaterThan(0);
      }
      const pids = new Set(logs.filter((l) => l['msg'] === 'call accepted').map((l) => l['pid']));
      expect(pids.size).toBe(2);
      server.process.kill('SIGTERM'); // the primary only: it stops its workers
      expect(await server.exited).toBe(0);
      expect(logs.filter((l) => l['msg'] === 'stopped')).toHaveLength(2);
    } finally {
      await server.stop();
    }
  }, 60_000);
  it('a worker that dies is restarted with backoff; recovery never touches a sibling’s live recording', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'psrkit-workers-'));
    const bot = join(dir, 'bot.mjs');
    // `crash=1` kills the worker it lands on, unless that is the `spare` one.
    await writeFile(
      bot,
      `export default async (call) => {
  if (call.params.crash) {
    if (String(process.pid) !== call.params.spare) {
      setTimeout(() => process.exit(1), 200); // once the call is listed
      return void (await call.closed);
    }
    return call.hangup();
  }
  await call.closed;
};\n`,
    );
    const server = await spawnServer(
      ['--workers', '2', '--bot', bot, '--recordings', join(dir, 'rec'), '--admin-tokens', 'k'],
      { listeners: 2 },
    );
    try {
      const { url, logs } = server;
      const deaths = () => logs.filter((l) => l['msg'] === 'worker died; starting another');
      const listening = () => logs.filter((l) => l['msg'] === 'listening').length;
      // The sibling's call stays open until the test hangs it up (not for a fixed length: two
      // worker crashes take longer on a busy machine).
      const keepOpen = new AbortController();
      const kept = placeCall({
        url,
        tenant: 'w',
        callId: 'keep',
        caller: tone(120_000),
        tailMs: 0,
        signal: keepOpen.signal,
      });
      await expect
        .poll(() => logs.find((l) => l['msg'] === 'call accepted' && l['call_id'] === 'keep'), {
          timeout: 10_000, // a busy machine: behaviour, not speed
        })
        .toBeDefined();
      const spare = String(
        logs.find((l) => l['msg'] === 'call accepted' && l['call_id'] === 'keep')!['pid'],
      );
      const crashOne = async () => {
        const before = deaths().length;
        // Round robin over the workers: one of a few calls reaches the other one.
        for (let i = 0; i < 6 && deaths().length === before; i++) {
          await placeCall({ url, caller: new Int16Array(0), params: { crash: '1', spare } }).catch(
            () => undefined,
          );
          // The primary hears of the death once the worker has exited: seconds, on a busy machine.
          await waitFor(() => deaths().length > before, 5000);
        }
        expect(deaths()).toHaveLength(before + 1);
        await expect.poll(listening, { timeout: 20_000 }).toBe(3 + before);
      };
      await crashOne();
      await crashOne();
      // Restarted after 0.5 s, then 1 s: the delay doubles while workers keep dying.
      expect(deaths().map((l) => l['restart_in_ms'])).toEqual([500, 1000]);
      // The calls list shows the calls the dead workers held as ended with them.
      const listed = (await (
        await fetch(`${url.replace(/^ws/, 'http')}api/calls`, {
          headers: { authorization: 'Bearer k' },
        })
      ).json()) as { calls: { id: string; state: string; end?: { reason: string } }[] };
      expect(listed.calls.filter((c) => c.end?.reason === 'worker-exited')).toHaveLength(2);
      expect(listed.calls.find((c) => c.id === 'keep')?.state).toBe('open');
      keepOpen.abort();
      const report = await kept;
      expect(report.end.by).toBe('caller');
      await server.stop();
      const files = await readdir(join(dir, 'rec'));
      // The sibling's call kept its whole recording; no worker "recovered" it while it was live.
      expect(files.filter((f) => f.includes('recovered'))).toEqual([]);
      expect(files).toContain('w__keep.wav');
      const wav = decodeWav(await readFile(join(dir, 'rec', 'w__keep.wav')));
      expect(wav.frames / 8000).toBeGreaterThanOrEqual((report.durationMs - 500) / 1000);
    } finally {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    }
    await recordRow(
      'startup',
      '`--workers 2 --recordings`: a worker dies twice while its sibling records a call',
      2,
      'restarted after 0.5 s, then 1 s (the delay doubles, up to 30 s); crash recovery runs once in the primary before workers start, so the sibling’s live recording is kept whole',
    );
  }, 120_000);

  it('SIGTERM while warming up, and a second one while draining (a process group, systemd, docker stop), do not cut the drain', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'psrkit-signals-'));
    const bot = join(dir, 'bot.mjs');
    await writeFile(bot, 'export default async (call) => { await call.closed; };\n');
    const server = await spawnServer([
      '--bot',
      bot,
      '--recordings',
      join(dir, 'rec'),
      '--drain-timeout-ms',
      '1500',
    ]);
    try {
      const call = placeCall({
        url: server.url,
        tenant: 'w',
        callId: 'drain',
        caller: tone(4000),
        tailMs: 0,
      }).catch(() => undefined); // the call ends with the drain
      const logged = (msg: string) => server.logs.some((l) => l['msg'] === msg);
      await waitFor(() => logged('call accepted'), 10_000);
      expect(logged('call accepted')).toBe(true);
      server.process.kill('SIGTERM');
      await waitFor(() => logged('shutting down'), 10_000);
      expect(logged('shutting down')).toBe(true);
      server.process.kill('SIGTERM'); // before: the default action, the process gone mid-drain
      expect(await server.exited).toBe(0);
      await call;
      expect(await readdir(join(dir, 'rec'))).toEqual(['w__drain.wav']);
    } finally {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    }
    await recordRow(
      'shutdown',
      'SIGTERM during the warm-up, and a second SIGTERM while draining (what a process group, systemd or `docker stop` sends)',
      2,
      'the server drains once it is up; the second signal is ignored; the live call ends with the drain, its recording whole; exit code 0',
    );
  }, 30_000);

  it('with --admin-tokens: every worker lists every call, and commands reach the worker that holds the call', async () => {
    const server = await spawnServer(
      ['--workers', '2', '--admin-tokens', 'ops:w0rkers', '--bot', OPERATOR_BOT],
      { listeners: 2 },
    );
    try {
      const base = server.url.replace(/^ws:/, 'http:').replace(/\/$/, '');
      // A new connection per request, so that both workers answer some.
      const api = async (path: string, method = 'GET', body?: string) => {
        const response = await fetch(`${base}${path}`, {
          method,
          headers: { authorization: 'Bearer w0rkers', connection: 'close' },
          ...(body && { body }),
        });
        return {
          status: response.status,
          body: (await response.json()) as Record<string, unknown>,
        };
      };
      const ids = ['w-1', 'w-2', 'w-3', 'w-4', 'w-5', 'w-6'];
      const calls = ids.map((callId) =>
        placeCall({ url: server.url, callId, caller: [], tailMs: 30_000 }),
      );
      type Listed = { id: string; pid: number; state: string };
      let listed: Listed[] = [];
      const deadline = Date.now() + 15_000;
      while (Date.now() < deadline) {
        listed = ((await api('/api/calls')).body['calls'] as Listed[]).filter(
          (c) => c.state === 'open',
        );
        if (listed.length === ids.length) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(listed.map((c) => c.id).sort()).toEqual(ids);
      const pids = [...new Set(listed.map((c) => c.pid))];
      expect(pids).toHaveLength(2);
      // Every answer, whichever worker gives it, lists every call.
      for (let i = 0; i < 6; i++)
        expect(((await api('/api/calls')).body['calls'] as Listed[]).length).toBe(ids.length);

      // One call on each worker is told to speak and then transfer; one more hangs up.
      const onEach = pids.map((pid) => listed.find((c) => c.pid === pid)!.id);
      for (const id of onEach) {
        expect((await api(`/api/calls/${id}/say`, 'POST', '{"text":"hello"}')).status).toBe(200);
        expect(
          (await api(`/api/calls/${id}/transfer`, 'POST', '{"extension":"102"}')).body,
        ).toMatchObject({ ok: true });
      }
      const other = ids.find((id) => !onEach.includes(id))!;
      expect((await api(`/api/calls/${other}/hangup`, 'POST')).status).toBe(200);
      expect((await api('/api/calls/nobody/hangup', 'POST')).status).toBe(404);
      // The rest hang up too; then every caller's report says what it was told.
      const rest = ids.filter((id) => id !== other && !onEach.includes(id));
      for (const id of rest)
        expect((await api(`/api/calls/${id}/hangup`, 'POST')).status).toBe(200);
      const reports = await Promise.all(calls);
      for (const report of reports) {
        if (!onEach.includes(report.callId)) {
          expect(report.hangup).toBeDefined();
          continue;
        }
        expect(report.transfer?.extension).toBe('102');
        // "hello": half a second of tone queued before the transfer, sent as chunks.
        expect(report.actions.some((a) => a.type === 'chunk')).toBe(true);
      }
      expect((await api(`/api/calls/${other}/hangup`, 'POST')).status).toBe(409);
      const commands = server.logs.filter((l) => l['msg'] === 'call command');
      expect(commands.map((l) => l['by'])).toContain('ops@127.0.0.1');
    } finally {
      await server.stop();
    }
  }, 60_000);
});
