import { describe, expect, it } from 'vitest';
import { destinationOf } from './create-stream-dialer.js';
import { dialParameters, MAX_PARAMETER_CHARS } from './dial-parameters.js';
import { testContacts, testSpec } from './testing/index.js';

describe('dialParameters', () => {
  it('puts the ids last, so no field can replace them', () => {
    const spec = testSpec();
    const contact = {
      ...testContacts(1)[0]!,
      fields: { attempt_id: 'forged', so_tien: '1500000' },
    };
    expect(dialParameters(spec, contact, { attemptId: 'a.1.1', attempt: 1 })).toEqual({
      fixed: 'yes',
      so_tien: '1500000',
      campaign_id: spec.id,
      contact_id: 'k1',
      attempt_id: 'a.1.1',
      attempt: '1',
    });
  });

  it('refuses parameters too long for a URL', () => {
    const contact = { ...testContacts(1)[0]!, fields: { note: 'x'.repeat(MAX_PARAMETER_CHARS) } };
    expect(() => dialParameters(testSpec(), contact, { attemptId: 'a', attempt: 1 })).toThrow(
      expect.objectContaining({ code: 'INVALID_CONTACTS', path: 'line 2' }),
    );
  });
});

describe('destinationOf', () => {
  it('dials Vietnamese numbers as a PBX in Vietnam does, unless told E.164', () => {
    expect(destinationOf('+84912345678')).toBe('0912345678');
    expect(destinationOf('+84912345678', 'e164')).toBe('+84912345678');
    expect(destinationOf('+14155550100')).toBe('+14155550100');
  });
});
