import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base64DecodedLength, decodeBase64, encodeBase64 } from './base64.js';

describe('decodeBase64', () => {
  it('round-trips any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        expect(new Uint8Array(decodeBase64(encodeBase64(bytes)))).toEqual(bytes);
      }),
    );
  });

  it('accepts unpadded text', () => {
    expect([...decodeBase64('AQID')]).toEqual([1, 2, 3]);
    expect([...decodeBase64('AQI')]).toEqual([1, 2]);
    expect([...decodeBase64('AQ')]).toEqual([1]);
  });

  it.each([
    ['whitespace', 'AQ ID', /character " " .* at offset 2/],
    ['url-safe alphabet', 'A-_A', /character "-"/],
    ['padding in the middle', 'AQ==AQID', /padding at offset 2/],
    ['impossible length', 'AQIDA', /length 5/],
    ['padding with a bad length', 'AQI==', /length 5/],
  ])('rejects %s', (_name, text, message) => {
    expect(() => decodeBase64(text, '$.media.payload')).toThrow(
      expect.objectContaining({
        code: 'INVALID_BASE64',
        path: '$.media.payload',
        message: expect.stringMatching(message),
      }),
    );
  });

  it('refuses oversized payloads before decoding them', () => {
    const text = 'A'.repeat(4000);
    expect(base64DecodedLength(text)).toBe(3000);
    expect(() => decodeBase64(text, '$.p', 2999)).toThrow(
      expect.objectContaining({ code: 'PAYLOAD_TOO_LARGE' }),
    );
    expect(decodeBase64(text, '$.p', 3000)).toHaveLength(3000);
  });
});
