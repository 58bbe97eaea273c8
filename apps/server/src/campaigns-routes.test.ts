// The campaign routes over real HTTP on loopback: a real embedded engine in a temporary
// folder, dialling PSR's create-stream API emulated with callees, the bot on the server.
import type { AttemptRecord } from '@psrkit/campaign';
import type { CalleeRules } from '@psrkit/simulator';
import type { Bot } from '@psrkit/transport';
import { parse } from 'csv-parse/sync';
import pino from 'pino';
import { firstValueFrom, take, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { recordRow } from '../../../tests/fixtures/reliability-rows.js';
import { startCampaignServer } from './__fixtures__/campaign-server.js';
import { parseConfig } from './config.js';
import { startReferenceServer } from './reference-server.js';

/** Notes who it spoke to, listens 200 ms, hangs up. */
const bot: Bot = async (call) => {
  call.setResult({ spoke_to: call.params['danh_xung'] ?? '' });
  await firstValueFrom(call.audio().pipe(take(10), toArray()));
  call.hangup();
};
/** Last digit 7: never answers; 8: refused by create-stream; the rest answer. */
const callees: CalleeRules = {
  rules: [
    { match: { lastDigit: 7 }, callee: { type: 'no-answer', ringMs: 5000 } },
    { match: { lastDigit: 8 }, callee: { type: 'refuse', status: 400, code: 'INVALID_REQUEST' } },
  ],
  default: { type: 'answer', ringMs: 50, tailMs: 3000 },
};
const POLICY = {
  maxConcurrent: 3,
  callsPerSecond: 20,
  maxAttempts: 1,
  ringTimeoutMs: 1000,
  schedule: '00:00-24:00',
};
const CONTACTS = [
  'contact_id,phone,danh_xung',
  'k1,0912345001,anh',
  'k2,0912345002,chị',
  'k3,0912345003,=HYPERLINK("x")',
  'k7,0912345007,anh',
  'k8,0912345008,chị',
].join('\n');

const metric = (text: string, kind: string, status: number) =>
  Number(
    new RegExp(`psrkit_admin_requests_total\\{kind="${kind}",status="${status}"\\} (\\d+)`).exec(
      text,
    )?.[1] ?? 0,
  );

describe('the campaign routes', () => {
  it('create a campaign from a POST, start it, stream it to its end, list it and export its attempts', async () => {
    const app = await startCampaignServer({ bot, callees });
    try {
      const created = await app.api('/api/campaigns', {
        body: { id: 'reminders', name: 'June reminders', policy: POLICY, contacts: CONTACTS },
      });
      expect(created.status, created.text).toBe(201);
      expect(created.body).toMatchObject({
        spec: { id: 'reminders', name: 'June reminders', call: { botUrl: app.server.url } },
        state: 'draft',
        counts: { contacts: 5 },
        skipped: [],
      });
      // The stream: a snapshot, then the attempts and states as they change.
      const events = await fetch(`${app.base}/api/campaigns/reminders/events?token=adm1n-secret`);
      expect(events.headers.get('content-type')).toBe('text/event-stream');
      const reader = events.body!.getReader();
      let streamed = '';
      const read = async (pattern: RegExp) => {
        while (!pattern.test(streamed))
          streamed += new TextDecoder().decode((await reader.read()).value);
      };
      await read(/event: snapshot\ndata: \{"campaign":\{"spec":\{"id":"reminders"/);
      const started = await app.api('/api/campaigns/reminders/start', { method: 'POST' });
      expect(started).toMatchObject({ status: 200, body: { state: 'running' } });
      await read(/event: state\ndata: \{"state":"completed"\}/);
      await reader.cancel();
      expect(streamed).toMatch(
        /event: attempt\ndata: \{[^\n]*"contactId":"k1"[^\n]*"phase":"ended"/,
      );
      expect(streamed).toMatch(/event: campaign\ndata: \{[^\n]*"summary":/);

      const list = await app.api('/api/campaigns');
      expect(list.body.campaigns).toEqual([
        expect.objectContaining({
          spec: expect.objectContaining({ id: 'reminders' }),
          state: 'completed',
          counts: expect.objectContaining({ contacts: 5, settled: 5, attempts: 5 }),
        }),
      ]);
      const one = await app.api('/api/campaigns/reminders');
      expect(one.body).toMatchObject({
        state: 'completed',
        summary: {
          contacts: 5,
          reached: 3,
          byFinalOutcome: { completed: 3, 'no-answer': 1, failed: 1 },
        },
      });
      expect((one.body.latest as AttemptRecord[]).map((a) => a.contactId).sort()).toEqual([
        'k1',
        'k2',
        'k3',
        'k7',
        'k8',
      ]);

      // The export: the results file's columns, the bot's result as its own column.
      const csv = await app.api('/api/campaigns/reminders/attempts?format=csv');
      expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(csv.headers.get('content-disposition')).toBe(
        'attachment; filename="reminders.results.csv"',
      );
      const rows = parse(csv.text, { columns: true }) as Record<string, string>[];
      expect(rows.map((r) => [r['contact_id'], r['outcome'], r['spoke_to']]).sort()).toEqual([
        ['k1', 'completed', 'anh'],
        ['k2', 'completed', 'chị'],
        ['k3', 'completed', `'=HYPERLINK("x")`], // a formula is shown, never run
        ['k7', 'no-answer', ''],
        ['k8', 'failed', ''],
      ]);
      const jsonl = await app.api('/api/campaigns/reminders/attempts?format=jsonl');
      expect(jsonl.headers.get('content-disposition')).toMatch(/reminders\.results\.jsonl/);
      const lines = jsonl.text
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line));
      expect(lines).toHaveLength(5);
      expect(lines.find((l) => l.contact_id === 'k3').result).toEqual({
        spoke_to: '=HYPERLINK("x")',
      });
      expect((await app.api('/api/campaigns/reminders/attempts?format=xlsx')).status).toBe(400);

      // Every dial was this campaign's, each attempt once.
      const dialled = app.psr.log.flatMap((e) =>
        e.event === 'request' ? [e.parameter['attempt_id']] : [],
      );
      expect(new Set(dialled).size).toBe(5);
      const metrics = (await app.api('/metrics')).text;
      expect(metric(metrics, 'campaign-create', 201)).toBe(1);
      expect(metric(metrics, 'campaign-start', 200)).toBe(1);
      expect(app.logs).toContainEqual(
        expect.objectContaining({
          msg: 'campaign command',
          command: 'start',
          by: 'ops@127.0.0.1',
          status: 200,
        }),
      );
    } finally {
      await app.close();
    }
  }, 30_000);

  it('refuse a body with problems, listing each with its path and line; nothing is stored', async () => {
    const app = await startCampaignServer({ bot, callees });
    try {
      const bad = await app.api('/api/campaigns', {
        body: {
          id: '../etc',
          policy: { maxAttempts: 0 },
          call: { audioFile: '/etc/shadow', channel: 'quad' },
          contacts: 'phone,name\n0912345001,a\nnot a number,b\n,c\n',
          colour: 'red',
        },
      });
      expect(bad.status).toBe(400);
      expect(bad.body.problems).toEqual([
        expect.objectContaining({ path: 'colour', code: 'INVALID_BODY' }),
        expect.objectContaining({ path: 'id', message: expect.stringMatching(/^id: /) }),
        expect.objectContaining({
          path: 'policy.maxAttempts',
          message: expect.stringMatching(/0 is not a whole number from 1 to 20/),
        }),
        expect.objectContaining({
          path: 'call.audioFile',
          message: expect.stringMatching(/not taken over HTTP/),
        }),
        expect.objectContaining({ path: 'call.channel' }),
        expect.objectContaining({ path: 'contacts', line: 3, code: 'INVALID_PHONE' }),
        expect.objectContaining({ path: 'contacts', line: 4, code: 'MISSING_PHONE' }),
      ]);
      const policyAsText = await app.api('/api/campaigns', {
        body: { id: 'c1', policy: { schedule: '25:00-26:00' }, contacts: 'phone\n0912345001\n' },
      });
      expect(policyAsText.body.problems).toEqual([
        expect.objectContaining({ path: 'policy.schedule' }),
      ]);
      const notJson = await app.api('/api/campaigns', { body: '{"id": "c1", ' });
      expect(notJson).toMatchObject({
        status: 400,
        body: { error: expect.stringMatching(/not JSON/) },
      });
      const empty = await app.api('/api/campaigns', { body: { id: 'c1', contacts: 'phone\n' } });
      expect(empty.body.problems).toEqual([
        expect.objectContaining({ path: 'contacts', message: 'contacts: no contact to call' }),
      ]);
      const huge = await app.api('/api/campaigns', {
        body: { id: 'c1', contacts: `phone\n${'0912345001\n'.repeat(1_600_000)}` },
      });
      expect(huge).toMatchObject({
        status: 413,
        body: { error: expect.stringMatching(/over 16777216 bytes/) },
      });
      await recordRow(
        'operator routes',
        'a campaign to create with an unknown field, a bad id, a policy out of range, a server file as audio, contact rows without a valid phone; calling hours that do not exist; a body that is not JSON, one with no contact, one over 16 MiB',
        5,
        '400 listing every problem with its path and, for a contact, its line (413 over the size, never read whole); nothing stored; logged and counted (`kind="campaign-create"`)',
      );
      expect((await app.api('/api/campaigns')).body).toEqual({ campaigns: [] });

      // skipInvalid: the good rows are stored, the others said.
      const skipping = await app.api('/api/campaigns', {
        body: {
          id: 'c1',
          contacts: '{"sdt":"0912345001"}\n{"sdt":"x"}\n',
          format: 'jsonl',
          skipInvalid: true,
          call: { parameter: { product: 'loan' } },
        },
      });
      expect(skipping.status).toBe(201);
      expect(skipping.body).toMatchObject({
        counts: { contacts: 1 },
        skipped: [{ line: 2, code: 'INVALID_PHONE' }],
        spec: { call: { parameter: { product: 'loan' }, channel: 'mono_b', app: 'bot' } },
      });
      const metrics = (await app.api('/metrics')).text;
      expect(metric(metrics, 'campaign-create', 400)).toBe(4);
      expect(metric(metrics, 'campaign-create', 413)).toBe(1);
    } finally {
      await app.close();
    }
  });

  it('answer a lifecycle step the state refuses with 409 and its reason, an unknown campaign with 404', async () => {
    const app = await startCampaignServer({ bot, callees });
    try {
      const body = { id: 'c1', contacts: 'phone\n0912345001\n', start: false };
      expect((await app.api('/api/campaigns', { body })).status).toBe(201);
      expect(await app.api('/api/campaigns', { body })).toMatchObject({
        status: 409,
        body: { code: 'INVALID_STATE', error: 'campaign c1 exists already' },
      });
      expect(await app.api('/api/campaigns/c1/resume', { method: 'POST' })).toMatchObject({
        status: 409,
        body: {
          code: 'INVALID_STATE',
          error: 'campaign c1: cannot resume a campaign that is draft',
        },
      });
      expect((await app.api('/api/campaigns/c1/cancel', { method: 'POST' })).body.state).toBe(
        'cancelled',
      );
      expect(await app.api('/api/campaigns/c1/start', { method: 'POST' })).toMatchObject({
        status: 409,
        body: { error: 'campaign c1: cannot start a campaign that is cancelled' },
      });
      expect(await app.api('/api/campaigns/nobody/pause', { method: 'POST' })).toMatchObject({
        status: 404,
        body: { code: 'NOT_FOUND' },
      });
      await recordRow(
        'operator routes',
        'campaign lifecycle commands its state refuses (resume a draft, start a cancelled one, create an id taken) and one for an unknown campaign',
        4,
        '409 with the reason (`INVALID_STATE`), 404 (`NOT_FOUND`); nothing changed; logged with who asked and counted by status (`kind="campaign-resume"`…)',
      );
      for (const path of [
        '/api/campaigns/nobody',
        '/api/campaigns/nobody/events',
        '/api/campaigns/nobody/attempts',
        '/campaigns/nobody',
      ])
        expect((await app.api(path)).status, path).toBe(404);
      expect((await app.api('/api/campaigns/c1/dance', { method: 'POST' })).status).toBe(405);
      expect((await app.api('/api/campaigns/c1', { method: 'DELETE' })).status).toBe(405);
      const metrics = (await app.api('/metrics')).text;
      expect(metric(metrics, 'campaign-resume', 409)).toBe(1);
      expect(metric(metrics, 'campaign-pause', 404)).toBe(1);
    } finally {
      await app.close();
    }
  });

  it('need an admin token (not a PSR call token) on every page and route, and exist only with campaigns', async () => {
    const app = await startCampaignServer({ bot, callees, argv: ['--tokens', 'psr-call-token'] });
    try {
      const routes: [string, string?][] = [
        ['/campaigns'],
        ['/campaigns/c1'],
        ['/api/campaigns'],
        ['/api/campaigns/c1'],
        ['/api/campaigns/c1/events'],
        ['/api/campaigns/c1/attempts?format=csv'],
        ['/api/campaigns', 'POST'],
        ['/api/campaigns/c1/pause', 'POST'],
      ];
      for (const [path, method] of routes)
        for (const token of [null, 'psr-call-token']) {
          const answer = await app.api(path, {
            token,
            ...(method === 'POST' && { body: { id: 'c1', contacts: 'phone\n0912345001\n' } }),
          });
          expect(answer.status, `${path} ${token}`).toBe(401);
        }
      await recordRow(
        'operator routes',
        'no admin token, or a PSR call token, on the campaign pages, their JSON, event stream and export, a create and a command',
        8,
        '401, counted (`kind="unauthorized"`); nothing created or changed; without campaigns (no `--psr-url`) the routes do not exist',
      );
      expect((await app.api('/api/campaigns')).body).toEqual({ campaigns: [] });
      const page = await app.api('/campaigns');
      expect(page.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
      expect(metric((await app.api('/metrics')).text, 'unauthorized', 401)).toBe(16);
    } finally {
      await app.close();
    }
    // Admin tokens, no campaigns: the routes are not there.
    const config = parseConfig(['--host', '127.0.0.1', '--port', '0', '--admin-tokens', 'a:b'], {});
    const plain = await startReferenceServer(config, bot, pino({ level: 'silent' }));
    try {
      for (const path of ['/campaigns', '/api/campaigns'])
        expect((await fetch(`http://127.0.0.1:${plain.address.port}${path}?token=b`)).status).toBe(
          404,
        );
    } finally {
      await plain.shutdown();
    }
  });
});

describe('psrkit-server with campaigns: its settings', () => {
  const config = (argv: string[], env: NodeJS.ProcessEnv = {}) =>
    parseConfig(['--admin-tokens', 'a:b', ...argv], env);
  it('runs campaigns only with --psr-url, a token and exactly one store', () => {
    expect(config([]).campaigns).toBeUndefined();
    // Variables set for psrkit-campaign or the bot do not turn campaigns on.
    expect(
      config([], { PSRKIT_REDIS_URL: 'redis://x', PSRKIT_CAMPAIGN_DB: 'c.db' }).campaigns,
    ).toBeUndefined();
    expect(
      config(['--psr-url', 'http://psr', '--campaign-db', 'c.db'], { PSRKIT_PSR_TOKEN: 't' })
        .campaigns,
    ).toEqual({
      psrUrl: 'http://psr',
      psrToken: 't',
      db: 'c.db',
      redisUrl: undefined,
      publicUrl: undefined,
    });
    expect(() => config(['--campaign-db', 'c.db'])).toThrow(/^--campaign-db: needs --psr-url/);
    expect(() => config(['--psr-url', 'http://psr', '--campaign-db', 'c.db'])).toThrow(
      /^--psr-token: required with --psr-url/,
    );
    expect(() => config(['--psr-url', 'http://psr', '--psr-token', 't'])).toThrow(
      /^--psr-url: needs a store/,
    );
    expect(config([], { PSRKIT_PSR_URL: 'http://psr' }).warnings).toContainEqual(
      expect.stringMatching(/^PSRKIT_PSR_URL is set but no store is/),
    );
    expect(() =>
      config(['--psr-url', 'http://psr', '--campaign-db', 'c.db', '--workers', '2'], {
        PSRKIT_PSR_TOKEN: 't',
      }),
    ).toThrow(/^--campaign-db: one process holds the file/);
    expect(() => config(['--psr-url', 'ftp://psr'])).toThrow(
      /^--psr-url: must be a http: or https: URL/,
    );
    const flagged = config([
      '--psr-url',
      'http://psr',
      '--psr-token',
      't',
      '--campaign-db',
      'c.db',
    ]);
    expect(flagged.warnings).toContainEqual(
      expect.stringMatching(/^--psr-token on the command line/),
    );
  });
});
