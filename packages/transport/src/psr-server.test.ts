import { createServer, type IncomingMessage } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { Observable } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { callIn, closeServers, serve, tonePiece, until } from './__fixtures__/loopback.js';
import { allOf, bearerTokenCheck, requestTokenCheck, tenantAllowList, tokenAuth } from './auth.js';
import type { Bot } from './bot.js';
import type { Call, CallEnd } from './call-types.js';
import { silentLogger } from './logger.js';
import { connectAsPsr } from './psr-client.js';
import { createPsrServer } from './psr-server.js';
import { CLOSE_REPLACED } from './psr-server-types.js';

afterEach(closeServers);

const idle: Bot = () => undefined;

/** The HTTP status a refused upgrade answered with. */
async function refusal(url: string, options: Parameters<typeof connectAsPsr>[1]) {
  const psr = connectAsPsr(url, options);
  return psr.opened.then(
    () => {
      psr.terminate();
      throw new Error('upgrade was accepted');
    },
    (error: { code: string; status: number; message: string }) => error,
  );
}

describe('upgrade checks, before any call exists', () => {
  it('answers 400 with the reason when call_id or tenant is missing', async () => {
    const opened: Call[] = [];
    const server = await serve(idle);
    server.on('call-open', (call) => opened.push(call));
    // A raw HTTP client, to read the exact answer.
    const ask = (query: string) =>
      new Promise<string>((resolve) => {
        const socket = connect((server.address as AddressInfo).port, '127.0.0.1', () =>
          socket.write(
            `GET /?${query} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
              'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
          ),
        );
        let text = '';
        socket.on('data', (d) => {
          text += d.toString();
        });
        socket.on('close', () => resolve(text));
      });
    expect(await ask('tenant=acme')).toMatch(/^HTTP\/1.1 400 [\s\S]*no call_id parameter/);
    expect(await ask('call_id=c1')).toMatch(/^HTTP\/1.1 400 [\s\S]*no tenant parameter/);
    expect(await ask('call_id=&tenant=acme')).toMatch(/^HTTP\/1.1 400 /);
    expect(opened).toHaveLength(0);
  });

  it('shared tokens: none or wrong → 401, header or query, any of several tokens', async () => {
    const bots: string[] = [];
    const server = await serve((call) => void bots.push(call.id), {
      authenticate: tokenAuth({ tokens: ['old-secret', 'new-secret'] }),
    });
    expect((await refusal(server.url, { tenant: 'acme' })).status).toBe(401);
    expect((await refusal(server.url, { tenant: 'acme', params: { token: 'nope' } })).status).toBe(
      401,
    );
    const wrongHeader = await refusal(server.url, {
      tenant: 'acme',
      headers: { authorization: 'Bearer old-secretx' },
    });
    expect(wrongHeader).toMatchObject({ code: 'CONNECT_FAILED', status: 401 });
    expect(bots).toEqual([]);
    for (const [i, auth] of [
      { params: { token: 'new-secret' } },
      { headers: { authorization: 'Bearer old-secret' } },
    ].entries()) {
      const psr = connectAsPsr(server.url, { tenant: 'acme', callId: `ok-${i}`, ...auth });
      await psr.opened;
      await psr.close();
    }
    expect(bots).toEqual(['ok-0', 'ok-1']);
  });

  it('the token is checked, then kept from the bot: call.params never carries it', async () => {
    const seen: Record<string, string>[] = [];
    const server = await serve((call) => void seen.push({ ...call.params }), {
      authenticate: tokenAuth({ tokens: ['s3cret'] }),
    });
    const psr = connectAsPsr(server.url, {
      tenant: 'acme',
      params: { token: 's3cret', danh_xung: 'anh' },
    });
    await psr.opened;
    await psr.close();
    expect(seen).toEqual([{ danh_xung: 'anh' }]);
  });

  it('tenant allow-list → 403; hooks combine; a hook that hangs → 503 after its timeout', async () => {
    const server = await serve(idle, {
      authenticate: allOf(tokenAuth({ tokens: ['t'] }), tenantAllowList(['acme'])),
    });
    const rejected: string[] = [];
    server.on('upgrade-rejected', (r) =>
      rejected.push(`${r.status} ${r.tenant} ${r.remoteAddress}`),
    );
    expect((await refusal(server.url, { tenant: 'evil', params: { token: 't' } })).status).toBe(
      403,
    );
    expect((await refusal(server.url, { tenant: 'acme' })).status).toBe(401);
    expect(rejected).toEqual(['403 evil 127.0.0.1', '401 acme 127.0.0.1']);

    const slow = await serve(idle, {
      authenticate: () => new Promise(() => undefined),
      authTimeoutMs: 50,
    });
    expect((await refusal(slow.url, { tenant: 'acme' })).status).toBe(503);
  });

  it('a token bound to a tenant opens only that tenant’s calls; one call_id is a call per tenant', async () => {
    const server = await serve(idle, {
      authenticate: tokenAuth({
        tokens: [{ tenant: 'acme', token: 'tok-a' }, { tenant: 'beta', token: 'tok-b' }, 'admin'],
      }),
    });
    const as = (tenant: string, token: string) => ({ tenant, callId: 'c1', params: { token } });
    expect((await refusal(server.url, as('acme', 'tok-b'))).status).toBe(403);
    expect((await refusal(server.url, as('acme', 'nope'))).status).toBe(401);
    const acme = connectAsPsr(server.url, as('acme', 'tok-a'));
    const beta = connectAsPsr(server.url, as('beta', 'tok-b'));
    await Promise.all([acme.opened, beta.opened]);
    await until(() => server.activeCalls === 2);
    expect([server.getCall('c1', 'acme')?.tenant, server.getCall('c1', 'beta')?.tenant]).toEqual([
      'acme',
      'beta',
    ]);
    // A plain token opens any tenant's calls (here: blocked by acme's live c1, 409).
    expect((await refusal(server.url, as('acme', 'admin'))).status).toBe(409);
    await Promise.all([acme.close(), beta.close()]);
  });

  it('bearerTokenCheck: the Authorization header only, compared with every token', () => {
    const check = bearerTokenCheck(['m1', 'm2']);
    const request = (authorization?: string) =>
      ({ headers: authorization ? { authorization } : {} }) as IncomingMessage;
    expect([
      check(request('Bearer m2')),
      check(request('bearer m1')),
      check(request('Bearer m')),
      check(request('Basic m1')),
      check(request()),
    ]).toEqual([true, true, false, false, false]);
    expect(() => bearerTokenCheck([''])).toThrow(TypeError);
  });

  it('requestTokenCheck: the header or ?token=, and which entry matched (for the log)', () => {
    const check = requestTokenCheck([
      { name: 'ops', token: 'k1' },
      { name: 'dev', token: 'k2' },
    ]);
    const request = (url: string, authorization?: string) =>
      ({ url, headers: authorization ? { authorization } : {} }) as IncomingMessage;
    expect(check(request('/calls', 'Bearer k2'))?.name).toBe('dev');
    expect(check(request('/calls?token=k1'))?.name).toBe('ops');
    expect(check(request('/calls?token=k3'))).toBeUndefined();
    expect(check(request('/calls?token='))).toBeUndefined();
    expect(check(request('/calls'))).toBeUndefined();
    const headerOnly = requestTokenCheck([{ token: 'k1' }], { queryParam: false });
    expect(headerOnly(request('/calls?token=k1'))).toBeUndefined();
    expect(() => requestTokenCheck([{ token: '' }])).toThrow(TypeError);
  });

  it('duplicate call_id: rejected with 409 by default, never two live calls', async () => {
    const server = await serve(idle);
    const { psr } = await callIn(server, { callId: 'same' });
    expect((await refusal(server.url, { tenant: 'acme', callId: 'same' })).status).toBe(409);
    expect(server.activeCalls).toBe(1);
    await psr.close();
  });

  it('duplicate call_id with "replace": the first call ends (4001, replaced), the second lives', async () => {
    const ends: CallEnd[] = [];
    const server = await serve((call) => void call.closed.then((end) => ends.push(end)), {
      duplicateCallId: 'replace',
    });
    const first = await callIn(server, { callId: 'same' });
    const second = await callIn(server, { callId: 'same' });
    expect((await first.psr.closed).code).toBe(CLOSE_REPLACED);
    await until(() => ends.length === 1);
    expect(ends[0]).toMatchObject({ reason: 'replaced', code: CLOSE_REPLACED });
    expect(server.activeCalls).toBe(1);
    second.psr.sendMedia(tonePiece(0));
    await second.psr.close();
    await until(() => server.activeCalls === 0);
  });

  it('attaches to an existing HTTP server on a path; plain requests and other paths still work', async () => {
    const http = createServer((_req, res) => res.end('ok'));
    const frames: number[] = [];
    const server = createPsrServer({
      server: http,
      path: '/psr',
      bot: (call) => void call.audio$.subscribe((f) => frames.push(f.samples.length)),
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const port = (http.address() as AddressInfo).port;
    try {
      expect(await (await fetch(`http://127.0.0.1:${port}/healthz`)).text()).toBe('ok');
      expect((await refusal(`ws://127.0.0.1:${port}/other`, { tenant: 'acme' })).status).toBe(404);
      const psr = connectAsPsr(`ws://127.0.0.1:${port}/psr`, { tenant: 'acme', channel: 'mono_a' });
      await psr.opened;
      psr.sendMedia(tonePiece(0, 320));
      await until(() => frames.length === 2);
      await psr.close();
    } finally {
      await server.close();
      await new Promise((resolve) => http.close(resolve));
    }
  });

  it('refuses new upgrades with 503 once draining; close() drains, then ends the rest', async () => {
    const ends: CallEnd[] = [];
    const server = await serve((call) => void call.closed.then((e) => ends.push(e)));
    const { psr } = await callIn(server);
    server.stopAccepting();
    expect(server.isAccepting).toBe(false);
    expect((await refusal(server.url, { tenant: 'acme' })).status).toBe(503);
    await server.close({ drainTimeoutMs: 50 });
    expect((await psr.closed).code).toBe(1001);
    expect(ends[0]).toMatchObject({ reason: 'shutdown', code: 1001 });
  });
});

describe('robustness on real sockets', () => {
  it('a frame over maxFrameBytes closes that call with 1009; another call is unaffected', async () => {
    const ends = new Map<string, CallEnd>();
    const heard = new Map<string, number>();
    const server = await serve(
      (call) => {
        call.audio$.subscribe(() => heard.set(call.id, (heard.get(call.id) ?? 0) + 1));
        void call.closed.then((end) => ends.set(call.id, end));
      },
      { maxFrameBytes: 4096 },
    );
    const big = await callIn(server, { callId: 'big' });
    const small = await callIn(server, { callId: 'small' });
    big.psr.sendMedia(new Int16Array(4000));
    expect((await big.psr.closed).code).toBe(1009);
    await until(() => ends.has('big'));
    expect(ends.get('big')).toMatchObject({ reason: 'payload-too-large', code: 1009 });
    small.psr.sendMedia(tonePiece(0));
    await until(() => heard.get('small') === 1);
    expect(server.activeCalls).toBe(1);
    await small.psr.close();
  });

  it('heartbeat: a peer that stops answering pings is ended', async () => {
    const ends: CallEnd[] = [];
    const server = await serve((call) => void call.closed.then((e) => ends.push(e)), {
      heartbeatIntervalMs: 40,
      heartbeatTimeoutMs: 120,
    });
    const alive = await callIn(server, { callId: 'alive' });
    await callIn(server, { callId: 'dead', autoPong: false });
    await until(() => ends.length === 1, 10_000);
    expect(ends[0]).toMatchObject({ reason: 'heartbeat-timeout' });
    expect(server.calls.map((call) => call.id)).toEqual(['alive']);
    await alive.psr.close();
  });

  it('releases every socket and timer: no handles are left after calls and close', async () => {
    const countResources = () => {
      const counts = new Map<string, number>();
      for (const type of process.getActiveResourcesInfo())
        counts.set(type, (counts.get(type) ?? 0) + 1);
      return counts;
    };
    const baseline = countResources();
    const server = createPsrServer({
      port: 0,
      logger: silentLogger,
      heartbeatIntervalMs: 1000,
      bot: (call) => {
        call.stream(
          new Observable<Int16Array>((s) => {
            for (let i = 0; i < 100; i++) s.next(tonePiece(i * 160));
          }),
          { sampleRate: 8000 },
        );
      },
    });
    await server.listen();
    const a = await callIn(server);
    const b = await callIn(server);
    await until(() => a.received.length > 0 && b.received.length > 0);
    expect(countResources().get('TCPSocketWrap') ?? 0).toBeGreaterThanOrEqual(4); // the probe sees sockets
    a.psr.terminate(); // vanishes mid-stream
    b.psr.sendClosed();
    await until(() => server.activeCalls === 0);
    await server.close();
    await b.psr.closed;
    // Nothing of ours is left: no resource type has more live instances than before (sockets
    // are released a moment after they close).
    const excess = () => [...countResources()].filter(([type, n]) => n > (baseline.get(type) ?? 0));
    await expect.poll(excess).toEqual([]);
  });
});
