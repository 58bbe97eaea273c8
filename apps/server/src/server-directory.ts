import type { Logger } from 'pino';
import { type CallDirectory, createLocalDirectory } from './call-directory.js';
import type { ServerConfig } from './config.js';
import { createDirectoryMetrics } from './directory-metrics.js';
import type { ServerMetrics } from './metrics.js';
import { createRedisDirectory } from './redis-directory.js';
import type { NodeReport } from './redis-node-beat.js';

/**
 * Whether `--workers` share their calls through the primary (node:cluster IPC): with admin
 * tokens and no Redis. With `--redis-url` each worker is a node of the Redis directory.
 */
export function sharesThroughPrimary(config: ServerConfig): boolean {
  return config.adminTokens.length > 0 && !config.redisUrl;
}

/**
 * The directory a server lists its calls in: the one it is given (under `--workers`, the
 * primary's), the one every node shares on Redis (`--redis-url`, metrics on `metrics`'
 * registry, `report` published at each beat), else with admin tokens this process's own;
 * none without any of them (no pages, nothing to publish).
 */
export function openCallDirectory(
  config: ServerConfig,
  given: CallDirectory | undefined,
  context: { logger: Logger; metrics: ServerMetrics; report: () => NodeReport },
): CallDirectory | undefined {
  if (given) return given;
  if (config.redisUrl)
    return createRedisDirectory({
      url: config.redisUrl,
      logger: context.logger,
      metrics: createDirectoryMetrics(context.metrics.registry),
      report: context.report,
    });
  return config.adminTokens.length > 0 ? createLocalDirectory() : undefined;
}
