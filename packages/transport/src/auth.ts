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

export interface TokenAuthOptions {
  /** Accepted tokens; several at once let you rotate without downtime. */
  readonly tokens: readonly string[];
  /** Query parameter carrying the token (default `token`); `false` to accept only the header. */
  readonly queryParam?: string | false;
}

const ALLOW: AuthDecision = { allow: true };

/**
 * Shared-token authentication: `Authorization: Bearer <token>` or `?token=<token>`,
 * compared in constant time against each accepted token.
 *
 * @example
 * ```ts
 * createPsrServer({ bot, authenticate: tokenAuth({ tokens: [process.env.PSR_TOKEN!] }) });
 * ```
 */
export function tokenAuth(options: TokenAuthOptions): AuthHook {
  const accepted = options.tokens.filter((t) => t.length > 0).map((t) => Buffer.from(t, 'utf8'));
  if (accepted.length === 0) throw new TypeError('tokenAuth: give at least one non-empty token');
  const queryParam = options.queryParam ?? 'token';
  return (request, query) => {
    const header = request.headers.authorization;
    const bearer = header && /^Bearer\s+(.+)$/i.exec(header)?.[1]?.trim();
    const given = bearer || (queryParam ? query.params[queryParam] : undefined);
    if (!given) return { allow: false, status: 401, reason: 'no token' };
    const candidate = Buffer.from(given, 'utf8');
    // Compare against every token (no early exit) so timing says nothing about which matched.
    let match = false;
    for (const token of accepted) match = constantTimeEqual(candidate, token) || match;
    return match ? ALLOW : { allow: false, status: 401, reason: 'wrong token' };
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
