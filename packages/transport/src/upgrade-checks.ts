import { type IncomingMessage, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { type ConnectionQuery, isProtocolError, parseConnectionQuery } from '@psrkit/protocol';
import type { AuthHook } from './auth.js';
import { logText } from './log-text.js';
import type { TransportLogger } from './logger.js';

/** What the checks of an upgrade's own request decided, before any call exists. */
export type UpgradeVerdict =
  | { readonly allow: true; readonly query: ConnectionQuery }
  | {
      readonly allow: false;
      readonly status: number;
      readonly reason: string;
      /** The query, once it parsed. */
      readonly query?: ConnectionQuery;
    };

/**
 * Checks an upgrade request on its own: its query (`call_id`, `tenant`, parameters) and the
 * authentication hook, which answers within `authTimeoutMs` or the upgrade gets 503.
 */
export async function checkUpgrade(
  request: IncomingMessage,
  checks: {
    readonly authenticate: AuthHook | undefined;
    readonly authTimeoutMs: number;
    readonly logger: TransportLogger;
  },
): Promise<UpgradeVerdict> {
  let query: ConnectionQuery;
  try {
    query = parseConnectionQuery(request.url ?? '/');
  } catch (error) {
    if (!isProtocolError(error)) throw error;
    return { allow: false, status: 400, reason: error.message };
  }
  if (!checks.authenticate) return { allow: true, query };
  let decision: Awaited<ReturnType<AuthHook>>;
  try {
    decision = await withTimeout(
      Promise.resolve(checks.authenticate(request, query)),
      checks.authTimeoutMs,
    );
  } catch (error) {
    checks.logger.warn(
      { err: error, call_id: logText(query.callId) },
      'authentication hook failed',
    );
    return { allow: false, status: 503, reason: 'authentication unavailable', query };
  }
  return decision.allow
    ? { allow: true, query }
    : { allow: false, status: decision.status, reason: decision.reason, query };
}

/** Answers an upgrade with an HTTP error and closes the socket. */
export function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  const body = `${reason}\n`;
  if (socket.writable) {
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
        'Connection: close\r\nContent-Type: text/plain; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  }
  // A peer that never reads or closes does not hold the socket.
  setTimeout(() => socket.destroy(), 1000).unref();
}

/** The query without the parameters that carry credentials. */
export function withoutSecrets(
  query: ConnectionQuery,
  secrets: readonly string[],
): ConnectionQuery {
  if (!secrets.some((name) => name in query.params)) return query;
  const keep = <V>(record: Readonly<Record<string, V>>) =>
    Object.fromEntries(Object.entries(record).filter(([name]) => !secrets.includes(name)));
  return { ...query, params: keep(query.params), paramValues: keep(query.paramValues) };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
