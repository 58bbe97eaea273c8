// The processes of a load run: pinned to cores, measured through /proc (CPU seconds and
// RSS of a process tree), waited for. Shared by bench:load and its wire-floor reference.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { get } from 'node:http';
import { createServer } from 'node:net';

const TICKS = Number(execFileSync('getconf', ['CLK_TCK']).toString()) || 100;
export const hasTaskset = (() => {
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
/** GET over a connection of its own (cluster spreads new connections over the workers). */
export const getFresh = (url) =>
  new Promise((resolve, reject) => {
    get(url, { agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (data) => {
        body += data;
      });
      response.on('end', () => resolve(body));
    }).on('error', reject);
  });
export const freePort = () =>
  new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
/** `node args…` pinned to `cpuList` when taskset exists. */
export function spawnPinned(cpuList, args, options) {
  return hasTaskset
    ? spawn('taskset', ['-c', cpuList, process.execPath, ...args], options)
    : spawn(process.execPath, args, options);
}
export const exited = (child) =>
  new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });

// --- /proc: CPU and memory of a process tree ------------------------------------------
function treePids(pid) {
  const pids = [pid];
  for (let i = 0; i < pids.length; i++) {
    try {
      const children = readFileSync(`/proc/${pids[i]}/task/${pids[i]}/children`, 'utf8');
      pids.push(...children.split(' ').filter(Boolean).map(Number));
    } catch {}
  }
  return pids;
}
/** CPU seconds and RSS bytes of `pid` and its descendants (the node process under taskset). */
export function usage(pid) {
  let cpu = 0;
  let rss = 0;
  for (const p of treePids(pid)) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      cpu += (Number(fields[11]) + Number(fields[12])) / TICKS; // utime, stime
      const status = readFileSync(`/proc/${p}/status`, 'utf8');
      rss += Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
    } catch {}
  }
  return { cpu, rss, at: performance.now() };
}

/**
 * `psr-sim load` on `cpuList` against the server on `port`: `calls` calls ramped in, then a
 * 3 s warm-up and the steady window (`steadyS`). Its JSON summary once it is done.
 * `extraArgs` go to `psr-sim load` as they are (`['--tenant', 'espeak']`).
 */
export function emulatedLoad(cpuList, port, calls, steadyS, extraArgs = []) {
  const rampMs = Math.min(10_000, calls * 25);
  const warmMs = 3000;
  const client = spawnPinned(
    cpuList,
    [
      'packages/simulator/dist/bin.js',
      'load',
      `ws://127.0.0.1:${port}/`,
      '--calls',
      String(calls),
      '--ramp',
      String(rampMs),
      '--duration',
      String(rampMs + warmMs + steadyS * 1000 + 2000),
      '--json',
      ...extraArgs,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let output = '';
  client.stdout.on('data', (data) => {
    output += data;
  });
  const summary = exited(client).then(() => JSON.parse(output));
  return { client, rampMs, warmMs, summary };
}
