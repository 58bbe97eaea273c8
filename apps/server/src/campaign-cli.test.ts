// `psrkit-campaign run` end to end, as a user runs it: the built command, a contacts file,
// a bot module, and PSR's create-stream API emulated with callees per number. The emulator's
// log is the witness of what was dialled, how many at once, and that no attempt was dialled
// twice — also across SIGKILLs of the campaign process at random moments.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CallLogEntry, type PsrApiEmulator, startPsrApiEmulator } from '@psrkit/simulator';
import { parse } from 'csv-parse/sync';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { killAllCampaigns, spawnCampaign } from './__fixtures__/campaign-process.js';
import { root } from './__fixtures__/spawn-server.js';
import { until } from './__fixtures__/until.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'psrkit-campaign-cli-'));
});
afterEach(killAllCampaigns);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const bot = `${root}apps/server/src/__fixtures__/campaign-bot.mjs`;
/** Last digit 0–5 answers, 6–7 never answer, 8 is refused by create-stream, 9 is busy. */
const callees = {
  rules: [
    {
      name: 'answers',
      match: { lastDigit: [0, 1, 2, 3, 4, 5] },
      callee: { type: 'answer', ringMs: 100, tailMs: 3000 },
    },
    { name: 'rings', match: { lastDigit: [6, 7] }, callee: { type: 'no-answer', ringMs: 4000 } },
    {
      name: 'refused',
      match: { lastDigit: 8 },
      callee: { type: 'refuse', status: 400, code: 'INVALID_REQUEST' },
    },
    { name: 'busy', match: { lastDigit: 9 }, callee: { type: 'busy', ringMs: 100 } },
  ],
} as const;

async function contactsFile(name: string, count: number): Promise<string> {
  const rows = Array.from(
    { length: count },
    (_, i) => `k${i},091234${String(5000 + i)},${i % 2 ? 'anh' : 'chị'}`,
  );
  const path = join(dir, name);
  await writeFile(path, `contact_id,phone,danh_xung\n${rows.join('\n')}\n`);
  return path;
}

function runArgs(
  api: PsrApiEmulator,
  contacts: string,
  db: string,
  results: string,
  extra: string[] = [],
) {
  return [
    'run',
    contacts,
    '--psr-url',
    api.url,
    '--bot',
    bot,
    '--host',
    '127.0.0.1',
    '--port',
    '0',
    '--db',
    db,
    '--results',
    results,
    '--window',
    '00:00-24:00',
    '--max-concurrent',
    '3',
    '--calls-per-second',
    '5',
    '--max-attempts',
    '2',
    '--retry-after',
    'no-answer=200ms',
    '--retry-after',
    'failed=200ms',
    '--retry-after',
    'unknown=200ms',
    '--ring-timeout',
    '5',
    ...extra,
  ];
}

const requests = (api: PsrApiEmulator) =>
  api.log.filter((e): e is Extract<CallLogEntry, { event: 'request' }> => e.event === 'request');

/** Items by key, in order (Map.groupBy is Node 21+). */
function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}

async function readResults(path: string): Promise<Record<string, string>[]> {
  return parse(await readFile(path, 'utf8'), { columns: true }) as Record<string, string>[];
}

