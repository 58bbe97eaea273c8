import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EngineProcess, forkEngineProcess } from './__fixtures__/engine-processes.js';
import type { EngineProcessMessage } from './__fixtures__/redis-engine-process.js';
import {
  type RedisServer,
  redisTestsRunnable,
  startRedisServer,
} from './__fixtures__/redis-server.js';
import { endCall, withRunningEngine } from './__fixtures__/running-engine.js';
import type { CampaignEngine, CampaignSpec } from './campaign-engine.js';
import { createRedisEngine } from './redis-engine.js';
import { allAttempts, testContacts, testSpec, until } from './testing/index.js';

type Dial = Extract<EngineProcessMessage, { type: 'dial' }>;

const installed = redisTestsRunnable();
const CONTACTS = testContacts(12);

/** Contact `kN`'s outcomes: N%3 = 1 busy every time (3 dials), 2 busy then reached (2), 0 reached (1). */
const outcomeOf = (contactId: string, attempt: number): 'busy' | 'completed' => {
  const n = Number(contactId.slice(1)) % 3;
  return n === 1 || (n === 2 && attempt === 1) ? 'busy' : 'completed';
};
const dialsFor = (contactId: string) => [1, 3, 2][Number(contactId.slice(1)) % 3];

const completed = async (engine: CampaignEngine, id: string) =>
  (await engine.get(id))?.state === 'completed';

describe.skipIf(!installed)('the Redis engine across processes', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    await server?.remove();
  });

  it('shares a campaign and its limits between two processes', () => sharesLimits(server.url));
  it('loses nothing when Redis restarts mid-campaign', survivesRestart);
});

/**
 * Two forked processes run two campaigns on one Redis; this process plays the servers that
 * get the calls and ends them. `held`: calls last 100 ms, 3 at once at most; `paced`: calls
 * end at once, 20 dials a second (without the rate limit, its 12 first dials would go out
 * at once).
 */
async function sharesLimits(url: string): Promise<void> {
  const prefix = `shared-${process.pid}`;
  const engine = await createRedisEngine({ url, prefix });
  const children: EngineProcess[] = [];
  try {
    children.push(forkEngineProcess(url, prefix), forkEngineProcess(url, prefix));
    await Promise.all(children.map((child) => child.ready));
    const busy = { busy: { ms: 20, backoff: 'linear' as const } };
    const held = testSpec({ maxConcurrent: 3, callsPerSecond: 100, retryAfter: busy });
    const paced = testSpec({ maxConcurrent: 24, callsPerSecond: 20, retryAfter: busy });
    const calls = playServers(engine, children, held.id);
    const heard = new Set<string>();
    engine.watch((e) => {
      if (e.type === 'attempt-changed' && e.attempt.phase === 'dialling')
        heard.add(e.attempt.attemptId);
    });
    for (const spec of [held, paced]) {
      await engine.create(spec, CONTACTS);
      await engine.start(spec.id);
    }
    await until(
      async () => (await completed(engine, held.id)) && (await completed(engine, paced.id)),
    );
    expect(await Promise.all(calls.ends)).not.toContain(false);
    // The children's events reach this process's listeners.
    await until(() => calls.dials.every((d) => heard.has(d.attemptId)));
    expect(calls.peak, 'calls at once across both processes').toBe(3);
    for (const spec of [held, paced]) await expectDialledByPolicy(engine, spec, calls.dials);
    const pids = new Set(calls.dials.map((d) => d.pid));
    expect(pids, 'both processes dialled').toEqual(new Set(children.map((c) => c.pid)));
    expectPaced(calls.dials.filter((d) => d.campaignId === paced.id).map((d) => d.at));
    expect(children.flatMap((c) => c.errors)).toEqual([]);
  } finally {
    await Promise.all(children.map((child) => child.stop()));
    await engine.close();
  }
}

/** Ends every call the children dial, those of `heldId` after 100 ms, counting them. */
function playServers(engine: CampaignEngine, children: readonly EngineProcess[], heldId: string) {
  const calls = { dials: [] as Dial[], ends: [] as Promise<boolean>[], peak: 0 };
  const live = new Set<string>();
  const end = (dial: Dial) =>
    calls.ends.push(
      engine.callEnded(dial.attemptId, {
        at: Date.now(),
        outcome: outcomeOf(dial.contactId, dial.attempt),
        reason: 'test',
      }),
    );
  for (const child of children)
    child.onDial((dial) => {
      calls.dials.push(dial);
      if (dial.campaignId !== heldId) return end(dial);
      live.add(dial.attemptId);
      calls.peak = Math.max(calls.peak, live.size);
      setTimeout(() => {
        live.delete(dial.attemptId);
        end(dial);
      }, 100);
    });
  return calls;
}

