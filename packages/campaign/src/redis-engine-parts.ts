import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Clock } from './clock.js';
import { CampaignError } from './errors.js';
import { RedisAttemptStore } from './redis-attempt-store.js';
import {
  checkRedisUrl,
  duplicateRedis,
  openRedis,
  type RedisErrorReporter,
  storeError,
} from './redis-connection.js';
import { RedisEventBus } from './redis-event-bus.js';
import { type RedisKeys, redisKeys } from './redis-keys.js';
import { NodeHeartbeat, NodeLiveness } from './redis-node-liveness.js';
import { CampaignQueues } from './redis-queues.js';
import { RedisCampaignStore } from './redis-store.js';

/** What every part of a Redis engine works with: its connections, stores and bus. */
export interface RedisEngineParts {
  /** The Redis URL, for messages (never printed without `redactRedisUrl`). */
  readonly url: string;
  /** This engine's id (a random UUID): its heartbeat, and the node of its dials and calls. */
  readonly node: string;
  /** The command connection (also BullMQ's, shared by the queues and workers). */
  readonly redis: Redis;
  readonly keys: RedisKeys;
  readonly clock: Clock;
  readonly store: RedisCampaignStore;
  readonly attempts: RedisAttemptStore;
  readonly queues: CampaignQueues;
  readonly bus: RedisEventBus;
  readonly liveness: NodeLiveness;
  readonly heartbeat: NodeHeartbeat;
  readonly report: RedisErrorReporter;
}

/** What {@link openRedisEngineParts} needs. */
export interface RedisEnginePartsOptions {
  readonly url: string;
  readonly prefix: string;
  readonly clock: Clock;
  readonly report: RedisErrorReporter;
}

const PREFIX = /^[A-Za-z0-9_.:-]{1,100}$/;

/**
 * Connects (waiting as long as Redis is away), subscribes to the events channel and starts
 * the heartbeat.
 * @throws {CampaignError} `INVALID_SETTING` for a bad URL or prefix; `STORE_ERROR` when
 *   Redis refuses (a wrong password, say)
 */
export async function openRedisEngineParts(
  options: RedisEnginePartsOptions,
): Promise<RedisEngineParts> {
  const { url, prefix, clock, report } = options;
  checkRedisUrl(url);
  if (!PREFIX.test(prefix))
    throw new CampaignError('INVALID_SETTING', `a Redis key prefix matches ${PREFIX.source}`, {
      path: 'prefix',
    });
  const node = randomUUID();
  const keys = redisKeys(prefix);
  const redis = openRedis(url, `psrkit-campaign-${node}`, report);
  const subscriber = duplicateRedis(redis, url, report);
  try {
    await redis.ping();
    const bus = await RedisEventBus.open({
      publisher: redis,
      subscriber,
      channel: keys.channel,
      origin: node,
      clock,
      report,
    });
    const heartbeat = new NodeHeartbeat(redis, keys.node(node), url, report);
    await heartbeat.start();
    return {
      url,
      node,
      redis,
      keys,
      clock,
      store: new RedisCampaignStore(redis, keys),
      attempts: new RedisAttemptStore(redis, keys, node),
      queues: new CampaignQueues(redis, url, keys, clock, report),
      bus,
      liveness: new NodeLiveness(redis, keys.node, clock),
      heartbeat,
      report,
    };
  } catch (error) {
    subscriber.disconnect();
    redis.disconnect();
    throw storeError(error, url, 'connecting');
  }
}

/** Stops the heartbeat, closes the queues, the bus and the connection. */
export async function closeRedisEngineParts(parts: RedisEngineParts): Promise<void> {
  try {
    await parts.heartbeat.stop();
    await parts.queues.close();
    await parts.bus.close();
    await parts.redis.quit();
  } catch (error) {
    parts.redis.disconnect();
    throw storeError(error, parts.url, 'closing');
  }
}
