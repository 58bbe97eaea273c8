import type { SchedulerLike, Subscription } from 'rxjs';
import type { Continuation } from './chunk-source.js';
import type { PlayoutClock } from './playout-clock.js';
import type {
  InterruptReason,
  PlaybackEvent,
  PlaybackOutcome,
  PlayoutLineOptions,
  PlayoutSink,
} from './playout-types.js';

/** What an item may ask of, and report to, the line that holds it. It never changes the line itself. */
export interface LineContext {
  readonly sink: PlayoutSink;
  readonly scheduler: SchedulerLike;
  readonly options: PlayoutLineOptions;
  /** A playback mark of one of its items. */
  emit(event: PlaybackEvent): void;
  /** The item has ended (exactly once); `staleUntil`: until when the audio it sent still plays. */
  ended(item: LineItem, outcome: PlaybackOutcome, staleUntil?: number): void;
  /** The item has sent everything; its audio plays until `busyUntil`. */
  drained(item: LineItem, busyUntil: number): void;
  /** At its source's end: the stream queued right after `item` that goes on with its encoder, if any. */
  continuationOf(item: LineItem): LineItem | undefined;
  /** True while the line is paused: a stream that starts now starts paused. */
  paused(): boolean;
}

/** A file or a stream on the line. */
export interface LineItem {
  readonly id: string;
  readonly kind: 'file' | 'stream';
  readonly playedMs: () => number;
  /** Starts it; `afterMs`: the line plays earlier audio until then. Idempotent. */
  start(afterMs?: number): void;
  /** Stops it; `successor`: the item taking over, if any. Idempotent. */
  stop(reason: InterruptReason, error?: Error, successor?: LineItem): void;
  /** Streams: true while it can still go on with the previous stream's encoder. */
  readonly takesContinuation?: () => boolean;
  /** Streams: stops sending at a chunk boundary, keeping everything not sent. Idempotent. */
  pause?(): void;
  /** Streams: goes on sending from where `pause` stopped. Idempotent. */
  resume?(): void;
  /** Streams: goes on with the previous stream's encoder and unencoded tail. */
  adopt?(continuation: Continuation): void;
  /**
   * Streams: subscribes to the source now and keeps what it gives until `start`, so a
   * stream queued next is ready (synthesised) when the line reaches it. Idempotent.
   */
  prefetch?(): void;
}

/**
 * The marks every item sends: `playback-start` once, `playback-progress` while it plays,
 * and its outcome exactly once, through the line.
 */
export function playbackMarks(
  line: LineContext,
  item: () => LineItem,
  kind: 'file' | 'stream',
  clock: PlayoutClock,
) {
  let progress: Subscription | undefined;
  let started = false;
  let ended = false;
  const interval = line.options.progressIntervalMs ?? 250;
  return {
    get ended() {
      return ended;
    },
    get started() {
      return started;
    },
    start(): void {
      if (started || ended) return;
      started = true;
      const id = item().id;
      line.emit({ type: 'playback-start', id, kind });
      if (interval > 0) {
        progress = line.scheduler.schedule(function tick() {
          line.emit({ type: 'playback-progress', id, playedMs: clock.playedMs() });
          this.schedule(undefined, interval);
        }, interval);
      }
    },
    finish(outcome: PlaybackOutcome, staleUntil?: number): void {
      if (ended) return;
      ended = true;
      progress?.unsubscribe();
      line.ended(item(), outcome, staleUntil);
    },
  };
}

/** An `Error` for what a source or a stage threw. */
export const asError = (error: unknown, fallback: () => Error): Error =>
  error instanceof Error ? error : fallback();
