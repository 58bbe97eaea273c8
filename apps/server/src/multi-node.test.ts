/// <reference lib="dom" />
// (The functions passed to page.evaluate run in the browser.)
import { placeCall } from '@psrkit/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type RedisServer,
  redisTestsRunnable,
  startRedisServer,
} from '../../../packages/campaign/src/__fixtures__/redis-server.js';
import { browserIt, watchPage, withBrowser } from '../../../tests/fixtures/browser.js';
import {
  listedCall,
  NODE_ADMIN_TOKEN,
  nodeApi,
  nodeIdOf,
  startNode,
} from './__fixtures__/redis-nodes.js';
import { type SpawnedServer, stopAllServers } from './__fixtures__/spawn-server.js';
import { until } from './__fixtures__/until.js';

const installed = redisTestsRunnable();
/** A call the test holds open until a command ends it. */
const held = (url: string, callId: string) =>
  placeCall({ url, tenant: 'acme', callId, caller: [], tailMs: 60_000 });

describe.skipIf(!installed)('two nodes sharing one Redis', () => {
  let redis: RedisServer | undefined;
  let one: SpawnedServer;
  let two: SpawnedServer;
  beforeAll(async () => {
    redis = await startRedisServer();
    [one, two] = await Promise.all([startNode(redis.url), startNode(redis.url)]);
  });
  afterAll(async () => {
    await stopAllServers();
    await redis?.remove();
  });

  it("node 1 lists node 2's calls, and its hangup, transfer and say are heard on them; an unknown call is 404", async () => {
    const told = held(two.url, 'two-say');
    const hung = held(two.url, 'two-hangup');
    const own = held(one.url, 'one-own');
    await until(
      async () => (await listedCall(one, 'acme', 'two-hangup'))?.state === 'open',
      20_000,
    );
    await until(async () => (await listedCall(one, 'acme', 'two-say'))?.state === 'open', 20_000);
    const [node1, node2] = [nodeIdOf(one), nodeIdOf(two)];
    expect(node1).not.toBe(node2);
    expect(await listedCall(one, 'acme', 'two-say')).toMatchObject({ node: node2 });
    await until(async () => (await listedCall(two, 'acme', 'one-own'))?.node === node1, 20_000);

    // say and transfer, sent to node 1, run on node 2's call: the caller hears both.
    expect(
      await nodeApi(one, '/api/calls/acme/two-say/say', 'POST', '{"text":"hello"}'),
    ).toMatchObject({ status: 200, body: { ok: true, detail: expect.stringMatching(/^saying/) } });
    expect(
      await nodeApi(one, '/api/calls/acme/two-say/transfer', 'POST', '{"extension":"102"}'),
    ).toMatchObject({ status: 200, body: { ok: true, detail: 'transferred to 102' } });
    // hangup by the id alone (no other tenant has it).
    expect(await nodeApi(one, '/api/calls/two-hangup/hangup', 'POST')).toMatchObject({
      status: 200,
      body: { ok: true, detail: 'hung up' },
    });
    expect(await nodeApi(one, '/api/calls/acme/nobody/hangup', 'POST')).toMatchObject({
      status: 404,
      body: { error: 'no call nobody (tenant acme)' },
    });
    const [saidReport, hungReport] = await Promise.all([told, hung]);
    expect(saidReport.transfer?.extension).toBe('102');
    // "hello": half a second of tone, streamed as chunks before the transfer.
    expect(saidReport.actions.some((a) => a.type === 'chunk')).toBe(true);
    expect(hungReport.hangup).toBeDefined();
    expect([...saidReport.violations, ...hungReport.violations]).toEqual([]);

    // Logged on both nodes, with who asked.
    for (const command of ['say', 'transfer', 'hangup']) {
      expect(one.logs).toContainEqual(
        expect.objectContaining({ msg: 'call command', command, by: 'ops@127.0.0.1', node: node2 }),
      );
      expect(two.logs).toContainEqual(
        expect.objectContaining({
          msg: 'call command from another node',
          command,
          by: 'ops@127.0.0.1',
          from_node: node1,
          status: 200,
        }),
      );
    }
    // Their ends reach node 1's list.
    await until(async () => (await listedCall(one, 'acme', 'two-say'))?.end?.reason === 'transfer');
    expect(await nodeApi(one, '/api/calls/acme/two-say/hangup', 'POST')).toMatchObject({
      status: 409,
    });
    expect((await nodeApi(two, '/api/calls/acme/one-own/hangup', 'POST')).status).toBe(200);
    expect((await own).hangup).toBeDefined();
  }, 60_000);

  browserIt(
    "node 1's pages show node 2's call, with its node, and control it",
    async () => {
      const call = held(two.url, 'two-page');
      const base = one.url.replace(/^ws/, 'http').replace(/\/$/, '');
      await withBrowser(async (browser) => {
        const page = await browser.newPage();
        const seen = watchPage(page);
        await page.goto(`${base}/calls?token=${NODE_ADMIN_TOKEN}`);
        const row = page.locator('tr[data-call-id="two-page"]');
        await row.waitFor({ timeout: 20_000 });
        expect(await row.locator('td.node').textContent()).toBe(nodeIdOf(two));
        await page.goto(`${base}${await row.locator('a').getAttribute('href')}`);
        await page.waitForSelector('dd[data-fact="node"]');
        expect(await page.textContent('dd[data-fact="node"]')).toBe(nodeIdOf(two));
        await page.click('#hangup button');
        await page.waitForFunction(() =>
          document.getElementById('result')?.textContent?.includes('✓ hung up'),
        );
        expect(seen.errors).toEqual([]);
      });
      expect((await call).hangup).toBeDefined();
    },
    60_000,
  );
});
