import type { PlayoutSink } from '@psrkit/pipeline';
import { encodeAction, type PsrAction } from '@psrkit/protocol';
import type { StatsUpdate } from './call-stats.js';
import type { CallEvent } from './call-types.js';
import type { PsrConnection } from './connection.js';
import type { TransportLogger } from './logger.js';

/** What a call's sink writes to and reports to. */
export interface CallSinkPorts {
  readonly connection: PsrConnection;
  /** Unsent bytes above which playout waits. */
  readonly highWaterMark: number;
  /** Unsent bytes above which the peer has stopped reading: `overflow` is reported. */
  readonly maxBufferedBytes: number;
  readonly logger: TransportLogger;
  /** Counts a change in the call's stats (and the server's totals). */
  readonly count: (update: StatsUpdate) => void;
  readonly emit: (event: CallEvent) => void;
  /** True once the call has closed: nothing goes out from then on. */
  readonly closed: () => boolean;
  /** An action went onto the socket. */
  readonly sent: (action: PsrAction) => void;
  /** The peer stopped reading: the unsent bytes passed `maxBufferedBytes`. */
  readonly overflow: () => void;
}

/**
 * The playout line's way out to PSR: encodes each action onto the socket, counts it, and
 * watches the socket's buffer, for backpressure (`writable`, `blocked`) and for a peer
 * that stopped reading. A class: its one piece of state, whether playout is waiting on a
 * full buffer, is shared by the three methods the line calls.
 */
export class CallSink implements PlayoutSink {
  /** In a backpressure episode: reported once, until an action goes out again. */
  private waiting = false;

  constructor(private readonly ports: CallSinkPorts) {}

  send(action: PsrAction): boolean {
    const { connection, logger, maxBufferedBytes } = this.ports;
    if (this.ports.closed()) return false;
    const text = encodeAction(action);
    if (!connection.send(text)) return false;
    this.waiting = false;
    this.ports.count((s) => {
      s.actionsSent[action.type]++;
      s.bytesOut += text.length;
    });
    this.ports.sent(action);
    if (connection.bufferedAmount > maxBufferedBytes) {
      logger.warn(
        { bufferedAmount: connection.bufferedAmount, maxBufferedBytes },
        'the peer stopped reading: ending the call',
      );
      this.ports.overflow();
    }
    return true;
  }

  writable(): boolean {
    return this.ports.connection.bufferedAmount < this.ports.highWaterMark;
  }

  /** Playout waited on a full buffer: counted each time, reported once per episode. */
  blocked(): void {
    const { connection } = this.ports;
    this.ports.count((s) => s.backpressureWaits++);
    if (this.waiting) return;
    this.waiting = true;
    this.ports.logger.warn(
      { bufferedAmount: connection.bufferedAmount },
      'send buffer full: playout waits',
    );
    this.ports.emit({ type: 'backpressure-start', bufferedAmount: connection.bufferedAmount });
  }
}
