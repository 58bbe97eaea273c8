import { type FileHandle, open } from 'node:fs/promises';
import type { CallLogEntry } from './call-log.js';
import { SimulatorError } from './errors.js';

/** A JSON Lines file the witness log is written to, an entry a line, as they come. */
export interface CallLogFile {
  /** Appends one entry (writes are queued in order). */
  write(entry: CallLogEntry): void;
  /** Waits for the queued writes and closes the file. */
  close(): Promise<void>;
}

/**
 * Opens (and truncates) `path` for the witness log.
 * @throws {SimulatorError} `INVALID_OPTION` when it cannot be opened for writing
 */
export async function openCallLogFile(path: string): Promise<CallLogFile> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'w');
  } catch (cause) {
    throw new SimulatorError(
      'INVALID_OPTION',
      `cannot write ${path}: ${(cause as Error).message}`,
      {
        path: '--log',
        cause,
      },
    );
  }
  let queue = Promise.resolve();
  let failed: Error | undefined;
  return {
    write(entry) {
      const line = `${JSON.stringify(entry)}\n`;
      queue = queue
        .then(async () => {
          await handle.write(line);
        })
        .catch((error: unknown) => {
          // Reported once, at close; the calls go on.
          failed ??= error as Error;
        });
    },
    async close() {
      await queue;
      await handle.close();
      if (failed)
        throw new SimulatorError('INVALID_OPTION', `writing ${path} failed: ${failed.message}`, {
          path: '--log',
          cause: failed,
        });
    },
  };
}
