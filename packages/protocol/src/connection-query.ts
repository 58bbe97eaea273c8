import { ProtocolError } from './errors.js';
import { checkIdentifier } from './identifiers.js';

/** What PSR tells the server about a call in the WebSocket URL's query. */
export interface ConnectionQuery {
  /** `call_id`: the call's id (a UUID in practice). */
  readonly callId: string;
  /** `tenant`: the customer account. */
  readonly tenant: string;
  /**
   * Every other parameter, first value of each name, decoded: PSR's dynamic facts
   * (`danh_xung`, …) and whatever the owner's configured URL carried (`token`, …).
   */
  readonly params: Readonly<Record<string, string>>;
  /** Every other parameter with all of its values, in order, for repeated names. */
  readonly paramValues: Readonly<Record<string, readonly string[]>>;
}

const FIXED = ['call_id', 'tenant'] as const;

/**
 * Parses the URL PSR connected with (an absolute URL, or a request target such as
 * `/psr?call_id=…&tenant=…` as `http.IncomingMessage.url` gives it).
 *
 * @example
 * ```ts
 * const { callId, tenant, params } = parseConnectionQuery(request.url ?? '');
 * ```
 * @throws {ProtocolError} `MISSING_FIELD` when `call_id` or `tenant` is absent,
 *   `INVALID_FIELD` when one is empty, too long, or given twice with different values
 */
export function parseConnectionQuery(url: string | URL): ConnectionQuery {
  let parsed: URL;
  try {
    parsed = typeof url === 'string' ? new URL(url, 'ws://psr.invalid') : url;
  } catch (cause) {
    throw new ProtocolError(
      'INVALID_FIELD',
      `not a URL: ${JSON.stringify(String(url).slice(0, 80))}`,
      { path: 'query', cause },
    );
  }
  const values: Record<string, string[]> = Object.create(null);
  for (const [name, value] of parsed.searchParams) {
    const list = values[name];
    if (list) list.push(value);
    else values[name] = [value];
  }
  const [callId, tenant] = FIXED.map((name) => {
    const list = values[name];
    if (!list)
      throw new ProtocolError('MISSING_FIELD', `the connection URL has no ${name} parameter`, {
        path: `query.${name}`,
      });
    if (list.some((value) => value !== list[0])) {
      throw new ProtocolError('INVALID_FIELD', `given ${list.length} times with different values`, {
        path: `query.${name}`,
      });
    }
    delete values[name];
    return checkIdentifier(list[0]!, `query.${name}`);
  }) as [string, string];
  // Null-prototype records: a parameter named `__proto__` is data like any other.
  const params: Record<string, string> = Object.create(null);
  const paramValues: Record<string, readonly string[]> = Object.create(null);
  for (const name of Object.keys(values)) {
    params[name] = values[name]![0]!;
    paramValues[name] = values[name]!;
  }
  return { callId, tenant, params, paramValues };
}

/** What {@link buildConnectionUrl} adds to a URL. */
export interface ConnectionQueryInit {
  /** PSR's `call_id` for the call. */
  readonly callId: string;
  /** The tenant the call belongs to. */
  readonly tenant: string;
  /** Dynamic parameters; an array repeats the name. */
  readonly params?: Readonly<Record<string, string | readonly string[]>>;
}

/**
 * Adds PSR's query parameters to the URL the owner configured, keeping any query it
 * already has (the emulator's side of {@link parseConnectionQuery}).
 */
export function buildConnectionUrl(baseUrl: string | URL, init: ConnectionQueryInit): string {
  const url = new URL(baseUrl);
  url.searchParams.append('call_id', checkIdentifier(init.callId, 'query.call_id'));
  url.searchParams.append('tenant', checkIdentifier(init.tenant, 'query.tenant'));
  for (const [name, value] of Object.entries(init.params ?? {})) {
    for (const item of typeof value === 'string' ? [value] : value)
      url.searchParams.append(name, item);
  }
  return url.toString();
}
