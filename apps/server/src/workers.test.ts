import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeWav } from '@psrkit/protocol';
import { placeCall } from '@psrkit/simulator';
import { describe, expect, it } from 'vitest';
import { recordRow } from '../../../tests/fixtures/reliability-rows.js';
import { spawnServer } from './__fixtures__/spawn-server.js';

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
          placeCall({ url, caller: [{ atMs: 200, samples: tone(600) }], tailMs: 4000 }),
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
    if (String(process.pid) !== call.params.spare) process.exit(1);
    return call.hangup();
  }
  await call.closed;
};\n`,
    );
    const server = await spawnServer(
      ['--workers', '2', '--bot', bot, '--recordings', join(dir, 'rec')],
      { listeners: 2 },
    );
    try {
      const { url, logs } = server;
      const deaths = () => logs.filter((l) => l['msg'] === 'worker died; starting another');
      const listening = () => logs.filter((l) => l['msg'] === 'listening').length;
      const kept = placeCall({ url, tenant: 'w', callId: 'keep', caller: tone(5000), tailMs: 0 });
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
          await waitFor(() => deaths().length > before, 1000);
        }
        expect(deaths()).toHaveLength(before + 1);
        await expect.poll(listening, { timeout: 5000 }).toBe(3 + before);
      };
      await crashOne();
      await crashOne();
      // Restarted after 0.5 s, then 1 s: the delay doubles while workers keep dying.
      expect(deaths().map((l) => l['restart_in_ms'])).toEqual([500, 1000]);
      const report = await kept;
      expect(report.end.by).toBe('caller');
      await server.stop();
      const files = await readdir(join(dir, 'rec'));
      // The sibling's call kept its whole recording; no worker "recovered" it while it was live.
      expect(files.filter((f) => f.includes('recovered'))).toEqual([]);
      expect(files).toContain('w__keep.wav');
      const wav = decodeWav(await readFile(join(dir, 'rec', 'w__keep.wav')));
      expect(wav.frames / 8000).toBeGreaterThanOrEqual(4.9);
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
  }, 60_000);

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
});
