import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, unlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CacheMonitor } from './cache-monitor.js';
import { type CachedSpeech, decodeEntry, encodeEntry } from './entry-codec.js';
import { folderSize } from './folder-size.js';
import { isMissing } from './fs-errors.js';
import { memoryEntries } from './memory-entries.js';

/** The folder of a prompt cache: entries in, entries out, the size cap kept. */
export interface CacheFolder {
  /**
   * The speech stored under `key`, or `undefined`: none, vanished (evicted by another
   * process), corrupt (then deleted), or the folder failed. A hit is marked recently used.
   */
  read(key: string, sampleRate: number): Promise<CachedSpeech | undefined>;
  /** Stores a speech (atomically: a temporary file renamed), then keeps the cap. Never rejects. */
  store(key: string, speech: CachedSpeech): Promise<void>;
  /** Creates the folder if needed; false when it cannot be (a failure, counted). */
  ready(): Promise<boolean>;
}

/** Options of {@link openCacheFolder}. */
export interface CacheFolderOptions {
  readonly dir: string;
  readonly maxBytes: number;
  /** Entries also held in memory, bytes (0: none). */
  readonly memoryBytes: number;
  /** Recency marks, ms since the epoch. */
  readonly clock: () => number;
  readonly monitor: CacheMonitor;
}

/** How often an entry served from memory marks its file used, ms. */
const TOUCH_INTERVAL_MS = 60_000;

/**
 * Entries of a folder: read and checked (the hot ones held in memory), written
 * atomically, the cap kept.
 */
export function openCacheFolder(options: CacheFolderOptions): CacheFolder {
  const { dir, maxBytes, clock, monitor } = options;
  const pathOf = (key: string): string => join(dir, `${key}.tts`);
  const storing = new Map<string, Promise<void>>();
  const size = folderSize(dir, maxBytes, monitor);
  const memory = memoryEntries(options.memoryBytes);
  let made: Promise<boolean> | undefined;
  const ready = (): Promise<boolean> =>
    (made ??= mkdir(dir, { recursive: true }).then(
      () => true,
      (error: unknown) => {
        made = undefined;
        monitor.fail('creating the folder', dir, error);
        return false;
      },
    ));
  const touch = (path: string): Promise<void> => {
    const at = clock() / 1000;
    return utimes(path, at, at).catch((error: unknown) => {
      if (!isMissing(error)) monitor.fail('marking a hit', path, error);
    });
  };
  const write = async (key: string, speech: CachedSpeech): Promise<void> => {
    const path = pathOf(key);
    const file = encodeEntry(key, speech);
    if (file.byteLength > maxBytes || !(await ready())) return;
    const temp = join(dir, `.${key}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    try {
      await writeFile(temp, file, { flag: 'wx' });
      await rename(temp, path);
    } catch (error) {
      await unlink(temp).catch(() => undefined); // never renamed: nothing else names it
      monitor.fail('storing an entry', path, error);
      return;
    }
    await touch(path);
    memory.set(key, speech, clock());
    await size.stored(file.byteLength);
    monitor.count('stores'); // counted once the cap is kept
  };

  return {
    async read(key, sampleRate) {
      await storing.get(key);
      size.measureOnce(); // the size for stats, before any store
      const path = pathOf(key);
      const held = memory.get(key);
      if (held) {
        // Marked used on disk now and then, so other processes' evictions spare it.
        if (clock() - held.touchedAt >= TOUCH_INTERVAL_MS) {
          held.touchedAt = clock();
          void touch(path);
        }
        return held.speech;
      }
      const speech = await readEntry(path, key, sampleRate, monitor);
      if (speech) {
        await touch(path);
        memory.set(key, speech, clock());
      }
      return speech;
    },
    store(key, speech) {
      const stored = write(key, speech).finally(() => storing.delete(key));
      storing.set(key, stored);
      return stored;
    },
    ready,
  };
}

/** The checked entry in a file; a missing file is `undefined`, a corrupt one is deleted. */
async function readEntry(
  path: string,
  key: string,
  sampleRate: number,
  monitor: CacheMonitor,
): Promise<CachedSpeech | undefined> {
  let file: Buffer;
  try {
    file = await readFile(path);
  } catch (error) {
    if (!isMissing(error)) monitor.fail('reading an entry', path, error);
    return undefined;
  }
  const speech = decodeEntry(file, key, sampleRate);
  if (typeof speech !== 'string') return speech;
  monitor.corrupt(path, speech);
  await unlink(path).catch((error: unknown) => {
    if (!isMissing(error)) monitor.fail('deleting a corrupt entry', path, error);
  });
  return undefined;
}
