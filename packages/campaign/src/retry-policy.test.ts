import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CampaignPolicy,
  OUTCOMES,
  RETRYABLE_OUTCOMES,
  type RetryDelay,
} from './campaign-types.js';
import { DEFAULT_POLICY, nextAttempt, parseRetryAfter, resolvePolicy } from './retry-policy.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe('resolvePolicy', () => {
  it('fills in the defaults', () => {
    expect(resolvePolicy()).toEqual(DEFAULT_POLICY);
    expect(resolvePolicy({ maxAttempts: undefined })).toEqual(DEFAULT_POLICY);
    expect(DEFAULT_POLICY.retryAfter.voicemail).toBeUndefined();
    expect(DEFAULT_POLICY.schedule.timeZone).toBe('Asia/Ho_Chi_Minh');
  });

  it('merges retry delays outcome by outcome', () => {
    const policy = resolvePolicy({ retryAfter: { busy: { ms: MINUTE, backoff: 'exponential' } } });
    expect(policy.retryAfter.busy).toEqual({ ms: MINUTE, backoff: 'exponential' });
    expect(policy.retryAfter['no-answer']).toEqual(DEFAULT_POLICY.retryAfter['no-answer']);
  });

  it('gives an advertising campaign one call a day to a number at most', () => {
    expect(resolvePolicy({ advertising: true }).minGapMs).toBe(24 * HOUR);
    expect(resolvePolicy({ advertising: true, minGapMs: 48 * HOUR }).minGapMs).toBe(48 * HOUR);
    expect(resolvePolicy({ advertising: false, minGapMs: HOUR }).minGapMs).toBe(HOUR);
  });

  it('refuses what is out of range, naming the setting', () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ maxConcurrent: 0 }, 'maxConcurrent', /0 is not a whole number from 1 to 1000/],
      [{ maxConcurrent: 2.5 }, 'maxConcurrent', /not a whole number/],
      [{ callsPerSecond: Number.NaN }, 'callsPerSecond', /not a number/],
      [{ maxAttempts: 21 }, 'maxAttempts', /from 1 to 20/],
      [{ minGapMs: -1 }, 'minGapMs', /from 0/],
      [{ ringTimeoutMs: 500 }, 'ringTimeoutMs', /from 1000 to 600000/],
      [
        { retryAfter: { completed: { ms: 1, backoff: 'linear' } } },
        'retryAfter.completed',
        /not a retryable outcome/,
      ],
      [{ retryAfter: { busy: { ms: -1, backoff: 'linear' } } }, 'retryAfter.busy', /-1 is not/],
      [{ retryAfter: { busy: { ms: 1, backoff: 'fast' } } }, 'retryAfter.busy', /backoff "fast"/],
      [{ neverRetry: ['transferred'] }, 'neverRetry', /"transferred" is not a retryable/],
      [{ schedule: { timeZone: 'Mars/Olympus', windows: [] } }, 'schedule', /unknown time zone/],
      [{ advertising: 'yes' }, 'advertising', /not true or false/],
      [{ maxAttempt: 3 }, 'maxAttempt', /not a policy setting/],
    ];
    for (const [input, path, message] of cases) {
      expect(() => resolvePolicy(input as never), path).toThrow(
        expect.objectContaining({
          code: 'INVALID_SETTING',
          path,
          message: expect.stringMatching(message),
        }),
      );
    }
  });
});

