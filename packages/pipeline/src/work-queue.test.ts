import { AsyncLocalStorage } from 'node:async_hooks';
import { describe, expect, it } from 'vitest';
import { createWorkQueue } from './work-queue.js';

/** A queue on a manual clock whose slices run when `runSlices` says so. */
function manualQueue(sliceMs = 2) {
  let now = 0;
  const slices: (() => void)[] = [];
  const queue = createWorkQueue({ sliceMs, now: () => now, defer: (slice) => slices.push(slice) });
  return {
    queue,
    tick: (ms: number) => {
      now += ms;
    },
    /** Runs the slices scheduled so far (not those they schedule); returns how many. */
    runSlices() {
      const due = slices.splice(0);
      for (const slice of due) slice();
      return due.length;
    },
  };
}

describe('createWorkQueue', () => {
  it('runs jobs first in, first out, later, in slices of at most sliceMs', () => {
    const { queue, tick, runSlices } = manualQueue(2);
    const ran: number[] = [];
    for (let i = 0; i < 6; i++)
      queue.add(() => {
        ran.push(i);
        tick(0.9); // each job takes 0.9 ms
      });
    expect(ran).toEqual([]); // nothing runs at once
    expect(queue.pending).toBe(6);
    expect(runSlices()).toBe(1);
    expect(ran).toEqual([0, 1, 2]); // 2.7 ms ≥ 2: the slice yields
    runSlices();
    expect(ran).toEqual([0, 1, 2, 3, 4, 5]);
    expect(runSlices()).toBe(0); // nothing left, nothing scheduled
    expect(queue.slices).toBe(2);
  });

  it('runs a job slower than a slice alone, then goes on', () => {
    const { queue, tick, runSlices } = manualQueue(2);
    const ran: string[] = [];
    queue.add(() => {
      ran.push('slow');
      tick(10);
    });
    queue.add(() => ran.push('next'));
    runSlices();
    expect(ran).toEqual(['slow']);
    runSlices();
    expect(ran).toEqual(['slow', 'next']);
  });

  it('takes jobs added while it runs, in order, without a second pending slice', () => {
    const { queue, runSlices } = manualQueue(2);
    const ran: string[] = [];
    queue.add(() => {
      ran.push('a');
      queue.add(() => ran.push('c'));
    });
    queue.add(() => ran.push('b'));
    expect(runSlices()).toBe(1);
    expect(ran).toEqual(['a', 'b', 'c']);
    expect(runSlices()).toBe(0);
  });

  it('a throwing job does not stop the others; its error is reported on its own', () => {
    const errors: unknown[] = [];
    const slices: (() => void)[] = [];
    const queue = createWorkQueue({
      defer: (slice) => slices.push(slice),
      reportError: (error) => errors.push(error),
    });
    const ran: string[] = [];
    queue.add(() => {
      throw new Error('encoder failed');
    });
    queue.add(() => ran.push('after'));
    slices.shift()!();
    expect(ran).toEqual(['after']);
    expect(errors).toEqual([expect.objectContaining({ message: 'encoder failed' })]);
  });

  it('runs the jobs of a view inside its context, in the one queue', () => {
    const { queue, runSlices } = manualQueue();
    const store = new AsyncLocalStorage<string>();
    const seen: (string | undefined)[] = [];
    const call1 = queue.within((work) => store.run('call-1', work));
    call1.add(() => seen.push(store.getStore()));
    queue.add(() => seen.push(store.getStore()));
    queue.within((work) => store.run('call-2', work)).add(() => seen.push(store.getStore()));
    expect(call1.pending).toBe(3);
    runSlices();
    expect(seen).toEqual(['call-1', undefined, 'call-2']);
  });

  it('lets due timers run between slices (setImmediate)', async () => {
    const queue = createWorkQueue({ sliceMs: 1 });
    const order: string[] = [];
    const busy = (ms: number) => {
      const end = performance.now() + ms;
      while (performance.now() < end);
    };
    let lastJobDone: () => void = () => undefined;
    const allDone = new Promise<void>((resolve) => {
      lastJobDone = resolve;
    });
    setTimeout(() => order.push('timer'), 1);
    busy(3); // the timer is due
    for (let i = 0; i < 3; i++)
      queue.add(() => {
        order.push(`job ${i}`);
        busy(2);
        if (i === 2) lastJobDone();
      });
    await allDone;
    // The first slice may run before the loop reaches the timers; then one job a slice.
    expect(order.filter((o) => o.startsWith('job'))).toEqual(['job 0', 'job 1', 'job 2']);
    expect(order.indexOf('timer')).toBeLessThanOrEqual(1);
  });
});
