// The campaign example (examples/campaign/) run end to end as its README runs it: the built
// `psrkit-campaign run` in a process of its own, the example's contacts and bot, and PSR's
// create-stream API emulated here with the example's callees. Rings and the ring timeout
// are short so that it is over in ~20 s; the outcomes are asserted exactly, by behaviour.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CallLogEntry, loadCallees, startPsrApiEmulator } from '@psrkit/simulator';
import { expect, it } from 'vitest';

const example = fileURLToPath(new URL('campaign/', import.meta.url));
const cli = fileURLToPath(new URL('../apps/server/dist/campaign-bin.js', import.meta.url));

/** What each last digit of a number does (callees.json), and what the campaign makes of it. */
const EXPECTED: Readonly<
  Record<string, { behaviour: string; outcomes: string[]; promised?: string }>
> = {
  '0': { behaviour: 'person', outcomes: ['completed'], promised: 'yes' },
  '1': { behaviour: 'person', outcomes: ['completed'], promised: 'yes' },
  '9': { behaviour: 'person', outcomes: ['completed'], promised: 'yes' },
  '2': { behaviour: 'answer', outcomes: ['completed'], promised: 'yes' },
  // No WebSocket within the ring timeout, twice (--max-attempts 2).
  '3': { behaviour: 'no-answer', outcomes: ['no-answer', 'no-answer'] },
  // Announcements and a voicemail greeting are answered calls to a bot without an answer
  // detector: `completed` (and the bot takes the words it heard for a promise). With
  // @psrkit/plugin-answer-detect they would be busy, unreachable and voicemail.
  '4': { behaviour: 'busy', outcomes: ['completed'], promised: 'yes' },
  '5': { behaviour: 'unreachable', outcomes: ['completed'], promised: 'yes' },
  '6': { behaviour: 'voicemail', outcomes: ['completed'], promised: 'yes' },
  // Dead air: answered, nothing said; the bot hangs up after listening 3 s.
  '7': { behaviour: 'silence', outcomes: ['completed'], promised: 'no' },
  // create-stream refuses the number, twice.
  '8': { behaviour: 'refuse', outcomes: ['failed', 'failed'] },
};

/** A CSV file's rows as objects (RFC 4180: quoted cells may hold commas, quotes, newlines). */
function parseCsv(text: string): Record<string, string>[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') cell += text[++i];
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',' || c === '\n') {
      row.push(cell.replace(/\r$/, ''));
      cell = '';
      if (c === '\n') {
        rows.push(row);
        row = [];
      }
    } else cell += c;
  }
  const [header = [], ...body] = rows;
  return body.map((cells) => Object.fromEntries(header.map((name, i) => [name, cells[i] ?? ''])));
}

it('campaign: ~50 contacts with mixed behaviours, each with the outcome its behaviour gives', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'psrkit-example-campaign-'));
  const api = await startPsrApiEmulator({
    tokens: ['demo-token'],
    callees: await loadCallees(`${example}callees.json`),
  });
  let child: ChildProcess | undefined;
  try {
    const results = join(dir, 'results.csv');
    // As in examples/campaign/README.md, with shorter waits.
    child = spawn(
      process.execPath,
      [
        cli,
        'run',
        `${example}contacts.csv`,
        '--psr-url',
        api.url,
        '--bot',
        `${example}reminder-bot.mjs`,
        '--host',
        '127.0.0.1',
        '--port',
        '0',
        '--window',
        '00:00-24:00',
        '--max-concurrent',
        '10',
        '--calls-per-second',
        '20',
        '--max-attempts',
        '2',
        '--retry-after',
        'no-answer=1s',
        '--retry-after',
        'failed=1s',
        '--ring-timeout',
        '5',
        '--db',
        join(dir, 'campaign.db'),
        '--results',
        results,
      ],
      {
        env: { ...process.env, PSRKIT_PSR_TOKEN: 'demo-token', PSRKIT_LOG_LEVEL: 'warn' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout?.on('data', (chunk) => (output += chunk));
    child.stderr?.on('data', (chunk) => (output += chunk));
    // Over well within the test's limit; a campaign that hangs is stopped with what it printed.
    const hung = setTimeout(() => child?.kill('SIGKILL'), 45_000);
    const code = await new Promise((resolve) => child?.once('close', resolve));
    clearTimeout(hung);
    expect(code, output).toBe(0);

    const contacts = parseCsv(await readFile(`${example}contacts.csv`, 'utf8'));
    expect(contacts).toHaveLength(50);
    const rows = parseCsv(await readFile(results, 'utf8'));
    for (const contact of contacts) {
      const id = contact['contact_id'] as string;
      const expected = EXPECTED[(contact['so_dien_thoai'] as string).slice(-1)]!;
      const attempts = rows.filter((r) => r['contact_id'] === id);
      expect(
        attempts.map((a) => a['outcome']),
        `${id} (${expected.behaviour})`,
      ).toEqual(expected.outcomes);
      expect(attempts.map((a) => a['attempt'])).toEqual(
        expected.outcomes.map((_, i) => String(i + 1)),
      );
      if (expected.promised) {
        expect(attempts[0]?.['promised'], `${id} (${expected.behaviour})`).toBe(expected.promised);
        expect(attempts[0]?.['greeting']).toContain(contact['danh_xung']);
      }
    }
    expect(rows.find((r) => r['contact_id'] === 'KH002')?.['greeting']).toBe(
      'Chào chị Lan. Khoản 5.125.000 đồng đến hạn ngày mai; chị Lan thanh toán đúng hạn được không ạ?',
    );
    // The witness: a create-stream request per row of the results, none of them twice.
    const requests = api.log.filter(
      (e): e is Extract<CallLogEntry, { event: 'request' }> => e.event === 'request',
    );
    expect(rows).toHaveLength(60); // 50 contacts, 5 no-answers and 5 refusals tried twice
    expect(requests).toHaveLength(rows.length);
    expect(new Set(requests.map((r) => r.parameter['attempt_id'])).size).toBe(requests.length);
    expect(api.peak.live).toBeLessThanOrEqual(10);
    expect(output).toMatch(/^Contacts: 50 \(50 settled, 0 in flight, 0 not attempted\)$/m);
  } finally {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await api.close({ hangUp: true });
    await rm(dir, { recursive: true, force: true });
  }
});
