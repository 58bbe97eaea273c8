import { asyncScheduler, type SchedulerLike, type Subscription } from 'rxjs';
import type { AudioChunk } from './audio-frame.js';
import { PlayoutClock } from './playout-clock.js';

export interface PacerOptions {
  /** Audio to keep ahead of the listener, in ms (default 200). */
  readonly leadMs?: number;
  /** Time source and timers (default `asyncScheduler`; `TestScheduler` in tests). */
  readonly scheduler?: SchedulerLike;
  /** Share a clock to read `playedMs` elsewhere (default: a new one). */
  readonly clock?: PlayoutClock;
  /**
   * Backpressure: when it returns `false` (e.g. the socket's buffer is over its
   * watermark) the pacer waits `retryMs` and asks again instead of sending.
   */
  readonly canSend?: () => boolean;
  /** Called each time the pacer waits for `canSend`. */
  readonly onBlocked?: () => void;
  /** Poll interval while blocked (default 10 ms). */
  readonly retryMs?: number;
  /** Each timed wake's lateness, ms (timer due → ran): the pacing send lag, for metrics. */
  readonly onLag?: (lateMs: number) => void;
  /**
   * Audio already committed to the listener but not sent yet (held in an encoder,
   * encoded ahead), ms: it counts against the lead (default none).
   */
  readonly reservedMs?: () => number;
  /**
   * What is reserved never brings the audio sent ahead below one chunk plus this, ms
   * (default 120; nor above `leadMs`): an encoder that holds more than the lead leaves
   * room for would otherwise make the line run dry by design. Then the listener gets
   * more than `leadMs` ahead, by at most what is reserved beyond it.
   */
  readonly minMarginMs?: number;
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
 * behind (one chunk when `leadMs` is shorter than a chunk: it goes out as the line runs
 * dry) — the bound on stale audio after a barge-in. `pull` returns the next chunk, or `undefined` when none is ready
 * (call `wake` when one is); zero-length chunks are skipped.
 */
export function createPacer(
  pull: () => AudioChunk | undefined,
  send: (chunk: AudioChunk) => void,
  options: PacerOptions = {},
): Pacer {
  const scheduler = options.scheduler ?? asyncScheduler;
  const leadMs = options.leadMs ?? 200;
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
  // long as the last, so it goes out only if it fits in the lead (less what is reserved,
  // but never less than the chunk and the minimum margin).
  const minMarginMs = options.minMarginMs ?? 120;
  let lastChunkMs = 0;
  const room = (): number =>
    Math.max(leadMs - (options.reservedMs?.() ?? 0), Math.min(leadMs, lastChunkMs + minMarginMs)) -
    clock.bufferedMs() -
    lastChunkMs;

  function wake(): void {
    if (stopped) return;
    while (room() >= 0 || clock.bufferedMs() <= 0) {
      if (options.canSend && !options.canSend()) {
        options.onBlocked?.();
        schedule(retryMs);
        return;
      }
      const chunk = pull();
      if (!chunk) return;
      if (chunk.durationMs <= 0) continue;
      send(chunk);
      clock.commit(chunk.durationMs);
      lastChunkMs = chunk.durationMs;
    }
    schedule(Math.min(-room(), clock.bufferedMs()));
  }

  return {
    clock,
    wake,
    stop() {
      stopped = true;
      timer?.unsubscribe();
      timer = undefined;
    },
  };
}
