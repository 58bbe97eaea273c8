import type { TtsCacheLogger } from './cache-monitor.js';
import { TtsCacheError } from './tts-cache-error.js';

/** Options of {@link createTtsCache}. */
export interface TtsCacheOptions {
  /** The cache folder (created if needed); processes may share it. */
  readonly dir: string;
  /** Size cap of the folder's entries, bytes: past it, the least recently used go. */
  readonly maxBytes: number;
  /** The largest speech stored, bytes (default the smaller of `maxBytes` / 4 and 64 MiB). */
  readonly maxEntryBytes?: number;
  /**
   * Recently used entries also held in memory, bytes (default 32 MiB; 0: none): a hot
   * greeting is replayed without reading its file each call (which is still marked used
   * once a minute, so that the folder's eviction spares it).
   */
  readonly memoryBytes?: number;
  /**
   * When everyone listening to a synthesis that will be stored has gone (a barge-in on the
   * first call's greeting), it goes on for this long so that it is still stored, ms
   * (default 30 000; 0: the engine is cancelled at once and nothing is stored).
   */
  readonly finishInBackgroundMs?: number;
  /**
   * The longest a speech waits for another process synthesising the same text, ms
   * (default 5000): then it is synthesised here too.
   */
  readonly lockWaitMs?: number;
  /** A lock not refreshed for this long is a dead process's and is taken over, ms (default 10 000). */
  readonly staleLockMs?: number;
  /** After a folder failure, how long speech passes through uncached before the folder is tried again, ms (default 60 000). */
  readonly retryAfterMs?: number;
  /**
   * Part of every key (default empty): change it to drop every entry, or to tell apart
   * engines whose `settingsKey` does not name their configured default voice.
   */
  readonly namespace?: string;
  /** Where folder failures and corrupt entries are reported (default `console.warn`). */
  readonly logger?: TtsCacheLogger;
  /** Recency marks, ms since the epoch (default `Date.now`); tests give their own. */
  readonly clock?: () => number;
}

/** The options' values, defaults filled in. */
export type CacheSettings = ReturnType<typeof checkOptions>;

/** The options with their defaults, checked. */
export function checkOptions(options: TtsCacheOptions) {
  if (typeof options.dir !== 'string' || options.dir.trim() === '')
    throw new TtsCacheError('INVALID_OPTION', 'dir: must be a folder path', { subject: 'dir' });
  const maxBytes = integer(options.maxBytes, 'maxBytes', 1024, Number.MAX_SAFE_INTEGER);
  const namespace = options.namespace ?? '';
  if (typeof namespace !== 'string' || namespace.length > 200)
    throw new TtsCacheError(
      'INVALID_OPTION',
      'namespace: must be a string of at most 200 characters',
      {
        subject: 'namespace',
      },
    );
  return {
    dir: options.dir,
    maxBytes,
    namespace,
    maxEntryBytes: integer(
      options.maxEntryBytes ?? Math.min(Math.floor(maxBytes / 4), 64 * 1024 * 1024),
      'maxEntryBytes',
      1,
      maxBytes,
    ),
    memoryBytes: integer(options.memoryBytes ?? 32 * 1024 * 1024, 'memoryBytes', 0, 2 ** 40),
    finishInBackgroundMs: integer(
      options.finishInBackgroundMs ?? 30_000,
      'finishInBackgroundMs',
      0,
      600_000,
    ),
    lockWaitMs: integer(options.lockWaitMs ?? 5000, 'lockWaitMs', 0, 600_000),
    staleLockMs: integer(options.staleLockMs ?? 10_000, 'staleLockMs', 300, 3_600_000),
    retryAfterMs: integer(options.retryAfterMs ?? 60_000, 'retryAfterMs', 0, 86_400_000),
  };
}

function integer(value: unknown, name: string, min: number, max: number): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max)
    return value;
  throw new TtsCacheError(
    'INVALID_OPTION',
    `${name}: must be an integer from ${min} to ${max}, got ${String(value).slice(0, 40)}`,
    { subject: name },
  );
}
