import type { CallEndReport, DialReply } from './campaign-engine.js';
import type { RedisEngineParts } from './redis-engine-parts.js';
import { nextAttempt } from './retry-policy.js';

/** Tells every engine's listeners where an attempt is now. */
export async function tellAttempt(parts: RedisEngineParts, attemptId: string): Promise<void> {
  const stored = await parts.attempts.get(attemptId);
  if (stored)
    await parts.bus.emit({
      type: 'attempt-changed',
      campaignId: stored.record.campaignId,
      attempt: stored.record,
    });
}

/** Tells every engine's listeners that a campaign completed. */
export function tellCompleted(parts: RedisEngineParts, campaignId: string): Promise<void> {
  return parts.bus.emit({ type: 'state-changed', campaignId, state: 'completed' });
}

/** create-stream answered the attempt's dial. */
export async function ringAttempt(
  parts: RedisEngineParts,
  attemptId: string,
  reply: DialReply,
): Promise<void> {
  if (await parts.attempts.ringing(attemptId, reply)) await tellAttempt(parts, attemptId);
}

/**
 * The attempt's call reached this engine's bot; false unless it was dialling or ringing, or
 * came after its ring timeout. A call taken back so gets a job again (its attempt's id): the
 * job follows it, holding one of the campaign's slots while it lasts.
 */
export async function answerAttempt(
  parts: RedisEngineParts,
  attemptId: string,
  at: number,
): Promise<boolean> {
  const answered = await parts.attempts.answered(attemptId, at);
  if (!answered) return false;
  await tellAttempt(parts, attemptId);
  const stored = answered === 'taken-back' ? await parts.attempts.get(attemptId) : undefined;
  if (stored) {
    const { campaignId, contactId, attempt } = stored.record;
    const [info, contact] = await Promise.all([
      parts.store.campaign(campaignId),
      parts.store.contact(campaignId, contactId),
    ]);
    if (contact && (info?.state === 'running' || info?.state === 'paused'))
      await parts.queues.enqueue(campaignId, [{ contactId, seq: contact.seq, attempt, at: 0 }]);
  }
  return true;
}

/**
 * Queues the contact's next attempt if it waits for one after attempt `attempt` (twice is a
 * no-op: the job id is the attempt id).
 */
export async function queueRetry(
  parts: RedisEngineParts,
  campaignId: string,
  contactId: string,
  attempt: number,
): Promise<void> {
  const contact = await parts.store.contact(campaignId, contactId);
  if (contact?.status === 'pending' && contact.tries === attempt)
    await parts.queues.enqueue(campaignId, [
      { contactId, seq: contact.seq, attempt: attempt + 1, at: contact.nextAt },
    ]);
}

/**
 * Ends an attempt in flight and moves its contact by the campaign's policy (`nextAttempt`:
 * it depends only on the policy, the outcome and the attempt's number, so it is decided here
 * and applied atomically with the settlement), queueing its retry. False when the attempt is
 * unknown or ended.
 */
export async function settleAttempt(
  parts: RedisEngineParts,
  attemptId: string,
  end: CallEndReport,
): Promise<boolean> {
  const stored = await parts.attempts.get(attemptId);
  if (!stored || stored.record.phase === 'ended') return false;
  const { campaignId, attempt } = stored.record;
  const spec = await parts.store.spec(campaignId);
  const next = nextAttempt(spec.policy, end.outcome, attempt, end.at);
  const result = await parts.attempts.settle(stored.record, end, next);
  if (!result.settled) return false;
  await tellAttempt(parts, attemptId);
  if (result.completed) await tellCompleted(parts, campaignId);
  if (next.retry) await queueRetry(parts, campaignId, stored.record.contactId, attempt);
  return true;
}
