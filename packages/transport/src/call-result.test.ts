import { describe, expect, it } from 'vitest';
import { createCallResult, MAX_RESULT_FIELDS, MAX_RESULT_VALUE_LENGTH } from './call-result.js';
import type { TransportError } from './errors.js';

describe('createCallResult', () => {
  it('merges fields as strings, later values replacing earlier ones', () => {
    const result = createCallResult('c1');
    result.set({ promised_date: '2026-12-12', amount: 1500000, agreed: true });
    result.set({ agreed: false });
    expect(result.fields).toEqual({
      promised_date: '2026-12-12',
      amount: '1500000',
      agreed: 'false',
    });
  });

  it('cuts long values and removes control characters', () => {
    const result = createCallResult('c1');
    result.set({ note: `a\nb\u0000c${'x'.repeat(2000)}` });
    expect(result.fields['note']).toHaveLength(MAX_RESULT_VALUE_LENGTH);
    expect(result.fields['note']?.startsWith('a b c')).toBe(true);
  });

  it('refuses a bad name, a bad value or one field too many, setting nothing', () => {
    const result = createCallResult('c1');
    const refused = (fields: Record<string, unknown>) => {
      try {
        result.set(fields as Record<string, string>);
      } catch (error) {
        return error as TransportError;
      }
      throw new Error('not refused');
    };
    expect(refused({ ok: 'yes', 'Bad Name': 'x' })).toMatchObject({
      code: 'INVALID_OPTION',
      callId: 'c1',
      path: 'result.Bad Name',
    });
    expect(refused({ obj: { a: 1 } })).toMatchObject({ path: 'result.obj' });
    const many = Object.fromEntries(
      Array.from({ length: MAX_RESULT_FIELDS + 1 }, (_, i) => [`f${i}`, i]),
    );
    expect(refused(many)).toMatchObject({ path: 'result' });
    expect(result.fields).toEqual({});
  });
});
