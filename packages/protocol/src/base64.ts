import { ProtocolError } from './errors.js';

// Strict standard base64 (RFC 4648 §4), with or without trailing padding. Whitespace, the
// URL-safe alphabet and padding in the middle are rejected: Node's own decoder would
// silently skip or accept such characters and hand back corrupted audio.
//
// Checked cheaply after decoding: Node's decoder skips every character outside its
// alphabet and stops at the first '=', so the output is shorter than the length the
// text implies exactly when such a character is present. Its alphabet adds only '-'
// and '_' (URL-safe), which are looked for separately.
/** Number of bytes a base64 text decodes to, without decoding it (`-1` if impossible). */
export function base64DecodedLength(text: string): number {
  const length = text.length;
  let padding = 0;
  if (length > 0 && text.charCodeAt(length - 1) === 61) padding++;
  if (length > 1 && text.charCodeAt(length - 2) === 61) padding++;
  const body = length - padding;
  if (padding > 0 && length % 4 !== 0) return -1;
  if (body % 4 === 1) return -1;
  return Math.floor((body * 3) / 4);
}

/**
 * Decodes standard base64 strictly.
 *
 * @param text - the base64 text
 * @param path - where the text came from, for the error (`$.media.payload`)
 * @param maxBytes - reject before decoding when the result would be larger
 * @throws {ProtocolError} `INVALID_BASE64` or `PAYLOAD_TOO_LARGE`
 */
export function decodeBase64(
  text: string,
  path = '$',
  maxBytes = Number.POSITIVE_INFINITY,
): Uint8Array {
  const size = base64DecodedLength(text);
  if (size < 0)
    throw new ProtocolError('INVALID_BASE64', describeBase64Problem(text), { path: path });
  if (size > maxBytes) {
    throw new ProtocolError(
      'PAYLOAD_TOO_LARGE',
      `payload decodes to ${size} bytes, more than the limit of ${maxBytes}`,
      { path: path },
    );
  }
  const buffer = Buffer.from(text, 'base64');
  if (buffer.byteLength !== size || text.indexOf('-') !== -1 || text.indexOf('_') !== -1) {
    throw new ProtocolError('INVALID_BASE64', describeBase64Problem(text), { path: path });
  }
  return buffer; // a Uint8Array (Node's Buffer subclass), from Node's pool when small
}

/** Encodes bytes as standard, padded base64. */
export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

function describeBase64Problem(text: string): string {
  const bad = text.search(/[^A-Za-z0-9+/=]/);
  if (bad >= 0) {
    const code = text.charCodeAt(bad);
    return `invalid base64: character ${JSON.stringify(text[bad])} (U+${code.toString(16).padStart(4, '0')}) at offset ${bad}`;
  }
  const pad = text.indexOf('=');
  if (pad >= 0 && pad < text.length - 2)
    return `invalid base64: padding at offset ${pad} before the end`;
  return `invalid base64: length ${text.length} cannot be a whole base64 text`;
}
