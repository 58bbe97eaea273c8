import { DEFAULT_POLICY } from '@psrkit/campaign';
import { describe, expect, it } from 'vitest';
import { CampaignBodyProblems, campaignOfBody } from './campaigns-body.js';

const defaults = { botUrl: 'ws://127.0.0.1:8080/', channel: 'mono_b' } as const;
const contacts = 'phone\n0912345001\n';
const problemsOf = (body: Record<string, unknown>) => {
  try {
    campaignOfBody(body, defaults);
  } catch (error) {
    if (error instanceof CampaignBodyProblems) return error.problems;
    throw error;
  }
  throw new Error('no problem found');
};

describe('campaignOfBody', () => {
  it('takes the defaults for what a request leaves out', () => {
    expect(campaignOfBody({ id: 'c1', contacts }, defaults)).toEqual({
      spec: {
        id: 'c1',
        policy: DEFAULT_POLICY,
        call: { botUrl: defaults.botUrl, app: 'bot', channel: 'mono_b', isSilence: true },
      },
      contacts: [{ id: '+84912345001', phone: '+84912345001', fields: {}, line: 2 }],
      start: false,
      skipped: [],
      duplicates: [],
    });
  });

  it('reads the policy in the forms JSON written by hand uses', () => {
    const { spec, start } = campaignOfBody(
      {
        id: 'c1',
        contacts,
        start: '2030-01-02T08:00:00+07:00',
        policy: {
          schedule: { windows: 'mon-fri@09:00-12:00', timeZone: 'Asia/Bangkok' },
          retryAfter: { busy: '15m:exponential', 'no-answer': { ms: 1000, backoff: 'linear' } },
          ringTimeoutMs: '30s',
          minGapMs: 60_000,
        },
      },
      defaults,
    );
    expect(start).toBe(Date.parse('2030-01-02T01:00:00Z'));
    expect(spec.policy).toMatchObject({
      schedule: {
        timeZone: 'Asia/Bangkok',
        windows: [{ days: [1, 2, 3, 4, 5], start: '09:00', end: '12:00' }],
      },
      retryAfter: {
        busy: { ms: 900_000, backoff: 'exponential' },
        'no-answer': { ms: 1000, backoff: 'linear' },
        unreachable: DEFAULT_POLICY.retryAfter.unreachable,
      },
      ringTimeoutMs: 30_000,
      minGapMs: 60_000,
    });
    const asText = campaignOfBody(
      { id: 'c1', contacts, policy: { retryAfter: 'busy=1m', schedule: '08:00-20:00' } },
      defaults,
    ).spec.policy;
    expect(asText.retryAfter.busy).toEqual({ ms: 60_000, backoff: 'linear' });
    expect(asText.schedule.timeZone).toBe('Asia/Ho_Chi_Minh');
  });

  it('names the policy setting that is wrong', () => {
    expect(problemsOf({ id: 'c1', contacts, policy: { retryAfter: 'bussy=1m' } })).toEqual([
      expect.objectContaining({ path: 'policy.retryAfter' }),
    ]);
    expect(problemsOf({ id: 'c1', contacts, policy: { colour: 1 } })).toEqual([
      expect.objectContaining({
        path: 'policy.colour',
        message: 'policy.colour: is not a policy setting',
      }),
    ]);
    expect(problemsOf({ id: 'c1', contacts, policy: [] })).toEqual([
      expect.objectContaining({ path: 'policy' }),
    ]);
  });

  it('checks every call setting, and takes no file of the server', () => {
    const problems = problemsOf({
      id: 'c1',
      contacts,
      call: {
        botUrl: 'http://x',
        app: 'dial',
        isSilence: 'yes',
        audioFile: '/etc/passwd',
        parameter: { campaign_id: 'other', 'Bad Name': 'x', note: 'y'.repeat(300) },
      },
    });
    expect(problems.map((p) => p.path)).toEqual([
      'call.audioFile',
      'call.botUrl',
      'call.isSilence',
      'call.extension',
      'call.parameter.campaign_id',
      'call.parameter.Bad Name',
      'call.parameter.note',
    ]);
    const dial = campaignOfBody(
      { id: 'c1', contacts, call: { app: 'dial', extension: '101', channel: 'stereo' } },
      defaults,
    );
    expect(dial.spec.call).toMatchObject({ app: 'dial', extension: '101', channel: 'stereo' });
  });

  it('refuses rows with problems unless told to skip them', () => {
    const text = 'phone\n0912345001\n12\n';
    expect(problemsOf({ id: 'c1', contacts: text })).toEqual([
      expect.objectContaining({ path: 'contacts', line: 3, code: 'INVALID_PHONE' }),
    ]);
    const skipping = campaignOfBody({ id: 'c1', contacts: text, skipInvalid: true }, defaults);
    expect(skipping.contacts).toHaveLength(1);
    expect(skipping.skipped).toEqual([expect.objectContaining({ line: 3 })]);
    expect(problemsOf({ id: 'c1', contacts: 'name\nx\n' })).toEqual([
      expect.objectContaining({ path: 'contacts', code: 'INVALID_BODY' }),
    ]);
    expect(
      problemsOf({ id: 'c1', contacts: 5, format: 'xlsx', start: 'soon' }).map((p) => p.path),
    ).toEqual(['contacts', 'start']);
  });
});
