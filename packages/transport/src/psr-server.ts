import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import {
  createSharedTimerScheduler,
  createWorkQueue,
  type SharedTimerScheduler,
  type WorkQueue,
} from '@psrkit/pipeline';
import type { ConnectionQuery } from '@psrkit/protocol';
import { WebSocketServer } from 'ws';
import { asCall, routeRxjsErrorsToCalls, runBot } from './bot.js';
import { createCall } from './call.js';
import { type CallStats, createCallStats } from './call-stats.js';
import type { Call, CallController, CallOptions } from './call-types.js';
import { checkOption, TransportError } from './errors.js';
import { logText } from './log-text.js';
import { consoleLogger, type TransportLogger } from './logger.js';
import {
  CLOSE_REPLACED,
  type PsrServerEvents,
  type PsrServerOptions,
  SERVER_DEFAULTS,
  type UpgradeRejection,
} from './psr-server-types.js';
import { checkUpgrade, refuseUpgrade, withoutSecrets } from './upgrade-checks.js';
import { WsConnection } from './ws-connection.js';

/**
 * The WebSocket server PSR connects to. Each accepted connection becomes a {@link Call}
 * handed to the bot.
 *
 * @example
 * ```ts
 * const server = createPsrServer({ bot: (call) => void call.play(greeting), port: 8080 });
 * await server.listen();
 * ```
 */
export function createPsrServer(options: PsrServerOptions): PsrServer {
  return new PsrServer(options);
}

/** The server itself (see {@link createPsrServer}); emits {@link PsrServerEvents}. */
export class PsrServer extends EventEmitter<PsrServerEvents> {
  /** Totals over every call since the start. */
  readonly totals: CallStats = createCallStats();
  /**
   * One timer for every call's pacing and playback marks (unless `call.scheduler` is
   * given): its `wakes` against its `runs` show how many sends each wake served.
   */
  readonly timers: SharedTimerScheduler = createSharedTimerScheduler();
  /**
   * Where every call's next chunk is prepared (resampled, encoded) right after a send,
   * in time slices between timers and I/O (unless `call.playout.prepareAhead` is given).
   */
  readonly work: WorkQueue = createWorkQueue();
  private readonly http: Server;
  private readonly ownsHttp: boolean;
  private readonly wss: WebSocketServer;
  private readonly logger: TransportLogger;
  /** Live calls by `liveKey` (tenant and call id). */
  private readonly live = new Map<string, { controller: CallController; ws: WsConnection }>();
  /** Upgrades under way, by `liveKey`. */
  private readonly pending = new Set<string>();
  private readonly path: string;
  private readonly authTimeoutMs: number;
  private readonly heartbeatTimeoutMs: number;
  private readonly heartbeat: NodeJS.Timeout | undefined;
  private accepting = true;
  /** `call`, with the server's `stages` before the call's own. */
  private readonly callOptions: CallOptions | undefined;

