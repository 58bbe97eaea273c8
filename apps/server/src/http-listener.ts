// The server's one port: plain HTTP, or HTTPS with `--tls-cert/--tls-key` (then PSR
// connects with wss://); slow or half-open requests cut, connections capped.
import { readFile } from 'node:fs/promises';
import { createServer, type RequestListener, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { ServerConfig } from './config.js';
import { limitConnections } from './connection-limits.js';
import type { ServerMetrics } from './metrics.js';
import { ConfigError } from './setting-values.js';

/** The PEM files of `--tls-cert` and `--tls-key`, read; none without them. */
async function tlsFiles(
  config: Pick<ServerConfig, 'tlsCert' | 'tlsKey'>,
): Promise<{ cert: Buffer; key: Buffer } | undefined> {
  if (config.tlsCert === undefined || config.tlsKey === undefined) return undefined;
  const read = async (file: string, option: string) => {
    try {
      return await readFile(file);
    } catch (error) {
      throw new ConfigError(
        option,
        `cannot read ${file}: ${(error as NodeJS.ErrnoException).code}`,
      );
    }
  };
  return {
    cert: await read(config.tlsCert, '--tls-cert'),
    key: await read(config.tlsKey, '--tls-key'),
  };
}

/**
 * The HTTP (or, with TLS files, HTTPS) server of `config`: headers must arrive within the
 * handshake timeout (the TLS handshake too), and connections beyond the caps are closed at
 * once, counted, and logged once a second per address and reason.
 * @throws {ConfigError} when a TLS file cannot be read or is not a certificate and its key
 */
export async function createListener(
  config: ServerConfig,
  onRequest: RequestListener,
  metrics: Pick<ServerMetrics, 'countRefusedConnection'>,
  logger: Logger,
): Promise<Server> {
  const options = {
    headersTimeout: config.handshakeTimeoutMs,
    requestTimeout: config.handshakeTimeoutMs,
    connectionsCheckingInterval: Math.min(1000, config.handshakeTimeoutMs),
  };
  const tls = await tlsFiles(config);
  let http: Server;
  try {
    http = tls
      ? createTlsServer(
          { ...options, ...tls, handshakeTimeout: config.handshakeTimeoutMs },
          onRequest,
        )
      : createServer(options, onRequest);
  } catch (error) {
    throw new ConfigError(
      '--tls-cert',
      `not a PEM certificate and its key: ${(error as Error).message}`,
    );
  }
  const lastLogged = new Map<string, number>();
  limitConnections(
    http,
    {
      maxConnections: config.maxConnections,
      maxPerAddress: config.maxConnectionsPerAddress,
      maxNewPerSecond: config.maxNewConnectionsPerSecond,
    },
    (reason, address) => {
      metrics.countRefusedConnection(reason);
      const key = `${reason} ${address}`;
      if (Date.now() - (lastLogged.get(key) ?? 0) < 1000) return;
      if (lastLogged.size > 10_000) lastLogged.clear();
      lastLogged.set(key, Date.now());
      logger.warn({ reason, address }, 'connection refused by a cap');
    },
  );
  return http;
}

/** Listens on `port` and `host`; resolves with the address, rejects (EADDRINUSE…) when it cannot. */
export async function listen(http: Server, port: number, host: string): Promise<AddressInfo> {
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, host, () => {
      http.off('error', reject);
      resolve();
    });
  });
  return http.address() as AddressInfo;
}

/** `ws://` (or `wss://` with TLS) at `address` and `path`; a wildcard address as loopback. */
export function callUrl(address: AddressInfo, path: string, tls: boolean): string {
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const shown = host === '0.0.0.0' ? '127.0.0.1' : host === '[::]' ? '[::1]' : host;
  return `${tls ? 'wss' : 'ws'}://${shown}:${address.port}${path}`;
}