describe('psrkit-campaign run', () => {
  it('runs a campaign to the end within its limits and writes what happened to every contact', async () => {
    const api = await startPsrApiEmulator({ tokens: ['secret'], callees });
    try {
      const contacts = await contactsFile('mixed.csv', 20);
      const results = join(dir, 'mixed.results.csv');
      const run = spawnCampaign(runArgs(api, contacts, join(dir, 'mixed.db'), results), dir, {
        PSRKIT_PSR_TOKEN: 'secret',
      });
      expect(await run.exited, run.output()).toBe(0);
      const rows = await readResults(results);
      const byContact = groupBy(rows, (r) => r['contact_id'] as string);
      expect(byContact.size).toBe(20);
      for (const [id, attempts] of byContact) {
        const digit = Number(id.slice(1)) % 10;
        const outcomes = attempts.map((a) => a['outcome']);
        if (digit <= 5) expect(outcomes, id).toEqual(['completed']);
        if (digit === 6 || digit === 7) expect(outcomes, id).toEqual(['no-answer', 'no-answer']);
        if (digit === 8) expect(outcomes, id).toEqual(['failed', 'failed']);
        if (digit === 9) expect(outcomes, id).toEqual(['completed']);
      }
      const answered = rows.find((r) => r['contact_id'] === 'k1') as Record<string, string>;
      expect(answered).toMatchObject({
        phone: '+84912345001',
        attempt: '1',
        spoke_to: 'anh',
        attempt_seen: '1',
      });
      expect(answered['call_id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(rows.find((r) => r['contact_id'] === 'k8')?.['reason']).toMatch(
        /^HTTP_ERROR: HTTP 400 INVALID_REQUEST/,
      );
      // The witness: one request per row, no attempt twice, never more than 3 at once, and
      // the campaign's own dial times 200 ms apart at least (5 a second).
      const sent = requests(api);
      expect(sent).toHaveLength(rows.length);
      expect(new Set(sent.map((r) => r.parameter['attempt_id'])).size).toBe(sent.length);
      expect(
        api.peak.live,
        JSON.stringify(
          api.log.map((e) => [
            e.seq,
            e.event,
            e.live,
            'by' in e ? e.by : '',
            'behaviour' in e ? e.behaviour : '',
          ]),
        ),
      ).toBeLessThanOrEqual(3);
      const dialled = rows.map((r) => Date.parse(r['dialled_at'] as string)).sort((a, b) => a - b);
      for (let i = 1; i < dialled.length; i++)
        expect(dialled[i]! - dialled[i - 1]!).toBeGreaterThanOrEqual(200);
      expect(run.output()).toMatch(/^Contacts: 20 \(20 settled, 0 in flight, 0 not attempted\)$/m);
      // The stored campaign, from the other commands.
      const db = ['--db', join(dir, 'mixed.db')];
      const status = spawnCampaign(['status', ...db], dir);
      expect(await status.exited).toBe(0);
      expect(status.output(), status.output()).toMatch(
        /^mixed completed \[#{20}\] 100% — 20\/20 contacts settled, 0 in flight, 26 attempts \(completed 14, no-answer 8, failed 4\)$/m,
      );
      const exported = spawnCampaign(
        ['export', 'mixed', ...db, '--out', join(dir, 'mixed.jsonl')],
        dir,
      );
      expect(await exported.exited).toBe(0);
      const lines = (await readFile(join(dir, 'mixed.jsonl'), 'utf8')).trim().split('\n');
      expect(lines.map((l) => JSON.parse(l).attempt_id).sort()).toEqual(
        rows.map((r) => r['attempt_id']).sort(),
      );
      const pause = spawnCampaign(['pause', 'mixed', ...db], dir);
      expect(await pause.exited).toBe(2);
      expect(pause.output()).toBe(
        'psrkit-campaign: campaign mixed: cannot pause a campaign that is completed\n',
      );
    } finally {
      await api.close({ hangUp: true });
    }
  });

  it('killed at any moment and started again, dials no attempt twice and settles every contact', async () => {
    const api = await startPsrApiEmulator({ tokens: ['secret'], callees });
    try {
      const contacts = await contactsFile('crash.csv', 24);
      const db = join(dir, 'crash.db');
      const results = join(dir, 'crash.results.csv');
      const args = runArgs(api, contacts, db, results, ['--calls-per-second', '3']);
      const env = { PSRKIT_PSR_TOKEN: 'secret' };
      // Kill points: at once, after the first dial, with a call connected, after some dials,
      // after a random wait — then run to the end.
      const killPoints: (() => Promise<unknown>)[] = [
        async () => undefined,
        () => until(() => requests(api).length >= 1),
        () => api.waitFor((e) => e.event === 'open' && e.at > Date.now() - 50),
        () => until(() => requests(api).length >= 12),
        () => new Promise((resolve) => setTimeout(resolve, Math.random() * 1500)),
      ];
      for (const point of killPoints) {
        const run = spawnCampaign(args, dir, env);
        await Promise.race([point(), run.exited]);
        await run.kill();
      }
      const last = spawnCampaign(args, dir, env);
      expect(await last.exited, last.output()).toBe(0);

      const sent = requests(api);
      const attemptIds = sent.map((r) => r.parameter['attempt_id']);
      expect(new Set(attemptIds).size).toBe(attemptIds.length);
      const perContact = groupBy(sent, (r) => r.parameter['contact_id'] as string);
      for (const [id, dials] of perContact) expect(dials.length, id).toBeLessThanOrEqual(2);
      const rows = await readResults(results);
      const settled = new Set(rows.map((r) => r['contact_id']));
      expect(settled.size).toBe(24);
      // Every dial the witness saw has its row (a dial in flight at a kill is settled later).
      expect(new Set(rows.map((r) => r['attempt_id']))).toEqual(new Set(attemptIds));
    } finally {
      await api.close({ hangUp: true });
    }
  }, 180_000);

  it('creates a draft from a file without dialling, starts it, and run dials it', async () => {
    const api = await startPsrApiEmulator({ tokens: ['secret'], callees });
    try {
      const contacts = await contactsFile('drafted.csv', 3);
      const db = ['--db', join(dir, 'drafted.db')];
      const create = spawnCampaign(
        ['create', contacts, ...db, '--public-url', 'ws://127.0.0.1:9/', '--window', '00:00-24:00'],
        dir,
        {
          PSRKIT_PSR_URL: '',
          PSRKIT_PSR_TOKEN: '',
        },
      );
      expect(await create.exited, create.output()).toBe(0);
      expect(create.output()).toMatch(/^drafted draft \[\.{20}\] 0% — 0\/3 contacts settled/m);
      expect(requests(api)).toHaveLength(0);
      const again = spawnCampaign(['create', contacts, ...db], dir);
      expect(await again.exited).toBe(2);
      expect(again.output()).toBe('psrkit-campaign: campaign drafted exists already\n');
      const start = spawnCampaign(['start', 'drafted', ...db], dir);
      expect(await start.exited).toBe(0);
      expect(start.output()).toMatch(/^drafted running /);
      const results = join(dir, 'drafted.results.csv');
      const run = spawnCampaign(runArgs(api, contacts, join(dir, 'drafted.db'), results), dir, {
        PSRKIT_PSR_TOKEN: 'secret',
      });
      expect(await run.exited, run.output()).toBe(0);
      expect((await readResults(results)).map((r) => r['outcome'])).toEqual([
        'completed',
        'completed',
        'completed',
      ]);
    } finally {
      await api.close({ hangUp: true });
    }
  }, 120_000);

  it('says what is wrong with a contacts file, one line per problem, exit code 2, nothing dialled', async () => {
    const api = await startPsrApiEmulator({ tokens: ['secret'], callees });
    try {
      const bad = join(dir, 'bad.csv');
      await writeFile(
        bad,
        'phone,danh_xung\n0912345678,anh\n12345,chị\n+84 91 234 5678,anh\nabc,chị\n',
      );
      const run = spawnCampaign(
        runArgs(api, bad, join(dir, 'bad.db'), join(dir, 'bad.results.csv')),
        dir,
        {
          PSRKIT_PSR_TOKEN: 'secret',
        },
      );
      expect(await run.exited).toBe(2);
      const lines = run.output().trim().split('\n');
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(/^psrkit-campaign: .*bad\.csv:3.*: /);
      expect(lines[1]).toMatch(/^psrkit-campaign: .*bad\.csv:5.*: /);
      expect(requests(api)).toHaveLength(0);
    } finally {
      await api.close();
    }
  });

  it('gives a missing setting one line and exit code 2', async () => {
    const contacts = await contactsFile('nourl.csv', 1);
    const run = spawnCampaign(['run', contacts, '--bot', bot], dir, {
      PSRKIT_PSR_URL: '',
      PSRKIT_PSR_TOKEN: '',
    });
    expect(await run.exited).toBe(2);
    expect(run.output()).toBe(
      "psrkit-campaign: --psr-url: required: PSR's base URL (or PSRKIT_PSR_URL)\n",
    );
  });
});
