import { describe, expect, it } from 'vitest';
import { outcomeOfCall } from './call-outcome.js';

describe('outcomeOfCall', () => {
  it('tells how an answered call ended', () => {
    expect(outcomeOfCall('psr-closed')).toEqual({ outcome: 'completed', reason: 'callee hung up' });
    expect(outcomeOfCall('hangup')).toEqual({ outcome: 'completed', reason: 'bot hung up' });
    expect(outcomeOfCall('transfer')).toEqual({ outcome: 'transferred', reason: 'transferred' });
    expect(outcomeOfCall('shutdown')).toEqual({
      outcome: 'unknown',
      reason: 'the server shut down during the call',
    });
  });

  it("puts the answer detector's verdict first", () => {
    expect(outcomeOfCall('hangup', { answered_by: 'voicemail' }).outcome).toBe('voicemail');
    expect(outcomeOfCall('psr-closed', { answered_by: 'silence' }).outcome).toBe('no-answer');
    expect(
      outcomeOfCall('psr-closed', { answered_by: 'announcement', answered_by_kind: 'busy' }),
    ).toEqual({
      outcome: 'busy',
      reason: 'carrier announcement: busy',
    });
    expect(
      outcomeOfCall('hangup', { answered_by: 'announcement', answered_by_kind: 'out-of-coverage' })
        .outcome,
    ).toBe('unreachable');
    expect(outcomeOfCall('transfer', { answered_by: 'human' }).outcome).toBe('transferred');
    const kind = (k: string) =>
      outcomeOfCall('psr-closed', { answered_by: 'announcement', answered_by_kind: k }).outcome;
    expect(kind('invalid-number')).toBe('invalid-number');
    expect(kind('no-answer')).toBe('no-answer');
    expect(kind('suspended')).toBe('unreachable');
  });
});
