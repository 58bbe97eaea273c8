/** Time as a campaign sees it: the system's, or a test's virtual one. */
export interface Clock {
  /** Now, ms since the epoch. */
  now(): number;
  /** Resolves after `ms` (at once for 0 or less), or when `signal` aborts. */
  wait(ms: number, signal: AbortSignal): Promise<void>;
}

/** The system's clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  wait: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal.aborted || ms <= 0) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, Math.min(ms, 2 ** 31 - 1));
      signal.addEventListener('abort', done, { once: true });
    }),
};
