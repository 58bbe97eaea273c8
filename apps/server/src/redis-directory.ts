import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import {
  type CallCommand,
  type CallDirectory,
  type CallRef,
  type CommandHandler,
  type CommandResult,
  callKey,
  callName,
  DEFAULT_RETENTION,
  DirectoryBook,
  type DirectoryChange,
  HeldCalls,
  type LiveCall,
  noHolder,
  type Retention,
} from './call-directory.js';
import type { DirectoryMetrics } from './directory-metrics.js';
import { RedisCallStore } from './redis-call-store.js';
import { CallWriter } from './redis-call-writer.js';
import { CommandRelay } from './redis-command-relay.js';
import {
  type DirectoryKeys,
  directoryKeys,
  HEARTBEAT_MS,
  NODE_TTL_MS,
  RELAY_TIMEOUT_MS,
} from './redis-directory-keys.js';
import { DirectoryMirror } from './redis-directory-mirror.js';
import { DirectoryUpkeep } from './redis-directory-upkeep.js';
import { quit, RedisLink } from './redis-link.js';
import { NodeBeat, type NodeRecord, type NodeReport } from './redis-node-beat.js';

/** How {@link createRedisDirectory} connects and what its node says of itself. */
export interface RedisDirectoryOptions {
  /** `redis://[user:password@]host[:port][/db]`, or `rediss://` for TLS. */
  readonly url: string;
  readonly logger: Logger;
  readonly metrics?: DirectoryMetrics;
  readonly retention?: Retention;
  /** This node's id in the directory (default `<hostname>:<pid>:<4 hex digits>`, new each start). */
  readonly node?: string;
  /** What the node publishes at each beat: where PSR reaches it, its load and readiness. */
  readonly report?: () => NodeReport;
  /** Keeps deployments that share one Redis apart (default `psrkit:calls`). */
  readonly name?: string;
  /** The figures, for tests: the beat, a record's TTL, the wait for another node's answer. */
  readonly heartbeatMs?: number;
  readonly nodeTtlMs?: number;
  readonly relayTimeoutMs?: number;
}

/** A call directory shared by every node on one Redis. */
export interface RedisCallDirectory extends CallDirectory {
  /** This node's id (each of its calls' `node`). */
  readonly node: string;
  /** The nodes as the last beat read them, with their load and readiness. */
  nodes(): NodeRecord[];
  /** Ends this node's calls still listed (`node-stopped`), leaves the directory, disconnects. */
  close(): Promise<void>;
}

const unavailable = (error: string): CommandResult => ({ ok: false, status: 503, error });

/**
 * The call directory of many nodes behind a load balancer, on one Redis (ioredis): every
 * node's calls in every node's list, and a command for a call sent to the node that holds
 * it. Redis is never in a call's way: this node's calls are listed and controlled here
 * whatever Redis does, writes go out in the background (see `CallWriter`), and once Redis is
 * back after an outage the node registers itself and its live calls again and reads the
 * whole directory. A node that stops beating for {@link NODE_TTL_MS} is lost: another node
 * shows its calls ended (`node-lost`).
 */
export function createRedisDirectory(options: RedisDirectoryOptions): RedisCallDirectory {
  return new RedisDirectory(options);
}

class RedisDirectory implements RedisCallDirectory {
  readonly node: string;
  private readonly keys: DirectoryKeys;
  private readonly book: DirectoryBook;
  private readonly held = new HeldCalls();
  /** This node's live calls, their newest views. */
  private readonly own = new Map<string, LiveCall>();
  private readonly link: RedisLink;
  private readonly subscriber: Redis;
  private readonly store: RedisCallStore;
  private readonly writer: CallWriter;
  private readonly mirror: DirectoryMirror;
  private readonly beats: NodeBeat;
  private readonly relay: CommandRelay;
  private readonly upkeep: DirectoryUpkeep;
  private closing: Promise<void> | undefined;

  constructor(private readonly options: RedisDirectoryOptions) {
    const { logger, metrics } = options;
    this.node = options.node ?? `${hostname()}:${process.pid}:${randomBytes(2).toString('hex')}`;
    this.keys = directoryKeys(options.name);
    const retention = options.retention ?? DEFAULT_RETENTION;
    this.book = new DirectoryBook(retention);
    this.link = new RedisLink(options.url, {
      logger,
      ...(metrics && { metrics }),
      onUp: () => this.upkeep.recoverSoon(),
    });
    this.store = new RedisCallStore(this.link.redis, this.keys, retention);
    this.writer = new CallWriter({
      store: this.store,
      node: this.node,
      up: () => this.link.up,
      failed: (error) => this.link.failed('write', error),
    });
    this.mirror = new DirectoryMirror(this.book, (call) => call.node === this.node);
    this.beats = this.nodeBeat();
    this.relay = new CommandRelay({
      node: this.node,
      keys: this.keys,
      publish: (channel, message) => this.store.publish(channel, message),
      run: (call, command, by, from) => this.runForNode(call, command, by, from),
      timeoutMs: options.relayTimeoutMs ?? RELAY_TIMEOUT_MS,
    });
    this.subscriber = this.link.subscriber();
    this.upkeep = new DirectoryUpkeep({
      node: this.node,
      keys: this.keys,
      link: this.link,
      subscriber: this.subscriber,
      store: this.store,
      writer: this.writer,
      mirror: this.mirror,
      beats: this.beats,
      relay: this.relay,
      own: () => this.own.values(),
      heartbeatMs: options.heartbeatMs ?? HEARTBEAT_MS,
    });
    logger.info({ node: this.node, redis: this.link.shown }, 'call directory: shared on Redis');
  }

