import { performance } from 'node:perf_hooks';

/**
 * Work that must be done soon but not before what is due: jobs run first in, first out,
 * in slices of at most `sliceMs`, each slice after the event loop has run its due timers
 * and I/O. The playout line prepares the next chunk of every stream here right after
 * sending one (resampling; with `encodeAhead`, MP3 encoding too), so a timer wake that
 * sends many calls' chunks does less, and no send waits behind another call's work.
 */
export interface WorkQueue {
  /** Queues `job`. A job that throws does not stop the others; its error surfaces on its own. */
  add(job: () => void): void;
  /** Jobs waiting. */
  readonly pending: number;
  /** Slices run so far. */
  readonly slices: number;
  /** A view whose jobs run inside `context` (e.g. marking a call's code), in the same queue. */
  within(context: <T>(work: () => T) => T): WorkQueue;
}

/** Options of {@link createWorkQueue}. */
export interface WorkQueueOptions {
  /** Longest run of jobs before yielding to timers and I/O, ms (default 2). */
  readonly sliceMs?: number;
  /** Current time, ms (default `performance.now()`). */
  readonly now?: () => number;
  /** Runs the next slice later (default `setImmediate`: after due timers and I/O). */
  readonly defer?: (slice: () => void) => void;
  /** What a throwing job's error becomes (default: an uncaught exception, on its own timer). */
  readonly reportError?: (error: unknown) => void;
}

/**
 * Creates a time-sliced FIFO of jobs.
 *
 * @example
 * ```ts
 * const work = createWorkQueue();
 * const line = createPlayoutLine(sink, { prepareAhead: work });
 * ```
 */
export function createWorkQueue(options: WorkQueueOptions = {}): WorkQueue {
  const sliceMs = options.sliceMs ?? 2;
  const now = options.now ?? (() => performance.now());
  const defer = options.defer ?? ((slice) => void setImmediate(slice));
  let jobs: (() => void)[] = [];
  let head = 0;
  const reportError =
    options.reportError ??
    ((error: unknown) =>
      setTimeout(() => {
        throw error;
      }));
  let scheduled = false;
  let slices = 0;

  const runSlice = (): void => {
    slices++;
    const until = now() + sliceMs;
    const errors: unknown[] = [];
    // At least one job per slice, so a slow job cannot stall the queue.
    do {
      const job = jobs[head++]!;
      try {
        job();
      } catch (error) {
        errors.push(error);
      }
    } while (head < jobs.length && now() < until);
    if (head === jobs.length) {
      jobs = [];
      head = 0;
    } else if (head > 1024 && head * 2 > jobs.length) {
      jobs = jobs.slice(head);
      head = 0;
    }
    scheduled = false; // jobs added during the slice were taken by it, or by the next
    if (head < jobs.length) schedule();
    for (const error of errors) reportError(error);
  };
  const schedule = (): void => {
    if (scheduled) return;
    scheduled = true;
    defer(runSlice);
  };

  const view = (context?: <T>(work: () => T) => T): WorkQueue => ({
    add(job) {
      jobs.push(context ? () => context(job) : job);
      schedule();
    },
    get pending() {
      return jobs.length - head;
    },
    get slices() {
      return slices;
    },
    within: (inner) => view(context ? (job) => context(() => inner(job)) : inner),
  });
  return view();
}
