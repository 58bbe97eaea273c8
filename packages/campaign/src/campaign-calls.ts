import {
  type CallEndCause,
  outcomeOfCall,
  VERDICT_FIELD,
  VERDICT_KIND_FIELD,
} from './call-outcome.js';
import type { CampaignEngine } from './campaign-engine.js';
import { type Clock, systemClock } from './clock.js';

/** What a campaign needs to know of a call: its parameters and the bot's result fields. */
export interface CampaignCallView {
  /** The call's query parameters (`attempt_id` among them). */
  readonly params: Readonly<Record<string, string>>;
  /** The bot's result fields. */
  readonly result: Readonly<Record<string, string>>;
}

/** What the server that holds the calls tells the campaign. */
export interface CampaignCallHooks {
  /** A call reached the bot; true when it is one of the engine's attempts. */
  opened(call: CampaignCallView): Promise<boolean>;
  /** A call ended (the transport's `CallEnd.reason`); true when it settled an attempt. */
  closed(call: CampaignCallView, end: { readonly reason: CallEndCause }): Promise<boolean>;
}

/**
 * Ties a server's calls to a campaign engine: a call whose parameters carry an
 * `attempt_id` answers that attempt when it opens and settles it when it ends, with the
 * bot's result fields and the answer detector's verdict (`answered_by`). Calls of no
 * campaign are ignored.
 *
 * @example
 * ```ts
 * const hooks = followCampaignCalls(engine);
 * psr.on('call-open', (call) => void hooks.opened(call));
 * psr.on('call-closed', (call, end) => void hooks.closed(call, end));
 * ```
 */
export function followCampaignCalls(
  engine: CampaignEngine,
  clock: Clock = systemClock,
): CampaignCallHooks {
  return {
    async opened(call) {
      const attemptId = call.params['attempt_id'];
      return attemptId ? engine.callAnswered(attemptId, clock.now()) : false;
    },
    async closed(call, end) {
      const attemptId = call.params['attempt_id'];
      if (!attemptId) return false;
      const { outcome, reason } = outcomeOfCall(end.reason, call.result);
      const { [VERDICT_FIELD]: verdict, [VERDICT_KIND_FIELD]: kind, ...result } = call.result;
      return engine.callEnded(attemptId, {
        at: clock.now(),
        outcome,
        reason,
        result,
        ...(verdict !== undefined && { verdict: kind ? `${verdict}:${kind}` : verdict }),
      });
    },
  };
}
