import { describe, expect, it } from 'vitest';
import { credentialShape, hideCredentials, quoteRefused } from './credential-text.js';

describe('text that looks like a credential', () => {
  it.each([
    ['token=abcd1234', 'a key=value credential'],
    ['{"apiKey": "abcd1234"}', 'a key=value credential'],
    ['PASSWORD: hunter22', 'a key=value credential'],
    ['Authorization: Bearer abcdefgh12345678', 'a bearer token'],
    ['eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig', 'a JWT'],
    ['0123456789abcdef0123456789abcdef', 'a long hex run'],
    ['sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz012345', 'a long base64 run'],
  ])('%j is %s', (text, shape) => {
    expect(credentialShape(text)).toBe(shape);
    expect(quoteRefused(text, 60)).toBe(
      `${Buffer.byteLength(text)} bytes that look like ${shape} (not shown)`,
    );
  });

  it.each(['hello there', '{"text": "xin chào"', 'not json at all, just words', 'a=b'])(
    '%j is none: quoted, cut short',
    (text) => {
      expect(credentialShape(text)).toBeUndefined();
      expect(quoteRefused(text, 5)).toBe(
        `${JSON.stringify(text.slice(0, 5))} (${Buffer.byteLength(text)} bytes)`,
      );
    },
  );

  it('is hidden inside a longer message, the rest kept', () => {
    expect(hideCredentials('extension "secret=abcd1234" must be digits')).toBe(
      'extension "[a key=value credential, 15 chars, hidden]" must be digits',
    );
    expect(hideCredentials('no call x (tenant acme)')).toBe('no call x (tenant acme)');
  });
});
