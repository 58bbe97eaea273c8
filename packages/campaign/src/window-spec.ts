import { minutesOf } from './calling-window.js';
import type { CallingSchedule, CallingWindow } from './campaign-types.js';
import { CampaignError } from './errors.js';
import { isKnownZone } from './zone-clock.js';

const DAY_NAMES = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
/** Vietnamese day names: thứ hai (t2) … thứ bảy (t7), chủ nhật (cn). */
const VI_DAY_NAMES = ['t2', 't3', 't4', 't5', 't6', 't7', 'cn'] as const;
const HHMM = /^([01]\d|2[0-4]):([0-5]\d)$/;
const ITEM = /^(?:([a-z0-9+-]+)\s*@\s*|([a-z0-9+-]+)\s+)?(\S+?)\s*-\s*(\S+)$/;

/**
 * Reads `--window`: comma-separated windows `[days@]HH:MM-HH:MM` in `timeZone`.
 *
 * Days are `mon` … `sun` (or Vietnamese `t2` … `t7`, `cn`), a range `mon-fri` (it may wrap:
 * `sat-mon`) or several joined by `+` (`mon+wed+fri`); `@` or a space separates them from the
 * hours; without days a window is every day. The start is inclusive, the end exclusive, and
 * `24:00` is midnight at the end of the day, so `00:00-24:00` is always open; a window across
 * midnight is written as two (`22:00-24:00,00:00-06:00`).
 *
 * @example
 * ```ts
 * parseWindows('mon-fri@08:00-12:00,mon-fri@13:30-17:00,sat 08:00-11:00', 'Asia/Ho_Chi_Minh');
 * ```
 * @throws CampaignError `INVALID_SETTING` (path `--window`) naming the part that is wrong, or
 *   the zone when `Intl` does not know it.
 */
export function parseWindows(spec: string, timeZone: string): CallingSchedule {
  const zone = checkZone(timeZone, '--window');
  const items = spec.split(',').map((item) => item.trim());
  if (items.every((item) => item === '')) throw invalid('--window', 'no window given');
  return { timeZone: zone, windows: items.map((item) => parseWindow(item)) };
}

function parseWindow(item: string): CallingWindow {
  const match = ITEM.exec(item.toLowerCase());
  if (item === '' || !match) {
    throw invalid('--window', `${JSON.stringify(item)} is not [days@]HH:MM-HH:MM`);
  }
  const days = match[1] ?? match[2];
  const window = {
    days: days === undefined ? [1, 2, 3, 4, 5, 6, 7] : parseDays(days),
    start: padHour(match[3] ?? ''),
    end: padHour(match[4] ?? ''),
  };
  return checkWindow(window, '--window', item);
}

/** `8:00` → `08:00`. */
function padHour(time: string): string {
  return /^\d:/.test(time) ? `0${time}` : time;
}

function parseDays(text: string): number[] {
  const days = new Set<number>();
  for (const part of text.split('+')) {
    const [from, to, extra] = part.split('-');
    if (extra !== undefined)
      throw invalid('--window', `${JSON.stringify(part)} is not a day range`);
    const first = dayNumber(from ?? '');
    const last = to === undefined ? first : dayNumber(to);
    for (let day = first; ; day = (day % 7) + 1) {
      days.add(day);
      if (day === last) break;
    }
  }
  return [...days].sort((a, b) => a - b);
}

function dayNumber(name: string): number {
  const index = Math.max(
    DAY_NAMES.indexOf(name as (typeof DAY_NAMES)[number]),
    VI_DAY_NAMES.indexOf(name as (typeof VI_DAY_NAMES)[number]),
  );
  if (index < 0) {
    throw invalid('--window', `unknown day ${JSON.stringify(name)} (mon … sun, or t2 … t7, cn)`);
  }
  return index + 1;
}

/**
 * Checks a schedule built in code (a policy's): a zone `Intl` knows, ISO weekdays 1–7,
 * `HH:MM` times with the start before the end. Returns it unchanged.
 *
 * @param path - the setting to name in the error (`schedule`, `--window`).
 * @throws CampaignError `INVALID_SETTING`.
 */
export function checkSchedule(schedule: CallingSchedule, path = 'schedule'): CallingSchedule {
  const timeZone = checkZone(schedule.timeZone, path);
  if (schedule.windows.length === 0) throw invalid(path, 'no window given');
  for (const window of schedule.windows) {
    if (window.days.length === 0) throw invalid(path, `a window has no days`);
    const bad = window.days.find((day) => !Number.isInteger(day) || day < 1 || day > 7);
    if (bad !== undefined) throw invalid(path, `day ${bad} is not an ISO weekday (1–7)`);
    checkWindow(window, path, `${window.start}-${window.end}`);
  }
  return { timeZone, windows: schedule.windows };
}

function checkWindow(window: CallingWindow, path: string, item: string): CallingWindow {
  for (const time of [window.start, window.end]) {
    if (!HHMM.test(time) || (time.startsWith('24') && time !== '24:00')) {
      throw invalid(path, `${JSON.stringify(time)} in ${JSON.stringify(item)} is not HH:MM`);
    }
  }
  if (window.start === '24:00') {
    throw invalid(path, `${JSON.stringify(item)} starts at 24:00: write 00:00`);
  }
  if (minutesOf(window.start) >= minutesOf(window.end)) {
    throw invalid(
      path,
      `${JSON.stringify(item)} ends before it starts: a window across midnight is two, ` +
        `${window.start}-24:00 and 00:00-${window.end}`,
    );
  }
  return window;
}

function checkZone(timeZone: string, path: string): string {
  if (!isKnownZone(timeZone)) {
    throw invalid(
      path,
      `unknown time zone ${JSON.stringify(timeZone)} (an IANA name, e.g. Asia/Ho_Chi_Minh)`,
    );
  }
  return timeZone;
}

/**
 * A schedule in the `--window` syntax, e.g. `mon-fri@08:00-17:00,sat@08:00-11:00`; what
 * {@link parseWindows} reads back to the same windows.
 */
export function formatSchedule(schedule: CallingSchedule): string {
  return schedule.windows
    .map((window) => {
      const days = formatDays(window.days);
      return `${days === '' ? '' : `${days}@`}${window.start}-${window.end}`;
    })
    .join(',');
}

/** `mon-fri+sun`; empty for every day. */
function formatDays(days: readonly number[]): string {
  const sorted = [...new Set(days)].sort((a, b) => a - b);
  if (sorted.length === 7) return '';
  const runs: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (sorted[j + 1] === (sorted[j] ?? 0) + 1) j++;
    const first = DAY_NAMES[(sorted[i] ?? 1) - 1];
    runs.push(j === i ? `${first}` : `${first}-${DAY_NAMES[(sorted[j] ?? 1) - 1]}`);
    i = j + 1;
  }
  return runs.join('+');
}

function invalid(path: string, message: string): CampaignError {
  return new CampaignError('INVALID_SETTING', `${path}: ${message}`, { path });
}
