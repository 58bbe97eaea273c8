import { fsCode } from './fs-errors.js';
import { TtsCacheError } from './tts-cache-error.js';

/** What a prompt cache has done since it was made (this process only). */
export interface TtsCacheStats {
  /** Whole-text speeches replayed from the folder. */
  readonly hits: number;
  /** Whole-text speeches that had to be synthesised by the engine. */
  readonly misses: number;
  /** Whole-text speeches that joined one already being looked up or synthesised in this process. */
  readonly shared: number;
  /** Entries written to the folder. */
  readonly stores: number;
  /** Entries this process deleted to keep the folder under its size cap. */
  readonly evictions: number;
  /** The folder's size as last measured, plus what this process stored since, bytes. */
  readonly bytes: number;
  /** Failures of the folder (unreadable, unwritable, full disk); each one let speech pass through. */
  readonly errors: number;
  /** Entries that failed their checks: deleted and treated as misses. */
  readonly corrupt: number;
  /** Speeches that waited for another process synthesising the same text (its lock). */
  readonly lockWaits: number;
  /** True while the cache passes speech through without storing, after a folder failure. */
  readonly degraded: boolean;
}

/** Where a prompt cache logs (a pino logger fits). */
export interface TtsCacheLogger {
  /** A folder failure (then the cache passes through for a while), a corrupt entry. */
  warn(fields: object, message: string): void;
}

/** Counters a cache keeps (all of {@link TtsCacheStats} but the derived ones). */
export type Counter = Exclude<keyof TtsCacheStats, 'bytes' | 'degraded'>;

/** The cache's health: `degraded` after a folder failure, until `until` (ms, real time). */
type Health = { readonly state: 'ok' } | { readonly state: 'degraded'; readonly until: number };

/** A cache's counters and health, shared by its parts. */
export interface CacheMonitor {
  count(counter: Counter, by?: number): void;
  /** Sets the folder's measured size. */
  setBytes(bytes: number): void;
  /** True unless the folder failed less than `retryAfterMs` ago: stores and locks may be tried. */
  writable(): boolean;
  /** A folder failure: counted, logged when it starts a degraded period, and stores pause. */
  fail(operation: string, path: string, error: unknown): void;
  /** A corrupt entry (deleted): counted and logged. */
  corrupt(path: string, problem: string): void;
  stats(): TtsCacheStats;
}

/** The monitor of a cache: degraded for `retryAfterMs` after each folder failure. */
export function createCacheMonitor(logger: TtsCacheLogger, retryAfterMs: number): CacheMonitor {
  const counters: Record<Counter, number> = {
    hits: 0,
    misses: 0,
    shared: 0,
    stores: 0,
    evictions: 0,
    errors: 0,
    corrupt: 0,
    lockWaits: 0,
  };
  let bytes = 0;
  let health: Health = { state: 'ok' };
  const writable = (): boolean => {
    if (health.state === 'degraded' && Date.now() >= health.until) health = { state: 'ok' };
    return health.state === 'ok';
  };
  return {
    count(counter, by = 1) {
      counters[counter] += by;
    },
    setBytes(measured) {
      bytes = measured;
    },
    writable,
    fail(operation, path, error) {
      counters.errors++;
      if (!writable()) return;
      health = { state: 'degraded', until: Date.now() + retryAfterMs };
      const err = new TtsCacheError('FOLDER_FAILED', `${operation} ${path} failed`, {
        subject: path,
        cause: error,
      });
      logger.warn(
        { err, code: fsCode(error), retryAfterMs },
        `TTS cache: ${operation} failed; speech passes through the engine uncached for ${retryAfterMs} ms`,
      );
    },
    corrupt(path, problem) {
      counters.corrupt++;
      logger.warn(
        { err: new TtsCacheError('CORRUPT_ENTRY', `${path}: ${problem}`, { subject: path }) },
        'TTS cache: a corrupt entry was deleted (a miss)',
      );
    },
    stats: () => ({ ...counters, bytes, degraded: !writable() }),
  };
}
