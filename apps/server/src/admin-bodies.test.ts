import { request as httpRequest } from 'node:http';
import { placeCall } from '@psrkit/simulator';
import { afterEach, describe, expect, it } from 'vitest';
import {
  capturedLogger,
  startAdminServer,
  ADMIN_TOKEN as token,
} from './__fixtures__/admin-server.js';
import { until } from './__fixtures__/until.js';
import type { ReferenceServer } from './reference-server.js';

const { logger, lines } = capturedLogger();
const servers: ReferenceServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.shutdown()));
});

/** POSTs `pieces` as a chunked body (no content-length); resolves with the answer. */
function postChunked(
  port: number,
  path: string,
  pieces: readonly string[],
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
      },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => {
          body += chunk.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    for (const piece of pieces) req.write(piece);
    req.end();
  });
}

describe("a command's body", () => {
  it('sent chunked and over 16 KiB: the documented 400, not a reset connection; the call goes on', async () => {
    const { server, api } = await startAdminServer(['--admin-tokens', `ops:${token}`], logger);
    servers.push(server);
    const call = placeCall({
      url: server.url,
      tenant: 't',
      callId: 'big',
      caller: [],
      tailMs: 60_000,
    });
    await until(async () => (await api('/api/calls/t/big', { token })).status === 200);
    const text = 'x'.repeat(1024);
    const pieces = ['{"text":"', ...Array.from({ length: 40 }, () => text), '"}'];
    const answer = await postChunked(server.address.port, '/api/calls/t/big/say', pieces);
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toEqual({ error: 'the body is over 16384 bytes' });
    // The same connection pool still works and the call is live.
    expect(await api('/api/calls/t/big', { token })).toMatchObject({ body: { state: 'open' } });
    expect((await api('/api/calls/t/big/hangup', { token, method: 'POST' })).status).toBe(200);
    expect((await call).hangup).toBeDefined();
  });

  it('refused, is logged by its size and shape — never its text when it looks like a credential', async () => {
    const { server, api } = await startAdminServer(['--admin-tokens', `ops:${token}`], logger);
    servers.push(server);
    const secrets = [
      'api_key=sk-live-4f9a8b7c6d5e4f3a2b1c',
      'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abcdefghij',
      'deadbeefcafebabe0123456789abcdef00112233',
      'c2VjcmV0LXRva2VuLXRoYXQtaXMtbG9uZy1lbm91Z2gtdG8taGlkZQ==',
    ];
    for (const secret of secrets) {
      const answer = await api('/api/calls/t/nobody/say', { token, method: 'POST', body: secret });
      expect(answer.status).toBe(400);
      expect(answer.body['error']).toMatch(
        new RegExp(
          `^the body is not JSON: ${secret.length} bytes that look like .+ \\(not shown\\)$`,
        ),
      );
    }
    // A field echoed in an error is hidden the same way in the log.
    await api('/api/calls/t/nobody/transfer', {
      token,
      method: 'POST',
      body: JSON.stringify({ extension: 'password=hunter2hunter2' }),
    });
    // Text that looks like no credential is quoted, cut short.
    const plain = await api('/api/calls/t/nobody/say', {
      token,
      method: 'POST',
      body: 'hello there',
    });
    expect(plain.body['error']).toBe('the body is not JSON: "hello there" (11 bytes)');

    const refused = lines.filter(
      (line) => line['msg'] === 'call command refused' && line['call_id'] === 'nobody',
    );
    expect(refused).toHaveLength(secrets.length + 2);
    const logged = JSON.stringify(refused);
    for (const secret of [...secrets, 'hunter2hunter2', 'sk-live', 'eyJhbGciOiJIUzI1NiJ9'])
      expect(logged).not.toContain(secret);
    expect(refused.at(-2)?.['error']).toMatch(/\[a key=value credential, \d+ chars, hidden\]/);
    expect(refused.at(-1)?.['error']).toContain('"hello there"');
  });
});
