import { performance } from 'node:perf_hooks';
import type { EmulatedLine } from '@psrkit/line';
import type { CallSide } from '@psrkit/pipeline';
import { PSR_SAMPLE_RATE, type PsrChannel } from '@psrkit/protocol';
import type { PsrClient } from '@psrkit/transport/client';
import type { CallEndRecord } from './call-report.js';
import { callerPiece } from './caller-track.js';

const RATE = PSR_SAMPLE_RATE / 1000; // samples per ms

/** The call's clock: ms since the socket opened (0 before), run `speed` times real time. */
export class CallClock {
  private t0: number | undefined;

  constructor(readonly speed: number) {}

  /** The socket opened: the call's time starts now. */
  start(): void {
    this.t0 = performance.now();
  }

  /** Ms of call time so far; actions racing the open are at 0. */
  nowMs(): number {
    return this.t0 === undefined ? 0 : (performance.now() - this.t0) * this.speed;
  }
}

/** The caller's audio, as the emulated PSR sends it. */
export interface CallerTrack {
  /** The caller's voice, mono, 8 kHz. */
  readonly caller: Int16Array;
  readonly channel: PsrChannel;
  readonly side: CallSide;
  /** Samples per `media` event. */
  readonly pieceSamples: number;
  /** Samples to send in all: the caller's audio and the tail after it. */
  readonly totalSamples: number;
  /** Low line noise for the tail, instead of digital silence. */
  readonly tail: Int16Array | undefined;
}

/**
 * The emulated PSR's side of a call. `sending`: the caller's audio goes out piece by piece
 * on the call's clock, with the timer of the next piece. `ended`: how the call ended.
 */
export type CallerState =
  | { readonly phase: 'sending'; readonly sent: number; readonly timer?: NodeJS.Timeout }
  | { readonly phase: 'ended'; readonly end: CallEndRecord };

/**
 * Sends the caller's audio in real time (or `speed` times it) and ends the call once, as
 * PSR does: `closed`, then the socket closes. A class: the phase is its state, moved by
 * the pacing timer and by whoever ends the call (the caller, the bot, the server).
 */
export class EmulatedCaller {
  private state: CallerState = { phase: 'sending', sent: 0 };
  /** Resolves once with how the call ended. */
  readonly ended: Promise<CallEndRecord>;
  private resolveEnded: (end: CallEndRecord) => void = () => undefined;

  constructor(
    private readonly client: PsrClient,
    private readonly line: EmulatedLine,
    private readonly track: CallerTrack,
    private readonly clock: CallClock,
  ) {
    this.ended = new Promise((resolve) => {
      this.resolveEnded = resolve;
    });
  }

  /** Sends the pieces due by now, then sets a timer for the next; hangs up after the last. */
  sendDue(): void {
    if (this.state.phase === 'ended') return;
    const { caller, channel, side, pieceSamples, totalSamples, tail } = this.track;
    let sent = this.state.sent;
    while (sent < totalSamples && (sent + pieceSamples) / RATE <= this.clock.nowMs()) {
      const piece = callerPiece(caller, this.line, { channel, side }, sent, pieceSamples, tail);
      this.client.sendMedia(piece);
      sent += pieceSamples;
    }
    if (sent >= totalSamples) {
      this.state = { phase: 'sending', sent };
      this.finish('caller', 1000, 'caller hung up');
      return;
    }
    const waitMs = ((sent + pieceSamples) / RATE - this.clock.nowMs()) / this.clock.speed;
    const timer = setTimeout(() => this.sendDue(), Math.max(0, waitMs));
    this.state = { phase: 'sending', sent, timer };
  }

  /** Ends the call once: PSR sends `closed` and closes the socket (unless the server closed it). */
  finish(by: CallEndRecord['by'], code: number, reason: string): void {
    if (this.state.phase === 'ended') return;
    clearTimeout(this.state.timer);
    const end: CallEndRecord = { atMs: this.clock.nowMs(), by, code, reason };
    this.state = { phase: 'ended', end };
    if (by !== 'server') {
      this.client.sendClosed();
      void this.client.close(1000, reason);
    }
    this.resolveEnded(end);
  }
}
