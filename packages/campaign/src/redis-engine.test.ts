import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type RedisServer,
  redisTestsRunnable,
  startRedisServer,
} from './__fixtures__/redis-server.js';
import { endCall, withRunningEngine } from './__fixtures__/running-engine.js';
import type { CampaignEngine } from './campaign-engine.js';
import { type Clock, systemClock } from './clock.js';
import { createRedisEngine } from './redis-engine.js';
import {
  allAttempts,
  describeCampaignEngineConformance,
  scriptedDialer,
  testContacts,
  testSpec,
  until,
} from './testing/index.js';

/** Opens an engine on the suite's Redis: a fresh key prefix unless one is given. */
type OpenEngine = (options?: { prefix?: string; clock?: Clock }) => Promise<CampaignEngine>;

const installed = redisTestsRunnable();
/** Background errors of the engines: Redis never goes away here, so there must be none. */
const reported: Error[] = [];
let prefixes = 0;

describe.skipIf(!installed)('the Redis engine', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    await server?.remove();
    expect(reported.map((e) => e.message)).toEqual([]);
  });
  const open: OpenEngine = (options = {}) =>
    createRedisEngine({
      url: server.url,
      prefix: options.prefix ?? `t${++prefixes}-${process.pid}`,
      ...(options.clock && { clock: options.clock }),
      onError: (e) => reported.push(e),
    });

  describeCampaignEngineConformance({ describe, it, expect }, { engine: () => open() });
  it('refuses a malformed URL, naming it without its password', refusesBadUrl);
  it('refuses a wrong password without ever showing it', keepsPasswordSecret);
  it('starts a scheduled campaign at its time, once, whichever engine runs', () =>
    startsScheduled(open));
  it('starts no call outside the calling window, and dials at its opening', () =>
    waitsForWindow(open));
  it('keeps the minimum gap to a number across campaigns', () => keepsGap(open));
  it('hands an attempt in flight to another process without dialling it again', () =>
    handsOver(open));
});

async function refusesBadUrl(): Promise<void> {
  await expect(createRedisEngine({ url: 'http://u:hunter2@h/' })).rejects.toSatisfy(
    (e: Error & { code?: string }) =>
      e.code === 'INVALID_SETTING' && e.message.includes('***') && !e.message.includes('hunter2'),
  );
}

async function keepsPasswordSecret(): Promise<void> {
  const own = await startRedisServer(['--requirepass', 'right-pw']);
  const seen: Error[] = [];
  try {
    const wrong = own.url.replace('redis://', 'redis://:wrong-pw@');
    const error = await createRedisEngine({ url: wrong, onError: (e) => seen.push(e) }).catch(
      (e: Error) => e,
    );
    expect(error).toMatchObject({ code: 'STORE_ERROR' });
    const messages = [error as Error, ...seen].map((e) => e.message).join('\n');
    expect(messages).toContain(`redis://:***@127.0.0.1:${own.port}`);
    expect(messages).not.toContain('wrong-pw');
    const right = own.url.replace('redis://', 'redis://:right-pw@');
    const engine = await createRedisEngine({ url: right, onError: (e) => seen.push(e) });
    try {
      expect(await engine.list()).toEqual([]);
    } finally {
      await engine.close();
    }
  } finally {
    await own.remove();
  }
}

/** Two engines run; the campaign starts at its time, by one of them (one `running` event). */
async function startsScheduled(open: OpenEngine): Promise<void> {
  const prefix = `scheduled-${process.pid}`;
  await withRunningEngine(await open({ prefix }), async (engine, here) => {
    await withRunningEngine(await open({ prefix }), async (_other, there) => {
      const spec = testSpec();
      const states: string[] = [];
      const stop = engine.watch((e) => {
        if (e.type === 'state-changed' && e.campaignId === spec.id) states.push(e.state);
      });
      await engine.create(spec, testContacts(2));
      const at = Date.now() + 500;
      expect((await engine.start(spec.id, at)).state).toBe('scheduled');
      await until(() => here.requests.length + there.requests.length === 2);
      for (const attempt of await allAttempts(engine, spec.id))
        expect(attempt.dialledAt).toBeGreaterThanOrEqual(at);
      expect(states.filter((state) => state === 'running')).toEqual(['running']);
      stop();
    });
  });
}

