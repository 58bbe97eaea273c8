// `psrkit-server --psr-url … --campaign-db …`, the built command: it runs a campaign created
// over HTTP to its end, and on SIGTERM stops dialling, drains and lets go of its store.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPsrApiEmulator } from '@psrkit/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { root, spawnServer } from './__fixtures__/spawn-server.js';
import { until } from './__fixtures__/until.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'psrkit-server-campaigns-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('psrkit-server with --psr-url and --campaign-db', () => {
  it('runs a campaign created over HTTP to its end; SIGTERM stops it and frees the store', async () => {
    const psr = await startPsrApiEmulator({
      tokens: ['psr-secret'],
      callees: { rules: [], default: { type: 'answer', ringMs: 50, tailMs: 3000 } },
    });
    const db = join(dir, 'campaigns.db');
    const server = await spawnServer(
      ['--bot', `${root}apps/server/src/__fixtures__/campaign-bot.mjs`],
      {
        env: {
          PSRKIT_ADMIN_TOKENS: 'ops:adm1n',
          PSRKIT_PSR_URL: psr.url,
          PSRKIT_PSR_TOKEN: 'psr-secret',
          PSRKIT_CAMPAIGN_DB: db,
        },
      },
    );
    try {
      const base = server.url.replace(/^ws/, 'http').replace(/\/$/, '');
      const api = (path: string, body?: unknown) =>
        fetch(`${base}${path}`, {
          method: body === undefined ? 'GET' : 'POST',
          headers: { authorization: 'Bearer adm1n' },
          ...(body !== undefined && { body: JSON.stringify(body) }),
        });
      const created = await api('/api/campaigns', {
        id: 'c1',
        contacts: 'phone,danh_xung\n0912345001,anh\n0912345002,chị\n',
        policy: { callsPerSecond: 10, schedule: '00:00-24:00' },
        start: true,
      });
      expect(created.status, await created.clone().text()).toBe(201);
      // The calls come back to this server (its own URL by default) and are followed.
      await until(
        async () => (await (await api('/api/campaigns/c1')).json()).state === 'completed',
        20_000,
      );
      const csv = await (await api('/api/campaigns/c1/attempts')).text();
      expect(
        csv
          .trim()
          .split('\n')
          .slice(1)
          .map((row) => row.split(',').slice(0, 4).join(',')),
      ).toEqual(['+84912345001,+84912345001,1,completed', '+84912345002,+84912345002,1,completed']);
      expect(server.logs).toContainEqual(expect.objectContaining({ msg: 'campaigns: dialling' }));
      expect(existsSync(`${db}.pid`)).toBe(true);
      await server.stop();
      expect(await server.exited).toBe(0);
      expect(existsSync(`${db}.pid`)).toBe(false);
    } finally {
      await server.stop(0);
      await psr.close({ hangUp: true });
    }
  }, 40_000);
});
