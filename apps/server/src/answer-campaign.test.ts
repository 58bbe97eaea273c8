// A campaign whose calls ask for answer detection (`--param detect_answer=hold`), run by the
// built `psrkit-campaign` with the demo bot against the create-stream emulator: a person,
// a voicemail, a busy line, a phone out of reach and dead air, by number. The results say
// which was which; the emulator's witness says what each callee heard.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeWav } from '@psrkit/protocol';
import { type CallReport, startPsrApiEmulator } from '@psrkit/simulator';
import { parse } from 'csv-parse/sync';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { killAllCampaigns, spawnCampaign } from './__fixtures__/campaign-process.js';
import { root } from './__fixtures__/spawn-server.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'psrkit-answer-campaign-'));
});
afterEach(killAllCampaigns);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Last digit 1: a person; 2: a voicemail; 3: busy; 4: unreachable; 5: dead air. */
const callees = {
  rules: [
    { match: { lastDigit: 1 }, callee: { type: 'person', ringMs: 100, hangupAfterMs: 6000 } },
    { match: { lastDigit: 2 }, callee: { type: 'voicemail', ringMs: 100, maxMs: 20_000 } },
    // Carriers say it twice (or once more in English): the bot hears it named before it ends.
    { match: { lastDigit: 3 }, callee: { type: 'busy', ringMs: 100, repeat: 2 } },
    { match: { lastDigit: 4 }, callee: { type: 'unreachable', ringMs: 100, repeat: 2 } },
    { match: { lastDigit: 5 }, callee: { type: 'silence', ringMs: 100, maxMs: 15_000 } },
  ],
} as const;
const voicemailMs =
  decodeWav(
    await readFile(
      fileURLToPath(import.meta.resolve('@psrkit/simulator/samples/answers/voicemail-vi.wav')),
    ),
  ).samples.length / 8;

describe('a campaign with detect_answer=hold', () => {
  it('tells a person from a voicemail, a busy line, an unreachable phone and dead air, by number', async () => {
    const api = await startPsrApiEmulator({ tokens: ['secret'], callees });
    try {
      const contacts = join(dir, 'answers.csv');
      const rows = [1, 2, 3, 4, 5].map((d) => `k${d},091234500${d},anh`);
      await writeFile(contacts, `contact_id,phone,danh_xung\n${rows.join('\n')}\n`);
      const results = join(dir, 'answers.results.csv');
      const run = spawnCampaign(
        [
          'run',
          contacts,
          '--psr-url',
          api.url,
          '--bot',
          `${root}apps/server/src/__fixtures__/answer-bot.mjs`,
          '--host',
          '127.0.0.1',
          '--port',
          '0',
          '--db',
          join(dir, 'answers.db'),
          '--results',
          results,
          '--window',
          '00:00-24:00',
          '--max-concurrent',
          '5',
          '--calls-per-second',
          '5',
          '--max-attempts',
          '1',
          '--param',
          'detect_answer=hold',
          '--param',
          'lang=vi',
        ],
        dir,
        { PSRKIT_PSR_TOKEN: 'secret' },
      );
      expect(await run.exited, run.output()).toBe(0);
      const byContact = new Map(
        (parse(await readFile(results, 'utf8'), { columns: true }) as Record<string, string>[]).map(
          (r) => [r['contact_id'], r],
        ),
      );
      const outcome = (id: string) => {
        const { outcome, verdict } = byContact.get(id) ?? {};
        return { outcome, verdict };
      };
      expect(outcome('k1')).toEqual({ outcome: 'completed', verdict: 'human' });
      expect(outcome('k2')).toEqual({ outcome: 'voicemail', verdict: 'voicemail' });
      expect(outcome('k3')).toEqual({ outcome: 'busy', verdict: 'announcement:busy' });
      expect(outcome('k4')).toEqual({
        outcome: 'unreachable',
        verdict: 'announcement:unreachable',
      });
      expect(outcome('k5')).toEqual({ outcome: 'no-answer', verdict: 'silence' });

      // The witness: every call asked for detection; what each callee heard of the bot.
      const heard = new Map<string, CallReport | undefined>();
      for (const call of api.calls) {
        expect(call.request.parameter).toMatchObject({ detect_answer: 'hold', lang: 'vi' });
        heard.set(call.request.destination.slice(-1), await call.done);
      }
      const person = heard.get('1') as CallReport;
      expect(person.botAudio[0]!.startMs).toBeGreaterThan(person.utterances[0]!.endMs);
      const voicemail = heard.get('2') as CallReport;
      expect(voicemail.botAudio[0]!.startMs).toBeGreaterThanOrEqual(voicemailMs); // after the beep
      expect(voicemail.hangup).toBeDefined();
      for (const digit of ['3', '4', '5']) {
        const machine = heard.get(digit) as CallReport;
        expect(machine.botAudio, digit).toEqual([]); // not a word
        expect(
          machine.actions.map((a) => a.type),
          digit,
        ).toEqual(['hangup']);
      }
    } finally {
      await api.close({ hangUp: true });
    }
  }, 90_000);
});
