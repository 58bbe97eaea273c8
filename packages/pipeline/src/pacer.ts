import { asyncScheduler, type SchedulerLike, type Subscription } from 'rxjs';
import type { AudioChunk } from './audio-frame.js';
import { PlayoutClock } from './playout-clock.js';

/**
 * The default lead, ms: two 72 ms MP3 frames at 8 kHz. It bounds what the caller still
 * hears after a barge-in; the margin against a stalled process is the lead less one chunk
 * (72 ms for MP3 frames, 124 ms for 20 ms PCM16 chunks). See the pipeline README.
 */
export const DEFAULT_LEAD_MS = 144;

/** Options of `createPacer` and the {@link pace} operator. */
export interface PacerOptions {
  /** Audio to keep ahead of the listener, in ms (default {@link DEFAULT_LEAD_MS}, 144). */
  readonly leadMs?: number;
  /** Time source and timers (default `asyncScheduler`; `TestScheduler` in tests). */
  readonly scheduler?: SchedulerLike;
  /** Share a clock to read `playedMs` elsewhere (default: a new one). */
  readonly clock?: PlayoutClock;
  /**
   * Backpressure: when it returns `false` (e.g. the socket's buffer is over its
   * watermark) the pacer waits `retryMs` and asks again instead of sending.
   */
  readonly writable?: () => boolean;
  /** Called each time the pacer waits for `writable`. */
  readonly onBlocked?: () => void;
  /** Poll interval while blocked (default 10 ms). */
  readonly retryMs?: number;
  /** Each timed wake's lateness, ms (timer due → ran): the pacing send lag, for metrics. */
  readonly onLag?: (lateMs: number) => void;
}

/** The pacing loop shared by the `pace` operator and the playout scheduler. */
export interface Pacer {
  readonly clock: PlayoutClock;
  /** Sends what the lead allows now, then sets one timer for the next send. */
  wake(): void;
  /** Cancels the timer. */
  stop(): void;
}

/**
 * Sends chunks against an audio clock: the next chunk goes out when it fits in `leadMs`
 * with the audio sent but not yet played, so the listener is never more than `leadMs`
 * behind — the bound on stale audio after a barge-in — and the line holds at least
 * `leadMs` less one chunk when each chunk goes out (its margin against stalls). When
 * `leadMs` is shorter than a chunk, a chunk goes out as the line runs dry.
 *
 * `pull` returns the next chunk, or `undefined` when none is ready (call `wake` when one
 * is); zero-length chunks are skipped. `send` returns whether the chunk really went
 * out: only then does the clock count it (a `false` stops the pacer).
 */
export function createPacer(
  pull: () => AudioChunk | undefined,
  send: (chunk: AudioChunk) => boolean,
  options: PacerOptions = {},
): Pacer {
  const scheduler = options.scheduler ?? asyncScheduler;
  const leadMs = options.leadMs ?? DEFAULT_LEAD_MS;
  const retryMs = options.retryMs ?? 10;
  const clock = options.clock ?? new PlayoutClock(() => scheduler.now());
  let timer: Subscription | undefined;
  let stopped = false;

  let timerDue = Number.POSITIVE_INFINITY;
  const schedule = (delay: number): void => {
    const dueAt = scheduler.now() + Math.max(0, delay);
    // A wake already due no later does the same check: keep it (sources wake the pacer
    // with every piece they give, often while it waits for room in the lead).
    if (timer && timerDue <= dueAt) return;
    timer?.unsubscribe();
    timerDue = dueAt;
    timer = scheduler.schedule(
      () => {
        timer = undefined;
        timerDue = Number.POSITIVE_INFINITY;
        options.onLag?.(Math.max(0, scheduler.now() - dueAt));
        wake();
      },
      Math.max(0, delay),
    );
  };

  // Chunks of a stream are one size (the last may be shorter): the next is assumed as
  // long as the last, so it goes out only if it fits in the lead.
  let lastChunkMs = 0;
  const room = (): number => leadMs - clock.bufferedMs() - lastChunkMs;

  function wake(): void {
    if (stopped) return;
    while (room() >= 0 || clock.bufferedMs() <= 0) {
      if (options.writable && !options.writable()) {
        options.onBlocked?.();
        schedule(retryMs);
        return;
      }
      const chunk = pull();
      if (!chunk || stopped) return;
      if (chunk.durationMs <= 0) continue;
      if (send(chunk) === false) {
        stop();
        return;
      }
      clock.commit(chunk.durationMs);
      lastChunkMs = chunk.durationMs;
    }
    schedule(Math.min(-room(), clock.bufferedMs()));
  }

  function stop(): void {
    stopped = true;
    timer?.unsubscribe();
    timer = undefined;
  }

  return { clock, wake, stop };
}
