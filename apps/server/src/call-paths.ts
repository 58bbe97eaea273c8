import { type CallDirectory, type CallRef, callName, type LiveCall } from './call-directory.js';

/**
 * A call as a path names it: by tenant and id (`/api/calls/<tenant>/<id>`), or by its id
 * alone (`/api/calls/<id>`), which names it only while no other tenant's call has that id.
 */
export type CallTarget = CallRef | { readonly tenant?: undefined; readonly id: string };

/** The call a target names, or why none: 404 (no such call), 409 (an id two tenants share). */
export type FoundCall =
  | { readonly found: true; readonly call: LiveCall }
  | { readonly found: false; readonly status: 404 | 409; readonly error: string };

/** The call `target` names in the directory (live or recently ended). */
export function findCall(directory: CallDirectory, target: CallTarget): FoundCall {
  if (target.tenant !== undefined) {
    const call = directory.get(target);
    return call
      ? { found: true, call }
      : { found: false, status: 404, error: `no call ${callName(target)}` };
  }
  const calls = directory.list().filter((call) => call.id === target.id);
  const [only] = calls;
  if (only && calls.length === 1) return { found: true, call: only };
  const id = target.id.slice(0, 80);
  if (!only) return { found: false, status: 404, error: `no call ${id}` };
  const tenants = calls.map((call) => call.tenant.slice(0, 40)).join(', ');
  return {
    found: false,
    status: 409,
    error: `call id ${id} is used by ${calls.length} tenants (${tenants}): name the tenant, as /api/calls/<tenant>/${encodeURIComponent(id)}`,
  };
}

/** What an `/api/calls/…` path asks for (`rest`: its segments after `calls`, decoded). */
export type ApiCallRoute =
  | { readonly kind: 'list' }
  | { readonly kind: 'call'; readonly target: CallTarget }
  | { readonly kind: 'command'; readonly target: CallTarget; readonly command: string }
  | { readonly kind: 'method-not-allowed' }
  | { readonly kind: 'not-found' };

/**
 * `GET /api/calls`, `GET /api/calls/[<tenant>/]<id>`, `POST /api/calls/[<tenant>/]<id>/<command>`:
 * the method tells the two-segment forms apart (GET: a tenant and an id; POST: an id and a
 * command).
 */
export function apiCallRoute(rest: readonly string[], method: string | undefined): ApiCallRoute {
  const get = method === 'GET' || method === 'HEAD';
  const post = method === 'POST';
  if (rest.length > 3) return { kind: 'not-found' };
  const [a, b, c] = rest;
  if (a === undefined) return get ? { kind: 'list' } : { kind: 'method-not-allowed' };
  if (get && b === undefined) return { kind: 'call', target: { id: a } };
  if (get && c === undefined) return { kind: 'call', target: { tenant: a, id: b! } };
  if (post && b !== undefined && c === undefined)
    return { kind: 'command', target: { id: a }, command: b };
  if (post && c !== undefined)
    return { kind: 'command', target: { tenant: a, id: b! }, command: c };
  return { kind: 'method-not-allowed' };
}

/** What a `/calls/…` page path asks for (`rest`: its segments after `calls`, decoded). */
export type PageRoute =
  | { readonly kind: 'list' }
  /** `/calls/<id>`: sent on to the call's own path while the id is one tenant's. */
  | { readonly kind: 'by-id'; readonly id: string }
  | { readonly kind: 'call'; readonly call: CallRef }
  | { readonly kind: 'recording'; readonly target: CallTarget }
  | { readonly kind: 'not-found' };

/**
 * `/calls`, `/calls/<tenant>/<id>`, `/calls/<tenant>/<id>/recording`, and by id alone
 * `/calls/<id>` and `/calls/<id>/recording` — the latter unless a call of tenant `<id>` is
 * itself named `recording` (`known` says which calls exist).
 */
export function pageRoute(rest: readonly string[], known: (call: CallRef) => boolean): PageRoute {
  const [a, b, c] = rest;
  if (a === undefined) return { kind: 'list' };
  if (b === undefined) return { kind: 'by-id', id: a };
  if (c === undefined)
    return b === 'recording' && !known({ tenant: a, id: b })
      ? { kind: 'recording', target: { id: a } }
      : { kind: 'call', call: { tenant: a, id: b } };
  if (c === 'recording' && rest.length === 3)
    return { kind: 'recording', target: { tenant: a, id: b } };
  return { kind: 'not-found' };
}
