import { appendFile, rename, writeFile } from 'node:fs/promises';
import type { CampaignEngine } from './campaign-engine.js';
import type { AttemptRecord } from './campaign-types.js';
import { attemptCsvHeader, attemptCsvRow, attemptJsonLine } from './results-csv.js';

/** A results file kept up to date as a campaign goes: a row per ended attempt. */
export interface ResultsFile {
  /** Adds an ended attempt (written in order, in the background). */
  append(attempt: AttemptRecord): void;
  /** Waits until everything appended is on disk. */
  close(): Promise<void>;
}

const isJsonLines = (path: string) => /\.(jsonl|ndjson)$/i.test(path);

/** The result field names of some attempts, in the order they first appear. */
function resultKeysOf(attempts: readonly AttemptRecord[]): string[] {
  const keys = new Set<string>();
  for (const a of attempts) for (const key of Object.keys(a.result)) keys.add(key);
  return [...keys];
}

async function endedAttempts(engine: CampaignEngine, campaignId: string): Promise<AttemptRecord[]> {
  const ended: AttemptRecord[] = [];
  for await (const a of engine.attempts(campaignId)) if (a.phase === 'ended') ended.push(a);
  return ended;
}

/** Writes `attempts` to `path` whole (through a temporary file: a reader never sees half). */
async function writeWhole(
  path: string,
  attempts: readonly AttemptRecord[],
  keys: readonly string[],
): Promise<void> {
  const body = isJsonLines(path)
    ? attempts.map((a) => `${attemptJsonLine(a)}\n`).join('')
    : [attemptCsvHeader([...keys]), ...attempts.map((a) => attemptCsvRow(a, [...keys]))]
        .map((l) => `${l}\n`)
        .join('');
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, body);
  await rename(temporary, path);
}

/**
 * Every ended attempt of a campaign written to `path` (CSV, or JSON Lines for `.jsonl`),
 * then kept up to date: each attempt that ends is appended; a bot result field not seen
 * before rewrites the CSV with its new column. Started again after a crash, the file is
 * made anew from the store, so it always holds what the store holds.
 */
export async function openResultsFile(
  path: string,
  engine: CampaignEngine,
  campaignId: string,
): Promise<ResultsFile> {
  const attempts = await endedAttempts(engine, campaignId);
  let keys = resultKeysOf(attempts);
  await writeWhole(path, attempts, keys);
  /** The attempts the file holds: one ended twice (a call after its ring timeout) is a rewrite. */
  const written = new Set(attempts.map((a) => a.attemptId));
  let queue = Promise.resolve();
  let failure: unknown;
  const write = async (attempt: AttemptRecord) => {
    const fresh = Object.keys(attempt.result).filter((k) => !keys.includes(k));
    if (!written.has(attempt.attemptId) && (fresh.length === 0 || isJsonLines(path))) {
      written.add(attempt.attemptId);
      const line = isJsonLines(path) ? attemptJsonLine(attempt) : attemptCsvRow(attempt, keys);
      return appendFile(path, `${line}\n`);
    }
    const all = await endedAttempts(engine, campaignId);
    const rows = all.some((a) => a.attemptId === attempt.attemptId) ? all : [...all, attempt];
    keys = [...keys, ...fresh];
    for (const a of rows) written.add(a.attemptId);
    return writeWhole(path, rows, keys);
  };
  return {
    append(attempt) {
      queue = queue
        .then(() => write(attempt))
        .catch((error: unknown) => {
          failure ??= error;
        });
    },
    async close() {
      await queue;
      if (failure) throw failure;
    },
  };
}

/** Writes every ended attempt of a campaign to `path` once; returns them. */
export async function exportResults(
  engine: CampaignEngine,
  campaignId: string,
  path: string,
): Promise<AttemptRecord[]> {
  const attempts = await endedAttempts(engine, campaignId);
  await writeWhole(path, attempts, resultKeysOf(attempts));
  return attempts;
}
