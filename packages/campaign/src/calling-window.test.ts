import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SCHEDULE, isOpen, nextOpening } from './calling-window.js';
import type { CallingSchedule } from './campaign-types.js';
import { parseWindows } from './window-spec.js';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
const MINUTE = 60_000;

describe('DEFAULT_SCHEDULE', () => {
  it('is 08:00–17:00 Vietnam time every day', () => {
    // Monday 2 June 2025; Hanoi is UTC+7 all year.
    expect(isOpen(DEFAULT_SCHEDULE, at('2025-06-02T00:59:59.999Z'))).toBe(false);
    expect(isOpen(DEFAULT_SCHEDULE, at('2025-06-02T01:00:00Z'))).toBe(true);
    expect(isOpen(DEFAULT_SCHEDULE, at('2025-06-02T09:59:59Z'))).toBe(true);
    expect(isOpen(DEFAULT_SCHEDULE, at('2025-06-02T10:00:00Z'))).toBe(false);
    expect(isOpen(DEFAULT_SCHEDULE, at('2025-06-08T05:00:00Z'))).toBe(true); // a Sunday
    expect(iso(nextOpening(DEFAULT_SCHEDULE, at('2025-06-02T10:00:00Z')))).toBe(
      '2025-06-03T01:00:00.000Z',
    );
  });
});

describe('nextOpening', () => {
  const hanoi = (spec: string) => parseWindows(spec, 'Asia/Ho_Chi_Minh');

  it('is the instant itself when open, else the next start', () => {
    const weekdays = hanoi('mon-fri@08:00-17:00');
    const noon = at('2025-06-02T05:00:00.123Z');
    expect(nextOpening(weekdays, noon)).toBe(noon);
    // Friday 18:00 → Monday 08:00.
    expect(iso(nextOpening(weekdays, at('2025-06-06T11:00:00Z')))).toBe('2025-06-09T01:00:00.000Z');
    // Friday 07:59:30 → 08:00 the same morning.
    expect(iso(nextOpening(weekdays, at('2025-06-06T00:59:30Z')))).toBe('2025-06-06T01:00:00.000Z');
  });

  it('takes 24:00 as the end of the day', () => {
    const late = hanoi('22:00-24:00');
    expect(isOpen(late, at('2025-06-02T16:59:59Z'))).toBe(true); // 23:59:59
    expect(isOpen(late, at('2025-06-02T17:00:00Z'))).toBe(false); // 00:00 the next day
    expect(iso(nextOpening(late, at('2025-06-02T17:00:00Z')))).toBe('2025-06-03T15:00:00.000Z');
    const always = hanoi('00:00-24:00');
    for (const t of [0, at('2025-06-02T16:59:59.999Z'), at('2025-06-02T17:00:00Z')]) {
      expect(isOpen(always, t)).toBe(true);
      expect(nextOpening(always, t)).toBe(t);
    }
    // Saturday night runs into Sunday morning without a gap.
    const night = hanoi('sat@22:00-24:00,sun@00:00-02:00');
    expect(isOpen(night, at('2025-06-07T17:00:00Z'))).toBe(true); // Sunday 00:00
  });

  it('is undefined when no window ever opens', () => {
    const never: CallingSchedule = { timeZone: 'UTC', windows: [] };
    expect(nextOpening(never, 0)).toBeUndefined();
    const noDays: CallingSchedule = {
      timeZone: 'UTC',
      windows: [{ days: [], start: '08:00', end: '17:00' }],
    };
    expect(nextOpening(noDays, 0)).toBeUndefined();
  });

  describe('across daylight saving time (Europe/Berlin, 2025)', () => {
    const berlin = (spec: string) => parseWindows(spec, 'Europe/Berlin');
    // 30 March: 02:00 CET → 03:00 CEST at 01:00 UTC. 26 October: 03:00 CEST → 02:00 CET at 01:00 UTC.

    it('keeps local hours on the day the clocks go forward', () => {
      const office = berlin('08:00-17:00');
      expect(iso(nextOpening(office, at('2025-03-29T17:00:00Z')))).toBe('2025-03-30T06:00:00.000Z');
      expect(isOpen(office, at('2025-03-30T14:59:59Z'))).toBe(true); // 16:59:59 CEST
      expect(isOpen(office, at('2025-03-30T15:00:00Z'))).toBe(false);
    });

    it('opens at the change when a window starts in the skipped hour', () => {
      const early = berlin('sun@02:00-04:00');
      expect(isOpen(early, at('2025-03-30T00:59:59Z'))).toBe(false); // 01:59:59 CET
      expect(iso(nextOpening(early, at('2025-03-29T23:00:00Z')))).toBe('2025-03-30T01:00:00.000Z');
      // A window wholly inside the skipped hour does not open that day: the next Sunday.
      const lost = berlin('sun@02:00-02:30');
      expect(iso(nextOpening(lost, at('2025-03-29T23:00:00Z')))).toBe('2025-04-06T00:00:00.000Z');
    });

    it('opens twice in the repeated hour when the clocks go back', () => {
      const twice = berlin('sun@02:00-02:30');
      expect(iso(nextOpening(twice, at('2025-10-25T22:00:00Z')))).toBe('2025-10-26T00:00:00.000Z');
      expect(isOpen(twice, at('2025-10-26T00:45:00Z'))).toBe(false); // 02:45 CEST
      expect(iso(nextOpening(twice, at('2025-10-26T00:45:00Z')))).toBe('2025-10-26T01:00:00.000Z');
      const office = berlin('08:00-17:00');
      expect(iso(nextOpening(office, at('2025-10-25T17:00:00Z')))).toBe('2025-10-26T07:00:00.000Z');
    });

    it('handles a zone whose clocks skip midnight (America/Santiago)', () => {
      // 7 September 2025: 00:00 -04 → 01:00 -03 at 04:00 UTC; the day starts at 01:00.
      const fromMidnight = parseWindows('sun@00:00-06:00', 'America/Santiago');
      expect(iso(nextOpening(fromMidnight, at('2025-09-07T03:00:00Z')))).toBe(
        '2025-09-07T04:00:00.000Z',
      );
    });
  });
});

