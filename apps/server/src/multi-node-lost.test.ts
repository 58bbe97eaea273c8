import { placeCall } from '@psrkit/simulator';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type RedisServer,
  redisTestsRunnable,
  startRedisServer,
} from '../../../packages/campaign/src/__fixtures__/redis-server.js';
import { listedCall, nodeApi, nodeIdOf, startNode } from './__fixtures__/redis-nodes.js';
import { stopAllServers } from './__fixtures__/spawn-server.js';
import { until } from './__fixtures__/until.js';

const installed = redisTestsRunnable();

describe.skipIf(!installed)('a node that dies', () => {
  let redis: RedisServer | undefined;
  afterAll(async () => {
    await stopAllServers();
    await redis?.remove();
  });

  it('SIGKILL node 2: within its record’s TTL (5 s, judged within a beat more) node 1 shows its calls ended, and goes on', async () => {
    redis = await startRedisServer();
    const [one, two] = await Promise.all([startNode(redis.url), startNode(redis.url)]);
    const doomed = placeCall({
      url: two.url,
      tenant: 't',
      callId: 'doomed',
      caller: [],
      tailMs: 60_000,
    });
    await until(async () => (await listedCall(one, 't', 'doomed'))?.state === 'open', 20_000);
    two.process.kill('SIGKILL');
    await two.exited;
    await doomed.catch(() => undefined); // its caller saw the connection drop
    // Generous: the figure is 6 s; a busy machine may beat late.
    await until(async () => (await listedCall(one, 't', 'doomed'))?.state === 'closed', 30_000);
    expect(await listedCall(one, 't', 'doomed')).toMatchObject({
      node: nodeIdOf(two),
      end: { reason: 'node-lost' },
    });
    expect(one.logs).toContainEqual(
      expect.objectContaining({
        msg: 'call directory: a node stopped beating (lost); its calls are shown ended',
        node: nodeIdOf(two),
        calls: 1,
      }),
    );
    expect((await nodeApi(one, '/api/calls/t/doomed/hangup', 'POST')).status).toBe(409);
    // Node 1 takes calls as before.
    const next = placeCall({
      url: one.url,
      tenant: 't',
      callId: 'next',
      caller: [],
      tailMs: 60_000,
    });
    await until(async () => (await listedCall(one, 't', 'next'))?.state === 'open');
    expect((await nodeApi(one, '/api/calls/t/next/hangup', 'POST')).status).toBe(200);
    expect((await next).hangup).toBeDefined();
  }, 90_000);
});
