import { execFile } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const bin = fileURLToPath(new URL('../../dist/bin.js', import.meta.url));

const execFileAsync = promisify(execFile);

/** Runs the built `psr-sim` with `args`; killed after 60 s so that no run outlives its test. */
export const runPsrSim = (args: readonly string[]) =>
  execFileAsync(process.execPath, [bin, ...args], { timeout: 60_000, killSignal: 'SIGKILL' });

/** Awaits lines of a process's output: `next(pattern)` resolves with the first later line that matches. */
export function lineWaiter(output: Readable): (pattern: RegExp) => Promise<RegExpExecArray> {
  const lines = createInterface({ input: output });
  return (pattern) =>
    new Promise((resolve) => {
      const listener = (line: string) => {
        const match = pattern.exec(line);
        if (!match) return;
        lines.off('line', listener);
        resolve(match);
      };
      lines.on('line', listener);
    });
}
