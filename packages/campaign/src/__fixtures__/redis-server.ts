import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A real `redis-server` of a test's own: loopback, a free port, a temp dir, append-only file. */
export interface RedisServer {
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  /** SIGTERM (Redis writes its append-only file and exits); resolves once it has exited. */
  stop(): Promise<void>;
  /** Starts it again on the same port and dir (it reloads its data); resolves once ready. */
  start(): Promise<void>;
  /** Stops it and removes its dir. */
  remove(): Promise<void>;
}

/** True when `redis-server` can be run here. */
export function redisServerInstalled(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

/**
 * Whether the Redis tests can run: true with `redis-server` installed; without it, false
 * (with a warning) on a developer's machine, and an error in CI, where they must run.
 */
export function redisTestsRunnable(): boolean {
  if (redisServerInstalled()) return true;
  if (process.env['CI'])
    throw new Error('redis-server is not installed: CI must run the Redis engine tests (.ci/run installs it)');
  console.warn('redis-server is not installed: the Redis engine tests are skipped');
  return false;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Spawns the server; resolves once it accepts connections, rejects if it exits first. */
function spawnRedis(port: number, dir: string, extra: readonly string[]): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--dir', dir, ...extra],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return new Promise((resolve, reject) => {
    let log = '';
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes('Ready to accept connections')) {
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        resolve(child);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => {
      log += chunk.toString();
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited (${code}) before ready:\n${log}`)));
    child.once('error', reject);
  });
}

/** Starts a `redis-server` (extra arguments after the fixed ones, e.g. `--requirepass`). */
export async function startRedisServer(extra: readonly string[] = []): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), 'psrkit-redis-'));
  const port = await freePort();
  let child: ChildProcess | undefined;
  const stop = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGTERM');
    await exited;
  };
  const start = async () => {
    child = await spawnRedis(port, dir, extra);
  };
  try {
    await start();
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    stop,
    start,
    async remove() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
