import type { Server } from 'node:http';
import type { AuthHook } from './auth.js';
import type { Bot } from './bot.js';
import type { CallStages } from './call-stages.js';
import type { Call, CallEnd, CallOptions } from './call-types.js';
import type { TransportLogger } from './logger.js';

/** Close code sent to a connection replaced by a newer one with the same `call_id`. */
export const CLOSE_REPLACED = 4001;

/** The server's defaults (what `createPsrServer` uses when an option is left out). */
export const SERVER_DEFAULTS = {
  heartbeatIntervalMs: 15_000,
  maxFrameBytes: 2 * 1024 * 1024,
  authTimeoutMs: 5000,
} as const;

/** Options of {@link createPsrServer}; only `bot` is required. */
export interface PsrServerOptions {
  /** Programs each call. */
  readonly bot: Bot;
  /** Attach to this HTTP server (so one port serves WebSocket, health and metrics). */
  readonly server?: Server;
  /** Without `server`: where `listen()` binds (default 8080 on 127.0.0.1). */
  readonly port?: number;
  /** Without `server`: the address `listen()` binds (default 127.0.0.1). */
  readonly host?: string;
  /** WebSocket path (default `/`). Other paths get 404 unless another upgrade handler exists. */
  readonly path?: string;
  /** Runs at the upgrade, before any call exists (see `tokenAuth`, `tenantAllowList`). */
  readonly authenticate?: AuthHook;
  /** A hook slower than this answers 503 (default 5000 ms). */
  readonly authTimeoutMs?: number;
  /** A second connection with a live `call_id`: refuse it (409, default) or replace the first. */
  readonly duplicateCallId?: 'reject' | 'replace';
  /**
   * Query parameters that carry credentials (default `['token']`): checked by
   * `authenticate`, then removed, so a bot never sees (or logs) them in `call.params`.
   */
  readonly secretParams?: readonly string[];
  /** Largest WebSocket frame, bytes; larger closes that call with 1009 (default 2 MiB). */
  readonly maxFrameBytes?: number;
  /** Ping every this many ms (default 15 000; 0 turns the heartbeat off). */
  readonly heartbeatIntervalMs?: number;
  /** End a call not heard from (frame or pong) for this long (default 2 × interval). */
  readonly heartbeatTimeoutMs?: number;
  /** Per-call settings: playout, framing, backpressure, bot error policy. */
  readonly call?: CallOptions;
  /**
   * Stage plugins every call runs: `inbound` on the caller's audio, `outbound` on what the
   * bot says (the same as `call.stages`; both given, these come first).
   */
  readonly stages?: CallStages;
  /**
   * Prepare each call's next chunk on the server's work queue right after a send (default
   * true; see the pipeline's `prepareAhead`, and `call.playout.encodeAhead`).
   */
  readonly prepareAhead?: boolean;
  /** Default: JSON lines on stderr, warnings and up. pino fits. */
  readonly logger?: TransportLogger;
}

/** An upgrade the server refused, before any call existed. */
export interface UpgradeRejection {
  /** The HTTP status answered (400, 401, 403, 404, 409, 503…). */
  readonly status: number;
  /** Why, as sent in the answer's body. */
  readonly reason: string;
  /** The request target as sent (may hold a token: log with care). */
  readonly url: string;
  /** The peer's address, as the socket saw it. */
  readonly remoteAddress?: string;
  /** The `call_id` asked for, once the query parsed. */
  readonly callId?: string;
  /** The tenant asked for, once the query parsed. */
  readonly tenant?: string;
}

/** The server's typed event map. */
export interface PsrServerEvents {
  /** A call was accepted; its bot runs next. */
  'call-open': [call: Call];
  /** A call ended, and how. */
  'call-closed': [call: Call, end: CallEnd];
  /** An upgrade was refused before any call existed. */
  'upgrade-rejected': [rejection: UpgradeRejection];
}
