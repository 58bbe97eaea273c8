import type { PsrChannel } from '@psrkit/protocol';
import type { CalleeBehaviour } from './callee-behaviour.js';
import { SimulatorError } from './errors.js';

/**
 * Who ended a call: `bot` (its `hangup` or `transfer`), `server` (the bot's server closed
 * the socket, or refused it), `callee` (hung up, or a voicemail or dead line reached
 * `maxMs`), `network` (an announcement ended, or nobody answered), `emulator` (it was
 * closed while the call rang or ran).
 */
export type CallCloser = 'bot' | 'server' | 'callee' | 'network' | 'emulator';

/** Fields of every {@link CallLogEntry}. */
export interface CallLogBase {
  /** The create-stream request's number, from 1, in the order they were answered; its call's entries share it. */
  readonly seq: number;
  /** When, ms since the Unix epoch. */
  readonly at: number;
  /** Calls in progress (ringing or connected) after this entry. */
  readonly live: number;
  /** Calls whose WebSocket is open, after this entry. */
  readonly connected: number;
}

/**
 * One line of the emulator's witness log (`api.log`, `psr-sim serve-api --log`), as it
 * happened: a create-stream request and its answer, a call's WebSocket opening, a call's
 * end. A call's entries share `seq` and `callId`.
 */
export type CallLogEntry =
  | (CallLogBase & {
      readonly event: 'request';
      /** HTTP status of the answer: 200 when a call was placed. */
      readonly status: number;
      /** PSR's `code` in the answer (`OK`, `INVALID_REQUEST`, `UNAUTHORIZED`, …). */
      readonly code: string;
      /** PSR's `message`. */
      readonly message: string;
      /** The call placed (status 200 only). */
      readonly callId?: string;
      /** The number dialled (absent when the form could not be read, as for all four below). */
      readonly destination?: string;
      /** `bot` or `dial`. */
      readonly app?: 'dial' | 'bot';
      /** The channel layout asked for. */
      readonly channel?: PsrChannel;
      /** The bot's WebSocket URL. */
      readonly url?: string;
      /** The form's `parameter` (`{}` when none or unreadable). */
      readonly parameter: Readonly<Record<string, string>>;
      /** The callee rule that decided (`default` when none matched). */
      readonly rule?: string;
      /** That rule's behaviour. */
      readonly behaviour?: CalleeBehaviour['type'];
    })
  | (CallLogBase & {
      readonly event: 'open';
      /** The call whose WebSocket opened (the callee, voicemail or network answered). */
      readonly callId: string;
      /** Its number. */
      readonly destination: string;
    })
  | (CallLogBase & {
      readonly event: 'close';
      /** The call that ended. */
      readonly callId: string;
      /** Its number. */
      readonly destination: string;
      /** Whether the WebSocket ever opened. */
      readonly opened: boolean;
      /** Who ended it. */
      readonly by: CallCloser;
      /** In words: `callee hung up`, `announcement ended`, `no answer`, the bot's close reason, the connect error. */
      readonly reason: string;
      /** From the WebSocket's opening to its end, ms (opened calls only). */
      readonly durationMs?: number;
    });

/** An entry before the log stamps it. */
type Unstamped<E> = E extends CallLogEntry ? Omit<E, 'at' | 'live' | 'connected'> : never;

/** The log, the counts of calls at once and their peaks; the emulator reports to it. */
export class CallLog {
  /** Every entry so far. */
  readonly entries: CallLogEntry[] = [];
  #live = 0;
  #connected = 0;
  #peakLive = 0;
  #peakConnected = 0;
  #seq = 0;
  #closed = false;
  readonly #waiters = new Set<{
    match: (entry: CallLogEntry) => boolean;
    resolve: (entry: CallLogEntry) => void;
    reject: (error: Error) => void;
  }>();

  constructor(private readonly onEntry?: (entry: CallLogEntry) => void) {}

  /** Calls in progress (ringing or connected). */
  get live(): number {
    return this.#live;
  }
  /** Calls whose WebSocket is open. */
  get connected(): number {
    return this.#connected;
  }
  /** The most calls at once so far: in progress, and connected. */
  get peak(): { readonly live: number; readonly connected: number } {
    return { live: this.#peakLive, connected: this.#peakConnected };
  }

  /** The next request's number. */
  nextSeq(): number {
    return ++this.#seq;
  }

  /** Adds an entry; a placed call (status 200), an opening or an end moves the counts. */
  add(entry: Unstamped<CallLogEntry>): void {
    if (entry.event === 'request' && entry.status === 200) this.#live++;
    if (entry.event === 'open') this.#connected++;
    if (entry.event === 'close') {
      this.#live--;
      if (entry.opened) this.#connected--;
    }
    this.#peakLive = Math.max(this.#peakLive, this.#live);
    this.#peakConnected = Math.max(this.#peakConnected, this.#connected);
    const stamped = {
      ...entry,
      at: Date.now(),
      live: this.#live,
      connected: this.#connected,
    } as CallLogEntry;
    this.entries.push(stamped);
    this.onEntry?.(stamped);
    for (const waiter of this.#waiters)
      if (waiter.match(stamped)) {
        this.#waiters.delete(waiter);
        waiter.resolve(stamped);
      }
  }

  /** The first entry, logged or to come, that `match` accepts. */
  waitFor(match: (entry: CallLogEntry) => boolean): Promise<CallLogEntry> {
    const found = this.entries.find(match);
    if (found) return Promise.resolve(found);
    if (this.#closed) return Promise.reject(closedError());
    return new Promise((resolve, reject) => this.#waiters.add({ match, resolve, reject }));
  }

  /** No entry will come: every wait still pending fails with `EMULATOR_CLOSED`. */
  close(): void {
    this.#closed = true;
    for (const waiter of this.#waiters) waiter.reject(closedError());
    this.#waiters.clear();
  }
}

const closedError = () =>
  new SimulatorError('EMULATOR_CLOSED', 'the emulator closed before such an entry was logged', {
    path: 'waitFor',
  });
