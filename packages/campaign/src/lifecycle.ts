import type { CampaignState } from './campaign-engine.js';
import { CampaignError } from './errors.js';

/** What can be asked of a campaign's lifecycle. */
export type LifecycleCommand = 'start' | 'schedule' | 'pause' | 'resume' | 'cancel' | 'complete';

const MOVES: Readonly<Record<LifecycleCommand, Partial<Record<CampaignState, CampaignState>>>> = {
  start: { draft: 'running', scheduled: 'running' },
  schedule: { draft: 'scheduled' },
  pause: { running: 'paused', scheduled: 'paused' },
  resume: { paused: 'running' },
  cancel: { draft: 'cancelled', scheduled: 'cancelled', running: 'cancelled', paused: 'cancelled' },
  complete: { running: 'completed' },
};

/**
 * The state a command moves a campaign to.
 * @throws {CampaignError} `INVALID_STATE` when the command does not apply (resuming a
 *   completed campaign, pausing a draft)
 */
export function nextState(state: CampaignState, command: LifecycleCommand, id = ''): CampaignState {
  const next = MOVES[command][state];
  if (!next)
    throw new CampaignError(
      'INVALID_STATE',
      `campaign ${id}: cannot ${command} a campaign that is ${state}`.replace('  ', ' '),
      { path: 'state' },
    );
  return next;
}

/** True for the states a campaign never leaves. */
export function isFinished(state: CampaignState): boolean {
  return state === 'completed' || state === 'cancelled';
}
