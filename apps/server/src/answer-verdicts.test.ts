/// <reference lib="dom" />
// (The functions passed to page.evaluate run in the browser.)
// Who answered a call travels: the bot records it (`answered_by`, `answered_by_kind`, as
// answer detection does), the server counts it on /metrics at that moment and shows it with
// the call — in /api/calls, in the call's log, on the call's page.
import { placeCall } from '@psrkit/simulator';
import type { Bot } from '@psrkit/transport';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { browserIt, watchPage, withBrowser } from '../../../tests/fixtures/browser.js';
import { until } from './__fixtures__/until.js';
import type { LiveCall } from './call-directory.js';
import { parseConfig } from './config.js';
import { type ReferenceServer, startReferenceServer } from './reference-server.js';

const TOKEN = 'adm1n-secret';
/** Hears a busy announcement, as answer detection would tell it, then waits for the end. */
const verdictBot: Bot = async (call) => {
  await new Promise((resolve) => setTimeout(resolve, 200)); // a moment into the call
  call.setResult({ answered_by: 'announcement', answered_by_kind: 'busy', note: 'kept' });
  await call.closed;
};
const servers: ReferenceServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.shutdown()));
});

async function start(bot: Bot = verdictBot) {
  const config = parseConfig(
    ['--host', '127.0.0.1', '--port', '0', '--admin-tokens', `ops:${TOKEN}`],
    {},
  );
  const server = await startReferenceServer(config, bot, pino({ level: 'silent' }));
  servers.push(server);
  const base = `http://127.0.0.1:${server.address.port}`;
  const get = async (path: string) =>
    (await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
  return { server, base, get };
}

describe('an answer verdict on the reference server', () => {
  it('is counted on /metrics as the bot records it, once a call, and shown with the call', async () => {
    const { server, get } = await start();
    const before = await get('/metrics');
    expect(before).toMatch(/^psrkit_answer_verdicts_total\{verdict="announcement"\} 0$/m);
    const call = placeCall({ url: server.url, callId: 'verdict-call', caller: [], tailMs: 4000 });
    // Counted while the call goes on, not at its end.
    await until(async () =>
      /^psrkit_answer_verdicts_total\{verdict="announcement"\} 1$/m.test(await get('/metrics')),
    );
    const live = JSON.parse(await get('/api/calls/verdict-call')) as LiveCall;
    expect(live.state).toBe('open');
    expect(live.answeredBy).toEqual({ kind: 'announcement', announcement: 'busy' });
    expect(live.log).toContainEqual(
      expect.objectContaining({ event: 'answered-by', detail: 'announcement (busy)' }),
    );
    await call;
    const metrics = await get('/metrics');
    expect(metrics).toMatch(/^psrkit_answer_verdicts_total\{verdict="announcement"\} 1$/m);
    expect(metrics).toMatch(/^psrkit_answer_verdicts_total\{verdict="human"\} 0$/m);
    const ended = JSON.parse(await get('/api/calls/verdict-call')) as LiveCall;
    expect(ended).toMatchObject({ state: 'closed', answeredBy: { kind: 'announcement' } });
  });

  it('counts a value it does not know as other, and a second record of a call not at all', async () => {
    const { server, get } = await start(async (call) => {
      call.setResult({ answered_by: 'a fax machine' });
      call.setResult({ answered_by: 'human' });
      await call.closed;
    });
    await placeCall({ url: server.url, caller: [], tailMs: 500 });
    const metrics = await get('/metrics');
    expect(metrics).toMatch(/^psrkit_answer_verdicts_total\{verdict="other"\} 1$/m);
    expect(metrics).toMatch(/^psrkit_answer_verdicts_total\{verdict="human"\} 0$/m);
  });

  it('a bot that records none leaves the counts at zero', async () => {
    const { server, get } = await start(async (call) => void (await call.closed));
    await placeCall({ url: server.url, caller: [], tailMs: 300 });
    expect(await get('/metrics')).not.toMatch(/^psrkit_answer_verdicts_total\{[^}]*\} [1-9]/m);
  });

  browserIt(
    'is on the call’s page',
    async () => {
      const { server, base } = await start();
      const call = placeCall({ url: server.url, callId: 'verdict-page', caller: [], tailMs: 6000 });
      try {
        await withBrowser(async (browser) => {
          const page = await browser.newPage();
          const seen = watchPage(page);
          await page.goto(`${base}/calls/verdict-page?token=${TOKEN}`);
          await page.waitForSelector('dd[data-fact="answered by"]');
          expect(await page.textContent('dd[data-fact="answered by"]')).toBe('announcement: busy');
          expect(seen.errors).toEqual([]);
        });
      } finally {
        await call;
      }
    },
    30_000,
  );
});
