import { describe, expect, it } from 'vitest';
import type { CampaignState } from './campaign-engine.js';
import { isFinished, type LifecycleCommand, nextState } from './lifecycle.js';

describe('nextState', () => {
  it('follows draft → scheduled → running ⇄ paused → completed | cancelled', () => {
    const walk = (from: CampaignState, ...commands: LifecycleCommand[]) =>
      commands.reduce((state, command) => nextState(state, command), from);
    expect(walk('draft', 'schedule', 'start', 'pause', 'resume', 'complete')).toBe('completed');
    expect(walk('draft', 'start', 'pause', 'cancel')).toBe('cancelled');
    expect(walk('draft', 'cancel')).toBe('cancelled');
  });

  it('refuses a command its state does not allow, naming both', () => {
    expect(() => nextState('completed', 'resume', 'c1')).toThrow(
      expect.objectContaining({
        code: 'INVALID_STATE',
        message: 'campaign c1: cannot resume a campaign that is completed',
      }),
    );
    for (const state of ['completed', 'cancelled'] as const) {
      expect(isFinished(state)).toBe(true);
      for (const command of ['start', 'pause', 'resume', 'cancel', 'complete'] as const)
        expect(() => nextState(state, command)).toThrow();
    }
  });
});
