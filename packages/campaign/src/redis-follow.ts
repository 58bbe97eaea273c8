import type { CallEndReport, CampaignSpec } from './campaign-engine.js';
import { settleAttempt } from './redis-attempt-updates.js';
import type { RedisEngineParts } from './redis-engine-parts.js';
import type { StoredAttempt } from './redis-records.js';

/**
 * The longest a waiting job goes without reading its attempt: pub/sub wakes it at once, but a
 * message sent while Redis was away is lost.
 */
export const FOLLOW_POLL_MS = 1_000;

/**
 * Waits until an attempt is settled — by `callEnded` from any process, or here once its
 * time is up — and returns true; false when `stopping` aborts first (the call goes on; the
 * job is handed back for another run to follow).
 *
 * `own`: this run dialled it. Its ring timeout then means `no-answer` (or `unknown` if
 * create-stream never answered); an attempt taken over from a run that stopped is `unknown`
 * after its ring timeout unless its call was answered, as in the embedded engine. An
 * answered call is followed until it ends, or until the engine whose server holds it is gone.
 */
export async function followAttempt(
  parts: RedisEngineParts,
  spec: CampaignSpec,
  attemptId: string,
  own: boolean,
  stopping: AbortSignal,
): Promise<boolean> {
  for (;;) {
    if (stopping.aborted) return false;
    const stored = await parts.attempts.get(attemptId);
    if (!stored || stored.record.phase === 'ended') return true;
    const wait = await expireOrWait(parts, spec, stored, own);
    if (wait !== undefined)
      await parts.bus.changed(attemptId, Math.min(wait, FOLLOW_POLL_MS), stopping);
  }
}

/** Settles the attempt if its time is up (returns undefined), else says how long to wait. */
async function expireOrWait(
  parts: RedisEngineParts,
  spec: CampaignSpec,
  stored: StoredAttempt,
  own: boolean,
): Promise<number | undefined> {
  const { record } = stored;
  const now = parts.clock.now();
  let end: Pick<CallEndReport, 'outcome' | 'reason'>;
  if (record.phase === 'answered') {
    const holder = stored.answeredBy;
    if (holder === undefined || !(await parts.liveness.gone(holder))) return FOLLOW_POLL_MS;
    end = { outcome: 'unknown', reason: 'the campaign process stopped during the call' };
  } else {
    const deadline = record.dialledAt + spec.policy.ringTimeoutMs;
    if (deadline > now) return deadline - now;
    if (!own) end = { outcome: 'unknown', reason: 'in flight when the campaign process stopped' };
    else if (record.phase === 'ringing')
      end = { outcome: 'no-answer', reason: `no call within ${spec.policy.ringTimeoutMs} ms` };
    else
      end = { outcome: 'unknown', reason: 'create-stream did not answer within the ring timeout' };
  }
  await settleAttempt(parts, record.attemptId, { at: now, ...end });
  return undefined;
}
