import type { CallingSchedule, CallingWindow } from './campaign-types.js';
import {
  DAY_MS,
  isoWeekday,
  localDay,
  MINUTE_MS,
  offsetChange,
  offsetMs,
  wallTime,
} from './zone-clock.js';

const EVERY_DAY = [1, 2, 3, 4, 5, 6, 7] as const;

/**
 * Every day 08:00–17:00, Vietnam time (`Asia/Ho_Chi_Minh`). Vietnam's Decree 91/2020/ND-CP
 * (on spam messages, e-mails and calls) lets advertising calls be made only between 08:00
 * and 17:00, so this is the default for every campaign, advertising or not.
 */
export const DEFAULT_SCHEDULE: CallingSchedule = {
  timeZone: 'Asia/Ho_Chi_Minh',
  windows: [{ days: EVERY_DAY, start: '08:00', end: '17:00' }],
};

/** Minutes since midnight of a checked `HH:MM` (`24:00` is 1440). */
export function minutesOf(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

/**
 * Whether a call may start at `epochMs`: some window covers the local weekday and time.
 *
 * @example
 * ```ts
 * isOpen(DEFAULT_SCHEDULE, Date.parse('2025-06-02T02:00:00Z')); // true: 09:00 in Hanoi
 * ```
 */
export function isOpen(schedule: CallingSchedule, epochMs: number): boolean {
  const wall = wallTime(schedule.timeZone, epochMs);
  const weekday = isoWeekday(localDay(wall));
  const minute = wall.hour * 60 + wall.minute;
  return schedule.windows.some(
    (window) =>
      window.days.includes(weekday) &&
      minutesOf(window.start) <= minute &&
      minute < minutesOf(window.end),
  );
}

/**
 * The earliest instant at or after `epochMs` when the schedule is open: `epochMs` itself when
 * it is open, else the next window's start — right across daylight-saving changes (a start
 * that falls in the skipped hour opens at the change, a repeated hour opens twice). Undefined
 * when no window ever opens (no days, or only empty windows).
 *
 * @example
 * ```ts
 * // Friday 18:00 in Hanoi, weekdays 08:00–17:00: Monday 08:00 (01:00 UTC).
 * nextOpening(parseWindows('mon-fri@08:00-17:00', 'Asia/Ho_Chi_Minh'), Date.parse('2025-06-06T11:00:00Z'));
 * ```
 */
export function nextOpening(schedule: CallingSchedule, epochMs: number): number | undefined {
  if (isOpen(schedule, epochMs)) return epochMs;
  const windows = schedule.windows.filter(
    (window) => window.days.length > 0 && minutesOf(window.start) < minutesOf(window.end),
  );
  if (windows.length === 0) return undefined;
  const today = localDay(wallTime(schedule.timeZone, epochMs));
  let best: number | undefined;
  // Two weeks: any weekday comes round, even past a start lost in a skipped hour.
  for (let d = -1; d <= 15; d++) {
    const day = today + d * DAY_MS;
    // A day's candidates all lie after its local midnight minus a day.
    if (best !== undefined && best < day - DAY_MS) break;
    for (const instant of candidates(schedule.timeZone, windows, day)) {
      if (
        instant >= epochMs &&
        (best === undefined || instant < best) &&
        isOpen(schedule, instant)
      ) {
        best = instant;
      }
    }
  }
  return best;
}

/**
 * The instants around local day `day` at which a window may open: each window's start under
 * either offset in force around that day, and the offset change itself if there is one (the
 * status can only turn to open at a start or at a change).
 */
function candidates(timeZone: string, windows: readonly CallingWindow[], day: number): number[] {
  const before = offsetMs(timeZone, day - DAY_MS);
  const after = offsetMs(timeZone, day + 2 * DAY_MS);
  const weekday = isoWeekday(day);
  const out: number[] = [];
  for (const window of windows) {
    if (!window.days.includes(weekday)) continue;
    const local = day + minutesOf(window.start) * MINUTE_MS;
    out.push(local - before);
    if (after !== before) out.push(local - after);
  }
  if (after !== before) out.push(offsetChange(timeZone, day - DAY_MS, day + 2 * DAY_MS));
  return out;
}
