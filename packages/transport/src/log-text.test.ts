import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { logText, warningBudget } from './log-text.js';

describe('logText', () => {
  it('cuts long text and says how long it was', () => {
    expect(logText('x'.repeat(1_000_000))).toBe(`${'x'.repeat(120)}… (1000000 chars)`);
    expect(logText('short')).toBe('short');
  });

  it('escapes controls, bidi overrides and line separators', () => {
    expect(logText('a\nb\u202Ec\u2028d\u0000e')).toBe('a\\u000ab\\u202ec\\u2028d\\u0000e');
  });

  it('never lets an unsafe character through, whatever the input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        const out = logText(text);
        expect(out).not.toMatch(
          /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2028\u2029\u2066-\u2069]/,
        );
        expect(out.length).toBeLessThanOrEqual(120 * 6 + 30);
      }),
    );
  });
});

describe('warningBudget', () => {
  it('lets `limit` warnings through per window, then reports how many it left out', () => {
    let now = 0;
    const budget = warningBudget(3, 1000, () => now);
    const taken = Array.from({ length: 10 }, () => budget.take().log);
    expect(taken).toEqual([true, true, true, false, false, false, false, false, false, false]);
    now = 1000;
    expect(budget.take()).toEqual({ log: true, suppressed: 7 });
    expect(budget.take()).toEqual({ log: true, suppressed: 0 });
  });
});
