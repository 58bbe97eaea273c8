import { CampaignError } from './errors.js';

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/i;

/**
 * Reads a duration: a number and a unit, `500ms`, `45s`, `10m`, `2h`, `1d` (`1.5h` too); a
 * bare number is seconds (`90` is 90 s). Returns whole milliseconds.
 *
 * @param path - the setting to name in the error (`--ring-timeout`).
 * @throws CampaignError `INVALID_SETTING` for anything else (negative, no number, another unit).
 */
export function parseDuration(text: string, path = 'duration'): number {
  const match = DURATION.exec(text.trim());
  const unit = (match?.[2]?.toLowerCase() ?? 's') as keyof typeof UNIT_MS;
  const ms = match ? Math.round(Number(match[1]) * UNIT_MS[unit]) : Number.NaN;
  if (!Number.isSafeInteger(ms)) {
    throw new CampaignError(
      'INVALID_SETTING',
      `${path}: ${JSON.stringify(text)} is not a duration (500ms, 45s, 10m, 2h, 1d; a bare number is seconds)`,
      { path },
    );
  }
  return ms;
}

/**
 * A duration for people, to the second: `2h 05m 09s`, `45s`, `1d 2h`; under a second, `500ms`.
 */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  const total = Math.round(ms / 1000);
  const parts: [number, string][] = [
    [Math.floor(total / 86_400), 'd'],
    [Math.floor((total % 86_400) / 3600), 'h'],
    [Math.floor((total % 3600) / 60), 'm'],
    [total % 60, 's'],
  ];
  const first = parts.findIndex(([value]) => value > 0);
  const shown = parts.slice(first, first === 0 ? 2 : undefined);
  // Trailing zero parts say nothing; inner ones keep the reading aligned (1h 00m 05s).
  while (shown.length > 1 && shown[shown.length - 1]?.[0] === 0) shown.pop();
  return shown
    .map(([value, unit], i) => `${i > 0 ? String(value).padStart(2, '0') : value}${unit}`)
    .join(' ');
}
