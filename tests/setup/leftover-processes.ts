// Global setup for every vitest run: marks the processes the suite starts, and fails the
// run when any of them is still alive at the end (a test that forgot its `finally`).
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';

const MARK = 'TEST_RUN_PSRKIT';

/** Processes (pid and command line) whose environment carries `MARK=<run>`. */
function marked(run: string): { pid: number; command: string }[] {
  const needle = `${MARK}=${run}`;
  const found: { pid: number; command: string }[] = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      const environ = readFileSync(`/proc/${pid}/environ`, 'latin1');
      if (!environ.split('\0').includes(needle)) continue;
      const command = readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').join(' ').trim();
      // vitest's own workers carry the mark too; they are not the tests' children.
      if (/vitest|tinypool/.test(command) || command === '') continue;
      found.push({ pid, command });
    } catch {
      // gone already, or not ours to read
    }
  }
  return found;
}

export default function setup(): () => Promise<void> {
  const run = process.env[MARK] ?? randomUUID();
  process.env[MARK] = run;
  return async () => {
    if (process.platform !== 'linux') return;
    // A process stopped in a test's `finally` may take a moment to exit.
    let left = marked(run);
    for (let waited = 0; left.length > 0 && waited < 3000; waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      left = marked(run);
    }
    if (left.length === 0) return;
    for (const { pid } of left) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // exited meanwhile
      }
    }
    throw new Error(
      `processes started by the suite were still running at its end (killed now): ${left
        .map(({ pid, command }) => `${pid} ${command.slice(0, 120)}`)
        .join('; ')}`,
    );
  };
}
