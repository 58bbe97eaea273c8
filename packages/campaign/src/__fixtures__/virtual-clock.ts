import type { Clock } from '../clock.js';

/** A clock that moves only when the test says: waits resolve as time passes them. */
export interface VirtualClock extends Clock {
  /** Moves time on by `ms`, resolving the waits it passes, one by one in order. */
  advance(ms: number): Promise<void>;
}

/** A {@link VirtualClock} starting at `start` (ms since the epoch). */
export function virtualClock(start: number): VirtualClock {
  let now = start;
  const waits = new Set<{ at: number; resolve: () => void }>();
  const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
  return {
    now: () => now,
    wait(ms, signal) {
      return new Promise<void>((resolve) => {
        if (signal.aborted || ms <= 0) return resolve();
        const entry = {
          at: now + ms,
          resolve: () => {
            waits.delete(entry);
            signal.removeEventListener('abort', entry.resolve);
            resolve();
          },
        };
        waits.add(entry);
        signal.addEventListener('abort', entry.resolve, { once: true });
      });
    },
    async advance(ms) {
      const target = now + ms;
      for (;;) {
        await settle();
        const next = [...waits].filter((w) => w.at <= target).sort((a, b) => a.at - b.at)[0];
        if (!next) break;
        now = Math.max(now, next.at);
        next.resolve();
      }
      now = target;
      await settle();
    },
  };
}
