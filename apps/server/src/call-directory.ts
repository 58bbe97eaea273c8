import type { PlayMode } from '@psrkit/pipeline';

/** One line of a call's event log. */
export interface CallLogEntry {
  /** Since the call was accepted, ms. */
  readonly atMs: number;
  /** What happened: `connected`, `action media`, `playback-interrupted`, `command say`… */
  readonly event: string;
  readonly detail?: string;
}

/**
 * Which call: PSR's `call_id` is unique within a tenant only, so a call is always named by
 * both (two tenants may use the same id at once).
 */
export interface CallRef {
  readonly tenant: string;
  readonly id: string;
}

/**
 * A call's one string: its tenant and id, each URI-encoded, joined by `/` — the key of every
 * map and Redis key, and the tail of its paths (`/calls/<tenant>/<id>`).
 */
export function callKey({ tenant, id }: CallRef): string {
  return `${encodeURIComponent(tenant)}/${encodeURIComponent(id)}`;
}

/** A call as the live calls page and `/api/calls` show it. */
export interface LiveCall extends CallRef {
  /** The process that holds the call. */
  readonly pid: number;
  /** The node that holds the call, with a directory shared by several nodes (Redis). */
  readonly node?: string;
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
  | { readonly type: 'gone'; readonly tenant: string; readonly id: string };

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
  /**
   * The holder's newer view of a call; `state: 'closed'` ends it (kept a while as ended). A
   * view older than the call listed under the same tenant and id (`startedAt`: a call that
   * was replaced) changes nothing.
   */
  update(call: LiveCall): void;
  /** Live calls, then recently ended ones (newest first). */
  list(): readonly LiveCall[];
  get(call: CallRef): LiveCall | undefined;
  /** Every change from now on; returns the way to stop. */
  watch(listener: (change: DirectoryChange) => void): () => void;
  /** Runs a command on the process that holds the call. */
  send(call: CallRef, command: CallCommand, by: string): Promise<CommandResult>;
  /** Stops; a directory shared over the network resolves once it has left it. */
  close(): void | Promise<void>;
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

  /**
   * Applies a change and tells the listeners; returns false for one that changes nothing: an
   * unknown call gone, or a view of a call older than the one listed under its tenant and id
   * (a call replaced by a newer one with the same id: its end must not end the newer one).
   */
  apply(change: DirectoryChange): boolean {
    if (change.type === 'gone') {
      const key = callKey(change);
      if (!this.live.delete(key) && !this.ended.delete(key)) return false;
    } else {
      const key = callKey(change.call);
      const listed = this.live.get(key) ?? this.ended.get(key);
      if (listed && listed.startedAt > change.call.startedAt) return false;
      this.live.delete(key);
      this.ended.delete(key); // re-inserted: newest last
      if (change.call.state === 'closed') this.ended.set(key, change.call);
      else this.live.set(key, change.call);
    }
    for (const listener of this.listeners) listener(change);
    if (change.type === 'call' && change.call.state === 'closed') this.prune();
    return true;
  }

  /** Drops ended calls past the retention (oldest first). */
  prune(): void {
    const cutoff = this.now() - this.retention.endedForMs;
    for (const call of this.ended.values()) {
      if (this.ended.size <= this.retention.maxEnded && (call.end?.at ?? 0) >= cutoff) break;
      this.apply({ type: 'gone', tenant: call.tenant, id: call.id });
    }
  }

  list(): LiveCall[] {
    return [...this.live.values(), ...[...this.ended.values()].reverse()];
  }

  get(call: CallRef): LiveCall | undefined {
    const key = callKey(call);
    return this.live.get(key) ?? this.ended.get(key);
  }

  watch(listener: (change: DirectoryChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  clear(): void {
    this.listeners.clear();
  }
}

/**
 * The calls a process holds, each with what runs commands on it. A call replaced by a newer
 * one with the same tenant and id (`--duplicate-call-id replace`) ends after the newer one
 * registered: its end forgets nothing of the newer one's.
 */
export class HeldCalls {
  private readonly held = new Map<string, { call: LiveCall; handler: CommandHandler }>();

  hold(call: LiveCall, handler: CommandHandler): void {
    this.held.set(callKey(call), { call, handler });
  }

  /** Forgets `call` if it is the one held under its tenant and id. */
  release(call: LiveCall): void {
    const key = callKey(call);
    if (this.held.get(key)?.call.startedAt === call.startedAt) this.held.delete(key);
  }

  handler(call: CallRef): CommandHandler | undefined {
    return this.held.get(callKey(call))?.handler;
  }

  /** Every held call, as it was registered. */
  calls(): LiveCall[] {
    return [...this.held.values()].map((entry) => entry.call);
  }

  clear(): void {
    this.held.clear();
  }
}

/** A call as messages and logs name it: `<id> (tenant <tenant>)`, each cut short. */
export function callName({ tenant, id }: CallRef): string {
  return `${id.slice(0, 80)} (tenant ${tenant.slice(0, 80)})`;
}

/** Why a command reached no call: unknown, or ended. */
export function noHolder(book: DirectoryBook, call: CallRef): CommandResult {
  return book.get(call)
    ? { ok: false, status: 409, error: `call ${callName(call)} has ended` }
    : { ok: false, status: 404, error: `no call ${callName(call)}` };
}

/** The directory of one process: the calls it holds, commands run in place. */
export function createLocalDirectory(retention?: Retention): CallDirectory {
  const book = new DirectoryBook(retention);
  const held = new HeldCalls();
  return {
    register(call, handler) {
      held.hold(call, handler);
      book.apply({ type: 'call', call });
    },
    update(call) {
      if (call.state === 'closed') held.release(call);
      book.apply({ type: 'call', call });
    },
    list: () => book.list(),
    get: (call) => book.get(call),
    watch: (listener) => book.watch(listener),
    async send(call, command, by) {
      const handler = held.handler(call);
      return handler ? handler(command, by) : noHolder(book, call);
    },
    close() {
      book.clear();
      held.clear();
    },
  };
}
