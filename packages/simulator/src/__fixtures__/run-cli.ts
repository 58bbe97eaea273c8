import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const bin = fileURLToPath(new URL('../../dist/bin.js', import.meta.url));

const execFileAsync = promisify(execFile);

/** Runs the built `psr-sim` with `args`; killed after 60 s so that no run outlives its test. */
export const runPsrSim = (args: readonly string[]) =>
  execFileAsync(process.execPath, [bin, ...args], { timeout: 60_000, killSignal: 'SIGKILL' });
