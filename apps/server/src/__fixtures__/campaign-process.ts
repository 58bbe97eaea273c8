import { type ChildProcess, spawn } from 'node:child_process';
import { root } from './spawn-server.js';

/** A `psrkit-campaign` process started by a test, in its own process group. */
export interface CampaignProcess {
  readonly process: ChildProcess;
  readonly exited: Promise<number | null>;
  /** What it printed on stdout and stderr so far. */
  readonly output: () => string;
  /** SIGKILL to its group (idempotent): a crash at this very moment. */
  kill(): Promise<void>;
}

const live = new Set<CampaignProcess>();

/** Kills every campaign process still running (an `afterEach`/`finally` backstop). */
export async function killAllCampaigns(): Promise<void> {
  await Promise.all([...live].map((p) => p.kill()));
}

/** Starts the built `psrkit-campaign` with `args` in `cwd`. */
export function spawnCampaign(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): CampaignProcess {
  const child = spawn(process.execPath, [`${root}apps/server/dist/campaign-bin.js`, ...args], {
    cwd,
    env: { ...process.env, PSRKIT_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let text = '';
  child.stdout?.on('data', (chunk) => {
    text += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    text += chunk;
  });
  // 'close', not 'exit': by then everything it printed has been read.
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const spawned: CampaignProcess = {
    process: child,
    exited,
    output: () => text,
    async kill() {
      live.delete(spawned);
      if (child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      await exited;
    },
  };
  live.add(spawned);
  void exited.then(() => live.delete(spawned));
  return spawned;
}
