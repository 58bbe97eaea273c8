import { AsyncLocalStorage } from 'node:async_hooks';
import fc from 'fast-check';
import { Observable } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { AudioChunk } from './audio-frame.js';
import { pace } from './pace.js';
import { createSharedTimerScheduler, type TimerFunctions } from './shared-timer-scheduler.js';

/** A manual clock and timer queue: `advance` fires due timers in order, moving time to each. */
function fakeTimers() {
  let now = 0;
  let nextHandle = 1;
  let maxArmed = 0;
  const armed = new Map<number, { at: number; callback: () => void }>();
  const timers: TimerFunctions = {
    set(callback, delayMs) {
      const handle = nextHandle++;
      armed.set(handle, { at: now + delayMs, callback });
      maxArmed = Math.max(maxArmed, armed.size);
      return handle;
    },
    clear: (handle) => armed.delete(handle as number),
  };
  return {
    now: () => now,
    timers,
    /** Platform timers currently armed. */
    get armed() {
      return armed.size;
    },
    get maxArmed() {
      return maxArmed;
    },
    advance(ms: number) {
      const end = now + ms;
      for (;;) {
        const next = [...armed.entries()]
          .filter(([, t]) => t.at <= end)
          .sort((a, b) => a[1].at - b[1].at || a[0] - b[0])[0];
        if (!next) break;
        armed.delete(next[0]);
        now = Math.max(now, next[1].at);
        next[1].callback();
      }
      now = end;
    },
  };
}

