import type { Redis } from 'ioredis';
import type { Clock } from './clock.js';
import { type RedisErrorReporter, storeError } from './redis-connection.js';

/** How often a live engine refreshes its key. */
export const HEARTBEAT_MS = 5_000;
/** Its key's lifetime: three missed beats. */
const HEARTBEAT_TTL_MS = 3 * HEARTBEAT_MS;
/**
 * How long a key must stay missing before its engine counts as gone: after Redis comes back
 * from an outage longer than the TTL every key has expired, and live engines need a beat to
 * set theirs again.
 */
const GONE_AFTER_MS = 2 * HEARTBEAT_MS;

/**
 * An engine's heartbeat: a key that expires unless refreshed, refreshed every
 * {@link HEARTBEAT_MS} and as soon as the connection is back. Another engine following a
 * call this engine's server holds settles it as `unknown` once the key is gone.
 */
export class NodeHeartbeat {
  readonly #redis: Redis;
  readonly #key: string;
  readonly #url: string;
  readonly #report: RedisErrorReporter;
  #timer: NodeJS.Timeout | undefined;
  #beating = false;
  readonly #beat = () => {
    if (this.#beating) return;
    this.#beating = true;
    this.#redis
      .set(this.#key, String(Date.now()), 'PX', HEARTBEAT_TTL_MS)
      .catch((error: unknown) => this.#report(storeError(error, this.#url, 'heartbeat')))
      .finally(() => {
        this.#beating = false;
      });
  };

  constructor(redis: Redis, key: string, url: string, report: RedisErrorReporter) {
    this.#redis = redis;
    this.#key = key;
    this.#url = url;
    this.#report = report;
  }

  /** Sets the key now and keeps it alive. */
  async start(): Promise<void> {
    await this.#redis.set(this.#key, String(Date.now()), 'PX', HEARTBEAT_TTL_MS);
    this.#timer = setInterval(this.#beat, HEARTBEAT_MS);
    this.#timer.unref();
    this.#redis.on('ready', this.#beat);
  }

  /** Stops beating and removes the key: the engine is gone. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#redis.off('ready', this.#beat);
    await this.#redis.del(this.#key);
  }
}

/** Tells whether an engine is gone: its heartbeat key missing for {@link GONE_AFTER_MS}. */
export class NodeLiveness {
  readonly #redis: Redis;
  readonly #keyOf: (node: string) => string;
  readonly #clock: Clock;
  readonly #missingSince = new Map<string, number>();

  constructor(redis: Redis, keyOf: (node: string) => string, clock: Clock) {
    this.#redis = redis;
    this.#keyOf = keyOf;
    this.#clock = clock;
  }

  async gone(node: string): Promise<boolean> {
    if ((await this.#redis.exists(this.#keyOf(node))) === 1) {
      this.#missingSince.delete(node);
      return false;
    }
    const now = this.#clock.now();
    const since = this.#missingSince.get(node) ?? now;
    this.#missingSince.set(node, since);
    return now - since >= GONE_AFTER_MS;
  }
}
