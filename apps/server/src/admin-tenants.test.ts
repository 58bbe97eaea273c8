import { placeCall } from '@psrkit/simulator';
import { afterEach, describe, expect, it } from 'vitest';
import {
  capturedLogger,
  startAdminServer,
  ADMIN_TOKEN as token,
} from './__fixtures__/admin-server.js';
import { until } from './__fixtures__/until.js';
import type { LiveCall } from './call-directory.js';
import type { ReferenceServer } from './reference-server.js';

const { logger } = capturedLogger();
const servers: ReferenceServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.shutdown()));
});

describe('calls are known by tenant and id on the operator routes', () => {
  it('two tenants with one call_id: both listed, a command reaches only the one named, one ending leaves the other live', async () => {
    const { server, api, base } = await startAdminServer(
      ['--admin-tokens', `ops:${token}`],
      logger,
    );
    servers.push(server);
    const held = { tailMs: 60_000, caller: [] };
    const acme = placeCall({ url: server.url, tenant: 'acme', callId: 'same', ...held });
    const globex = placeCall({ url: server.url, tenant: 'globex', callId: 'same', ...held });
    const list = async () =>
      ((await api('/api/calls', { token })).body['calls'] as LiveCall[]) ?? [];
    await until(async () => (await list()).filter((c) => c.state === 'open').length === 2);
    expect((await list()).map((c) => [c.tenant, c.id]).sort()).toEqual([
      ['acme', 'same'],
      ['globex', 'same'],
    ]);

    // The id alone names neither: 409, saying how to name one.
    const shared = {
      status: 409,
      body: { error: expect.stringMatching(/used by 2 tenants \((acme, globex|globex, acme)\)/) },
    };
    expect(await api('/api/calls/same', { token })).toMatchObject(shared);
    expect(await api('/api/calls/same/hangup', { token, method: 'POST' })).toMatchObject(shared);
    expect((await fetch(`${base}/calls/same?token=${token}`, { redirect: 'manual' })).status).toBe(
      409,
    );
    expect(await api('/api/calls/globex/same', { token })).toMatchObject({
      status: 200,
      body: { tenant: 'globex', id: 'same', state: 'open' },
    });
    expect((await api('/api/calls/initech/same', { token })).status).toBe(404);

    // Hang up acme's: only acme's call hears it; globex's stays open and takes commands.
    expect(await api('/api/calls/acme/same/hangup', { token, method: 'POST' })).toMatchObject({
      status: 200,
      body: { ok: true, detail: 'hung up' },
    });
    expect((await acme).hangup).toBeDefined();
    await until(async () =>
      (await list()).some((c) => c.tenant === 'acme' && c.state === 'closed'),
    );
    expect((await list()).find((c) => c.tenant === 'globex')?.state).toBe('open');
    expect(
      await api('/api/calls/globex/same/say', { token, method: 'POST', body: '{"text":"hi"}' }),
    ).toMatchObject({ status: 200, body: { ok: true } });
    expect((await api('/api/calls/acme/same/hangup', { token, method: 'POST' })).status).toBe(409);

    // The event stream of one tenant's call carries that call only.
    const events = await fetch(`${base}/api/events?tenant=globex&call=same&token=${token}`);
    const reader = events.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toMatch(/event: snapshot\ndata: .*"tenant":"globex"/);
    await reader.cancel();

    expect((await api('/api/calls/globex/same/hangup', { token, method: 'POST' })).status).toBe(
      200,
    );
    expect((await globex).hangup).toBeDefined();
  }, 40_000);

  it('an id one tenant uses: addressed alone, and /calls/<id> sends on to /calls/<tenant>/<id>', async () => {
    const { server, api, base } = await startAdminServer(
      ['--admin-tokens', `ops:${token}`],
      logger,
    );
    servers.push(server);
    const call = placeCall({
      url: server.url,
      tenant: 't 1',
      callId: 'a/b',
      caller: [],
      tailMs: 60_000,
    });
    await until(async () => (await api('/api/calls/a%2Fb', { token })).status === 200);
    const page = await fetch(`${base}/calls/a%2Fb?token=${token}`, { redirect: 'manual' });
    expect(page.status).toBe(302);
    expect(page.headers.get('location')).toBe(`/calls/t%201/a%2Fb?token=${token}`);
    expect((await api(`/calls/t%201/a%2Fb?token=${token}`)).status).toBe(200);
    expect((await api('/api/calls/a%2Fb/hangup', { token, method: 'POST' })).status).toBe(200);
    expect((await call).hangup).toBeDefined();
  });
});
