import { redactRedisUrl } from '@psrkit/campaign';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { DirectoryMetrics } from './directory-metrics.js';
import { REDIS_COMMAND_TIMEOUT_MS } from './redis-directory-keys.js';

/** Whether the directory reaches Redis: not yet, since when, or away since when. */
type LinkState =
  | { readonly phase: 'connecting' }
  | { readonly phase: 'up'; readonly since: number }
  | { readonly phase: 'down'; readonly since: number };

/** A failure of one kind is logged at most this often (each is counted). */
const LOG_EVERY_MS = 10_000;

/** What the link tells its directory. */
export interface RedisLinkOptions {
  readonly logger: Logger;
  readonly metrics?: DirectoryMetrics;
  /** The command connection is ready (again). */
  readonly onUp: () => void;
}

/**
 * The call directory's command connection to Redis and whether it is up: an outage is
 * logged once when it begins and once when it ends (with how long it lasted), counted and
 * shown (`psrkit_directory_redis_up`); commands fail at once while it lasts (no offline
 * queue: nothing waits on Redis), and one that takes over 2 s counts as failed. The URL is
 * logged without its password; ioredis reconnects on its own (every 0.1 to 2 s).
 */
export class RedisLink {
  readonly redis: Redis;
  private state: LinkState = { phase: 'connecting' };
  private readonly lastLogged = new Map<string, number>();
  private readonly shownUrl: string;

  constructor(
    private readonly url: string,
    private readonly options: RedisLinkOptions,
  ) {
    this.shownUrl = redactRedisUrl(url);
    this.redis = new Redis(url, {
      connectionName: 'psrkit-directory',
      enableOfflineQueue: false,
      commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
      maxRetriesPerRequest: 1,
      retryStrategy: (times) => Math.min(100 * times, 2000),
    });
    this.redis.on('ready', () => this.toUp());
    this.redis.on('close', () => this.toDown());
    this.redis.on('error', (error: Error) => this.toDown(error));
  }

  /** A second connection for pub/sub (its errors are the link's, logged as its own are). */
  subscriber(): Redis {
    const subscriber = this.redis.duplicate({
      connectionName: 'psrkit-directory-events',
      enableOfflineQueue: true,
      autoResubscribe: false,
    });
    subscriber.on('error', () => {}); // the command connection says when Redis is away
    return subscriber;
  }

  get up(): boolean {
    return this.state.phase === 'up';
  }

  /** Since when Redis has been reachable without a break (epoch ms), if it is. */
  get upSince(): number | undefined {
    return this.state.phase === 'up' ? this.state.since : undefined;
  }

  /** A command that failed: counted, and logged (at most every 10 s per operation) unless Redis is away. */
  failed(operation: string, error: unknown): void {
    this.options.metrics?.countError(operation);
    if (this.state.phase !== 'up') return;
    const now = Date.now();
    if (now - (this.lastLogged.get(operation) ?? 0) < LOG_EVERY_MS) return;
    this.lastLogged.set(operation, now);
    this.options.logger.warn(
      { redis: this.shownUrl, operation, error: this.scrub(error) },
      'call directory: a Redis command failed (this node goes on with its calls)',
    );
  }

  /** The redis URL as logs show it (no password). */
  get shown(): string {
    return this.shownUrl;
  }

  private toUp(): void {
    const was = this.state;
    this.state = { phase: 'up', since: Date.now() };
    this.options.metrics?.redisUp(true);
    const redis = this.shownUrl;
    if (was.phase === 'down')
      this.options.logger.info(
        { redis, down_ms: Date.now() - was.since },
        'call directory: Redis reachable again; registering this node and its calls',
      );
    else this.options.logger.info({ redis }, 'call directory: on Redis');
    this.options.onUp();
  }

  private toDown(error?: Error): void {
    if (this.state.phase === 'down') return;
    const was = this.state.phase;
    this.state = { phase: 'down', since: Date.now() };
    this.options.metrics?.redisUp(false);
    this.options.metrics?.countOutage();
    this.options.logger.warn(
      { redis: this.shownUrl, ...(error && { error: this.scrub(error) }) },
      was === 'up'
        ? 'call directory: Redis unreachable; this node serves its own calls alone until it is back'
        : 'call directory: cannot reach Redis; this node serves its own calls alone until it can',
    );
  }

  /** An error's message without the URL's password. */
  private scrub(error: unknown): string {
    const message = error instanceof Error ? error.message : String(error);
    let password = '';
    try {
      password = decodeURIComponent(new URL(this.url).password);
    } catch {
      // no password to hide
    }
    return (password ? message.split(password).join('***') : message).slice(0, 300);
  }

  /** Closes the connection (QUIT, or at once after 1 s). */
  async close(): Promise<void> {
    this.redis.removeAllListeners();
    this.redis.on('error', () => {}); // leaving: not an outage
    await quit(this.redis);
  }
}

/** QUIT, or a plain disconnect when Redis does not answer within 1 s. */
export async function quit(redis: Redis): Promise<void> {
  const timer = setTimeout(() => redis.disconnect(), 1000);
  try {
    await redis.quit();
  } catch {
    redis.disconnect();
  } finally {
    clearTimeout(timer);
  }
}
