import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { CampaignError } from './errors.js';

/** The few calls of node-sqlite3-wasm's `Database` that the store uses. */
export interface SqliteDatabase {
  exec(sql: string): void;
  run(sql: string, values?: readonly unknown[]): { changes: number; lastInsertRowid: number };
  get(sql: string, values?: readonly unknown[]): Record<string, unknown> | null;
  all(sql: string, values?: readonly unknown[]): Record<string, unknown>[];
  close(): void;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS campaigns (
  id TEXT PRIMARY KEY, spec TEXT NOT NULL, state TEXT NOT NULL,
  created_at INTEGER NOT NULL, start_at INTEGER, ended_at INTEGER, last_dial_at INTEGER
);
CREATE TABLE IF NOT EXISTS contacts (
  campaign_id TEXT NOT NULL, contact_id TEXT NOT NULL, phone TEXT NOT NULL,
  fields TEXT NOT NULL, line INTEGER NOT NULL, status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0, next_at INTEGER NOT NULL DEFAULT 0, final_outcome TEXT,
  PRIMARY KEY (campaign_id, contact_id)
);
CREATE INDEX IF NOT EXISTS contacts_due ON contacts (campaign_id, status, next_at);
CREATE TABLE IF NOT EXISTS attempts (
  attempt_id TEXT PRIMARY KEY, campaign_id TEXT NOT NULL, contact_id TEXT NOT NULL,
  phone TEXT NOT NULL, n INTEGER NOT NULL, phase TEXT NOT NULL, run_id TEXT NOT NULL,
  dialled_at INTEGER NOT NULL, call_id TEXT, recording_url TEXT, full_recording_url TEXT,
  answered_at INTEGER, ended_at INTEGER, outcome TEXT, reason TEXT, verdict TEXT,
  result TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS attempts_by_campaign ON attempts (campaign_id, phase);
CREATE TABLE IF NOT EXISTS numbers (phone TEXT PRIMARY KEY, last_dial_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS suppressed (phone TEXT PRIMARY KEY, added_at INTEGER NOT NULL);
`;

/**
 * Opens (or creates) a campaign database file for this process alone.
 *
 * node-sqlite3-wasm is SQLite compiled to WebAssembly with a file system of Node's own:
 * nothing native to build or download, and a real SQLite file with its rollback journal, so
 * a transaction cut by SIGKILL is rolled back on the next open. Its locking is a
 * `<file>.lock` directory held during a transaction, which a killed process leaves behind;
 * so this process first takes `<file>.pid` (refused while the process named in it lives),
 * then clears a stale lock.
 * @throws {CampaignError} `STORE_ERROR` when another live process holds the file, or it
 *   cannot be opened as a database
 */
export function openSqliteDatabase(path: string): SqliteDatabase {
  const pidFile = `${path}.pid`;
  takePidFile(pidFile, path);
  rmSync(`${path}.lock`, { recursive: true, force: true });
  const { Database } = createRequire(import.meta.url)('node-sqlite3-wasm') as {
    Database: new (file: string) => SqliteDatabase;
  };
  let db: SqliteDatabase;
  try {
    db = new Database(path);
    // TRUNCATE + FULL: durable on every commit (a journal, fsync'd), the fastest mode
    // this VFS allows (WAL needs shared memory it does not have).
    // EXCLUSIVE: the lock is taken once and kept (the pid file already keeps every other
    // process out); without it the VFS makes and removes its lock directory, and SQLite
    // drops its page cache, around every single query.
    db.exec(
      'PRAGMA locking_mode = EXCLUSIVE; PRAGMA journal_mode = TRUNCATE; PRAGMA synchronous = FULL;',
    );
    db.exec(SCHEMA);
  } catch (cause) {
    rmSync(pidFile, { force: true });
    throw new CampaignError(
      'STORE_ERROR',
      `cannot open ${path} as a campaign database: ${(cause as Error).message}`,
      {
        path,
        cause,
      },
    );
  }
  return {
    exec: (sql) => db.exec(sql),
    run: (sql, values) => db.run(sql, values as unknown[]),
    get: (sql, values) => db.get(sql, values as unknown[]),
    all: (sql, values) => db.all(sql, values as unknown[]),
    close() {
      db.close();
      rmSync(pidFile, { force: true });
    },
  };
}

function takePidFile(pidFile: string, path: string): void {
  for (let tries = 0; tries < 2; tries++) {
    try {
      const fd = openSync(pidFile, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw storeError(path, error);
    }
    const holder = Number.parseInt(readFileSync(pidFile, 'utf8'), 10);
    if (isAlive(holder))
      throw new CampaignError('STORE_ERROR', `${path} is in use by process ${holder}`, { path });
    rmSync(pidFile, { force: true });
  }
  throw new CampaignError('STORE_ERROR', `cannot take ${pidFile}`, { path });
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function storeError(path: string, cause: unknown): CampaignError {
  return new CampaignError('STORE_ERROR', `cannot open ${path}: ${(cause as Error).message}`, {
    path,
    cause,
  });
}

/** Runs `work` in one transaction: all of it is stored, or none. */
export function transaction<T>(db: SqliteDatabase, work: () => T): T {
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = work();
    db.exec('COMMIT');
    return result;
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}
