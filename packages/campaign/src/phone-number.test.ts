import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalisePhone } from './phone-number.js';

const phoneOf = (raw: string) => {
  const result = normalisePhone(raw);
  return result.ok ? result.phone : `error: ${result.reason}`;
};

describe('normalisePhone', () => {
  it('reads every usual way of writing one Vietnamese mobile number', () => {
    for (const raw of [
      '0912345678',
      '84912345678',
      '+84912345678',
      '+84 91 234 5678',
      '0912.345.678',
      '(091) 234-5678',
      '0084912345678',
      '+84 (0)91 234 5678',
      ' 0912 345 678 ',
      '912345678',
    ]) {
      expect(phoneOf(raw), raw).toBe('+84912345678');
    }
  });

  it('accepts landlines with the 2xx area codes', () => {
    expect(phoneOf('024 3825 1234')).toBe('+842438251234');
    expect(phoneOf('0236 3822 123')).toBe('+842363822123');
    expect(phoneOf('+84 28 3829 1234')).toBe('+842838291234');
  });

  it('says why a number is refused', () => {
    expect(phoneOf('')).toBe('error: empty');
    expect(phoneOf('091234567')).toMatch(/too short: 8 digits after the 0 \(a mobile/);
    expect(phoneOf('09123456789')).toMatch(/too long: 10 digits after the 0 \(a mobile/);
    expect(phoneOf('024382512')).toMatch(/too short: 8 digits after the 0 \(a landline/);
    expect(phoneOf('0412345678')).toMatch(/unknown prefix 04/);
    expect(phoneOf('0112345678')).toMatch(/unknown prefix 01/);
    expect(phoneOf('1900 1234')).toMatch(/unknown prefix 01/);
    expect(phoneOf('0912')).toMatch(/too short: 3 digits after the 0/);
    expect(phoneOf('0912abc678')).toBe('error: contains letters');
    expect(phoneOf('0912345678 ext 12')).toBe('error: contains letters');
    expect(phoneOf('0912#345678')).toBe('error: unexpected character "#"');
    expect(phoneOf('09+12345678')).toBe('error: unexpected character "+"');
    expect(phoneOf('+')).toBe('error: no digits');
    expect(phoneOf('123')).toMatch(/too short: 3 digits/);
  });

  it('accepts other countries as E.164 when written with their code', () => {
    expect(phoneOf('+1 (415) 555-2671')).toBe('+14155552671');
    expect(phoneOf('0044 20 7946 0958')).toBe('+442079460958');
    expect(phoneOf('+1234567')).toMatch(/too short: 7 digits/);
    expect(phoneOf('+1234567890123456')).toMatch(/too long: 16 digits/);
    expect(phoneOf('+0123456789')).toMatch(/country code never starts with 0/);
  });

  it('needs a country code when the default country has no plan here', () => {
    expect(normalisePhone('4155552671', 'US')).toMatchObject({ ok: false });
    expect(normalisePhone('+14155552671', 'US')).toEqual({ ok: true, phone: '+14155552671' });
  });
});

/** A Vietnamese national significant number: a mobile (9 digits) or a landline (10). */
const nsn = fc.oneof(
  fc
    .tuple(fc.constantFrom('3', '5', '7', '8', '9'), fc.stringMatching(/^\d{8}$/))
    .map(([a, b]) => a + b),
  fc.stringMatching(/^2\d{9}$/),
);
const separator = fc.constantFrom('', ' ', '.', '-', ' - ');

/** `digits` in groups joined by separators. */
const grouped = (digits: string, seps: string[]) => {
  let out = '';
  for (let i = 0; i < digits.length; i++) {
    out += (i > 0 && i % 3 === 0 ? (seps[i % 4] ?? '') : '') + (digits[i] ?? '');
  }
  return out;
};

describe('normalisePhone properties', () => {
  it('every way of writing a number gives the same E.164', () => {
    fc.assert(
      fc.property(nsn, fc.array(separator, { minLength: 4, maxLength: 4 }), (n, seps) => {
        const expected = `+84${n}`;
        const forms = [
          `0${n}`,
          `84${n}`,
          `+84${n}`,
          `0084${n}`,
          `+84 ${grouped(n, seps)}`,
          grouped(`0${n}`, seps),
          `(0${n.slice(0, 2)}) ${grouped(n.slice(2), seps)}`,
        ];
        for (const form of forms) expect(phoneOf(form), form).toBe(expected);
      }),
    );
  });

  it('is idempotent, and what it accepts is E.164', () => {
    const raw = fc.oneof(
      fc.string(),
      fc.stringMatching(/^[+0-9 ().-]{0,20}$/),
      nsn.map((n) => `0${n}`),
    );
    fc.assert(
      fc.property(raw, (text) => {
        const once = normalisePhone(text);
        if (!once.ok) return;
        expect(once.phone).toMatch(/^\+[1-9]\d{7,14}$/);
        expect(normalisePhone(once.phone)).toEqual(once);
      }),
    );
  });
});