/** The first open minute at or after `t` by brute force (the flips fall on whole minutes). */
function firstOpenMinute(schedule: CallingSchedule, t: number, limit: number): number | undefined {
  if (isOpen(schedule, t)) return t;
  for (let m = Math.ceil(t / MINUTE) * MINUTE; m <= t + limit; m += MINUTE) {
    if (isOpen(schedule, m)) return m;
  }
  return undefined;
}

const ZONES = [
  'Asia/Ho_Chi_Minh',
  'Europe/Berlin',
  'America/New_York',
  'America/Santiago',
  'Australia/Lord_Howe', // a 30-minute daylight-saving shift
  'Asia/Kathmandu', // +05:45
];
const hhmm = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
const windowArb = fc
  .tuple(
    fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 7 }),
    fc.integer({ min: 0, max: 1439 }),
    fc.integer({ min: 1, max: 600 }),
  )
  .map(([days, start, length]) => ({
    days: days.sort((a, b) => a - b),
    start: hhmm(start),
    end: hhmm(Math.min(1440, start + length)),
  }));
const scheduleArb = fc.record({
  timeZone: fc.constantFrom(...ZONES),
  windows: fc.array(windowArb, { minLength: 1, maxLength: 3 }),
});
/** Instants near the 2025 daylight-saving changes of the zones above, and anywhere. */
const instantArb = fc.oneof(
  fc
    .constantFrom(
      '2025-03-30T01:00:00Z',
      '2025-10-26T01:00:00Z',
      '2025-03-09T07:00:00Z',
      '2025-11-02T06:00:00Z',
      '2025-04-06T03:00:00Z',
      '2025-09-07T04:00:00Z',
      '2025-04-05T15:00:00Z',
      '2025-10-04T15:30:00Z',
    )
    .chain((base) =>
      fc.integer({ min: -3 * 86_400_000, max: 86_400_000 }).map((delta) => at(base) + delta),
    ),
  fc.integer({ min: at('2024-01-01T00:00:00Z'), max: at('2027-01-01T00:00:00Z') }),
);

describe('nextOpening properties', () => {
  it('is open, and no earlier minute from t on is', () => {
    fc.assert(
      fc.property(scheduleArb, instantArb, (schedule, t) => {
        const next = nextOpening(schedule, t);
        expect(next).toBeDefined();
        expect(next).toBeGreaterThanOrEqual(t);
        expect(isOpen(schedule, next as number)).toBe(true);
        expect(firstOpenMinute(schedule, t, (next as number) - t)).toBe(next);
      }),
      { numRuns: 100 },
    );
  });
});
