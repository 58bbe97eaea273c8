// docs/deploy.md's HAProxy configuration, run as the page shows it (only its addresses,
// ports and paths changed) in front of two psrkit-server processes: calls land on both, a
// node whose /readyz answers 503 gets no new calls, and a rolling restart of both nodes
// under a steady stream of calls cuts none. Debian's haproxy; a self-signed certificate
// for the TLS it ends.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Haproxy, haproxyRunnable, startHaproxy } from './__fixtures__/haproxy.js';
import {
  type CallStream,
  freePort,
  type HeldCall,
  holdCall,
  startCallStream,
} from './__fixtures__/held-calls.js';
import { makeSelfSigned, opensslRunnable, type SelfSigned } from './__fixtures__/self-signed.js';
import { root, type SpawnedServer, spawnServer } from './__fixtures__/spawn-server.js';
import { until } from './__fixtures__/until.js';
import { SETTINGS } from './settings.js';

const OPERATOR_BOT = new URL('./__fixtures__/operator-bot.mjs', import.meta.url).pathname;
const DEFAULT_GRACE_MS = SETTINGS.find((s) => s.key === 'drainGraceMs')!.default as number;
const IGNORE_CPU_AND_LAG = ['--ready-max-cpu', '64', '--ready-max-lag-ms', '60000'];

/** The block under `<!-- doc-test: file haproxy.cfg -->` in docs/deploy.md. */
async function guideConfig(): Promise<string> {
  const page = await readFile(join(root, 'docs/deploy.md'), 'utf8');
  const match = /<!-- doc-test: file haproxy\.cfg -->\n```haproxy\n([\s\S]*?)\n```/.exec(page);
  if (!match) throw new Error('docs/deploy.md has no haproxy.cfg block');
  return `${match[1]}\n`;
}

/** Replaces the `count` matches of `pattern` in `text` (a config that changed shape fails here). */
function replaceEach(text: string, pattern: RegExp, by: string, count = 1): string {
  const all = new RegExp(pattern, `${pattern.flags}g`);
  const found = text.match(all)?.length ?? 0;
  if (found !== count)
    throw new Error(`${pattern} matches ${found} lines of the guide's config, not ${count}`);
  return text.replace(all, by);
}

/**
 * The guide's config on loopback: its bind, certificate, stats socket, and its two nodes
 * (in both backends).
 */
async function loopbackConfig(
  ports: { lb: number; nodes: number[] },
  tls: SelfSigned,
  socket: string,
) {
  let config = await guideConfig();
  config = replaceEach(
    config,
    /^(\s*bind )\S+( ssl crt )\S+/m,
    `$1127.0.0.1:${ports.lb}$2${tls.pemFile}`,
  );
  config = replaceEach(config, /^(\s*stats socket )\S+/m, `$1${socket}`);
  // HAProxy gives up root only when it has it: run by a user, it stays that user.
  if (process.getuid?.() !== 0)
    for (const line of [/^\s*chroot .*\n/m, /^\s*user .*\n/m, /^\s*group .*\n/m])
      config = replaceEach(config, line, '');
  ports.nodes.forEach((port, i) => {
    config = replaceEach(
      config,
      new RegExp(`^(\\s*server node${i + 1} )\\S+`, 'm'),
      `$1127.0.0.1:${port}`,
      2,
    );
  });
  return config;
}

/** Two nodes on fixed ports behind the guide's HAProxy, in a temp dir. */
interface Deployment {
  readonly url: string;
  readonly tls: SelfSigned;
  readonly haproxy: Haproxy;
  readonly ports: number[];
  readonly nodes: SpawnedServer[];
  /** Starts node `i` (again) on its port with the shipped drain grace. */
  start(i: number, args?: readonly string[]): Promise<SpawnedServer>;
  /** Waits until HAProxy says node `i` is `UP` (or `DOWN`) in the backend of ready nodes. */
  seen(i: number, status: 'UP' | 'DOWN'): Promise<void>;
  stop(): Promise<void>;
}

