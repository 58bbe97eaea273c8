import { ProtocolError } from './errors.js';

/** A parsed JSON object. */
export type JsonObject = Record<string, unknown>;

/**
 * Parses a text frame (string or UTF-8 bytes) that must hold a JSON object: a PSR message,
 * or a service's message on its WebSocket.
 *
 * @throws {ProtocolError} `INVALID_UTF8`, `INVALID_JSON` (quoting the frame's start) or
 * `INVALID_FIELD` (JSON that is not an object), all at path `$`
 */
export function parseJsonObject(frame: string | Uint8Array): JsonObject {
  let text: string;
  if (typeof frame === 'string') {
    text = frame;
  } else {
    try {
      text = utf8.decode(frame);
    } catch (cause) {
      throw new ProtocolError('INVALID_UTF8', 'frame is not valid UTF-8 text', {
        path: '$',
        cause,
      });
    }
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new ProtocolError(
      'INVALID_JSON',
      `frame is not JSON (${(cause as Error).message}); starts with ${JSON.stringify(text.slice(0, 40))}`,
      { path: '$', cause },
    );
  }
  return expectObject(value, '$');
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

export function expectObject(value: unknown, path: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ProtocolError('INVALID_FIELD', `expected an object, got ${describeType(value)}`, {
      path: path,
    });
  }
  return value as JsonObject;
}

export function requireField(object: JsonObject, key: string, path: string): unknown {
  const value = object[key];
  if (value === undefined)
    throw new ProtocolError('MISSING_FIELD', 'required field is missing', {
      path: `${path}.${key}`,
    });
  return value;
}

export function requireObject(object: JsonObject, key: string, path: string): JsonObject {
  return expectObject(requireField(object, key, path), `${path}.${key}`);
}

export function requireString(object: JsonObject, key: string, path: string): string {
  const value = requireField(object, key, path);
  if (typeof value !== 'string') {
    throw new ProtocolError('INVALID_FIELD', `expected a string, got ${describeType(value)}`, {
      path: `${path}.${key}`,
    });
  }
  return value;
}

/** One of `allowed`; `fallback` when the field is absent (required when no fallback). */
export function readEnum<T extends string>(
  object: JsonObject,
  key: string,
  path: string,
  allowed: readonly T[],
  fallback?: T,
): T {
  const value = object[key];
  if (value === undefined && fallback !== undefined) return fallback;
  const text = requireString(object, key, path);
  if (!(allowed as readonly string[]).includes(text)) {
    throw new ProtocolError(
      'INVALID_FIELD',
      `expected one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}, got ${JSON.stringify(text.slice(0, 40))}`,
      { path: `${path}.${key}` },
    );
  }
  return text as T;
}

export function readBoolean(
  object: JsonObject,
  key: string,
  path: string,
  fallback: boolean,
): boolean {
  const value = object[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') {
    throw new ProtocolError('INVALID_FIELD', `expected a boolean, got ${describeType(value)}`, {
      path: `${path}.${key}`,
    });
  }
  return value;
}

/** Adds to `into` the paths of keys of `object` that are not in `known`. */
export function collectExtraFields(
  object: JsonObject,
  known: readonly string[],
  path: string,
  into: string[],
): void {
  for (const key in object) {
    if (!known.includes(key)) into.push(`${path}.${key}`);
  }
}
