import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../../../../', import.meta.url));

/** The built `psrkit-server` in its own process group, JSON logs collected. */
export interface SpawnedServer {
  readonly process: ChildProcess;
  /** The WebSocket URL of the first worker that listens. */
  readonly url: string;
  /** Every log line so far, parsed. */
  readonly logs: Record<string, unknown>[];
  readonly exited: Promise<number | null>;
  /**
   * Stops the server and every process it started (its workers): SIGTERM to the group,
   * SIGKILL after `graceMs`. Idempotent; call it in `finally` or `afterAll`.
   */
  stop(graceMs?: number): Promise<void>;
}

const live = new Set<SpawnedServer>();

/** Stops every server this module spawned that is still running (an `afterAll` backstop). */
export async function stopAllServers(): Promise<void> {
  await Promise.all([...live].map((server) => server.stop(0)));
}

const signalGroup = (child: ChildProcess, signal: NodeJS.Signals): void => {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // the group is gone
  }
};

/** Starts the server on a free loopback port; resolves once `listeners` processes listen. */
export async function spawnServer(
  args: readonly string[],
  options: {
    env?: NodeJS.ProcessEnv;
    listeners?: number;
    fileSizeLimitKb?: number;
    /** Node's own options before the script (`['--import', 'tsx']` for a TypeScript bot). */
    nodeArgs?: readonly string[];
  } = {},
): Promise<SpawnedServer> {
  // With a file-size limit (a "full disk"), through a shell that sets it first.
  const [command, prefix] =
    options.fileSizeLimitKb === undefined
      ? [process.execPath, []]
      : // POSIX sh counts `ulimit -f` in 512-byte blocks.
        ['/bin/sh', ['-c', `ulimit -f ${options.fileSizeLimitKb * 2} && exec "$0" "$@"`, process.execPath]];
  const child = spawn(
    command,
    [
      ...prefix,
      ...(options.nodeArgs ?? []),
      `${root}apps/server/dist/bin.js`,
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--log-format',
      'json',
      // No grace after SIGTERM (new calls refused at once, as before it existed): a test
      // about the grace gives its own, a later flag wins.
      '--drain-grace-ms',
      '0',
      ...args,
    ],
    {
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'inherit'],
      // Its own group, so that stopping it also stops the workers it forks.
      detached: true,
    },
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  let groupGone = false;
  const stop = async (graceMs = 5000): Promise<void> => {
    live.delete(spawned);
    if (groupGone) return;
    signalGroup(child, 'SIGTERM');
    const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
    // The main process is gone; whatever of its group is left (a stuck worker) goes too.
    signalGroup(child, 'SIGKILL');
    groupGone = true;
  };
  const logs: Record<string, unknown>[] = [];
  const spawned: SpawnedServer = {
    process: child,
    url: '',
    logs,
    exited,
    stop,
  };
  live.add(spawned);
  try {
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
    return Object.assign(spawned, { url });
  } catch (error) {
    await stop(0);
    throw error;
  }
}
