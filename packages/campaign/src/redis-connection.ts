import { Redis } from 'ioredis';
import { CampaignError } from './errors.js';

/**
 * Where the Redis engine reports what goes wrong in the background: Redis away
 * (`CampaignError` `STORE_ERROR`, the URL without its password), a job that failed, a
 * `watch` listener that threw (its own error).
 */
export type RedisErrorReporter = (error: Error) => void;

/** The URL with its password replaced by `***`: the only form that is ever logged. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<unreadable Redis URL>';
  }
}

/**
 * Checks a `redis://[user:pass@]host[:port][/db]` (or `rediss://`) URL.
 * @throws {CampaignError} `INVALID_SETTING` (path `url`), naming the URL without its password
 */
export function checkRedisUrl(url: string): void {
  let protocol: string | undefined;
  try {
    protocol = new URL(url).protocol;
  } catch {
    protocol = undefined;
  }
  if (protocol !== 'redis:' && protocol !== 'rediss:')
    throw new CampaignError(
      'INVALID_SETTING',
      `a Redis URL is redis://[user:password@]host[:port][/db] or rediss://…, got ${redactRedisUrl(url)}`,
      { path: 'url' },
    );
}

/** A Redis failure as a `STORE_ERROR`, its message cleared of the password. */
export function storeError(error: unknown, url: string, doing: string): CampaignError {
  if (CampaignError.isInstance(error)) return error;
  const password = safePassword(url);
  let message = error instanceof Error ? error.message : String(error);
  if (password) message = message.split(password).join('***');
  return new CampaignError('STORE_ERROR', `Redis at ${redactRedisUrl(url)}: ${doing}: ${message}`);
}

function safePassword(url: string): string {
  try {
    return decodeURIComponent(new URL(url).password);
  } catch {
    return '';
  }
}

/**
 * A connection as BullMQ needs it: `maxRetriesPerRequest: null`, so a command waits for
 * Redis to come back instead of failing (ioredis reconnects on its own, with a growing pause
 * up to 2 s, and sends what was queued meanwhile). Its errors go to `report`.
 */
export function openRedis(url: string, name: string, report: RedisErrorReporter): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: null, connectionName: name });
  watchErrors(redis, url, report);
  return redis;
}

/** A second connection like `redis` (a subscriber, a blocking one), its errors reported. */
export function duplicateRedis(redis: Redis, url: string, report: RedisErrorReporter): Redis {
  const copy = redis.duplicate();
  watchErrors(copy, url, report);
  return copy;
}

function watchErrors(redis: Redis, url: string, report: RedisErrorReporter): void {
  redis.on('error', (error: unknown) => report(storeError(error, url, 'connection')));
}

/**
 * The default reporter: one line on stderr per kind of error and minute, so an outage of an
 * hour is a few lines, not a reconnect storm.
 */
export function throttledStderrReporter(intervalMs = 60_000): RedisErrorReporter {
  const last = new Map<string, number>();
  return (error) => {
    const now = Date.now();
    if ((last.get(error.message) ?? -Infinity) + intervalMs > now) return;
    last.set(error.message, now);
    process.stderr.write(`psrkit campaign: ${error.message}\n`);
  };
}
