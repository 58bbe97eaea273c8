import { hangupAction, type PsrAction, transferAction } from '@psrkit/protocol';
import type { SchedulerLike, Unsubscribable } from 'rxjs';
import type { BotErrorPolicy, CallEndReason, CallEvent, SendResult } from './call-types.js';
import { TransportError } from './errors.js';
import type { TransportLogger } from './logger.js';

/**
 * Where a call is in its life: open; ending after our hangup or transfer, with the timer
 * that closes it if PSR does not; closed.
 */
export type CallPhase =
  | { readonly phase: 'open' }
  | {
      readonly phase: 'ending';
      readonly as: 'hangup' | 'transfer';
      readonly timer: Unsubscribable;
    }
  | { readonly phase: 'closed' };

/** How an end is carried out: the close code and reason, or a drop with no close frame. */
export interface EndDetails {
  readonly code?: number;
  readonly detail?: string;
  readonly terminate?: boolean;
}

/** What a call's ending reports to, and acts through. */
export interface CallEndingPorts {
  readonly callId: string;
  readonly scheduler: SchedulerLike;
  /** After a hangup or transfer, how long PSR has to close before the call closes itself. */
  readonly endingTimeoutMs: number;
  readonly logger: TransportLogger;
  readonly emit: (event: CallEvent) => void;
  /** Stops playout: the call leaves `open` (with the bot's failure, when that is why). */
  readonly stopPlayout: (error?: Error) => void;
  /** Sends the hangup or transfer. */
  readonly send: (action: PsrAction) => boolean;
  /** The call is over: close everything, with the reason it ended for. */
  readonly close: (reason: CallEndReason, details: EndDetails, failure: Error | undefined) => void;
}

/**
 * A call's ending: the phase (`open` → `ending` → `closed`), the bot's failure and the
 * timer that closes a call PSR left open after our hangup or transfer. A class: three
 * entry points (end, finish, fail) move one phase, and each is a method over it.
 */
export class CallEnding {
  private phase: CallPhase = { phase: 'open' };
  private failure: Error | undefined;

  constructor(private readonly ports: CallEndingPorts) {}

  /** `open`, `ending` or `closed`: the call's `state`. */
  get state(): CallPhase['phase'] {
    return this.phase.phase;
  }

  /** Ends the call once; PSR's or the socket's close while ending counts as the hangup or transfer. */
  end(reason: CallEndReason, details: EndDetails = {}): void {
    const phase = this.phase;
    if (phase.phase === 'closed') return;
    this.phase = { phase: 'closed' };
    const ending = phase.phase === 'ending' ? phase : undefined;
    ending?.timer.unsubscribe();
    const final =
      ending && (reason === 'psr-closed' || reason === 'socket-closed') ? ending.as : reason;
    this.ports.close(final, details, this.failure);
  }

  /** Stops playout and sends a hangup or transfer; the call waits for PSR to close it. */
  finish(action: PsrAction & { type: 'hangup' | 'transfer' }, error?: Error): SendResult {
    const { callId, logger, scheduler } = this.ports;
    if (this.phase.phase !== 'open') {
      return {
        sent: false,
        error: new TransportError(
          'CALL_CLOSED',
          `cannot ${action.type}: the call is ${this.phase.phase}`,
          { callId },
        ),
      };
    }
    this.ports.stopPlayout(error);
    const timer = scheduler.schedule(
      () => this.end(action.type, { detail: `PSR did not close after ${action.type}` }),
      this.ports.endingTimeoutMs,
    );
    this.phase = { phase: 'ending', as: action.type, timer };
    this.ports.send(action);
    logger.info(action.type === 'transfer' ? { extension: action.extension } : {}, action.type);
    return { sent: true };
  }

  /** The bot failed: reported, kept for the call's end, and `policy` applied if still open. */
  fail(error: unknown, policy: BotErrorPolicy): void {
    if (this.phase.phase === 'closed') return;
    const failure =
      error instanceof Error
        ? error
        : new TransportError('BOT_FAILED', `the bot failed: ${String(error)}`, {
            callId: this.ports.callId,
          });
    this.failure = failure;
    this.ports.logger.error({ err: failure, policy: policy.action }, 'bot failed');
    this.ports.emit({ type: 'bot-failed', error: failure });
    if (this.phase.phase === 'open')
      this.finish(
        policy.action === 'transfer' ? transferAction(policy.extension) : hangupAction(),
        failure,
      );
  }
}
