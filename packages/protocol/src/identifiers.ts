import { ProtocolError } from './errors.js';

/** Longest `call_id` or `tenant` accepted (PSR sends UUIDs; tenants are short names). */
export const MAX_IDENTIFIER_LENGTH = 256;

// eslint-style control characters: C0, DEL and C1.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Checks a call id or tenant: non-empty, at most {@link MAX_IDENTIFIER_LENGTH}
 * characters, no control characters. The contract says call ids are UUIDs, but PSR
 * builds differ, so any other printable text is accepted too.
 */
export function checkIdentifier(value: string, path: string): string {
  if (value.length === 0)
    throw new ProtocolError('INVALID_FIELD', 'must not be empty', { path: path });
  if (value.length > MAX_IDENTIFIER_LENGTH) {
    throw new ProtocolError(
      'INVALID_FIELD',
      `is ${value.length} characters long; the limit is ${MAX_IDENTIFIER_LENGTH}`,
      { path: path },
    );
  }
  if (CONTROL.test(value))
    throw new ProtocolError('INVALID_FIELD', 'contains control characters', { path: path });
  return value;
}

// Digits and the DTMF symbols cover phone extensions; letters, dot, dash and
// underscore cover SIP user names some PBXs use as extensions.
const EXTENSION = /^[0-9A-Za-z*#+._-]{1,64}$/;

/** Checks a transfer target: 1–64 characters of digits, letters, `* # + . _ -`. */
export function checkExtension(value: string, path = '$.data.extension'): string {
  if (!EXTENSION.test(value)) {
    throw new ProtocolError(
      'INVALID_FIELD',
      `extension ${JSON.stringify(value.slice(0, 70))} must be 1–64 characters of digits, letters, * # + . _ -`,
      { path: path },
    );
  }
  return value;
}
