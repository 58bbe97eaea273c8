import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../../../../', import.meta.url));

/** The built `psrkit-server` in its own process, JSON logs collected. */
export interface SpawnedServer {
  readonly process: ChildProcess;
  /** The WebSocket URL of the first worker that listens. */
  readonly url: string;
  /** Every log line so far, parsed. */
  readonly logs: Record<string, unknown>[];
  readonly exited: Promise<number | null>;
}

/** Starts the server on a free loopback port; resolves once `listeners` processes listen. */
export async function spawnServer(
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; listeners?: number } = {},
): Promise<SpawnedServer> {
  const child = spawn(
    process.execPath,
    [`${root}apps/server/dist/bin.js`, '--host', '127.0.0.1', '--port', '0', '--log-format', 'json', ...args],
    { env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const logs: Record<string, unknown>[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    const urls: string[] = [];
    child.once('exit', (code) => reject(new Error(`the server exited (${code}) before listening`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const entry = JSON.parse(line) as Record<string, unknown>;
      logs.push(entry);
      if (entry['msg'] === 'listening') urls.push(entry['url'] as string);
      if (urls.length === (options.listeners ?? 1)) resolve(urls[0]!);
    });
  });
  return { process: child, url, logs, exited };
}
