// Wall-clock time in an IANA zone, from `Intl.DateTimeFormat` alone (no time-zone library).

/** The local date and time of an instant in a zone; `month` 1–12. */
export interface WallTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

/** One minute, one day in ms. */
export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;

// One formatter per zone: building one costs far more than formatting with it.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, format);
  }
  return format;
}

/**
 * Whether `Intl` knows the zone. (Its canonical name is not used: ICU still calls
 * `Asia/Ho_Chi_Minh` `Asia/Saigon`.)
 */
export function isKnownZone(timeZone: string): boolean {
  if (timeZone.trim() === '') return false;
  try {
    formatter(timeZone);
    return true;
  } catch {
    // A RangeError is the only answer Intl gives for an unknown zone.
    return false;
  }
}

/** The wall-clock time at `epochMs` in `timeZone` (a zone `canonicalZone` accepted). */
export function wallTime(timeZone: string, epochMs: number): WallTime {
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(epochMs)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts['year'] ?? 1970,
    month: parts['month'] ?? 1,
    day: parts['day'] ?? 1,
    hour: parts['hour'] ?? 0,
    minute: parts['minute'] ?? 0,
    second: parts['second'] ?? 0,
  };
}

/** Local time minus UTC at `epochMs`, in ms (`+07:00` is 25 200 000). */
export function offsetMs(timeZone: string, epochMs: number): number {
  const wall = wallTime(timeZone, epochMs);
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  return asUtc - (epochMs - (((epochMs % 1000) + 1000) % 1000));
}

/** The local midnight of the wall time's date, read as if it were UTC (a day key). */
export function localDay(wall: WallTime): number {
  return Date.UTC(wall.year, wall.month - 1, wall.day);
}

/** ISO weekday (1 = Monday … 7 = Sunday) of a day key from {@link localDay}. */
export function isoWeekday(day: number): number {
  return new Date(day).getUTCDay() || 7;
}

/**
 * The first instant in `(from, to]` at which the zone's offset differs from its offset at
 * `from`, to the second; the caller knows the offsets at `from` and `to` differ.
 */
export function offsetChange(timeZone: string, from: number, to: number): number {
  const before = offsetMs(timeZone, from);
  let lo = from;
  let hi = to;
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
    if (offsetMs(timeZone, mid) === before) lo = mid;
    else hi = mid;
  }
  return hi;
}
