import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildConnectionUrl, parseConnectionQuery } from './connection-query.js';

describe('parseConnectionQuery', () => {
  it('splits the fixed parameters from the dynamic ones', () => {
    const query = parseConnectionQuery('/psr?token=s3cret&call_id=abc-1&tenant=acme&danh_xung=anh');
    expect(query.callId).toBe('abc-1');
    expect(query.tenant).toBe('acme');
    expect({ ...query.params }).toEqual({ token: 's3cret', danh_xung: 'anh' });
  });

  it('decodes URL encoding and keeps repeated names in order', () => {
    const query = parseConnectionQuery(
      'wss://bot.example/ws?call_id=a&tenant=t&name=Nguy%E1%BB%85n+V%C4%83n&tag=1&tag=2',
    );
    expect(query.params['name']).toBe('Nguyễn Văn');
    expect(query.params['tag']).toBe('1');
    expect(query.paramValues['tag']).toEqual(['1', '2']);
  });

  it('treats __proto__ as an ordinary parameter', () => {
    const query = parseConnectionQuery('/?call_id=a&tenant=t&__proto__=x');
    // biome-ignore lint/suspicious/noProto: the point of the test
    expect(query.params['__proto__']).toBe('x');
    expect(Object.keys(query.params)).toEqual(['__proto__']);
  });

  it.each([
    ['/ws?tenant=t', 'MISSING_FIELD', 'query.call_id'],
    ['/ws?call_id=a', 'MISSING_FIELD', 'query.tenant'],
    ['/ws?call_id=&tenant=t', 'INVALID_FIELD', 'query.call_id'],
    ['/ws?call_id=a&tenant=', 'INVALID_FIELD', 'query.tenant'],
    ['/ws?call_id=a&call_id=b&tenant=t', 'INVALID_FIELD', 'query.call_id'],
    [`/ws?call_id=${'x'.repeat(257)}&tenant=t`, 'INVALID_FIELD', 'query.call_id'],
    ['/ws?call_id=a%0Ab&tenant=t', 'INVALID_FIELD', 'query.call_id'],
  ])('%s → %s at %s', (url, code, path) => {
    expect(() => parseConnectionQuery(url)).toThrow(expect.objectContaining({ code, path }));
  });

  it('accepts the same call_id repeated with the same value', () => {
    expect(parseConnectionQuery('/?call_id=a&call_id=a&tenant=t').callId).toBe('a');
  });
});

describe('buildConnectionUrl', () => {
  it("appends to the owner's own query", () => {
    const url = buildConnectionUrl('ws://127.0.0.1:8080/psr?token=x', {
      callId: 'c',
      tenant: 't',
      params: { danh_xung: 'anh' },
    });
    expect(url).toBe('ws://127.0.0.1:8080/psr?token=x&call_id=c&tenant=t&danh_xung=anh');
  });

  it('round-trips through parseConnectionQuery', () => {
    const text = fc
      .string({ minLength: 1, maxLength: 30 })
      .filter((s) => !/[\u0000-\u001f\u007f-\u009f]/.test(s));
    const name = fc
      .string({ minLength: 1, maxLength: 12 })
      .filter((n) => n !== 'call_id' && n !== 'tenant');
    fc.assert(
      fc.property(
        text,
        text,
        fc.dictionary(name, fc.array(fc.string({ maxLength: 20 }), { minLength: 1, maxLength: 3 })),
        (callId, tenant, params) => {
          const query = parseConnectionQuery(
            buildConnectionUrl('ws://h/p', { callId, tenant, params }),
          );
          expect(query.callId).toBe(callId);
          expect(query.tenant).toBe(tenant);
          expect({ ...query.paramValues }).toEqual({ ...params });
        },
      ),
    );
  });
});
