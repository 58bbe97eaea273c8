import type { CacheMonitor } from './cache-monitor.js';
import { evictLeastRecent } from './evict-least-recent.js';

/** What one process knows of a shared cache folder's size, and how it keeps the cap. */
export interface FolderSize {
  /** Measures the folder once (for `stats().bytes`), if nothing did yet. */
  measureOnce(): void;
  /** An entry this process stored: the cap is kept when it may be passed. */
  stored(bytes: number): Promise<void>;
}

/**
 * The folder's size: measured by scanning it (one scan at a time, at most one queued),
 * plus what this process stored since. Other processes store too, so a scan runs after
 * each store that takes the known size past the cap, or once this process has stored a
 * sixteenth of the cap since the last one.
 */
export function folderSize(dir: string, maxBytes: number, monitor: CacheMonitor): FolderSize {
  const size = { measured: 0, added: 0, scanned: false };
  let measuring = false;
  let queued: Promise<void> | undefined;
  let last = Promise.resolve();
  const measureAndEvict = async (): Promise<void> => {
    const counted = size.added;
    const measured = await evictLeastRecent(dir, maxBytes, monitor);
    if (measured !== undefined) {
      size.measured = measured;
      size.added -= counted; // stored during the scan: may be counted twice, never missed
      size.scanned = true;
    }
    monitor.setBytes(size.measured + size.added);
  };
  /** A scan after the one running now. */
  const scan = (): Promise<void> => {
    queued ??= last.then(() => {
      queued = undefined;
      return measureAndEvict();
    });
    last = queued;
    return queued;
  };
  return {
    measureOnce() {
      if (measuring) return;
      measuring = true;
      void scan();
    },
    async stored(bytes) {
      size.added += bytes;
      monitor.setBytes(size.measured + size.added);
      if (!size.scanned || size.measured + size.added > maxBytes || size.added > maxBytes / 16)
        await scan();
    },
  };
}
