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

describe.skipIf(!installed)('Redis stopped and started again mid-call', () => {
  let redis: RedisServer | undefined;
  afterAll(async () => {
    await stopAllServers();
    await redis?.remove();
  });

  it('leaves the calls unharmed and the directory whole again afterwards', async () => {
    redis = await startRedisServer();
    const [one, two] = await Promise.all([startNode(redis.url), startNode(redis.url)]);
    const held = { tenant: 't', caller: [], tailMs: 60_000 };
    const first = placeCall({ url: one.url, callId: 'on-one', ...held });
    const second = placeCall({ url: two.url, callId: 'on-two', ...held });
    const both = async () =>
      (await listedCall(one, 't', 'on-two'))?.state === 'open' &&
      (await listedCall(two, 't', 'on-one'))?.state === 'open';
    await until(both, 20_000);

    await redis.stop();
    const away = (server: typeof one) =>
      server.logs.some((l) => String(l['msg']).startsWith('call directory: Redis unreachable'));
    await until(() => away(one) && away(two), 20_000);
    // Each node goes on with its own call: listed, and controlled.
    expect(await listedCall(one, 't', 'on-one')).toMatchObject({ state: 'open' });
    expect(
      (await nodeApi(one, '/api/calls/t/on-one/say', 'POST', '{"text":"still here"}')).status,
    ).toBe(200);
    // A call placed meanwhile is served, and registered once Redis is back.
    const during = placeCall({ url: two.url, callId: 'during', ...held });
    await until(async () => (await listedCall(two, 't', 'during'))?.state === 'open');

    await redis.start();
    await until(
      async () => (await both()) && (await listedCall(one, 't', 'during'))?.node === nodeIdOf(two),
      30_000,
    );
    for (const server of [one, two])
      expect(server.logs).toContainEqual(
        expect.objectContaining({ msg: expect.stringMatching(/Redis reachable again/) }),
      );
    // Commands cross nodes again; every call ends as told, none cut by the outage.
    for (const id of ['on-two', 'during'])
      expect((await nodeApi(one, `/api/calls/t/${id}/hangup`, 'POST')).status).toBe(200);
    expect((await nodeApi(two, '/api/calls/t/on-one/hangup', 'POST')).status).toBe(200);
    const reports = await Promise.all([first, second, during]);
    for (const report of reports) {
      expect(report.hangup).toBeDefined();
      expect(report.violations).toEqual([]);
    }
    expect(reports[0]!.actions.some((a) => a.type === 'chunk')).toBe(true); // "still here"
  }, 120_000);
});
