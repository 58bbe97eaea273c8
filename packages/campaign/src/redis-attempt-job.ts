import { randomUUID } from 'node:crypto';
import { DelayedError, type Job, WaitingError } from 'bullmq';
import { isOpen, nextOpening } from './calling-window.js';
import type { CampaignSpec, Dialer } from './campaign-engine.js';
import type { Contact } from './campaign-types.js';
import { dialParameters } from './dial-parameters.js';
import { refusalReason } from './dispatcher.js';
import {
  queueRetry,
  ringAttempt,
  settleAttempt,
  tellAttempt,
  tellCompleted,
} from './redis-attempt-updates.js';
import type { RedisEngineParts } from './redis-engine-parts.js';
import { followAttempt } from './redis-follow.js';
import { attemptIdOf } from './redis-keys.js';
import type { AttemptJobData } from './redis-queues.js';

/** A job that finds its campaign paused looks again this much later (if its queue runs). */
const PAUSED_RECHECK_MS = 5_000;
/** A schedule that never opens is looked at again after a day. */
const DAY_MS = 86_400_000;

/** What the jobs of one `run` share. */
export interface AttemptRun {
  readonly parts: RedisEngineParts;
  readonly dialer: Dialer;
  /** Dials under way (create-stream requests not answered yet), awaited when `run` ends. */
  readonly dials: Set<Promise<void>>;
  /** Aborts when `run` stops: jobs following calls hand them back. */
  readonly stopping: AbortSignal;
}

/** Where one job stands in its campaign and contact. */
interface JobScope {
  readonly run: AttemptRun;
  readonly job: Job<AttemptJobData>;
  readonly token: string | undefined;
  readonly spec: CampaignSpec;
  readonly attemptId: string;
}

/**
 * Runs one attempt job. An attempt whose record exists (this job ran before, in a process
 * that stopped) is only followed, never dialled. Otherwise, right before the dial: the
 * calling window (closed: the job is delayed until it opens), then one atomic claim checks
 * the campaign's state, the do-not-call list and the number's minimum gap, and writes the
 * record. The job stays active while its call is in flight — that is what the queue's global
 * concurrency counts — and, once settled, adds the contact's next attempt if the policy
 * wants one.
 */
export async function processAttemptJob(
  run: AttemptRun,
  job: Job<AttemptJobData>,
  token: string | undefined,
): Promise<void> {
  const { parts } = run;
  const { contactId, seq, attempt } = job.data;
  const campaignId = job.queueName;
  const spec = await parts.store.spec(campaignId);
  const scope: JobScope = {
    run,
    job,
    token,
    spec,
    attemptId: attemptIdOf(campaignId, seq, attempt),
  };
  if (await parts.attempts.get(scope.attemptId)) return followThenNext(scope, false);
  const now = parts.clock.now();
  const { schedule } = spec.policy;
  if (!isOpen(schedule, now)) return postpone(scope, nextOpening(schedule, now) ?? now + DAY_MS);
  const stored = await parts.store.contact(campaignId, contactId);
  if (!stored) return;
  const nonce = randomUUID();
  const claim = await parts.attempts.claim({
    ...{ campaignId, contactId, seq, attempt, nonce, now },
    minGapMs: spec.policy.minGapMs,
  });
  switch (claim.kind) {
    case 'dial':
      await tellAttempt(parts, scope.attemptId);
      startDial(scope, stored.contact);
      return followThenNext(scope, true);
    case 'exists':
      return followThenNext(scope, false);
    case 'later':
      return postpone(scope, claim.at);
    case 'state':
      if (claim.state === 'paused') return postpone(scope, now + PAUSED_RECHECK_MS);
      return;
    case 'suppressed':
      await tellAttempt(parts, scope.attemptId);
      if (claim.completed) await tellCompleted(parts, campaignId);
      return;
    case 'stale':
      return;
  }
}

/** Back to the queue's delayed set until `at` (the campaign's clock): no slot held meanwhile. */
async function postpone(scope: JobScope, at: number): Promise<never> {
  const wait = Math.max(0, at - scope.run.parts.clock.now());
  await scope.job.moveToDelayed(Date.now() + wait, scope.token);
  throw new DelayedError();
}

/** Asks create-stream for the call; its answer or refusal is recorded when it comes. */
function startDial(scope: JobScope, contact: Contact): void {
  const { run, spec, attemptId } = scope;
  const { parts } = run;
  const attempt = scope.job.data.attempt;
  const dial = (async () => {
    try {
      const reply = await run.dialer({
        campaign: spec,
        contact,
        attemptId,
        attempt,
        parameter: dialParameters(spec, contact, { attemptId, attempt }),
      });
      await ringAttempt(parts, attemptId, reply);
    } catch (error) {
      await settleAttempt(parts, attemptId, {
        at: parts.clock.now(),
        outcome: 'failed',
        reason: refusalReason(error),
      });
    }
  })().catch((error: unknown) =>
    parts.report(error instanceof Error ? error : new Error(String(error))),
  );
  run.dials.add(dial);
  void dial.finally(() => run.dials.delete(dial));
}

/**
 * Follows the attempt until settled, then makes sure the contact's next attempt is queued if
 * it waits for one — and follows again if the call was taken back meanwhile (it came after
 * its ring timeout). When `run` stops first, the job goes back to the head of the queue
 * (`WaitingError`): the next run of it, in any process, follows the same attempt.
 */
async function followThenNext(scope: JobScope, own: boolean): Promise<void> {
  const { run, job, spec, attemptId } = scope;
  const { contactId, attempt } = job.data;
  for (;;) {
    if (!(await followAttempt(run.parts, spec, attemptId, own, run.stopping))) {
      await job.moveToWait(scope.token);
      throw new WaitingError();
    }
    await queueRetry(run.parts, spec.id, contactId, attempt);
    const stored = await run.parts.attempts.get(attemptId);
    if (!stored || stored.record.phase === 'ended') return;
  }
}
