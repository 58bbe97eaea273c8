import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { LiveCall } from './call-directory.js';
import type { DirectoryMetrics } from './directory-metrics.js';
import type { NodeLoad } from './node-load.js';
import type { RedisCallStore } from './redis-call-store.js';

/** A node as the directory publishes it (`…:node:<node>`, refreshed every beat). */
export interface NodeRecord {
  readonly node: string;
  readonly host: string;
  readonly pid: number;
  /** Where PSR reaches it, once it listens. */
  readonly url?: string;
  /** Epoch ms: when it joined, and its last beat. */
  readonly startedAt: number;
  readonly beatAt: number;
  /** Ready for more calls (what its `/readyz` says), and draining (stopping: no new calls). */
  readonly ready: boolean;
  readonly draining: boolean;
  /** Its calls, CPU and event-loop lag, as its load meter last read them. */
  readonly load?: NodeLoad;
}

/** What a node says of itself at each beat; none of it: ready, not draining. */
export interface NodeReport {
  readonly url?: string;
  readonly load?: NodeLoad;
}

/** What the beat needs of its directory. */
export interface BeatPorts {
  readonly store: RedisCallStore;
  readonly node: string;
  readonly logger: Logger;
  readonly metrics?: DirectoryMetrics;
  readonly report: () => NodeReport;
  /** How long a record lives without a beat, ms. */
  readonly ttlMs: number;
  /** Since when Redis has been reachable without a break, if it is. */
  upSince(): number | undefined;
  /** The calls of a lost node this node ended (its own pages show them at once). */
  ended(calls: readonly LiveCall[]): void;
}

/**
 * A node's heartbeat and its watch on the others: its record (with its load and readiness)
 * set for a TTL at each beat, and every other node's whose record expired judged lost —
 * its live calls ended (`node-lost`), by whichever node claims them first. A node judges
 * others only once it has itself been on Redis for a whole TTL: after an outage every record
 * has expired, and live nodes need a beat to set theirs again.
 */
export class NodeBeat {
  private readonly startedAt = Date.now();
  private known = new Map<string, NodeRecord>();

  constructor(private readonly ports: BeatPorts) {}

  /** Sets this node's record; resolves false when it was not there (new, or judged lost meanwhile). */
  beat(now = Date.now()): Promise<boolean> {
    const { url, load } = this.ports.report();
    const record: NodeRecord = {
      node: this.ports.node,
      host: hostname(),
      pid: process.pid,
      ...(url && { url }),
      startedAt: this.startedAt,
      beatAt: now,
      ready: load?.ready ?? true,
      draining: load?.ready === false && load.reason === 'draining',
      ...(load && { load }),
    };
    return this.ports.store.beat(this.ports.node, JSON.stringify(record), this.ports.ttlMs);
  }

  /** Reads every node's record, and ends the calls of those lost. */
  async sweep(now = Date.now()): Promise<void> {
    const nodes = await this.ports.store.nodes();
    const lost: string[] = [];
    const known = new Map<string, NodeRecord>();
    for (const { node, record } of nodes) {
      if (record) known.set(node, JSON.parse(record) as NodeRecord);
      else if (node !== this.ports.node) lost.push(node);
    }
    const since = this.ports.upSince();
    const judging = since !== undefined && now - since >= this.ports.ttlMs;
    if (judging) for (const node of lost) await this.endLost(node, now);
    this.known = known;
  }

  /** The nodes whose records the last sweep read (this one's included). */
  nodes(): NodeRecord[] {
    return [...this.known.values()];
  }

  private async endLost(node: string, now: number): Promise<void> {
    const claimed = await this.ports.store.claimLostNode(node);
    if (!claimed) return; // another node did
    // Ended when last heard of, if this node heard its beat.
    const at = this.known.get(node)?.beatAt ?? now;
    const ended = claimed
      .filter(({ call }) => call.state !== 'closed')
      .map(
        ({ call }): LiveCall => ({
          ...call,
          state: 'closed',
          botSpeaking: false,
          end: { reason: 'node-lost', durationMs: Math.max(0, at - call.startedAt), at },
        }),
      );
    if (ended.length > 0) await this.ports.store.put(ended, node, this.ports.node);
    this.ports.metrics?.countLostNode();
    this.ports.logger.warn(
      { node, calls: ended.length, last_beat_ms_ago: now - at },
      'call directory: a node stopped beating (lost); its calls are shown ended',
    );
    this.ports.ended(ended);
  }
}