/** Each attempt id dialled once, each contact the policy's number of times, all settled. */
async function expectDialledByPolicy(engine: CampaignEngine, spec: CampaignSpec, dials: Dial[]) {
  const ofCampaign = dials.filter((d) => d.campaignId === spec.id);
  expect(new Set(ofCampaign.map((d) => d.attemptId)).size).toBe(ofCampaign.length);
  const perContact = Object.fromEntries(CONTACTS.map((c) => [c.id, 0]));
  for (const d of ofCampaign) perContact[d.contactId] = (perContact[d.contactId] ?? 0) + 1;
  expect(perContact).toEqual(Object.fromEntries(CONTACTS.map((c) => [c.id, dialsFor(c.id)])));
  expect((await allAttempts(engine, spec.id)).every((a) => a.phase === 'ended')).toBe(true);
}

/**
 * 20 dials a second: 24 dials take at least 23 × 50 ms, and no 250 ms hold more than 5 (+1
 * at the edges). The slack (200 ms, 1 dial) is the time from a job's start, where the rate
 * limit applies, to its dial, on a loaded machine.
 */
function expectPaced(times: number[]): void {
  times.sort((a, b) => a - b);
  const figures = `dials at (ms): ${times.map((t) => t - (times[0] as number)).join(' ')}`;
  expect((times.at(-1) as number) - (times[0] as number), figures).toBeGreaterThanOrEqual(
    23 * 50 - 200,
  );
  const most = Math.max(...times.map((t) => times.filter((u) => u >= t && u < t + 250).length));
  expect(most, figures).toBeLessThanOrEqual(7);
}

/**
 * Redis stops (SIGTERM: it writes its append-only file) with two calls in flight, one of
 * them ends while it is away, and it comes back on the same port and dir once the engine
 * has failed to reconnect: the report is written, the campaign completes, no attempt is
 * dialled twice, every contact is settled.
 */
async function survivesRestart(): Promise<void> {
  const own = await startRedisServer();
  const outage: Error[] = [];
  try {
    const engine = await createRedisEngine({ url: own.url, onError: (e) => outage.push(e) });
    await withRunningEngine(engine, async (engine, dialer) => {
      const spec = testSpec({ maxConcurrent: 2, maxAttempts: 2, ringTimeoutMs: 60_000 });
      await engine.create(spec, testContacts(6));
      await engine.start(spec.id);
      await until(() => dialer.live.size === 2);
      const [first, second] = [...dialer.live] as [string, string];
      await own.stop();
      const ending = endCall(engine, dialer, first, 'completed');
      await until(() => outage.length > 0); // the engine tried to reconnect, and failed
      await own.start();
      expect(await ending).toBe(true);
      expect(await endCall(engine, dialer, second, 'busy')).toBe(true);
      while (!(await completed(engine, spec.id))) {
        await until(async () => dialer.live.size > 0 || (await completed(engine, spec.id)));
        for (const id of [...dialer.live]) await endCall(engine, dialer, id, 'completed');
      }
      const attempts = await allAttempts(engine, spec.id);
      const dialled = dialer.requests.map((r) => r.attemptId);
      expect(new Set(dialled).size).toBe(dialled.length);
      expect(dialled.sort()).toEqual(attempts.map((a) => a.attemptId).sort());
      expect(attempts.find((a) => a.attemptId === first)).toMatchObject({ outcome: 'completed' });
      expect(attempts.find((a) => a.attemptId === second)).toMatchObject({ outcome: 'busy' });
      expect((await engine.get(spec.id))?.counts).toMatchObject({
        ...{ contacts: 6, settled: 6, inFlight: 0, attempts: 7 },
        outcomes: { completed: 6, busy: 1 },
      });
    });
    for (const error of outage) expect(error).toMatchObject({ code: 'STORE_ERROR' });
  } finally {
    await own.remove();
  }
}
