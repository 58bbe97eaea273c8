import { describe, expect, it } from 'vitest';
import { cutShort, MAX_QUOTED_CHARS } from './cut-short.js';

describe('cutShort', () => {
  it('keeps a text of up to 200 characters as it is', () => {
    expect(cutShort('')).toBe('');
    expect(cutShort('a'.repeat(MAX_QUOTED_CHARS))).toBe('a'.repeat(200));
  });

  it('cuts a longer one to 200 characters and marks the cut', () => {
    expect(cutShort(`${'a'.repeat(200)}bbb`)).toBe(`${'a'.repeat(200)}…`);
  });

  it('takes another limit', () => {
    expect(cutShort('abcdef', 3)).toBe('abc…');
    expect(cutShort('abc', 3)).toBe('abc');
  });
});
