import type { PlayoutTiming } from './playout-types.js';

/**
 * The first-chunk latency of a stream that starts on an idle line: from its first PCM
 * piece, and from the piece that completed the chunk (the wait for audio excluded), to
 * the first chunk's send. Measured once, and only when someone listens (`report`).
 */
export class FirstChunkTiming {
  /** Whether this stream is measured: it started on an idle line, and a listener is set. */
  private armed = false;
  private firstPcmAt: number | undefined;
  private pushedAt: number | undefined;

  constructor(
    private readonly id: string,
    private readonly report: ((timing: PlayoutTiming) => void) | undefined,
    private readonly now: () => number,
  ) {}

  /** The stream started: measured only when it starts on an idle line (nothing to wait for). */
  arm(onIdleLine: boolean): void {
    this.armed = this.report !== undefined && onIdleLine;
  }

  /** A source piece came; `sending`: the stream's audio has already started going out. */
  piece(sending: boolean): void {
    this.pushedAt = this.now();
    if (this.armed && !sending) this.firstPcmAt ??= this.pushedAt;
  }

  /** The source ended: the last chunks are made from here. */
  sourceEnded(): void {
    this.pushedAt = this.now();
  }

  /** A chunk went out: the first one is reported. */
  sent(): void {
    if (this.firstPcmAt === undefined || this.pushedAt === undefined) return;
    const now = this.now();
    this.report?.({
      type: 'first-chunk',
      id: this.id,
      sinceFirstPcmMs: now - this.firstPcmAt,
      processingMs: now - this.pushedAt,
    });
    this.firstPcmAt = undefined;
  }
}