async function waitsForWindow(open: OpenEngine): Promise<void> {
  // A clock on real time, 600 ms before 08:00 in Ho Chi Minh City (UTC+7).
  const opening = Date.UTC(2026, 11, 7, 1, 0);
  const offset = opening - 600 - Date.now();
  const clock: Clock = { now: () => Date.now() + offset, wait: systemClock.wait };
  await withRunningEngine(await open({ clock }), async (engine, dialer) => {
    const spec = testSpec({
      schedule: {
        timeZone: 'Asia/Ho_Chi_Minh',
        windows: [{ days: [1, 2, 3, 4, 5, 6, 7], start: '08:00', end: '17:00' }],
      },
    });
    await engine.create(spec, testContacts(2));
    await engine.start(spec.id);
    await until(() => dialer.live.size === 2);
    for (const attempt of await allAttempts(engine, spec.id))
      expect(attempt.dialledAt).toBeGreaterThanOrEqual(opening);
  });
}

async function keepsGap(open: OpenEngine): Promise<void> {
  await withRunningEngine(await open(), async (engine, dialer) => {
    const first = testSpec();
    const second = testSpec({ minGapMs: 700 });
    await engine.create(first, testContacts(1));
    await engine.create(second, testContacts(1));
    await engine.start(first.id);
    await until(() => dialer.requests.length === 1);
    await engine.start(second.id);
    await until(() => dialer.requests.length === 2);
    const [a] = await allAttempts(engine, first.id);
    const [b] = await allAttempts(engine, second.id);
    expect((b?.dialledAt ?? 0) - (a?.dialledAt ?? 0)).toBeGreaterThanOrEqual(700);
  });
}

/**
 * One engine dials two calls and stops (its jobs go back to the queue, their calls go on);
 * another takes the jobs over. The ringing call is nobody's now: `unknown` after its ring
 * timeout, then retried as a new attempt; the answered one is held by a live engine, so it
 * is followed until it ends. No attempt id is dialled twice.
 */
async function handsOver(open: OpenEngine): Promise<void> {
  const prefix = `handover-${process.pid}`;
  const spec = testSpec({ maxConcurrent: 2, ringTimeoutMs: 300, maxAttempts: 2 });
  const first = await open({ prefix });
  let answered = '';
  let ringing = '';
  const before = scriptedDialer();
  const stop = new AbortController();
  const running = first.run((r) => before.dial(r), stop.signal);
  try {
    await first.create(spec, testContacts(2));
    await first.start(spec.id);
    await until(() => before.live.size === 2);
    [answered, ringing] = [...before.live] as [string, string];
    await first.callAnswered(answered, Date.now());
    stop.abort();
    await running;
    await withRunningEngine(await open({ prefix }), async (second, after) => {
      await until(() => after.requests.length === 1);
      expect(after.requests[0]).toMatchObject({ attempt: 2 });
      const byId = Object.fromEntries(
        (await allAttempts(second, spec.id)).map((a) => [a.attemptId, a]),
      );
      expect(byId[ringing]).toMatchObject({
        outcome: 'unknown',
        reason: 'in flight when the campaign process stopped',
      });
      expect(byId[answered]).toMatchObject({ phase: 'answered' });
      await endCall(second, before, answered, 'completed');
      await endCall(second, after, after.requests[0]?.attemptId as string, 'completed');
      await until(async () => (await second.get(spec.id))?.state === 'completed');
      const dialled = [...before.requests, ...after.requests].map((r) => r.attemptId);
      expect(new Set(dialled).size).toBe(3);
    });
  } finally {
    stop.abort();
    await running;
    await first.close();
  }
}
