import { describe, expect, it } from 'vitest';
import type { AttemptRecord, Outcome } from './campaign-types.js';
import { formatSummary, summarise } from './summary.js';

let next = 0;
const attempt = (
  contactId: string,
  n: number,
  outcome: Outcome | undefined,
  talkMs?: number,
): AttemptRecord => ({
  attemptId: `a-${next++}`,
  campaignId: 'c',
  contactId,
  phone: '+84912345678',
  attempt: n,
  phase: outcome === undefined ? 'ringing' : 'ended',
  dialledAt: 1000 * n,
  ...(talkMs === undefined ? {} : { answeredAt: 1000 * n + 500 }),
  ...(outcome === undefined ? {} : { endedAt: 1000 * n + 500 + (talkMs ?? 0), outcome }),
  result: {},
});

describe('summarise', () => {
  const records = [
    attempt('A', 1, 'no-answer'),
    attempt('A', 2, 'completed', 90_000),
    attempt('B', 1, 'busy'),
    attempt('B', 2, 'busy'),
    attempt('B', 3, 'voicemail', 10_000),
    attempt('C', 1, 'transferred', 30_000),
    attempt('D', 1, undefined),
  ];

  it('counts contacts by their latest attempt, and attempts by theirs', () => {
    const summary = summarise(records, 5);
    expect(summary).toMatchObject({
      contacts: 5,
      attempted: 4,
      settled: 3,
      inFlight: 1,
      reached: 2,
      reachedPercent: 40,
      attempts: 7,
      talkMs: { total: 130_000, average: 130_000 / 3, calls: 3 },
      attemptsPerContact: { mean: 7 / 4, max: 3 },
    });
    expect(summary.byFinalOutcome).toMatchObject({
      completed: 1,
      transferred: 1,
      voicemail: 1,
      busy: 0,
    });
    expect(summary.byAttemptOutcome).toMatchObject({
      busy: 2,
      'no-answer': 1,
      completed: 1,
      unknown: 0,
    });
  });

  it('counts an attempt seen twice once, as last seen, and never fewer contacts than attempted', () => {
    const ringing = attempt('E', 1, undefined);
    const ended = { ...ringing, phase: 'ended' as const, endedAt: 5000, outcome: 'busy' as const };
    const summary = summarise([ringing, ended], 0);
    expect(summary).toMatchObject({ contacts: 1, attempts: 1, settled: 1, inFlight: 0 });
    expect(summarise([], 0)).toMatchObject({
      contacts: 0,
      reachedPercent: 0,
      talkMs: { total: 0, average: 0, calls: 0 },
      attemptsPerContact: { mean: 0, max: 0 },
    });
  });

  it('formats a few plain lines', () => {
    expect(formatSummary(summarise(records, 5))).toBe(
      [
        'Contacts: 5 (3 settled, 1 in flight, 1 not attempted)',
        'Reached: 2 (40.0%)',
        'Final outcomes: completed 1, transferred 1, voicemail 1',
        'Attempts: 7 (1.8 per contact, at most 3): completed 1, transferred 1, voicemail 1, no-answer 1, busy 2',
        'Talk time: 2m 10s (43s on average over 3 calls)',
      ].join('\n'),
    );
    expect(formatSummary(summarise([], 2))).toMatch(/Final outcomes: none\n.*\nTalk time: none$/);
  });
});
