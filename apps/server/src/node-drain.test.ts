// SIGTERM drains a node: readiness off at once, new calls still taken for the grace, then
// refused, live calls finish (up to the drain limit, then ended), exit 0 — one process and
// `--workers` alike. Calls are held open by the test and hung up when it says.
import { connectAsPsr } from '@psrkit/transport/client';
import { describe, expect, it } from 'vitest';
import { type HeldCall, holdCall } from './__fixtures__/held-calls.js';
import { type SpawnedServer, spawnServer } from './__fixtures__/spawn-server.js';
import { until } from './__fixtures__/until.js';

const OPERATOR_BOT = new URL('./__fixtures__/operator-bot.mjs', import.meta.url).pathname;

/** Opens a call and drops it at once: `open`, or the HTTP status the upgrade was refused with. */
async function tryCall(url: string): Promise<'open' | number> {
  const client = connectAsPsr(url, { tenant: 'probe', channel: 'mono_a' });
  try {
    await client.opened;
    client.terminate();
    return 'open';
  } catch (error) {
    return (error as { status?: number }).status ?? 0;
  }
}

/** `/readyz` over a connection of its own (under `--workers`, any worker answers). */
async function readyz(
  server: SpawnedServer,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(server.url.replace(/^ws/, 'http').replace(/\/$/, '/readyz'), {
    headers: { connection: 'close' },
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const accepted = (server: SpawnedServer, callId: string) =>
  server.logs.some((l) => l['msg'] === 'call accepted' && l['call_id'] === callId);
const logged = (server: SpawnedServer, msg: string) => server.logs.some((l) => l['msg'] === msg);

/**
 * SIGTERM (to the primary alone, under `--workers`), a call placed in the grace, then SIGINT
 * to end the grace; the test hangs up both calls and the server exits.
 */
async function graceThenInterrupt(server: SpawnedServer, workers: number, held: HeldCall[]) {
  const hold = async (callId: string) => {
    held.push(holdCall({ url: server.url, callId }));
    await until(() => accepted(server, callId), 20_000);
  };
  // Serving: each process warm (before, readiness says `warming-up`).
  await until(
    () => server.logs.filter((l) => l['msg'] === 'warm: ready for calls').length === workers,
    20_000,
  );
  expect(await readyz(server)).toMatchObject({ status: 200, body: { ready: true } });
  await hold('before');
  server.process.kill('SIGTERM'); // the primary alone: it passes the signal on
  await until(async () => (await readyz(server)).status === 503, 20_000);
  // Every process that answers says so, with why.
  for (let i = 0; i < 4; i++)
    expect(await readyz(server)).toMatchObject({
      status: 503,
      body: { ready: false, reason: 'draining' },
    });
  await hold('in-the-grace');
  server.process.kill('SIGINT'); // ends the grace
  await until(async () => (await tryCall(server.url)) === 503, 20_000);
  expect(await tryCall(server.url)).toBe(503);
  for (const call of held) call.hangUp();
  const reports = await Promise.all(held.map((c) => c.report));
  expect(reports.map((r) => r.end.by)).toEqual(['caller', 'caller']);
  expect(await server.exited).toBe(0);
  expect(logged(server, 'drain limit reached: ending the live calls')).toBe(false);
}

describe.concurrent('draining a node', () => {
  it.each([1, 2])(
    'with %i process(es): SIGTERM turns readiness off at once, takes calls through the grace, refuses them after a SIGINT; the calls finish; exit 0',
    async (workers) => {
      const server = await spawnServer(
        [
          '--workers',
          String(workers),
          '--bot',
          OPERATOR_BOT,
          '--drain-grace-ms',
          '600000',
          '--drain-timeout-ms',
          '600000',
          // Ready as soon as warm: a busy test machine would flap the CPU and lag figures.
          '--ready-max-cpu',
          '64',
          '--ready-max-lag-ms',
          '60000',
        ],
        { listeners: workers },
      );
      const held: HeldCall[] = [];
      try {
        await graceThenInterrupt(server, workers, held);
      } finally {
        for (const call of held) call.hangUp();
        await server.stop();
      }
    },
    90_000,
  );

  it('refuses new calls once the grace is over, and ends the calls still live at the drain limit', async () => {
    const server = await spawnServer([
      '--bot',
      OPERATOR_BOT,
      '--drain-grace-ms',
      '300',
      '--drain-timeout-ms',
      '2000',
    ]);
    const call = holdCall({ url: server.url, callId: 'long' });
    try {
      await until(() => accepted(server, 'long'), 20_000);
      server.process.kill('SIGTERM');
      await until(() => logged(server, 'new calls refused; live calls draining'), 20_000);
      expect(await tryCall(server.url)).toBe(503);
      // The test never hangs up: the server ends the call at the limit, and says so.
      expect((await call.report).end).toMatchObject({ by: 'server', code: 1001 });
      expect(await server.exited).toBe(0);
      expect(
        server.logs.find((l) => l['msg'] === 'drain limit reached: ending the live calls'),
      ).toMatchObject({
        active_calls: 1,
        drain_timeout_ms: 2000,
      });
    } finally {
      call.hangUp();
      await server.stop();
    }
  }, 60_000);
});
