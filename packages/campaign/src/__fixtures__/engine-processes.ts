import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { EngineProcessMessage } from './redis-engine-process.js';

/** A forked process running the Redis engine (see `redis-engine-process.ts`). */
export interface EngineProcess {
  readonly pid: number;
  /** Resolves once its engine runs. */
  readonly ready: Promise<void>;
  /** Its background errors. */
  readonly errors: string[];
  /** Calls `listener` with each of its dials. */
  onDial(listener: (dial: Extract<EngineProcessMessage, { type: 'dial' }>) => void): void;
  /** Asks it to stop; kills it if it has not exited within `graceMs`. Resolves once gone. */
  stop(graceMs?: number): Promise<void>;
}

const SCRIPT = fileURLToPath(new URL('./redis-engine-process.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../..', import.meta.url));

/** Forks an engine process on `url` and `prefix` (TypeScript through tsx, from the repo root). */
export function forkEngineProcess(url: string, prefix: string): EngineProcess {
  const child: ChildProcess = fork(SCRIPT, [url, prefix], {
    cwd: ROOT,
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const errors: string[] = [];
  const dialListeners: ((dial: Extract<EngineProcessMessage, { type: 'dial' }>) => void)[] = [];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`engine process exited (${code}) before ready`)));
    child.on('message', (message: EngineProcessMessage) => {
      if (message.type === 'ready') resolve();
      else if (message.type === 'error') errors.push(message.message);
      else for (const listener of dialListeners) listener(message);
    });
  });
  ready.catch(() => {});
  return {
    pid: child.pid as number,
    ready,
    errors,
    onDial: (listener) => void dialListeners.push(listener),
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      if (child.connected) child.send('stop');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