describe('createSharedTimerScheduler', () => {
  it('runs every action at its due time from one platform timer', () => {
    const fake = fakeTimers();
    const scheduler = createSharedTimerScheduler(fake);
    const ran: string[] = [];
    for (const [name, delay] of [
      ['c', 30],
      ['a', 10],
      ['b', 20],
      ['a2', 10],
    ] as const)
      scheduler.schedule(() => ran.push(`${name}@${fake.now()}`), delay);
    expect(fake.armed).toBe(1);
    expect(scheduler.pending).toBe(4);
    fake.advance(100);
    // Same due time: first scheduled, first run.
    expect(ran).toEqual(['a@10', 'a2@10', 'b@20', 'c@30']);
    expect(scheduler.pending).toBe(0);
    expect(scheduler.wakes).toBe(3);
    expect(fake.armed).toBe(0);
  });

  it('never runs an action early, even when time has a fraction of a millisecond', () => {
    const fake = fakeTimers();
    fake.advance(0.4);
    const scheduler = createSharedTimerScheduler(fake);
    let ranAt: number | undefined;
    scheduler.schedule(() => {
      ranAt = fake.now();
    }, 10);
    fake.advance(9.9);
    expect(ranAt).toBeUndefined();
    fake.advance(1);
    expect(ranAt).toBeGreaterThanOrEqual(10.4);
  });

  it('re-arms for an earlier action and skips cancelled ones', () => {
    const fake = fakeTimers();
    const scheduler = createSharedTimerScheduler(fake);
    const ran: string[] = [];
    const late = scheduler.schedule(() => ran.push('late'), 50);
    scheduler.schedule(() => ran.push('early'), 5);
    late.unsubscribe();
    late.unsubscribe(); // idempotent
    expect(scheduler.pending).toBe(1);
    fake.advance(100);
    expect(ran).toEqual(['early']);
    expect(scheduler.runs).toBe(1);
  });

  it('leaves no timer armed once nothing is pending (a process can exit)', () => {
    const fake = fakeTimers();
    const scheduler = createSharedTimerScheduler(fake);
    const far = scheduler.schedule(() => undefined, 60_000);
    const near = scheduler.schedule(() => undefined, 10);
    near.unsubscribe();
    expect(fake.armed).toBe(1); // the far one is still pending
    far.unsubscribe();
    expect(fake.armed).toBe(0);
    scheduler.schedule(() => undefined, 5); // and it works again afterwards
    expect(fake.armed).toBe(1);
    fake.advance(5);
    expect(scheduler.runs).toBe(1);
  });

  it('lets an action reschedule itself (this.schedule), as RxJS periodic work does', () => {
    const fake = fakeTimers();
    const scheduler = createSharedTimerScheduler(fake);
    const ticks: number[] = [];
    const subscription = scheduler.schedule<number>(function tick(count = 0) {
      ticks.push(fake.now());
      if (count < 3) this.schedule(count + 1, 25);
    }, 25);
    fake.advance(200);
    expect(ticks).toEqual([25, 50, 75, 100]);
    expect(subscription.closed).toBe(false);
    expect(scheduler.pending).toBe(0);
  });

  it('runs what a batch schedules with no delay on the next wake, not in the same one', () => {
    const fake = fakeTimers();
    const scheduler = createSharedTimerScheduler(fake);
    let runs = 0;
    scheduler.schedule(function again() {
      runs++;
      if (runs < 5) this.schedule(undefined, 0);
    });
    fake.advance(0);
    expect(runs).toBe(5);
    expect(scheduler.wakes).toBe(5);
  });

  it('runs each action in the context its view was made for', () => {
    const fake = fakeTimers();
    const scheduler = createSharedTimerScheduler(fake);
    const store = new AsyncLocalStorage<string>();
    const seen: (string | undefined)[] = [];
    for (const call of ['call-1', 'call-2'])
      scheduler
        .within((work) => store.run(call, work))
        .schedule<number>(function tick(n = 0) {
          seen.push(store.getStore());
          if (n === 0) this.schedule(1, 10);
        }, 10);
    scheduler.schedule(() => seen.push(store.getStore()), 10);
    fake.advance(50);
    expect(seen).toEqual(['call-1', 'call-2', undefined, 'call-1', 'call-2']);
  });

  it('a throwing action does not stop the others; its error surfaces on its own', () => {
    const fake = fakeTimers();
    const scheduler = createSharedTimerScheduler(fake);
    const ran: string[] = [];
    scheduler.schedule(() => {
      throw new Error('boom');
    }, 10);
    scheduler.schedule(() => ran.push('after'), 10);
    scheduler.schedule(() => ran.push('later'), 20);
    expect(() => fake.advance(10)).toThrow('boom');
    expect(ran).toEqual(['after']);
    fake.advance(20);
    expect(ran).toEqual(['after', 'later']);
  });

  it('runs any mix of schedules and cancels in due order, each live action once', () => {
    const op = fc.record({
      delay: fc.integer({ min: 0, max: 200 }),
      cancelAt: fc.option(fc.integer({ min: 0, max: 250 }), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const fake = fakeTimers();
        const scheduler = createSharedTimerScheduler(fake);
        const ran: { id: number; at: number }[] = [];
        const subs = ops.map((o, id) =>
          scheduler.schedule(() => ran.push({ id, at: fake.now() }), o.delay),
        );
        for (let t = 0; t <= 250; t++) {
          ops.forEach((o, id) => {
            if (o.cancelAt === t) subs[id]!.unsubscribe();
          });
          fake.advance(1);
        }
        const expected = ops
          .map((o, id) => ({ id, ...o }))
          // Cancelled at tick t (before time moves from t to t + 1): it ran if it was due by t.
          .filter((o) => o.cancelAt === undefined || o.cancelAt >= Math.max(1, o.delay))
          .sort((a, b) => a.delay - b.delay || a.id - b.id)
          .map((o) => o.id);
        expect(ran.map((r) => r.id)).toEqual(expected);
        for (const r of ran) expect(r.at).toBe(ops[r.id]!.delay);
        expect(scheduler.pending).toBe(0);
      }),
    );
  });

  it('drives many paced streams from one timer, each keeping its own schedule', () => {
    const fake = fakeTimers();
    const scheduler = createSharedTimerScheduler(fake);
    const chunk = (i: number): AudioChunk => ({
      format: 'mp3',
      data: new Uint8Array(1),
      startMs: i * 144,
      durationMs: 144,
    });
    const sendTimes: number[][] = [];
    for (let s = 0; s < 20; s++) {
      const times: number[] = [];
      sendTimes.push(times);
      new Observable<AudioChunk>((subscriber) => {
        for (let i = 0; i < 20; i++) subscriber.next(chunk(i));
        subscriber.complete();
      })
        .pipe(pace({ leadMs: 400, scheduler }))
        .subscribe(() => times.push(fake.now()));
      fake.advance(7); // streams start 7 ms apart
    }
    fake.advance(5000);
    expect(fake.armed).toBe(0);
    for (const [s, times] of sendTimes.entries()) {
      expect(times).toHaveLength(20);
      // Two chunks fill the 400 ms lead at once, the third fits 32 ms later (400 − 3 × 144
      // ahead), then one every 144 ms: the same schedule as with a timer of its own.
      expect(times.slice(0, 3)).toEqual([s * 7, s * 7, s * 7 + 32]);
      for (let i = 3; i < 20; i++) expect(times[i]).toBe(s * 7 + 32 + (i - 2) * 144);
    }
    // 20 streams, 400 sends, never more than one platform timer at a time.
    expect(fake.maxArmed).toBe(1);
  });
});
