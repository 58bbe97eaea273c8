import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CallingSchedule } from './campaign-types.js';
import { CampaignError } from './errors.js';
import { checkSchedule, formatSchedule, parseWindows } from './window-spec.js';

const HANOI = 'Asia/Ho_Chi_Minh';
const errorOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('did not throw');
};

describe('parseWindows', () => {
  it('reads hours, days, ranges and lists', () => {
    expect(parseWindows('08:00-17:00', HANOI)).toEqual({
      timeZone: HANOI,
      windows: [{ days: [1, 2, 3, 4, 5, 6, 7], start: '08:00', end: '17:00' }],
    });
    expect(parseWindows('mon-fri@08:00-12:00, sat 8:00-11:00', HANOI).windows).toEqual([
      { days: [1, 2, 3, 4, 5], start: '08:00', end: '12:00' },
      { days: [6], start: '08:00', end: '11:00' },
    ]);
    expect(parseWindows('Sat-Mon@00:00-24:00', HANOI).windows[0]?.days).toEqual([1, 6, 7]);
    expect(parseWindows('mon+wed+fri@09:00-10:00', HANOI).windows[0]?.days).toEqual([1, 3, 5]);
    expect(
      parseWindows('t2-t6@08:00-17:00,cn@09:00-10:00', HANOI).windows.map((w) => w.days),
    ).toEqual([[1, 2, 3, 4, 5], [7]]);
  });

  it('keeps the zone as written (ICU would rename Asia/Ho_Chi_Minh Asia/Saigon)', () => {
    expect(parseWindows('08:00-17:00', HANOI).timeZone).toBe(HANOI);
  });

  it('names what is wrong, on --window', () => {
    const cases: [string, string, RegExp][] = [
      ['', HANOI, /no window given/],
      ['08:00-17:00,', HANOI, /"" is not \[days@\]HH:MM-HH:MM/],
      ['8-17', HANOI, /"8" in "8-17" is not HH:MM/],
      ['08:00-17:60', HANOI, /"17:60" .* is not HH:MM/],
      ['24:00-24:00', HANOI, /starts at 24:00/],
      ['08:00-24:30', HANOI, /"24:30" .* is not HH:MM/],
      ['17:00-08:00', HANOI, /ends before it starts: .* 17:00-24:00 and 00:00-08:00/],
      ['08:00-08:00', HANOI, /ends before it starts/],
      ['mon-fry@08:00-17:00', HANOI, /unknown day "fry"/],
      ['mon-tue-wed@08:00-17:00', HANOI, /"mon-tue-wed" is not a day range/],
      ['08:00-17:00', 'Asia/Hanoi_City', /unknown time zone "Asia\/Hanoi_City"/],
      ['08:00-17:00', '', /unknown time zone ""/],
    ];
    for (const [spec, zone, message] of cases) {
      const error = errorOf(() => parseWindows(spec, zone));
      expect(CampaignError.isInstance(error), spec).toBe(true);
      expect(error).toMatchObject({ code: 'INVALID_SETTING', path: '--window' });
      expect((error as Error).message, spec).toMatch(message);
    }
  });
});

describe('checkSchedule', () => {
  it('accepts a well-formed schedule and refuses a bad one, naming the path', () => {
    const good: CallingSchedule = {
      timeZone: 'UTC',
      windows: [{ days: [1], start: '08:00', end: '24:00' }],
    };
    expect(checkSchedule(good)).toEqual(good);
    const bad = (windows: CallingSchedule['windows']) =>
      errorOf(() => checkSchedule({ timeZone: 'UTC', windows }, 'policy.schedule'));
    expect(bad([])).toMatchObject({ path: 'policy.schedule', message: /no window/ });
    expect(bad([{ days: [0], start: '08:00', end: '09:00' }])).toMatchObject({
      message: /day 0 is not an ISO weekday/,
    });
    expect(bad([{ days: [], start: '08:00', end: '09:00' }])).toMatchObject({
      message: /has no days/,
    });
    expect(bad([{ days: [1], start: '8:00', end: '09:00' }])).toMatchObject({
      message: /not HH:MM/,
    });
  });
});

describe('formatSchedule', () => {
  it('writes what parseWindows reads back', () => {
    const window = fc
      .tuple(
        fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 7 }),
        fc.integer({ min: 0, max: 1439 }),
        fc.integer({ min: 1, max: 1440 }),
      )
      .map(([days, start, length]) => {
        const end = Math.min(1440, start + length);
        const hhmm = (m: number) =>
          `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
        return { days: days.sort((a, b) => a - b), start: hhmm(start), end: hhmm(end) };
      });
    fc.assert(
      fc.property(fc.array(window, { minLength: 1, maxLength: 4 }), (windows) => {
        const schedule = { timeZone: HANOI, windows };
        expect(parseWindows(formatSchedule(schedule), HANOI)).toEqual(schedule);
      }),
    );
    expect(
      formatSchedule(parseWindows('mon-fri@08:00-17:00,sat+sun@09:00-11:00,08:00-09:00', HANOI)),
    ).toBe('mon-fri@08:00-17:00,sat-sun@09:00-11:00,08:00-09:00');
  });
});