describe('nextAttempt', () => {
  const policy = resolvePolicy({
    retryAfter: { busy: { ms: 10 * MINUTE, backoff: 'exponential' } },
    neverRetry: ['unknown'],
  });

  it('retries after the outcome’s delay, doubled per attempt when exponential', () => {
    expect(nextAttempt(policy, 'no-answer', 1, 1000)).toEqual({
      retry: true,
      at: 1000 + 30 * MINUTE,
    });
    expect(nextAttempt(policy, 'no-answer', 2, 1000)).toEqual({
      retry: true,
      at: 1000 + 30 * MINUTE,
    });
    expect(nextAttempt(policy, 'busy', 1, 0)).toEqual({ retry: true, at: 10 * MINUTE });
    expect(nextAttempt(policy, 'busy', 2, 0)).toEqual({ retry: true, at: 20 * MINUTE });
  });

  it('says why it does not retry', () => {
    expect(nextAttempt(policy, 'completed', 1, 0)).toEqual({ retry: false, why: 'final-outcome' });
    expect(nextAttempt(policy, 'transferred', 1, 0)).toEqual({
      retry: false,
      why: 'final-outcome',
    });
    expect(nextAttempt(policy, 'suppressed', 1, 0)).toEqual({ retry: false, why: 'final-outcome' });
    expect(nextAttempt(policy, 'voicemail', 1, 0)).toEqual({ retry: false, why: 'not-retried' });
    expect(nextAttempt(policy, 'unknown', 1, 0)).toEqual({ retry: false, why: 'not-retried' });
    expect(nextAttempt(policy, 'busy', 3, 0)).toEqual({ retry: false, why: 'attempts-exhausted' });
    const lost = undefined as unknown as number;
    expect(nextAttempt(policy, 'busy', lost, 0)).toEqual({
      retry: false,
      why: 'attempts-exhausted',
    });
  });

  it('waits at least the minimum gap between calls to one number', () => {
    const advertising = resolvePolicy({ advertising: true });
    expect(nextAttempt(advertising, 'busy', 1, 0)).toEqual({ retry: true, at: 24 * HOUR });
  });

  const delayArb: fc.Arbitrary<RetryDelay> = fc.record({
    ms: fc.integer({ min: 0, max: 10 * HOUR }),
    backoff: fc.constantFrom('linear' as const, 'exponential' as const),
  });
  const policyArb: fc.Arbitrary<CampaignPolicy> = fc
    .record({
      maxAttempts: fc.integer({ min: 1, max: 10 }),
      retryAfter: fc.dictionary(fc.constantFrom(...RETRYABLE_OUTCOMES), delayArb),
      neverRetry: fc.subarray([...RETRYABLE_OUTCOMES]),
      minGapMs: fc.integer({ min: 0, max: 24 * HOUR }),
    })
    .map((input) => resolvePolicy(input));

  it('never makes more than maxAttempts attempts at a contact, whatever the outcomes', () => {
    fc.assert(
      fc.property(
        policyArb,
        fc.array(fc.constantFrom(...OUTCOMES), { maxLength: 40 }),
        (p, outcomes) => {
          let attempts = 0;
          let now = 0;
          for (const outcome of outcomes) {
            attempts += 1;
            const next = nextAttempt(p, outcome, attempts, now);
            if (!next.retry) {
              // Cut short only by the cap, or by an outcome the policy does not retry.
              if (next.why === 'attempts-exhausted') expect(attempts).toBe(p.maxAttempts);
              break;
            }
            expect(next.at).toBeGreaterThanOrEqual(now + p.minGapMs);
            now = next.at;
          }
          expect(attempts).toBeLessThanOrEqual(p.maxAttempts);
        },
      ),
    );
  });
});

describe('parseRetryAfter', () => {
  it('reads outcome=duration[:backoff] lists', () => {
    expect(parseRetryAfter('busy=10m')).toEqual({ busy: { ms: 10 * MINUTE, backoff: 'linear' } });
    expect(parseRetryAfter('no-answer=30m:exponential, voicemail = 2h')).toEqual({
      'no-answer': { ms: 30 * MINUTE, backoff: 'exponential' },
      voicemail: { ms: 2 * HOUR, backoff: 'linear' },
    });
  });

  it('names the wrong part', () => {
    const cases: [string, RegExp][] = [
      ['busy', /"busy" is not outcome=duration/],
      ['', /"" is not outcome=duration/],
      ['completed=10m', /"completed" is not a retryable outcome/],
      ['busy=10x', /"10x" is not a duration/],
      ['busy=10m:sometimes', /backoff "sometimes"/],
      ['busy=1m,busy=2m', /busy is given twice/],
    ];
    for (const [spec, message] of cases) {
      expect(() => parseRetryAfter(spec), spec).toThrow(
        expect.objectContaining({
          code: 'INVALID_SETTING',
          path: '--retry-after',
          message: expect.stringMatching(message),
        }),
      );
    }
  });
});