  private nodeBeat(): NodeBeat {
    const { logger, metrics, report } = this.options;
    return new NodeBeat({
      store: this.store,
      node: this.node,
      logger,
      ...(metrics && { metrics }),
      report: report ?? (() => ({})),
      ttlMs: this.options.nodeTtlMs ?? NODE_TTL_MS,
      upSince: () => this.link.upSince,
      ended: (calls) => {
        for (const call of calls) this.mirror.receive(call);
      },
    });
  }

  register(call: LiveCall, handler: CommandHandler): void {
    const view: LiveCall = { ...call, node: this.node };
    this.held.hold(view, handler);
    this.own.set(callKey(view), view);
    this.book.apply({ type: 'call', call: view });
    this.writer.write(view);
  }

  update(call: LiveCall): void {
    const view: LiveCall = { ...call, node: this.node };
    if (!this.book.apply({ type: 'call', call: view })) return; // a replaced call's
    if (view.state === 'closed') {
      this.held.release(view);
      this.own.delete(callKey(view));
    } else this.own.set(callKey(view), view);
    this.writer.write(view);
  }

  list(): readonly LiveCall[] {
    return this.book.list();
  }

  get(call: CallRef): LiveCall | undefined {
    return this.book.get(call);
  }

  watch(listener: (change: DirectoryChange) => void): () => void {
    return this.book.watch(listener);
  }

  nodes(): NodeRecord[] {
    return this.beats.nodes();
  }

  /**
   * Runs a command here when this node holds the call (Redis or not), else asks Redis which
   * node does — none: 404 at once; ended: 409 — and relays it there.
   */
  async send(call: CallRef, command: CallCommand, by: string): Promise<CommandResult> {
    const handler = this.held.handler(call);
    if (handler) return handler(command, by);
    if (!this.link.up)
      return this.book.get(call)
        ? unavailable(
            `the call directory (Redis) is unreachable: the node holding call ${callName(call)} cannot be reached from here`,
          )
        : noHolder(this.book, call);
    const stored = await this.store.get(call).catch((error: unknown) => {
      this.link.failed('command', error);
      return null;
    });
    if (stored === null) return unavailable('the call directory (Redis) did not answer');
    if (!stored) return { ok: false, status: 404, error: `no call ${callName(call)}` };
    if (stored.call.state === 'closed' || stored.node === this.node)
      return { ok: false, status: 409, error: `call ${callName(call)} has ended` };
    return this.relay.ask(stored.node, call, command, by);
  }

  /** A command another node relayed for a call this node holds: run, logged here too. */
  private async runForNode(
    call: CallRef,
    command: CallCommand,
    by: string,
    from: string,
  ): Promise<CommandResult> {
    const handler = this.held.handler(call);
    const result = handler
      ? await handler(command, `${by} via ${from}`)
      : noHolder(this.book, call);
    this.options.logger.info(
      {
        call_id: call.id.slice(0, 80),
        tenant: call.tenant.slice(0, 80),
        command: command.type,
        ...(command.type === 'transfer' && { extension: command.extension }),
        by,
        from_node: from,
        status: result.ok ? 200 : result.status,
      },
      'call command from another node',
    );
    return result;
  }

  close(): Promise<void> {
    this.closing ??= this.leave();
    return this.closing;
  }

  private async leave(): Promise<void> {
    this.upkeep.stop();
    const now = Date.now();
    for (const call of [...this.own.values()])
      this.update({
        ...call,
        state: 'closed',
        botSpeaking: false,
        end: { reason: 'node-stopped', durationMs: now - call.startedAt, at: now },
      });
    if (this.link.up) {
      await within(this.writer.flushSoon(), 2000);
      await within(this.store.leave(this.node), 1000).catch(() => {});
    }
    this.relay.close();
    await Promise.all([this.link.close(), quit(this.subscriber)]);
    this.book.clear();
    this.held.clear();
  }
}

/** `promise`, or a resolved one after `ms` (a stop must not wait on Redis). */
async function within(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    promise,
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
