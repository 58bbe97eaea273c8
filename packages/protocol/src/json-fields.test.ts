import { describe, expect, it } from 'vitest';
import { parseJsonObject } from './json-fields.js';

describe('parseJsonObject', () => {
  it('parses an object, from a string or from UTF-8 bytes', () => {
    expect(parseJsonObject('{"a":1}')).toEqual({ a: 1 });
    expect(parseJsonObject(new TextEncoder().encode('{"ă":"ơ"}'))).toEqual({ ă: 'ơ' });
  });

  it.each([
    [
      '<html>502</html>',
      'INVALID_JSON',
      /^\$: frame is not JSON \(.+\); starts with "<html>502<\/html>"$/,
    ],
    ['[1,2]', 'INVALID_FIELD', /^\$: expected an object, got an array$/],
    ['null', 'INVALID_FIELD', /^\$: expected an object, got null$/],
    [Uint8Array.of(0x7b, 0xff, 0x7d), 'INVALID_UTF8', /^\$: frame is not valid UTF-8 text$/],
  ])('refuses %s with %s at $', (frame, code, message) => {
    expect(() => parseJsonObject(frame)).toThrow(
      expect.objectContaining({
        name: 'ProtocolError',
        code,
        path: '$',
        message: expect.stringMatching(message),
      }),
    );
  });
});
