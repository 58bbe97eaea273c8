import { Counter, Gauge, type Registry } from 'prom-client';

/** What a call directory shared over Redis counts (`GET /metrics`). */
export interface DirectoryMetrics {
  /** Whether this node reaches Redis now. */
  redisUp(up: boolean): void;
  /** A Redis outage began (the connection was lost, or could not be made). */
  countOutage(): void;
  /** A Redis command failed or timed out: `write`, `heartbeat`, `sync`, `sweep`, `command`. */
  countError(operation: string): void;
  /** A node stopped beating, and this node ended its calls. */
  countLostNode(): void;
}

/** The directory's metrics, registered on `registry`. */
export function createDirectoryMetrics(registry: Registry): DirectoryMetrics {
  const up = new Gauge({
    name: 'psrkit_directory_redis_up',
    help: 'Whether this node reaches the call directory in Redis (1) or serves its own calls alone (0)',
    registers: [registry],
  });
  const outages = new Counter({
    name: 'psrkit_directory_redis_outages_total',
    help: 'Times this node lost (or could not reach) the call directory in Redis',
    registers: [registry],
  });
  const errors = new Counter({
    name: 'psrkit_directory_redis_errors_total',
    help: 'Redis commands of the call directory that failed or timed out, by operation',
    labelNames: ['operation'],
    registers: [registry],
  });
  const lostNodes = new Counter({
    name: 'psrkit_directory_lost_nodes_total',
    help: 'Nodes that stopped beating whose calls this node ended (node-lost)',
    registers: [registry],
  });
  up.set(0);
  return {
    redisUp: (isUp) => up.set(isUp ? 1 : 0),
    countOutage: () => outages.inc(),
    countError: (operation) => errors.inc({ operation }),
    countLostNode: () => lostNodes.inc(),
  };
}
