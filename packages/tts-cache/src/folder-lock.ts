import { randomBytes } from 'node:crypto';
import { readFile, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { CacheMonitor } from './cache-monitor.js';
import { fsCode, isMissing } from './fs-errors.js';

/** A lock this process holds: refreshed while held, so others never take it for stale. */
export interface HeldLock {
  /** Gives it up (deletes the file if it is still this one's). Never rejects. */
  release(): Promise<void>;
}

/** What {@link FolderLocks.tryLock} got: the lock, `busy` (another holds it), or `failed` (the folder did). */
export type LockAttempt = HeldLock | 'busy' | 'failed';

/** Per-key lock files in a cache folder, so that processes sharing it synthesise a text once. */
export interface FolderLocks {
  tryLock(key: string): Promise<LockAttempt>;
}

/** Options of {@link folderLocks}. */
export interface FolderLocksOptions {
  readonly dir: string;
  /** A lock not refreshed for this long belongs to a dead process and is taken over, ms. */
  readonly staleLockMs: number;
  readonly monitor: CacheMonitor;
  /** Makes the folder; false when it cannot be. */
  readonly ready: () => Promise<boolean>;
}

/**
 * Lock files (`<key>.lock`, created with O_EXCL) held while a text is synthesised. The
 * holder refreshes its file's time every third of `staleLockMs`; a file older than that
 * is a dead holder's and is deleted. Two processes taking over the same stale lock at
 * once may both win — then both synthesise, and the later atomic store replaces the
 * earlier: a lock only saves work, an entry is never wrong without it.
 */
export function folderLocks(options: FolderLocksOptions): FolderLocks {
  const { dir, staleLockMs, monitor } = options;
  const create = async (path: string): Promise<LockAttempt> => {
    const token = `${process.pid} ${hostname()} ${randomBytes(8).toString('hex')}\n`;
    try {
      await writeFile(path, token, { flag: 'wx' });
    } catch (error) {
      if (fsCode(error) === 'EEXIST') return 'busy';
      monitor.fail('taking a lock', path, error);
      return 'failed';
    }
    return holdLock(path, token, staleLockMs, monitor);
  };
  return {
    async tryLock(key) {
      if (!(await options.ready())) return 'failed';
      const path = join(dir, `${key}.lock`);
      const first = await create(path);
      if (first !== 'busy' || !(await removeIfStale(path, staleLockMs, monitor))) return first;
      return create(path);
    },
  };
}

/** A lock just created: refreshed until released. */
function holdLock(path: string, token: string, staleLockMs: number, monitor: CacheMonitor) {
  const refresh = setInterval(() => {
    const now = Date.now() / 1000;
    utimes(path, now, now).catch((error: unknown) => {
      if (!isMissing(error)) monitor.fail('refreshing a lock', path, error);
    });
  }, staleLockMs / 3);
  refresh.unref();
  return {
    async release() {
      clearInterval(refresh);
      try {
        if ((await readFile(path, 'utf8')) === token) await unlink(path);
      } catch (error) {
        if (!isMissing(error)) monitor.fail('releasing a lock', path, error);
      }
    },
  };
}

/** Deletes a lock file nobody refreshed for `staleLockMs`; true when it was stale (or is gone). */
async function removeIfStale(
  path: string,
  staleLockMs: number,
  monitor: CacheMonitor,
): Promise<boolean> {
  try {
    if (Date.now() - (await stat(path)).mtimeMs <= staleLockMs) return false;
    await unlink(path);
    return true;
  } catch (error) {
    if (isMissing(error)) return true;
    monitor.fail('removing a stale lock', path, error);
    return false;
  }
}
