import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type RedisServer,
  redisTestsRunnable,
  startRedisServer,
} from '../../../packages/campaign/src/__fixtures__/redis-server.js';
import { capturedLogger } from './__fixtures__/captured-logger.js';
import { until } from './__fixtures__/until.js';
import {
  type CallRef,
  type CommandHandler,
  DEFAULT_RETENTION,
  type LiveCall,
} from './call-directory.js';
import { createDirectoryMetrics } from './directory-metrics.js';
import { RedisCallStore } from './redis-call-store.js';
import { createRedisDirectory, type RedisCallDirectory } from './redis-directory.js';
import { directoryKeys } from './redis-directory-keys.js';

const installed = redisTestsRunnable();
const { logger, lines } = capturedLogger();

const call = (ref: CallRef, over: Partial<LiveCall> = {}): LiveCall => ({
  ...ref,
  pid: 1,
  startedAt: Date.now(),
  state: 'open',
  botSpeaking: false,
  callerLevelDbfs: null,
  framesIn: 0,
  actionsSent: 0,
  log: [],
  ...over,
});
const ended = (live: LiveCall): LiveCall => ({
  ...live,
  state: 'closed',
  end: { reason: 'psr-closed', durationMs: 1, at: Date.now() },
});
const ran =
  (asked: string[]): CommandHandler =>
  async (command, by) => {
    asked.push(`${command.type} by ${by}`);
    return { ok: true, detail: 'done' };
  };
const hangup = { type: 'hangup' } as const;

