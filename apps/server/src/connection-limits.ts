import type { Server } from 'node:http';
import type { Socket } from 'node:net';

export interface ConnectionLimits {
  /** Open TCP connections in all (WebSocket calls, health checks, half-open requests). */
  readonly maxConnections: number;
  /** Open TCP connections from one address. */
  readonly maxPerAddress: number;
  /** New connections from one address per second. */
  readonly maxNewPerSecond: number;
}

/** Why a connection was refused. */
export type RefusalReason = 'max-connections' | 'per-address' | 'rate';

/**
 * Caps the connections `http` accepts, so that one client reopening sockets cannot shut
 * out calls and health checks: beyond a cap a new connection is closed at once (before
 * any request is read), counted, and — once a second per address and reason — logged.
 */
export function limitConnections(
  http: Server,
  limits: ConnectionLimits,
  onRefused: (reason: RefusalReason, address: string) => void,
): void {
  let open = 0;
  const perAddress = new Map<string, { open: number; windowStart: number; opened: number }>();
  http.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    const now = Date.now();
    let entry = perAddress.get(address);
    if (!entry) {
      entry = { open: 0, windowStart: now, opened: 0 };
      perAddress.set(address, entry);
    }
    if (now - entry.windowStart >= 1000) {
      entry.windowStart = now;
      entry.opened = 0;
    }
    const reason: RefusalReason | undefined =
      open >= limits.maxConnections
        ? 'max-connections'
        : entry.open >= limits.maxPerAddress
          ? 'per-address'
          : entry.opened >= limits.maxNewPerSecond
            ? 'rate'
            : undefined;
    if (reason) {
      socket.destroy();
      if (entry.open === 0) perAddress.delete(address);
      onRefused(reason, address);
      return;
    }
    open++;
    entry.open++;
    entry.opened++;
    const counted = entry;
    socket.once('close', () => {
      open--;
      counted.open--;
      if (counted.open === 0 && Date.now() - counted.windowStart >= 1000)
        perAddress.delete(address);
    });
  });
}
