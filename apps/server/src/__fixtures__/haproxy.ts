import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { until } from './until.js';

/** Debian's `haproxy`: on the PATH, or in /usr/sbin (not on a user's PATH); none when missing. */
const haproxyCommand = (): string | undefined =>
  ['haproxy', '/usr/sbin/haproxy'].find(
    (command) => spawnSync(command, ['-v'], { stdio: 'ignore' }).status === 0,
  );

/**
 * Whether the load balancer tests can run: true with Debian's `haproxy` installed; without
 * it, false with a warning on a developer's machine, and an error in CI (.ci/run installs it).
 */
export function haproxyRunnable(): boolean {
  if (haproxyCommand()) return true;
  if (process.env['CI'])
    throw new Error('haproxy is not installed: CI must run the load balancer tests (.ci/run installs it)');
  console.warn('haproxy is not installed: the load balancer tests are skipped');
  return false;
}

/** One backend server as HAProxy's `show stat` says: `UP`, `DOWN`, `UP 1/2`…, and its sessions. */
export interface ServerStat {
  readonly status: string;
  /** Sessions now. */
  readonly current: number;
  /** Sessions in all. */
  readonly total: number;
}

/** A running `haproxy` of a test's own. */
export interface Haproxy {
  /** Its backend servers as `<backend>/<server>`, from its stats socket. */
  stats(): Promise<Record<string, ServerStat>>;
  /** Stops it (SIGTERM, SIGKILL after 5 s); resolves once it has exited. Idempotent. */
  stop(): Promise<void>;
}

/** Asks the stats socket at `path` one command; resolves with its whole answer. */
function ask(path: string, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let answer = '';
    const socket = connect(path, () => socket.end(`${command}\n`));
    socket.setEncoding('utf8');
    socket.on('data', (piece: string) => {
      answer += piece;
    });
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

/** The servers of `show stat`'s CSV (frontends and backends themselves left out). */
function serverStats(csv: string): Record<string, ServerStat> {
  const [header = '', ...rows] = csv.trim().split('\n');
  const columns = header.replace(/^# /, '').split(',');
  const at = (name: string) => columns.indexOf(name);
  const servers: Record<string, ServerStat> = {};
  for (const row of rows) {
    const cells = row.split(',');
    const name = cells[at('svname')]!;
    if (name === 'FRONTEND' || name === 'BACKEND') continue;
    servers[`${cells[at('pxname')]}/${name}`] = {
      status: cells[at('status')]!,
      current: Number(cells[at('scur')]),
      total: Number(cells[at('stot')]),
    };
  }
  return servers;
}

/**
 * Checks `config` (`haproxy -c`), then runs it in the foreground from `dir`; resolves once
 * its stats socket (`socketPath`, which the config must open) answers.
 */
export async function startHaproxy(
  config: string,
  dir: string,
  socketPath: string,
): Promise<Haproxy> {
  const file = join(dir, 'haproxy.cfg');
  await writeFile(file, config);
  const haproxy = haproxyCommand() ?? 'haproxy';
  await promisify(execFile)(haproxy, ['-c', '-f', file]);
  const child: ChildProcess = spawn(haproxy, ['-db', '-f', file], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let errors = '';
  child.stderr?.setEncoding('utf8').on('data', (piece: string) => {
    errors = (errors + piece).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  const stats = async () => serverStats(await ask(socketPath, 'show stat'));
  try {
    await until(async () => {
      if (child.exitCode !== null) throw new Error(`haproxy exited (${child.exitCode}):\n${errors}`);
      return stats().then(
        () => true,
        () => false,
      );
    }, 20_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { stats, stop };
}
