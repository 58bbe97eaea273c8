import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { virtualClock } from './__fixtures__/virtual-clock.js';
import type { CampaignEngine } from './campaign-engine.js';
import { createEmbeddedEngine } from './embedded-engine.js';
import {
  allAttempts,
  describeCampaignEngineConformance,
  scriptedDialer,
  testContacts,
  testSpec,
  until,
} from './testing/index.js';

const dir = mkdtempSync(join(tmpdir(), 'psrkit-campaign-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const freshPath = () => join(dir, `engine-${++files}.db`);

describeCampaignEngineConformance(
  { describe, it, expect },
  { engine: async () => createEmbeddedEngine({ path: freshPath() }) },
);

describe('the embedded engine across a restart', () => {
  it('refuses a database file that a live process holds', async () => {
    const path = freshPath();
    const engine = createEmbeddedEngine({ path });
    try {
      expect(() => createEmbeddedEngine({ path })).toThrow(
        expect.objectContaining({
          code: 'STORE_ERROR',
          message: `${path} is in use by process ${process.pid}`,
        }),
      );
    } finally {
      await engine.close();
    }
  });

  it('never dials an attempt again: in flight at the stop, it counts against the limit until settled', async () => {
    const path = freshPath();
    const spec = testSpec({ maxConcurrent: 2, ringTimeoutMs: 3000, maxAttempts: 2 });
    const before = scriptedDialer();
    const first = createEmbeddedEngine({ path });
    const stop = new AbortController();
    const running = first.run((r) => before.dial(r), stop.signal);
    await first.create(spec, testContacts(3));
    await first.start(spec.id);
    await until(() => before.live.size === 2);
    const [answered, ringing] = [...before.live] as [string, string];
    await first.callAnswered(answered, Date.now());
    stop.abort();
    await running;
    await first.close(); // as if killed: two attempts in flight, nothing settled

    const after = scriptedDialer();
    const second = createEmbeddedEngine({ path });
    const stop2 = new AbortController();
    const running2 = second.run((r) => after.dial(r), stop2.signal);
    try {
      // The call answered under the first process is gone with it: unknown at once, and its
      // slot goes to the third contact; the ringing one holds its slot until its ring timeout.
      await until(() => after.requests.length >= 1);
      expect(after.requests[0]?.contact.id).toBe('k3');
      await until(async () =>
        (await allAttempts(second, spec.id)).some(
          (a) => a.attemptId === ringing && a.phase === 'ended',
        ),
      );
      const attempts = await allAttempts(second, spec.id);
      const byId = Object.fromEntries(attempts.map((a) => [a.attemptId, a]));
      expect(byId[answered]).toMatchObject({
        outcome: 'unknown',
        reason: 'the campaign process stopped during the call',
      });
      expect(byId[ringing]).toMatchObject({
        outcome: 'unknown',
        reason: 'in flight when the campaign process stopped',
      });
      // Retried as new attempts (attempt 2), never as the same attempt id.
      await until(() => after.requests.length >= 3);
      const dialledIds = [...before.requests, ...after.requests].map((r) => r.attemptId);
      expect(new Set(dialledIds).size).toBe(dialledIds.length);
      expect(
        after.requests
          .slice(0, 3)
          .map((r) => r.attempt)
          .sort(),
      ).toEqual([1, 2, 2]);
    } finally {
      stop2.abort();
      await running2;
      await second.close();
    }
  });
});

describe('the embedded engine on a virtual clock', () => {
  const run = async (
    engine: CampaignEngine,
    work: (dialer: ReturnType<typeof scriptedDialer>) => Promise<void>,
  ) => {
    const dialer = scriptedDialer();
    const stop = new AbortController();
    const running = engine.run((r) => dialer.dial(r), stop.signal);
    try {
      await work(dialer);
    } finally {
      stop.abort();
      await running;
      await engine.close();
    }
  };

  it('starts no call outside the calling window, and waits for the next one', async () => {
    // 2026-12-07 06:00 in Ho Chi Minh City (UTC+7) = 2026-12-06 23:00 UTC.
    const clock = virtualClock(Date.UTC(2026, 11, 6, 23, 0));
    const engine = createEmbeddedEngine({ path: freshPath(), clock });
    await run(engine, async (dialer) => {
      const spec = testSpec({
        schedule: {
          timeZone: 'Asia/Ho_Chi_Minh',
          windows: [{ days: [1, 2, 3, 4, 5, 6, 7], start: '08:00', end: '17:00' }],
        },
        maxConcurrent: 1,
        maxAttempts: 1,
        ringTimeoutMs: 86_400_000,
      });
      await engine.create(spec, testContacts(2));
      await engine.start(spec.id);
      await clock.advance(2 * 3600_000 - 1000); // 07:59:59
      expect(dialer.requests).toHaveLength(0);
      await clock.advance(1000); // 08:00
      await until(() => dialer.requests.length === 1);
      expect(new Date(clock.now()).toISOString()).toBe('2026-12-07T01:00:00.000Z');
      // The first call lasts until 17:30: the second contact waits for tomorrow's window.
      await clock.advance(9.5 * 3600_000);
      await engine.callEnded(dialer.requests[0]?.attemptId as string, {
        at: clock.now(),
        outcome: 'completed',
        reason: 'x',
      });
      await clock.advance(14 * 3600_000); // 07:30 next day
      expect(dialer.requests).toHaveLength(1);
      await clock.advance(3600_000);
      await until(() => dialer.requests.length === 2);
      const dialled = (await allAttempts(engine, spec.id)).map((a) =>
        new Date(a.dialledAt).toISOString(),
      );
      expect(dialled).toEqual(['2026-12-07T01:00:00.000Z', '2026-12-08T01:00:00.000Z']);
    });
  });

  it('spaces dials by the rate, and keeps the minimum gap to one number across campaigns', async () => {
    const clock = virtualClock(Date.UTC(2026, 11, 7, 3, 0));
    const engine = createEmbeddedEngine({ path: freshPath(), clock });
    await run(engine, async (dialer) => {
      const spec = testSpec({
        callsPerSecond: 0.5,
        maxConcurrent: 10,
        minGapMs: 86_400_000,
        maxAttempts: 1,
      });
      await engine.create(spec, testContacts(3));
      await engine.start(spec.id);
      await clock.advance(10_000);
      await until(() => dialer.requests.length === 3);
      const times = (await allAttempts(engine, spec.id)).map(
        (a) => a.dialledAt - Date.UTC(2026, 11, 7, 3, 0),
      );
      expect(times).toEqual([0, 2000, 4000]);

      const again = testSpec({ minGapMs: 86_400_000, maxAttempts: 1 });
      await engine.create(again, testContacts(1));
      await engine.start(again.id);
      await clock.advance(3_600_000);
      expect(dialer.requests).toHaveLength(3);
      await clock.advance(86_400_000);
      await until(() => dialer.requests.length === 4);
      const [late] = await allAttempts(engine, again.id);
      expect(late?.dialledAt).toBe(Date.UTC(2026, 11, 8, 3, 0));
    });
  });
});
