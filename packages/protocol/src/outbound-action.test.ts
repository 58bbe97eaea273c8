import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CHUNK_FORMATS,
  chunkAction,
  decodeAction,
  encodeAction,
  hangupAction,
  mediaAction,
  type PsrAction,
  transferAction,
} from './outbound-action.js';

describe('action builders', () => {
  it('fill in the contract defaults', () => {
    const wav = new Uint8Array([1, 2, 3]);
    expect(mediaAction(wav)).toEqual({ type: 'media', payload: wav, isSync: false });
    expect(chunkAction(wav)).toEqual({ type: 'chunk', payload: wav, format: 'mp3' });
  });

  it('reject what PSR could not play or route', () => {
    expect(() => mediaAction(new Uint8Array())).toThrow(
      expect.objectContaining({ code: 'INVALID_FIELD' }),
    );
    expect(() => chunkAction(new Uint8Array())).toThrow(
      expect.objectContaining({ code: 'INVALID_FIELD' }),
    );
    expect(() => chunkAction(new Uint8Array(3), { format: 'pcm16' })).toThrow(
      expect.objectContaining({ code: 'ODD_PCM_LENGTH' }),
    );
    for (const extension of ['', ' 101', '10 1', '1'.repeat(65), '101\n', 'ext/1']) {
      expect(() => transferAction(extension)).toThrow(
        expect.objectContaining({ code: 'INVALID_FIELD', path: '$.data.extension' }),
      );
    }
    for (const extension of ['101', '*97', '#1', '+84901234567', 'sip_user.1-a']) {
      expect(transferAction(extension).extension).toBe(extension);
    }
  });
});

describe('encodeAction', () => {
  it('always writes is_sync and format explicitly', () => {
    const payload = new Uint8Array([0xff, 0xe3]);
    expect(encodeAction(mediaAction(payload, { isSync: true }))).toBe(
      '{"event":"media","media":{"payload":"/+M=","is_sync":true}}',
    );
    expect(encodeAction(chunkAction(payload, { format: 'pcm16' }))).toBe(
      '{"event":"chunk","media":{"payload":"/+M=","format":"pcm16"}}',
    );
  });
});

describe('decodeAction', () => {
  it.each([
    ['media without media', '{"event":"media"}', 'MISSING_FIELD', '$.media'],
    [
      'a string is_sync',
      '{"event":"media","media":{"payload":"AAAA","is_sync":"true"}}',
      'INVALID_FIELD',
      '$.media.is_sync',
    ],
    [
      'an unknown format',
      '{"event":"chunk","media":{"payload":"AAAA","format":"wav"}}',
      'INVALID_FIELD',
      '$.media.format',
    ],
    [
      'an empty chunk',
      '{"event":"chunk","media":{"payload":""}}',
      'INVALID_FIELD',
      '$.media.payload',
    ],
    [
      'an odd pcm16 chunk',
      '{"event":"chunk","media":{"payload":"AAAA","format":"pcm16"}}',
      'ODD_PCM_LENGTH',
      '$.media.payload',
    ],
    [
      'bad base64',
      '{"event":"chunk","media":{"payload":"A A="}}',
      'INVALID_BASE64',
      '$.media.payload',
    ],
    ['transfer without data', '{"event":"transfer"}', 'MISSING_FIELD', '$.data'],
    [
      'a numeric extension',
      '{"event":"transfer","data":{"extension":101}}',
      'INVALID_FIELD',
      '$.data.extension',
    ],
    [
      'an invalid extension',
      '{"event":"transfer","data":{"extension":"1 0 1"}}',
      'INVALID_FIELD',
      '$.data.extension',
    ],
  ])('rejects %s', (_name, text, code, path) => {
    expect(() => decodeAction(text)).toThrow(expect.objectContaining({ code, path }));
  });

  it('defaults is_sync to false and format to mp3 as the contract says', () => {
    expect(decodeAction('{"event":"media","media":{"payload":"AAAA"}}')).toMatchObject({
      isSync: false,
    });
    expect(decodeAction('{"event":"chunk","media":{"payload":"AAAA"}}')).toMatchObject({
      format: 'mp3',
    });
  });

  it('round-trips every action through encodeAction', () => {
    const payload = fc
      .uint8Array({ minLength: 2, maxLength: 800 })
      .map((b) => Buffer.from(b.length % 2 ? b.subarray(1) : b));
    const action: fc.Arbitrary<PsrAction> = fc.oneof(
      fc.tuple(payload, fc.boolean()).map(([p, isSync]) => mediaAction(p, { isSync })),
      fc
        .tuple(payload, fc.constantFrom(...CHUNK_FORMATS))
        .map(([p, format]) => chunkAction(p, { format })),
      fc.stringMatching(/^[0-9A-Za-z*#+._-]{1,64}$/).map(transferAction),
      fc.constant(hangupAction()),
    );
    fc.assert(
      fc.property(action, (original) => {
        expect(decodeAction(encodeAction(original))).toEqual(original);
      }),
    );
  });
});
