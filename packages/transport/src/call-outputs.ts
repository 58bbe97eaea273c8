import type { AudioFrame } from '@psrkit/pipeline';
import { Subject } from 'rxjs';
import type { CallEnd, CallEvent, SentAction } from './call-types.js';
import { TransportError } from './errors.js';

/**
 * What a call gives its bot over time: its events, the caller's audio, the actions sent,
 * the signal aborted and the promise resolved when it ends. A class: the streams are its
 * fields, and `finish` is the one way they all end, in order.
 */
export class CallOutputs {
  readonly events = new Subject<CallEvent>();
  readonly audio = new Subject<AudioFrame>();
  readonly sent = new Subject<SentAction>();
  readonly abort = new AbortController();
  readonly closed: Promise<CallEnd>;
  private resolveClosed: (end: CallEnd) => void = () => undefined;

  constructor(private readonly callId: string) {
    this.closed = new Promise<CallEnd>((resolve) => {
      this.resolveClosed = resolve;
    });
  }

  /** The call ended: `call-closed` is the last event, the streams complete, the signal aborts, `closed` resolves. */
  finish(outcome: CallEnd): void {
    this.events.next({ type: 'call-closed', ...outcome });
    this.audio.complete();
    this.events.complete();
    this.sent.complete();
    this.abort.abort(
      new TransportError('CALL_CLOSED', `call ended: ${outcome.reason}`, { callId: this.callId }),
    );
    this.resolveClosed(outcome);
  }
}
