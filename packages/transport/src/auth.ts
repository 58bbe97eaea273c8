import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { ConnectionQuery } from '@psrkit/protocol';

/** What an authentication hook decides about one upgrade request. */
export type AuthDecision =
  | { readonly allow: true }
  | { readonly allow: false; readonly status: 401 | 403; readonly reason: string };

/**
 * Runs at the WebSocket upgrade, before any call exists. Deny with 401 (who are you?)
 * or 403 (not for you). A hook that throws or times out answers 503.
 */
export type AuthHook = (
  request: IncomingMessage,
  query: ConnectionQuery,
) => AuthDecision | Promise<AuthDecision>;

/** A token that only opens calls of one tenant. */
export interface TenantToken {
  /** The tenant whose calls this token opens. */
  readonly tenant: string;
  /** The secret, as PSR sends it in the `token` query parameter. */
  readonly token: string;
}

/** Options of {@link tokenAuth}. */
export interface TokenAuthOptions {
  /**
   * Accepted tokens; several at once let you rotate without downtime. A plain string opens
   * calls of any tenant (the tenant is then what the caller says it is); a
   * {@link TenantToken} opens only its tenant's calls (403 for another), so a tenant can
   * neither open, block nor replace another tenant's calls.
   */
  readonly tokens: readonly (string | TenantToken)[];
  /** Query parameter carrying the token (default `token`); `false` to accept only the header. */
  readonly queryParam?: string | false;
}

const ALLOW: AuthDecision = { allow: true };

/**
 * Token authentication: `Authorization: Bearer <token>` or `?token=<token>`, compared in
 * constant time against each accepted token; a token bound to a tenant opens only that
 * tenant's calls.
 *
 * @example
 * ```ts
 * createPsrServer({
 *   bot,
 *   authenticate: tokenAuth({
 *     tokens: [{ tenant: 'acme', token: process.env.ACME_TOKEN! }, process.env.ADMIN_TOKEN!],
 *   }),
 * });
 * ```
 */
export function tokenAuth(options: TokenAuthOptions): AuthHook {
  const find = tokenTable<{ token: string; tenant?: string }>(
    options.tokens.map((entry) => (typeof entry === 'string' ? { token: entry } : entry)),
    'tokenAuth',
  );
  const queryParam = options.queryParam ?? 'token';
  return (request, query) => {
    const given = bearerToken(request) || (queryParam ? query.params[queryParam] : undefined);
    if (!given) return { allow: false, status: 401, reason: 'no token' };
    const match = find(given);
    if (!match) return { allow: false, status: 401, reason: 'wrong token' };
    if (match.tenant !== undefined && match.tenant !== query.tenant)
      return { allow: false, status: 403, reason: 'this token is not for this tenant' };
    return ALLOW;
  };
}

/**
 * For plain HTTP routes (metrics, readiness): true when the request carries one of `tokens`
 * as `Authorization: Bearer <token>` (compared in constant time).
 */
export function bearerTokenCheck(tokens: readonly string[]): (request: IncomingMessage) => boolean {
  const find = tokenTable(
    tokens.map((token) => ({ token })),
    'bearerTokenCheck',
  );
  return (request) => {
    const given = bearerToken(request);
    return given !== undefined && find(given) !== undefined;
  };
}

/**
 * For operator routes (a calls page, a control API): which of `entries` a request carries,
 * as `Authorization: Bearer <token>` or `?<queryParam>=<token>` (default `token`; `false`
 * for the header only), compared in constant time against each; undefined when none.
 * An entry can carry a name, so that logs say who asked.
 * @throws {TypeError} when no entry has a non-empty token
 */
export function requestTokenCheck<T extends { readonly token: string }>(
  entries: readonly T[],
  options: { readonly queryParam?: string | false } = {},
): (request: IncomingMessage) => T | undefined {
  const find = tokenTable(entries, 'requestTokenCheck');
  const queryParam = options.queryParam ?? 'token';
  return (request) => {
    const given =
      bearerToken(request) ??
      (queryParam === false
        ? undefined
        : new URL(request.url ?? '/', 'http://x').searchParams.get(queryParam) || undefined);
    return given === undefined ? undefined : find(given);
  };
}

function bearerToken(request: IncomingMessage): string | undefined {
  const header = request.headers.authorization;
  return (header && /^Bearer\s+(.+)$/i.exec(header)?.[1]?.trim()) || undefined;
}

/**
 * Looks a presented token up among the accepted ones, comparing against every one (no early
 * exit) so timing says nothing about which matched.
 */
function tokenTable<T extends { readonly token: string }>(
  entries: readonly T[],
  who: string,
): (given: string) => T | undefined {
  const accepted = entries
    .filter((entry) => entry.token.length > 0)
    .map((entry) => ({ entry, bytes: Buffer.from(entry.token, 'utf8') }));
  if (accepted.length === 0) throw new TypeError(`${who}: give at least one non-empty token`);
  return (given) => {
    const candidate = Buffer.from(given, 'utf8');
    let match: T | undefined;
    for (const { entry, bytes } of accepted)
      if (constantTimeEqual(candidate, bytes) && match === undefined) match = entry;
    return match;
  };
}

function constantTimeEqual(a: Buffer, b: Buffer): boolean {
  // timingSafeEqual needs equal lengths; compare `a` with itself when they differ.
  return timingSafeEqual(a, a.length === b.length ? b : a) && a.length === b.length;
}

/** Lets in only the listed tenants (403 otherwise). */
export function tenantAllowList(tenants: readonly string[]): AuthHook {
  const allowed = new Set(tenants);
  return (_request, query) =>
    allowed.has(query.tenant)
      ? ALLOW
      : {
          allow: false,
          status: 403,
          reason: `tenant ${JSON.stringify(query.tenant)} is not allowed`,
        };
}

/** Runs hooks in order; the first denial wins. */
export function allOf(...hooks: readonly AuthHook[]): AuthHook {
  return async (request, query) => {
    for (const hook of hooks) {
      const decision = await hook(request, query);
      if (!decision.allow) return decision;
    }
    return ALLOW;
  };
}
