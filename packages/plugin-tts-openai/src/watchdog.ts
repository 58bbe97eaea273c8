import { TtsError } from '@psrkit/pipeline';

/** One timer over a request: when it fires, the request is aborted with a `TIMEOUT` error. */
export interface Watchdog {
  /** (Re)starts the timer: `ms` from now, the request fails with `message`. */
  arm(ms: number, message: string): void;
  /** Stops the timer. */
  stop(): void;
}

/**
 * A {@link Watchdog} that aborts `abort` with a `TtsError('TIMEOUT')` as its reason, so
 * whatever awaits the request (the fetch, a body read) fails with that error. A plain
 * timer, not `AbortSignal.timeout()`: on Node 20 a timeout signal held only through
 * `AbortSignal.any()` can be garbage-collected before it fires.
 */
export function createWatchdog(abort: AbortController): Watchdog {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return {
    arm(ms, message) {
      clearTimeout(timer);
      timer = setTimeout(() => abort.abort(new TtsError('TIMEOUT', message)), ms);
    },
    stop() {
      clearTimeout(timer);
    },
  };
}
