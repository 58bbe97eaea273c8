import type { PlayMode } from '@psrkit/pipeline';

/** One line of a call's event log. */
export interface CallLogEntry {
  /** Since the call was accepted, ms. */
  readonly atMs: number;
  /** What happened: `connected`, `action media`, `playback-interrupted`, `command say`… */
  readonly event: string;
  readonly detail?: string;
}

/** A call as the live calls page and `/api/calls` show it. */
export interface LiveCall {
  readonly id: string;
  readonly tenant: string;
  /** The process that holds the call. */
  readonly pid: number;
  /** Epoch ms when the call was accepted. */
  readonly startedAt: number;
  readonly state: 'open' | 'ending' | 'closed';
  /** Bot audio is playing or queued. */
  readonly botSpeaking: boolean;
  /** The remote party's level over the last 200 ms, dBFS (−100 for silence); null before any audio. */
  readonly callerLevelDbfs: number | null;
  readonly framesIn: number;
  readonly actionsSent: number;
  /** The last events, oldest first (at most {@link CALL_LOG_LENGTH}). */
  readonly log: readonly CallLogEntry[];
  readonly end?: { readonly reason: string; readonly durationMs: number; readonly at: number };
  /** The call's recording file name, once it is on disk (recordings on). */
  readonly recording?: string;
  /** The campaign that placed the call (its `campaign_id` and `attempt_id` parameters). */
  readonly campaign?: { readonly id: string; readonly attemptId?: string };
  /** Who answered, once the bot recorded it (its `answered_by`, `answered_by_kind` result fields). */
  readonly answeredBy?: { readonly kind: string; readonly announcement?: string };
}

export const CALL_LOG_LENGTH = 50;

/** How many of a call's last events a list carries. */
const LIST_EVENTS = 3;

/** A call as lists show it: its last events instead of its whole log. */
export function listedCall({ log, ...call }: LiveCall): Omit<LiveCall, 'log'> & {
  readonly lastEvents: readonly CallLogEntry[];
} {
  return { ...call, lastEvents: log.slice(-LIST_EVENTS) };
}

/** What an operator can ask of a live call. */
export type CallCommand =
  | { readonly type: 'hangup' }
  | { readonly type: 'transfer'; readonly extension: string }
  | {
      readonly type: 'say';
      readonly text: string;
      readonly mode: PlayMode;
      /** One of the TTS's voices (default: its own default). */
      readonly voice?: string;
    };

/** How a command went: done, or why not, with the HTTP status that says so. */
export type CommandResult =
  | { readonly ok: true; readonly detail: string }
  | { readonly ok: false; readonly status: 400 | 404 | 409 | 503; readonly error: string };

/** A change to the directory: a call appeared or changed, or was forgotten. */
export type DirectoryChange =
  | { readonly type: 'call'; readonly call: LiveCall }
  | { readonly type: 'gone'; readonly id: string };

/** Runs a command on a call this process holds; `by` says who asked (for the log). */
export type CommandHandler = (command: CallCommand, by: string) => Promise<CommandResult>;

/**
 * The live calls of a deployment and the way to reach the process that holds one. The
 * pages and the control API see only this: in one process it is
 * {@link createLocalDirectory}; across `--workers` the primary keeps the list and routes
 * commands (`cluster-directory.ts`); a directory shared by many nodes (Redis) is another
 * implementation of the same five operations.
 */
export interface CallDirectory {
  /** The holder of a call announces it, with what runs commands on it. */
  register(call: LiveCall, handler: CommandHandler): void;
  /** The holder's newer view of a call; `state: 'closed'` ends it (kept a while as ended). */
  update(call: LiveCall): void;
  /** Live calls, then recently ended ones (newest first). */
  list(): readonly LiveCall[];
  get(id: string): LiveCall | undefined;
  /** Every change from now on; returns the way to stop. */
  watch(listener: (change: DirectoryChange) => void): () => void;
  /** Runs a command on the process that holds the call. */
  send(id: string, command: CallCommand, by: string): Promise<CommandResult>;
  close(): void;
}

/** How many ended calls are kept, and for how long. */
export interface Retention {
  readonly maxEnded: number;
  readonly endedForMs: number;
}
export const DEFAULT_RETENTION: Retention = { maxEnded: 200, endedForMs: 30 * 60_000 };

/**
 * The list itself, the same wherever it lives: live calls by id, ended ones kept for a
 * while (bounded), and the listeners told of every change.
 */
export class DirectoryBook {
  private readonly live = new Map<string, LiveCall>();
  private readonly ended = new Map<string, LiveCall>();
  private readonly listeners = new Set<(change: DirectoryChange) => void>();

  constructor(
    private readonly retention: Retention = DEFAULT_RETENTION,
    private readonly now: () => number = Date.now,
  ) {}

  apply(change: DirectoryChange): void {
    if (change.type === 'gone') {
      if (!this.live.delete(change.id) && !this.ended.delete(change.id)) return;
    } else if (change.call.state === 'closed') {
      this.live.delete(change.call.id);
      this.ended.delete(change.call.id); // re-inserted: newest last
      this.ended.set(change.call.id, change.call);
    } else {
      this.ended.delete(change.call.id); // a call id that came back
      this.live.set(change.call.id, change.call);
    }
    for (const listener of this.listeners) listener(change);
    if (change.type === 'call' && change.call.state === 'closed') this.prune();
  }

  /** Drops ended calls past the retention (oldest first). */
  prune(): void {
    const cutoff = this.now() - this.retention.endedForMs;
    for (const [id, call] of this.ended) {
      if (this.ended.size <= this.retention.maxEnded && (call.end?.at ?? 0) >= cutoff) break;
      this.apply({ type: 'gone', id });
    }
  }

  list(): LiveCall[] {
    return [...this.live.values(), ...[...this.ended.values()].reverse()];
  }

  get(id: string): LiveCall | undefined {
    return this.live.get(id) ?? this.ended.get(id);
  }

  watch(listener: (change: DirectoryChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  clear(): void {
    this.listeners.clear();
  }
}

/** Why a command reached no call: unknown, or ended. */
export function noHolder(book: DirectoryBook, id: string): CommandResult {
  return book.get(id)
    ? { ok: false, status: 409, error: `call ${id} has ended` }
    : { ok: false, status: 404, error: `no call ${id}` };
}

/** The directory of one process: the calls it holds, commands run in place. */
export function createLocalDirectory(retention?: Retention): CallDirectory {
  const book = new DirectoryBook(retention);
  const handlers = new Map<string, CommandHandler>();
  return {
    register(call, handler) {
      handlers.set(call.id, handler);
      book.apply({ type: 'call', call });
    },
    update(call) {
      if (call.state === 'closed') handlers.delete(call.id);
      book.apply({ type: 'call', call });
    },
    list: () => book.list(),
    get: (id) => book.get(id),
    watch: (listener) => book.watch(listener),
    async send(id, command, by) {
      const handler = handlers.get(id);
      return handler ? handler(command, by) : noHolder(book, id);
    },
    close() {
      book.clear();
      handlers.clear();
    },
  };
}
