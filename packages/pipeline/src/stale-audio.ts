import type { SchedulerLike } from 'rxjs';
import type { PlayoutTiming } from './playout-types.js';

/**
 * What the caller still hears of the items a line stopped: PSR has no "clear", so audio
 * once sent plays. Keeps until when it plays (what starts next plays after it) and, while
 * an interruption stops items, the latest end of the audio they had sent, reported once
 * as the interruption's stale time. A class: `until` and the interruption under way are
 * its state; items ending and interruptions starting change it.
 */
export class StaleAudio {
  /** Until when the line still plays what an interrupted item had sent. */
  private until = Number.NEGATIVE_INFINITY;
  /** While an interruption is stopping items: the latest end of the audio they had sent. */
  private cutting: { staleUntil: number | undefined } | undefined;

  constructor(
    private readonly scheduler: SchedulerLike,
    private readonly onTiming: ((timing: PlayoutTiming) => void) | undefined,
  ) {}

  /** An item ended; `staleUntil`: until when the audio it sent still plays, if it sent any. */
  ended(staleUntil: number | undefined): void {
    if (staleUntil === undefined) return;
    this.until = Math.max(this.until, staleUntil);
    if (this.cutting) this.cutting.staleUntil = Math.max(this.cutting.staleUntil ?? 0, staleUntil);
  }

  /** When the next item may start: after the stale audio while it still plays, else now (`undefined`). */
  startAfter(): number | undefined {
    return this.until > this.scheduler.now() ? this.until : undefined;
  }

  /** Stops items (`stop`) as one interruption of `id`, and reports what the caller still hears of it. */
  cut(id: string | undefined, stop: () => void): void {
    const startedAt = this.scheduler.now();
    const outer = this.cutting;
    const cut: { staleUntil: number | undefined } = { staleUntil: undefined };
    this.cutting = cut;
    try {
      stop();
    } finally {
      this.cutting = outer;
    }
    if (cut.staleUntil === undefined || id === undefined) return;
    const now = this.scheduler.now();
    this.onTiming?.({
      type: 'interrupt',
      id,
      stopMs: now - startedAt,
      staleMs: Math.max(0, cut.staleUntil - now),
    });
  }
}
