import type { SchedulerLike } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import type { AudioChunk } from './audio-frame.js';
import { pace } from './pace.js';
import { createPacer, DEFAULT_LEAD_MS } from './pacer.js';
import { PlayoutClock } from './playout-clock.js';

const chunk = (durationMs: number, startMs = 0): AudioChunk => ({
  format: 'mp3',
  data: new Uint8Array(1),
  startMs,
  durationMs,
});
const newScheduler = () =>
  new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

describe('pace (virtual time)', () => {
  it('sends up to the lead at once, then one chunk each time there is room for it', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const c = chunk(100);
      // Everything is available at once; lead 200 ms.
      const source = cold('(abcdef|)', { a: c, b: c, c: c, d: c, e: c, f: c });
      // t=0: a, b (200 ms ahead: the lead is full); then one per 100 ms.
      expectObservable(source.pipe(pace({ leadMs: 200 }))).toBe(
        '(ab) 96ms c 99ms d 99ms e 99ms (f|)',
        {
          a: c,
          b: c,
          c: c,
          d: c,
          e: c,
          f: c,
        },
      );
    });
  });

  it('never gets more than the lead ahead of the listener', () => {
    const testScheduler = newScheduler();
    testScheduler.run(({ cold }) => {
      const clock = new PlayoutClock(() => testScheduler.now());
      const aheadAtSends: number[] = [];
      const source = cold(`(${'a'.repeat(30)}|)`, { a: chunk(144) });
      // At each send the chunk is not yet counted: ahead after it = buffered + 144.
      source
        .pipe(pace({ leadMs: 200, clock }))
        .subscribe(() => aheadAtSends.push(clock.bufferedMs() + 144));
      testScheduler.flush();
      expect(aheadAtSends).toHaveLength(30);
      expect(Math.max(...aheadAtSends)).toBeLessThanOrEqual(200);
      expect(Math.min(...aheadAtSends.slice(1))).toBeGreaterThan(200 - 144);
    });
  });

  it('keeps its schedule from the start: late timers do not accumulate (drift-free)', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const c = chunk(72);
      const source = cold(`(${'a'.repeat(10)}|)`, { a: c });
      // lead 0: one chunk per 72 ms exactly, at 0, 72, 144, … 648.
      const marbles = `a ${Array.from({ length: 8 }, () => '71ms a').join(' ')} 71ms (a|)`;
      expectObservable(source.pipe(pace({ leadMs: 0 }))).toBe(marbles, { a: c });
    });
  });

  it('after the source goes quiet, resumes at real time without racing ahead or stalling', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const c = chunk(100);
      // Two chunks, a 1 s gap (underrun), then two more at once.
      const source = cold('(ab) 996ms (cd|)', { a: c, b: c, c: c, d: c });
      expectObservable(source.pipe(pace({ leadMs: 0 }))).toBe('a 99ms b 899ms c 99ms (d|)', {
        a: c,
        b: c,
        c: c,
        d: c,
      });
    });
  });

  it('skips zero-length chunks (a resampler or TTS that yields nothing)', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const c = chunk(100);
      const empty = chunk(0);
      expectObservable(cold('(aeeb|)', { a: c, e: empty, b: c }).pipe(pace({ leadMs: 0 }))).toBe(
        'a 99ms (b|)',
        { a: c, b: c },
      );
    });
  });

  it('waits while the transport reports backpressure, and counts each wait', () => {
    const testScheduler = newScheduler();
    let waits = 0;
    testScheduler.run(({ cold, expectObservable }) => {
      const c = chunk(100);
      const paced = cold('(ab|)', { a: c, b: c }).pipe(
        pace({
          leadMs: 500,
          retryMs: 10,
          writable: () => testScheduler.now() >= 30,
          onBlocked: () => waits++,
        }),
      );
      expectObservable(paced).toBe('30ms (ab|)', { a: c, b: c });
    });
    // Two wakes at 0 ms (one per arriving chunk), then retries at 10 and 20 ms.
    expect(waits).toBe(4);
  });
});

describe('pacing lag', () => {
  it('reports how late each timed wake ran', () => {
    const testScheduler = newScheduler();
    // A loaded event loop: every timer runs 7 ms after it was due.
    const late = {
      now: () => testScheduler.now(),
      schedule: (work: never, delay = 0, state?: never) =>
        testScheduler.schedule(work, delay + 7, state),
    } as unknown as SchedulerLike;
    const lags: number[] = [];
    testScheduler.run(({ cold }) => {
      cold('(abc|)', { a: chunk(100), b: chunk(100), c: chunk(100) })
        .pipe(pace({ leadMs: 100, scheduler: late, onLag: (ms) => lags.push(ms) }))
        .subscribe();
    });
    expect(lags.length).toBeGreaterThanOrEqual(2);
    expect(new Set(lags)).toEqual(new Set([7]));
  });
});

describe('createPacer: the lead is what was sent ahead', () => {
  /** Sends `chunkMs` chunks for 3 s; returns the audio ahead of the listener after each send and before each chunk. */
  const figures = (chunkMs: number, leadMs?: number) => {
    const scheduler = newScheduler();
    const ahead: number[] = [];
    const beforeEach: number[] = [];
    scheduler.run(() => {
      let left = Math.floor(3000 / chunkMs);
      const pacer = createPacer(
        () => (left-- > 0 ? chunk(chunkMs) : undefined),
        () => beforeEach.push(pacer.clock.bufferedMs()) > 0,
        leadMs === undefined ? { scheduler } : { leadMs, scheduler },
      );
      pacer.wake();
      scheduler.schedule(function watch() {
        ahead.push(pacer.clock.bufferedMs());
        if (scheduler.now() < 3000) this.schedule(undefined, 1);
      });
    });
    // Leave out the sends that fill the line at the start.
    const steady = beforeEach.slice(Math.ceil((leadMs ?? DEFAULT_LEAD_MS) / chunkMs) + 1);
    return { most: Math.max(...ahead), leastBeforeChunk: Math.min(...steady) };
  };

  it('never sends more than the lead ahead, and each chunk finds the lead less one chunk queued', () => {
    // 72 ms frames, 200 ms lead: two frames fill the line at once, then a frame goes out
    // whenever 128 ms are left, bringing it back to 200.
    expect(figures(72, 200)).toEqual({ most: 200, leastBeforeChunk: 128 });
    expect(figures(100, 400)).toEqual({ most: 400, leastBeforeChunk: 300 });
  });

  it('leads by two MP3 frames by default: a 72 ms margin for MP3 frames, 124 ms for 20 ms PCM16 chunks', () => {
    expect(DEFAULT_LEAD_MS).toBe(144);
    expect(figures(72)).toEqual({ most: 144, leastBeforeChunk: 72 });
    expect(figures(20)).toEqual({ most: 144, leastBeforeChunk: 124 });
  });

  it('a send that fails is not counted, and stops the pacer', () => {
    const scheduler = newScheduler();
    let pulls = 0;
    scheduler.run(() => {
      const pacer = createPacer(
        () => {
          pulls++;
          return chunk(100);
        },
        () => false,
        { leadMs: 400, scheduler },
      );
      pacer.wake();
      expect(pacer.clock.sentMs).toBe(0);
      pacer.wake();
    });
    expect(pulls).toBe(1);
  });
});
