import { readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { CacheMonitor } from './cache-monitor.js';
import { isMissing } from './fs-errors.js';

/** An entry's file name: its key and `.tts`. */
const ENTRY = /^[0-9a-f]{64}\.tts$/;
/** Leftovers of a process that died mid-write or mid-synthesis: temporary files, locks. */
const LEFTOVER = /\.(tmp|lock)$/;
/** A leftover this old belongs to no live process (a live lock is refreshed every few seconds). */
const LEFTOVER_AGE_MS = 60 * 60 * 1000;
/** Eviction goes down to this share of the cap, so the next stores do not evict again at once. */
const LOW_WATER = 0.9;

interface EntryFile {
  readonly path: string;
  readonly bytes: number;
  readonly usedAt: number;
}

/**
 * Keeps a cache folder under `maxBytes`: when its entries take more, deletes the least
 * recently used (oldest modification time: a hit touches its entry) down to 90 % of the
 * cap. Safe beside other processes doing the same: a file that vanishes between the
 * listing and the deletion was evicted by another (a reader that had it open still reads
 * it whole). Removes leftovers older than an hour. Returns the entries' bytes after
 * eviction, or `undefined` when the folder cannot be listed (a failure, counted).
 */
export async function evictLeastRecent(
  dir: string,
  maxBytes: number,
  monitor: CacheMonitor,
): Promise<number | undefined> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if (isMissing(error)) return 0; // not made yet: nothing stored
    monitor.fail('listing the folder', dir, error);
    return undefined;
  }
  const entries = (await Promise.all(names.map((name) => inspect(dir, name, monitor)))).filter(
    (entry): entry is EntryFile => entry !== undefined,
  );
  let bytes = entries.reduce((sum, entry) => sum + entry.bytes, 0);
  if (bytes <= maxBytes) return bytes;
  entries.sort((a, b) => a.usedAt - b.usedAt || a.path.localeCompare(b.path));
  for (const entry of entries) {
    if (bytes <= maxBytes * LOW_WATER) break;
    bytes -= entry.bytes;
    await remove(entry.path, monitor, () => monitor.count('evictions'));
  }
  return bytes;
}

/** An entry's size and last use; a leftover removed; anything else left alone. */
async function inspect(
  dir: string,
  name: string,
  monitor: CacheMonitor,
): Promise<EntryFile | undefined> {
  const isEntry = ENTRY.test(name);
  if (!isEntry && !LEFTOVER.test(name)) return undefined;
  const path = join(dir, name);
  try {
    const info = await stat(path);
    if (isEntry) return { path, bytes: info.size, usedAt: info.mtimeMs };
    if (Date.now() - info.mtimeMs > LEFTOVER_AGE_MS) await remove(path, monitor, () => {});
  } catch (error) {
    if (!isMissing(error)) monitor.fail('inspecting an entry', path, error);
  }
  return undefined;
}

/** Deletes a file; `removed` runs when this process deleted it (not another before it). */
async function remove(path: string, monitor: CacheMonitor, removed: () => void): Promise<void> {
  try {
    await unlink(path);
    removed();
  } catch (error) {
    if (!isMissing(error)) monitor.fail('deleting an entry', path, error);
  }
}
