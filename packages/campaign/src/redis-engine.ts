import type { CampaignEngine } from './campaign-engine.js';
import type { Clock } from './clock.js';
import type { RedisErrorReporter } from './redis-connection.js';

/** Options of {@link createRedisEngine}. */
export interface RedisEngineOptions {
  /**
   * `redis://[user:password@]host[:port][/db]` (or `rediss://` for TLS). The password is
   * never logged: messages show the URL with `***` in its place.
   */
  readonly url: string;
  /**
   * Every key's prefix (default `psrkit`): engines with the same URL and prefix share their
   * campaigns, do-not-call list and per-number gaps. Letters, digits, `_.:-`.
   */
  readonly prefix?: string;
  /**
   * Time for the records, the calling windows and the ring timeouts (default: the system's).
   * The queues' delays run on real time, so another clock only suits tests that do not wait.
   */
  readonly clock?: Clock;
  /**
   * Where background errors go (Redis away or refusing, a job that failed, a `watch`
   * listener that threw). Default: one line on stderr per kind of error and minute.
   */
  readonly onError?: RedisErrorReporter;
}

/**
 * The campaign engine over Redis, with BullMQ: any number of processes, on any number of
 * machines, share each campaign and its limits. Each campaign is a BullMQ queue whose jobs
 * are its contacts' attempts (job id = attempt id, so an attempt is queued once); its queue's
 * global concurrency is the campaign's calls at once (a job stays active while its call is in
 * flight) and its global rate limit the campaign's pace; retries and calling-window waits are
 * delayed jobs. An attempt's record is written atomically before its dial, so a job run
 * again after its process died follows the call instead of dialling it again.
 *
 * Redis away: commands wait and the connections come back by themselves; nothing is lost
 * provided Redis persists (`appendonly yes`). Calls in flight go on, and the reports of their
 * ends are written once Redis is back.
 *
 * @example
 * ```ts
 * const engine = await createRedisEngine({ url: 'redis://:secret@10.0.0.5:6379' });
 * const stop = new AbortController();
 * void engine.run(createStreamDialer({ baseUrl: psrUrl, token }), stop.signal);
 * ```
 * @throws {CampaignError} `INVALID_SETTING` for a malformed URL or prefix; `STORE_ERROR` when
 *   Redis refuses the connection (a wrong password). While Redis cannot be reached, it waits.
 */
export async function createRedisEngine(options: RedisEngineOptions): Promise<CampaignEngine> {
  // Loaded here, not on import: BullMQ and ioredis take a noticeable while to load, and most
  // users of the package run the embedded engine.
  const { openRedisEngine } = await import('./redis-campaign-engine.js');
  return openRedisEngine(options);
}