// Each test keeps its own keys (`name`) on one server, so they run side by side.
describe.skipIf(!installed).concurrent('the Redis call directory', () => {
  let redis: RedisServer;
  const open: RedisCallDirectory[] = [];
  const node = (name: string, id: string, url = redis.url, registry?: Registry) => {
    const directory = createRedisDirectory({
      url,
      logger,
      name,
      node: id,
      heartbeatMs: 200,
      nodeTtlMs: 1000,
      relayTimeoutMs: 1000,
      ...(registry && { metrics: createDirectoryMetrics(registry) }),
    });
    open.push(directory);
    return directory;
  };
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await Promise.all(open.map((d) => d.close()));
    await redis?.remove();
  });

  it('lists every node’s calls with their node, and runs a command on the node that holds the call (logged on both)', async () => {
    const [a, b] = [node('list', 'a'), node('list', 'b')];
    const x = { tenant: 't', id: 'x' };
    const asked: string[] = [];
    a.register(call(x), ran(asked));
    await until(() => b.get(x)?.node === 'a');
    expect(await b.send(x, hangup, 'ops@10.0.0.5')).toEqual({ ok: true, detail: 'done' });
    expect(asked).toEqual(['hangup by ops@10.0.0.5 via b']);
    expect(lines).toContainEqual(
      expect.objectContaining({
        msg: 'call command from another node',
        call_id: 'x',
        tenant: 't',
        by: 'ops@10.0.0.5',
        from_node: 'b',
        status: 200,
      }),
    );
    // No such call: 404 at once; the same id in another tenant is another call.
    expect(await b.send({ tenant: 't', id: 'none' }, hangup, 'ops')).toMatchObject({ status: 404 });
    expect(await b.send({ tenant: 'u', id: 'x' }, hangup, 'ops')).toMatchObject({ status: 404 });
    // Ended: shown so everywhere, and 409.
    a.update(ended(call(x, { startedAt: a.get(x)!.startedAt })));
    await until(() => b.get(x)?.state === 'closed');
    expect(await b.send(x, hangup, 'ops')).toMatchObject({ status: 409 });
    // A node that joins later reads what is there.
    const c = node('list', 'c');
    await until(() => c.get(x)?.state === 'closed');
    await until(() => c.nodes().length === 3);
    expect(
      c
        .nodes()
        .map((n) => n.node)
        .sort(),
    ).toEqual(['a', 'b', 'c']);
    expect(c.nodes()[0]).toMatchObject({ ready: true, draining: false, pid: process.pid });
  });

  it('a node that stops beating is lost: another shows its live calls ended (node-lost)', async () => {
    // A node killed: its record set once and never again, its call left live.
    const keys = directoryKeys('lost');
    const raw = new Redis(redis.url);
    const ghost = { tenant: 't', id: 'g' };
    try {
      const store = new RedisCallStore(raw, keys, DEFAULT_RETENTION);
      await store.beat('ghost', JSON.stringify({ node: 'ghost', beatAt: Date.now() }), 1000);
      await store.put([call(ghost, { node: 'ghost' })], 'ghost', 'ghost');
      const b = node('lost', 'b');
      await until(() => b.get(ghost) !== undefined);
      await until(() => b.get(ghost)?.state === 'closed', 20_000);
      expect(b.get(ghost)).toMatchObject({ node: 'ghost', end: { reason: 'node-lost' } });
      expect(await raw.sismember(keys.nodes, 'ghost')).toBe(0);
      expect(lines).toContainEqual(
        expect.objectContaining({ node: 'ghost', calls: 1, msg: expect.stringMatching(/lost/) }),
      );
      // Another node joining now reads it ended too.
      const c = node('lost', 'c');
      await until(() => c.get(ghost)?.state === 'closed');
    } finally {
      raw.disconnect();
    }
  });

  it('a holder that does not answer is a 503 after the wait; one not listening, a 503 at once', async () => {
    const keys = directoryKeys('mute');
    const raw = new Redis(redis.url);
    const listener = new Redis(redis.url);
    const m = { tenant: 't', id: 'm' };
    try {
      const store = new RedisCallStore(raw, keys, DEFAULT_RETENTION);
      await store.beat('mute', '{}', 60_000);
      await store.put([call(m, { node: 'mute' })], 'mute', 'mute');
      await listener.subscribe(keys.commands('mute')); // hears, never answers
      const b = node('mute', 'b');
      await until(() => b.get(m) !== undefined);
      expect(await b.send(m, hangup, 'ops')).toEqual({
        ok: false,
        status: 503,
        error: 'node mute holding call m (tenant t) did not answer within 1 s',
      });
      await listener.unsubscribe();
      expect(await b.send(m, hangup, 'ops')).toEqual({
        ok: false,
        status: 503,
        error: 'node mute holding call m (tenant t) is not listening (stopped or lost)',
      });
    } finally {
      raw.disconnect();
      listener.disconnect();
    }
  });

  it('never logs the password of the Redis URL, right or wrong', async () => {
    const own = await startRedisServer(['--requirepass', 'pw-S3cret-right']);
    const url = (password: string) => own.url.replace('redis://', `redis://:${password}@`);
    const right = node('auth', 'right', url('pw-S3cret-right'));
    const wrong = node('auth', 'wrong', url('pw-S3cret-wrong'));
    try {
      await until(() => right.nodes().length === 1);
      await until(() =>
        lines.some(
          (l) =>
            String(l['msg']).startsWith('call directory: cannot reach') &&
            l['redis'] === url('***'),
        ),
      );
      const logged = JSON.stringify(lines);
      expect(logged).toContain(url('***'));
      expect(logged).not.toMatch(/pw-S3cret/);
    } finally {
      await Promise.all([right.close(), wrong.close()]);
      await own.remove();
    }
  });

  it('Redis slow: a call and its commands on this node never wait for it', async () => {
    const own = await startRedisServer(); // paused below: the other tests' must not be
    const a = node('slow', 'a', own.url);
    const x = { tenant: 't', id: 'x' };
    const raw = new Redis(own.url);
    const other = new Redis(own.url);
    try {
      await until(() => a.nodes().length === 1);
      await raw.call('CLIENT', 'PAUSE', '2000', 'WRITE');
      const answered = other.set('probe', '1').then(() => 'redis');
      a.register(call(x), ran([]));
      a.update(call(x, { framesIn: 7, startedAt: a.get(x)!.startedAt }));
      const first = await Promise.race([a.send(x, hangup, 'ops').then(() => 'call'), answered]);
      expect(first).toBe('call');
      expect(a.get(x)?.framesIn).toBe(7);
      await answered;
    } finally {
      raw.disconnect();
      other.disconnect();
      await a.close();
      await own.remove();
    }
  });

  it('Redis away: each node serves its own calls; back, every call is registered again and the directory is whole', async () => {
    const own = await startRedisServer();
    const registry = new Registry();
    const a = node('away', 'a', own.url, registry);
    const b = node('away', 'b', own.url);
    const [x, y, z] = ['x', 'y', 'z'].map((id) => ({ tenant: 't', id }) as CallRef);
    try {
      const asked: string[] = [];
      a.register(call(x!), ran(asked));
      b.register(call(y!), ran([]));
      await until(() => a.get(y!) !== undefined && b.get(x!) !== undefined);
      await own.stop();
      await until(async () =>
        /psrkit_directory_redis_outages_total [1-9]/.test(await registry.metrics()),
      );
      expect(await registry.metrics()).toContain('psrkit_directory_redis_up 0');
      // This node's calls: changed, added, controlled here all the same.
      const startedAt = a.get(x!)!.startedAt;
      a.update(call(x!, { startedAt, framesIn: 5 }));
      a.register(call(z!), ran(asked));
      expect(a.get(x!)?.framesIn).toBe(5);
      expect(await a.send(z!, hangup, 'ops')).toEqual({ ok: true, detail: 'done' });
      // Another node's call cannot be reached meanwhile: a clear 503.
      expect(await a.send(y!, hangup, 'ops')).toMatchObject({
        status: 503,
        error: expect.stringMatching(/Redis\) is unreachable/),
      });
      expect(lines).toContainEqual(
        expect.objectContaining({
          msg: expect.stringMatching(/Redis unreachable; this node serves/),
        }),
      );
      // Away longer than a record's TTL: when Redis is back, every node's record has expired.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await own.start();
      await until(
        () =>
          b.get(x!)?.framesIn === 5 &&
          b.get(z!)?.state === 'open' &&
          a.get(y!)?.state === 'open' &&
          b.get(x!)?.state === 'open',
        20_000,
      );
      expect(await registry.metrics()).toContain('psrkit_directory_redis_up 1');
      expect(await b.send(z!, hangup, 'ops')).toMatchObject({ ok: true });
      expect(asked).toEqual(['hangup by ops', 'hangup by ops via b']);
    } finally {
      await Promise.all([a.close(), b.close()]);
      await own.remove();
    }
  });
});