  constructor(private readonly options: PsrServerOptions) {
    super();
    this.logger = options.logger ?? consoleLogger();
    const { stages } = options;
    this.callOptions = stages
      ? {
          ...options.call,
          stages: {
            inbound: [...(stages.inbound ?? []), ...(options.call?.stages?.inbound ?? [])],
            outbound: [...(stages.outbound ?? []), ...(options.call?.stages?.outbound ?? [])],
          },
        }
      : options.call;
    this.path = options.path ?? '/';
    if (!this.path.startsWith('/'))
      throw new TransportError('INVALID_OPTION', 'server.path: must start with /', {
        path: 'server.path',
      });
    this.authTimeoutMs = checkOption(
      options.authTimeoutMs ?? SERVER_DEFAULTS.authTimeoutMs,
      'server.authTimeoutMs',
      1,
      600_000,
    );
    const interval = checkOption(
      options.heartbeatIntervalMs ?? SERVER_DEFAULTS.heartbeatIntervalMs,
      'server.heartbeatIntervalMs',
      0,
      3_600_000,
    );
    this.heartbeatTimeoutMs = checkOption(
      options.heartbeatTimeoutMs ?? interval * 2,
      'server.heartbeatTimeoutMs',
      0,
      7_200_000,
    );
    const maxFrameBytes = checkOption(
      options.maxFrameBytes ?? SERVER_DEFAULTS.maxFrameBytes,
      'server.maxFrameBytes',
      1024,
      1 << 30,
    );
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: maxFrameBytes,
      // Checked per frame by the connection: bad UTF-8 is a refused frame, not a closed call.
      skipUTF8Validation: true,
    });
    this.ownsHttp = !options.server;
    this.http =
      options.server ??
      createServer((_request, response) => {
        response.writeHead(426, { 'content-type': 'text/plain' }).end('Upgrade Required\n');
      });
    this.http.on('upgrade', this.onUpgrade);
    routeRxjsErrorsToCalls();
    // One timer for every call's heartbeat.
    if (interval > 0) {
      this.heartbeat = setInterval(() => this.sweep(), interval);
      this.heartbeat.unref();
    }
  }

  /** The live calls. */
  get calls(): readonly Call[] {
    return [...this.live.values()].map((entry) => entry.controller.call);
  }

  /**
   * A live call by `call_id`, within `tenant` when given (one `call_id` may be live for
   * two tenants at once: each tenant has its own calls).
   */
  getCall(callId: string, tenant?: string): Call | undefined {
    if (tenant !== undefined) return this.live.get(liveKey({ callId, tenant }))?.controller.call;
    return this.calls.find((call) => call.id === callId);
  }

  /** Number of live calls. */
  get activeCalls(): number {
    return this.live.size;
  }

  /** False once `stopAccepting` or `close` was called: new upgrades get 503. */
  get isAccepting(): boolean {
    return this.accepting;
  }

  /** The bound address, once listening. */
  get address(): AddressInfo | undefined {
    const address = this.http.address();
    return address && typeof address === 'object' ? address : undefined;
  }

  /** `ws://host:port/path` once listening. */
  get url(): string {
    const address = this.address;
    if (!address) throw new TransportError('INVALID_OPTION', 'the server is not listening');
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `ws://${host}:${address.port}${this.path}`;
  }

  /** Starts the server's own HTTP listener (not needed when attached to a `server`). */
  async listen(): Promise<AddressInfo> {
    if (!this.ownsHttp)
      throw new TransportError('INVALID_OPTION', 'attached to an existing server: listen on it');
    const port = checkOption(this.options.port ?? 8080, 'server.port', 0, 65_535);
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(port, this.options.host ?? '127.0.0.1', () => {
        this.http.off('error', reject);
        resolve();
      });
    });
    return this.address!;
  }

  /** Refuses new calls from now on (readiness goes false); live calls go on. */
  stopAccepting(): void {
    this.accepting = false;
  }

  /**
   * Stops accepting, lets live calls run up to `drainTimeoutMs` (default 0), ends the rest
   * (`shutdown`, close code 1001), and closes the listener when the server owns it.
   */
  async close(options: { drainTimeoutMs?: number } = {}): Promise<void> {
    this.stopAccepting();
    const drainMs = options.drainTimeoutMs ?? 0;
    if (this.live.size > 0 && drainMs > 0) {
      const calls = [...this.live.values()].map((entry) => entry.controller.call.closed);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.all(calls),
        new Promise((resolve) => {
          timer = setTimeout(resolve, drainMs);
        }),
      ]);
      clearTimeout(timer);
    }
    for (const { controller } of [...this.live.values()])
      controller.end('shutdown', { code: 1001, detail: 'server shutting down' });
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.http.off('upgrade', this.onUpgrade);
    this.wss.close();
    if (this.ownsHttp && this.http.listening) {
      await new Promise<void>((resolve) => {
        this.http.close(() => resolve());
        this.http.closeAllConnections();
      });
    }
  }

  private sweep(): void {
    const now = Date.now();
    for (const { controller, ws } of this.live.values()) {
      if (this.heartbeatTimeoutMs > 0 && now - ws.lastSeen > this.heartbeatTimeoutMs) {
        controller.end('heartbeat-timeout', {
          code: 1006,
          detail: `no frame or pong for ${now - ws.lastSeen} ms`,
          terminate: true,
        });
      } else ws.ping();
    }
  }

  private readonly onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', (error) => this.logger.debug({ err: error }, 'upgrade socket error'));
    this.admit(request, socket, head).catch((error: unknown) => {
      this.logger.error({ err: error }, 'upgrade failed');
      this.reject(socket, request, 500, 'internal error');
    });
  };

  private async admit(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const target = request.url ?? '/';
    if (new URL(target, 'ws://host').pathname !== this.path) {
      // Another upgrade handler on a shared server may own this path.
      if (this.http.listenerCount('upgrade') === 1)
        this.reject(socket, request, 404, `no WebSocket endpoint at this path; use ${this.path}`);
      return;
    }
    if (!this.accepting) return this.reject(socket, request, 503, 'server is draining');
    const verdict = await checkUpgrade(request, {
      authenticate: this.options.authenticate,
      authTimeoutMs: this.authTimeoutMs,
      logger: this.logger,
    });
    if (!verdict.allow)
      return this.reject(socket, request, verdict.status, verdict.reason, verdict.query);
    const { query } = verdict;
    if (socket.destroyed) return;
    if (!this.accepting) return this.reject(socket, request, 503, 'server is draining', query);
    // A tenant's calls are its own: the same call_id from another tenant is another call.
    const key = liveKey(query);
    const existing = this.live.get(key);
    if (this.pending.has(key) || (existing && this.options.duplicateCallId !== 'replace'))
      return this.reject(socket, request, 409, 'a call with this call_id is live', query);
    existing?.controller.end('replaced', {
      code: CLOSE_REPLACED,
      detail: 'replaced by a new connection',
    });
    this.pending.add(key);
    socket.once('close', () => this.pending.delete(key));
    this.wss.handleUpgrade(request, socket, head, (ws) => {
      this.pending.delete(key);
      this.accept(
        new WsConnection(ws),
        withoutSecrets(query, this.options.secretParams ?? ['token']),
      );
    });
  }

  private accept(ws: WsConnection, query: ConnectionQuery): void {
    const logger = this.logger.child({
      call_id: logText(query.callId),
      tenant: logText(query.tenant),
    });
    const controller = createCall({
      connection: ws,
      query,
      logger: this.logger,
      totals: this.totals,
      ...(this.callOptions && { options: this.callOptions }),
      context: (call) => (work) => asCall(call, work),
      timers: this.timers,
      ...(this.options.prepareAhead !== false && { work: this.work }),
    });
    const entry = { controller, ws };
    const key = liveKey(query);
    this.live.set(key, entry);
    const { call } = controller;
    const names = Object.keys(call.params);
    logger.info(
      {
        params: names.slice(0, 20).map((name) => logText(name, 40)),
        ...(names.length > 20 && { more_params: names.length - 20 }),
      },
      'call accepted',
    );
    void call.closed.then((end) => {
      if (this.live.get(key) === entry) this.live.delete(key);
      this.emit('call-closed', call, end);
    });
    this.emit('call-open', call);
    runBot(this.options.bot, controller, logger);
  }

  private reject(
    socket: Duplex,
    request: IncomingMessage,
    status: number,
    reason: string,
    query?: ConnectionQuery,
  ): void {
    refuseUpgrade(socket, status, reason);
    const remoteAddress = request.socket.remoteAddress;
    const rejection: UpgradeRejection = {
      status,
      reason,
      url: request.url ?? '',
      ...(remoteAddress && { remoteAddress }),
      ...(query && { callId: query.callId, tenant: query.tenant }),
    };
    this.logger.warn(
      {
        status,
        reason,
        remote_address: remoteAddress,
        call_id: query && logText(query.callId),
        tenant: query && logText(query.tenant),
      },
      'upgrade refused',
    );
    this.emit('upgrade-rejected', rejection);
  }
}

/** One key per tenant and call (NUL cannot occur in either: both are checked identifiers). */
const liveKey = (query: Pick<ConnectionQuery, 'callId' | 'tenant'>): string =>
  `${query.tenant}\u0000${query.callId}`;
