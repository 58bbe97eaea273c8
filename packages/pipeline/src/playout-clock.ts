/**
 * The server's model of what PSR has played. PSR reports no playback progress, so the
 * clock assumes audio plays in real time from the moment it is sent, and that PSR
 * waits (plays silence) when it runs dry. Drift-free: with no underrun, the playout end
 * is the first send time plus the sum of the durations sent, whatever the timers did.
 */
export class PlayoutClock {
  private readonly now: () => number;
  private playoutEnd: number | undefined;
  private sent = 0;
  private gaps = 0;
  private gapMs = 0;
  /** When the first audio was sent, in the clock's time base (ms). */
  startedAt: number | undefined;

  /** @param now - the current time in ms (`scheduler.now` in RxJS code) */
  constructor(now: () => number) {
    this.now = now;
  }

  /** Records `durationMs` of audio sent now. */
  commit(durationMs: number): void {
    const now = this.now();
    this.startedAt ??= now;
    if (this.playoutEnd !== undefined && now > this.playoutEnd) {
      this.gaps++;
      this.gapMs += now - this.playoutEnd;
    }
    this.playoutEnd = Math.max(this.playoutEnd ?? now, now) + durationMs;
    this.sent += durationMs;
  }

  /**
   * The line is busy with earlier audio until `atMs` (the clock's time base): audio
   * committed from now on plays after it, and counts against the lead from now.
   */
  continueAfter(atMs: number): void {
    this.playoutEnd = Math.max(this.playoutEnd ?? atMs, atMs);
  }

  /** Audio sent but not yet played: what an interruption now would leave behind. */
  bufferedMs(): number {
    return this.playoutEnd === undefined ? 0 : Math.max(0, this.playoutEnd - this.now());
  }

  /** Audio the listener has heard so far. */
  playedMs(): number {
    return Math.max(0, this.sent - this.bufferedMs());
  }

  /** Audio sent so far. */
  get sentMs(): number {
    return this.sent;
  }

  /** How often, and for how long in all, the listener ran dry after audio had started. */
  get underruns(): { count: number; totalMs: number } {
    return { count: this.gaps, totalMs: this.gapMs };
  }
}
