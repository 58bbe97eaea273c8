import type { Redis } from 'ioredis';
import type { LiveCall } from './call-directory.js';
import type { ChangeMessage, RedisCallStore } from './redis-call-store.js';
import type { CallWriter } from './redis-call-writer.js';
import type { CommandRelay } from './redis-command-relay.js';
import { type DirectoryKeys, RESYNC_MS } from './redis-directory-keys.js';
import type { DirectoryMirror } from './redis-directory-mirror.js';
import type { RedisLink } from './redis-link.js';
import type { NodeBeat } from './redis-node-beat.js';

/** The parts of a node's directory the upkeep drives. */
export interface UpkeepParts {
  readonly node: string;
  readonly keys: DirectoryKeys;
  readonly link: RedisLink;
  /** The pub/sub connection: changes, and this node's commands and replies. */
  readonly subscriber: Redis;
  readonly store: RedisCallStore;
  readonly writer: CallWriter;
  readonly mirror: DirectoryMirror;
  readonly beats: NodeBeat;
  readonly relay: CommandRelay;
  /** This node's live calls, their newest views. */
  own(): Iterable<LiveCall>;
  readonly heartbeatMs: number;
}

/**
 * Keeps a node's part of the directory whole: what comes by pub/sub goes to the mirror and
 * the relay; every beat refreshes the node's record and its live calls' TTLs and judges the
 * other nodes; and whenever both connections are up again (at start, after an outage) the
 * node registers itself and its live calls again and reads the whole directory.
 */
export class DirectoryUpkeep {
  private subscribed = false;
  private recovering: Promise<void> | undefined;
  private lastResync = 0;
  private stopped = false;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly parts: UpkeepParts) {
    const { subscriber } = parts;
    subscriber.on('ready', () => void this.subscribe());
    subscriber.on('close', () => {
      this.subscribed = false;
    });
    subscriber.on('message', (channel: string, message: string) =>
      this.onMessage(channel, message),
    );
    this.timer = setInterval(() => void this.tick(), parts.heartbeatMs);
    this.timer.unref();
  }

  /** Once both connections are up: this node and its calls registered again, the directory read. */
  recoverSoon(): void {
    if (!this.parts.link.up || !this.subscribed || this.stopped) return;
    this.recovering ??= this.recover().finally(() => {
      this.recovering = undefined;
    });
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  private onMessage(channel: string, message: string): void {
    if (channel !== this.parts.keys.changes) {
      this.parts.relay.receive(channel, message);
      return;
    }
    let change: ChangeMessage;
    try {
      change = JSON.parse(message) as ChangeMessage;
    } catch {
      return;
    }
    if (change.origin !== this.parts.node && change.call) this.parts.mirror.receive(change.call);
  }

  private async subscribe(): Promise<void> {
    const { subscriber, keys, relay, link } = this.parts;
    try {
      await subscriber.subscribe(keys.changes, ...relay.channels);
      this.subscribed = true;
      this.recoverSoon();
    } catch (error) {
      link.failed('subscribe', error);
    }
  }

  private async recover(): Promise<void> {
    try {
      await this.parts.beats.beat();
      this.writeOwn();
      await this.parts.writer.flushSoon();
      await this.resync();
    } catch (error) {
      this.parts.link.failed('sync', error);
    }
  }

  private writeOwn(): void {
    for (const call of this.parts.own()) this.parts.writer.write(call);
  }

  private async resync(): Promise<void> {
    this.lastResync = Date.now();
    await this.parts.mirror.resync(() => this.parts.store.all());
  }

  /** Each beat: the record refreshed, live calls' TTLs, the other nodes judged. */
  private async tick(): Promise<void> {
    const { link, beats, writer } = this.parts;
    if (!link.up || this.recovering || this.stopped) return;
    try {
      // Not there: judged lost while this node was cut off. Its calls are written again.
      if (!(await beats.beat())) this.writeOwn();
    } catch (error) {
      link.failed('heartbeat', error);
      return;
    }
    writer.refresh([...this.parts.own()]);
    void writer.flushSoon();
    try {
      await beats.sweep();
      if (Date.now() - this.lastResync > RESYNC_MS) await this.resync();
    } catch (error) {
      link.failed('sweep', error);
    }
  }
}
