import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from './duration.js';

describe('parseDuration', () => {
  it('reads a number and a unit; a bare number is seconds', () => {
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('45s')).toBe(45_000);
    expect(parseDuration('10m')).toBe(600_000);
    expect(parseDuration('2h')).toBe(7_200_000);
    expect(parseDuration('1d')).toBe(86_400_000);
    expect(parseDuration('90')).toBe(90_000);
    expect(parseDuration(' 1.5H ')).toBe(5_400_000);
    expect(parseDuration('0')).toBe(0);
  });

  it('refuses anything else with a typed error naming the setting', () => {
    for (const text of ['', '-5s', '10 minutes', '5w', 'm', '1e3', '9'.repeat(400)]) {
      expect(() => parseDuration(text, '--ring-timeout'), text).toThrow(
        expect.objectContaining({
          code: 'INVALID_SETTING',
          path: '--ring-timeout',
          message: expect.stringMatching(/^--ring-timeout: .* is not a duration/),
        }),
      );
    }
  });
});

describe('formatDuration', () => {
  it('writes the two or more parts that matter', () => {
    expect(formatDuration(0)).toBe('0ms');
    expect(formatDuration(500)).toBe('500ms');
    expect(formatDuration(45_000)).toBe('45s');
    expect(formatDuration(100_000)).toBe('1m 40s');
    expect(formatDuration(3_605_000)).toBe('1h 00m 05s');
    expect(formatDuration(7_200_000)).toBe('2h');
    expect(formatDuration(93_600_000)).toBe('1d 02h');
  });
});