async function deploy(args: readonly (readonly string[])[]): Promise<Deployment> {
  const dir = await mkdtemp(join(tmpdir(), 'psrkit-deploy-'));
  const started: SpawnedServer[] = [];
  let haproxy: Haproxy | undefined;
  const stop = async () => {
    await Promise.all([haproxy?.stop(), ...started.map((node) => node.stop())]);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const tls = await makeSelfSigned(dir);
    const ports = [await freePort(), await freePort()];
    const nodes: SpawnedServer[] = [];
    const start = async (i: number, extra: readonly string[] = args[i] ?? []) => {
      const node = await spawnServer([
        '--port',
        String(ports[i]),
        '--bot',
        OPERATOR_BOT,
        '--drain-grace-ms',
        String(DEFAULT_GRACE_MS),
        // Readiness by calls only: a busy test machine would flap the CPU and lag figures.
        ...IGNORE_CPU_AND_LAG,
        ...extra,
      ]);
      started.push(node);
      nodes[i] = node;
      return node;
    };
    await Promise.all([start(0), start(1)]);
    const lb = await freePort();
    const socket = join(dir, 'admin.sock');
    haproxy = await startHaproxy(
      await loopbackConfig({ lb, nodes: ports }, tls, socket),
      dir,
      socket,
    );
    const proxy = haproxy;
    const seen = (i: number, status: 'UP' | 'DOWN') =>
      until(async () => (await proxy.stats())[`psrkit/node${i + 1}`]?.status === status, 30_000);
    await Promise.all([seen(0, 'UP'), seen(1, 'UP')]);
    return { url: `wss://127.0.0.1:${lb}/`, tls, haproxy, ports, nodes, start, seen, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Which of `nodes` accepted the call `callId` (by their logs), or -1. */
const holderOf = (nodes: readonly SpawnedServer[], callId: string) =>
  nodes.findIndex((node) =>
    node.logs.some((l) => l['msg'] === 'call accepted' && l['call_id'] === callId),
  );

/**
 * Calls spread over both nodes; node2 (capped at two calls) then says 503 and HAProxy
 * takes it out: the next three go to node1; once node2's calls end it is back and takes
 * the next call. The test holds every call and hangs each up.
 */
async function steerAroundBusyNode(deployment: Deployment, held: HeldCall[]) {
  const { nodes, url, tls } = deployment;
  const place = async (callId: string) => {
    const call = holdCall({ url, ca: tls.cert, callId });
    held.push(call);
    await until(() => holderOf(nodes, callId) >= 0, 20_000);
    return holderOf(nodes, callId);
  };
  // leastconn alternates; calls until node2 holds two (its cap), on both nodes.
  const first: number[] = [];
  while (first.filter((node) => node === 1).length < 2 && first.length < 10)
    first.push(await place(`a${first.length + 1}`));
  expect(first.filter((node) => node === 1)).toHaveLength(2);
  expect(first).toContain(0);
  await deployment.seen(1, 'DOWN');
  const busy = await (await fetch(`http://127.0.0.1:${deployment.ports[1]}/readyz`)).json();
  expect(busy).toMatchObject({ ready: false, reason: 'overloaded', over: ['calls'], calls: 2 });
  for (const id of ['b1', 'b2', 'b3']) expect(await place(id)).toBe(0);
  // node2's calls end: it is ready again, and the next call (fewest connections) is its.
  for (const call of held.filter((c) => holderOf(nodes, c.callId) === 1)) call.hangUp();
  await deployment.seen(1, 'UP');
  expect(await place('c1')).toBe(1);
  for (const call of held) call.hangUp();
  const reports = await Promise.all(held.map((c) => c.report));
  expect(reports.map((r) => r.end.by)).toEqual(held.map(() => 'caller'));
}

/**
 * SIGTERM to node1, wait for its exit, start it again, wait until HAProxy has it back and
 * it has taken a call; then node2. Returns the four node processes, oldest first.
 */
async function restartEachNode(deployment: Deployment, stream: CallStream) {
  const generations: SpawnedServer[] = [...deployment.nodes];
  for (const i of [0, 1]) {
    const node = deployment.nodes[i]!;
    node.process.kill('SIGTERM');
    expect(await node.exited).toBe(0);
    generations.push(await deployment.start(i));
    await deployment.seen(i, 'UP');
    const placed = stream.callIds.length;
    await until(
      () => stream.callIds.slice(placed).some((id) => holderOf([deployment.nodes[i]!], id) === 0),
      30_000,
    );
  }
  return generations;
}

describe.runIf(haproxyRunnable() && opensslRunnable())(
  "docs/deploy.md's HAProxy in front of two nodes",
  () => {
    it.concurrent('spreads calls over both nodes; a node whose /readyz says 503 gets no new calls until it is ready again', async () => {
      // node2 is "overloaded" from its second live call on.
      const deployment = await deploy([[], ['--ready-max-calls', '2']]);
      const held: HeldCall[] = [];
      try {
        await steerAroundBusyNode(deployment, held);
      } finally {
        for (const call of held) call.hangUp();
        await deployment.stop();
      }
    }, 120_000);

    it.concurrent('a rolling restart of both nodes under a steady stream of calls cuts none', async () => {
      const deployment = await deploy([[], []]);
      const stream = startCallStream({
        url: deployment.url,
        ca: deployment.tls.cert,
        everyMs: 250,
        holdMs: 2000,
      });
      try {
        const generations = await restartEachNode(deployment, stream);
        const calls = await stream.stop();
        expect(calls.length).toBeGreaterThan(20);
        // Every call was answered, and ended as its caller hung up: none refused, none cut.
        expect(calls.filter((c) => c.outcome !== 'caller hung up')).toEqual([]);
        // Each of the four node processes took some of them.
        const took = (node: SpawnedServer) => calls.some((c) => holderOf([node], c.callId) === 0);
        expect(generations.map(took)).toEqual([true, true, true, true]);
        for (const node of generations.slice(0, 2)) {
          const msgs = node.logs.map((l) => l['msg']);
          expect(msgs).toContain('new calls refused; live calls draining');
          expect(msgs).not.toContain('drain limit reached: ending the live calls');
        }
      } finally {
        await stream.stop();
        await deployment.stop();
      }
    }, 180_000);
  },
);
