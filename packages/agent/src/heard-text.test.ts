import { describe, expect, it } from 'vitest';
import { heardText } from './heard-text.js';

const said = [
  { text: 'Hello Nam.', durationMs: 1000 },
  { text: 'Your order will arrive on Friday morning.', durationMs: 2000 },
];

describe('heardText', () => {
  it('keeps whole sentences heard, and the words of the one being spoken that were heard to their end', () => {
    expect(heardText(said, 0)).toBe('');
    expect(heardText(said, 1000)).toBe('Hello Nam.');
    expect(heardText(said, 1500)).toBe('Hello Nam. Your order');
    expect(heardText(said, 2000)).toBe('Hello Nam. Your order will');
    expect(heardText(said, 5000)).toBe('Hello Nam. Your order will arrive on Friday morning.');
  });

  it('is a prefix of what was said, at any point', () => {
    const full = said.map((s) => s.text).join(' ');
    for (let ms = 0; ms <= 3000; ms += 37) expect(full.startsWith(heardText(said, ms))).toBe(true);
  });
});
