import { isOpen, nextOpening } from './calling-window.js';
import type { CampaignSpec, CampaignState, Dialer } from './campaign-engine.js';
import type { AttemptRecord, Contact } from './campaign-types.js';
import type { Clock } from './clock.js';
import { dialParameters } from './dial-parameters.js';
import type { SqliteCampaignStore } from './sqlite-campaign-store.js';

/** What one pass of the embedded dispatcher works with. */
export interface DispatchContext {
  readonly store: SqliteCampaignStore;
  readonly clock: Clock;
  readonly dialer: Dialer;
  /** Dials under way (create-stream requests not answered yet). */
  readonly dials: Set<Promise<void>>;
  /** An attempt changed (listeners are told, the dispatcher looks again). */
  readonly attemptChanged: (attempt: AttemptRecord) => void;
  /** A campaign's state changed. */
  readonly stateChanged: (campaignId: string, state: CampaignState) => void;
}

const earliest = (...times: (number | undefined)[]): number | undefined => {
  const known = times.filter((t): t is number => t !== undefined);
  return known.length > 0 ? Math.min(...known) : undefined;
};

/**
 * One pass over the live campaigns: starts those whose time has come, settles attempts
 * past their ring timeout, completes campaigns with nothing left, and dials what the
 * limits allow. Returns when to look again (undefined: only when something changes).
 */
export function dispatchPass(ctx: DispatchContext): number | undefined {
  const now = ctx.clock.now();
  let wake: number | undefined;
  for (const live of ctx.store.live()) {
    if (live.state === 'scheduled') {
      if ((live.startAt ?? now) > now) {
        wake = earliest(wake, live.startAt);
        continue;
      }
      ctx.stateChanged(live.id, ctx.store.command(live.id, 'start', now).state);
    }
    const spec = ctx.store.spec(live.id);
    wake = earliest(wake, expireAttempts(ctx, spec, now));
    if (ctx.store.allSettled(live.id)) {
      ctx.stateChanged(live.id, ctx.store.command(live.id, 'complete', now).state);
      continue;
    }
    wake = earliest(wake, dialDue(ctx, spec, live.lastDialAt, now));
  }
  return wake;
}

/**
 * Attempts in flight past their ring timeout: `no-answer` when this process saw them ring
 * the whole time; `unknown` when they were in flight as an earlier process stopped. A call
 * answered under an earlier process is gone with it: `unknown` at once.
 */
function expireAttempts(ctx: DispatchContext, spec: CampaignSpec, now: number): number | undefined {
  let wake: number | undefined;
  for (const attempt of ctx.store.inFlight(spec.id)) {
    const ours = attempt.runId === ctx.store.runId;
    if (attempt.phase === 'answered') {
      if (!ours)
        settleAs(ctx, attempt, now, 'unknown', 'the campaign process stopped during the call');
      continue;
    }
    const deadline = attempt.dialledAt + spec.policy.ringTimeoutMs;
    if (deadline > now) {
      wake = earliest(wake, deadline);
      continue;
    }
    if (!ours)
      settleAs(ctx, attempt, now, 'unknown', 'in flight when the campaign process stopped');
    else if (attempt.phase === 'ringing')
      settleAs(ctx, attempt, now, 'no-answer', `no call within ${spec.policy.ringTimeoutMs} ms`);
    else
      settleAs(
        ctx,
        attempt,
        now,
        'unknown',
        'create-stream did not answer within the ring timeout',
      );
  }
  return wake;
}

function settleAs(
  ctx: DispatchContext,
  attempt: AttemptRecord,
  at: number,
  outcome: 'unknown' | 'no-answer' | 'failed',
  reason: string,
): void {
  const settled = ctx.store.settle(attempt.attemptId, { at, outcome, reason });
  if (settled) ctx.attemptChanged(settled);
}

/** Dials due contacts while the window is open and the concurrency and rate limits allow. */
function dialDue(
  ctx: DispatchContext,
  spec: CampaignSpec,
  lastDialAt: number | undefined,
  now: number,
): number | undefined {
  const { policy } = spec;
  if (!isOpen(policy.schedule, now)) return nextOpening(policy.schedule, now);
  const spacing = 1000 / policy.callsPerSecond;
  let last = lastDialAt;
  for (;;) {
    if (last !== undefined && last + spacing > now) return last + spacing;
    if (ctx.store.inFlightCount(spec.id) >= policy.maxConcurrent) return undefined;
    const { next, later } = ctx.store.due(spec.id, now);
    if (!next) return later;
    if (ctx.store.isSuppressed(next.contact.phone)) {
      ctx.attemptChanged(ctx.store.suppressed(spec.id, next, now));
      continue;
    }
    const lastToNumber = policy.minGapMs > 0 ? ctx.store.lastDialOf(next.contact.phone) : undefined;
    if (lastToNumber !== undefined && lastToNumber + policy.minGapMs > now) {
      ctx.store.postpone(spec.id, next.contact.id, lastToNumber + policy.minGapMs);
      continue;
    }
    const attempt = ctx.store.claim(spec.id, next, now);
    ctx.attemptChanged(attempt);
    startDial(ctx, spec, attempt, next.contact);
    last = now;
  }
}

/** Asks create-stream for the call; its answer or refusal is recorded when it comes. */
function startDial(
  ctx: DispatchContext,
  spec: CampaignSpec,
  attempt: AttemptRecord,
  contact: Contact,
): void {
  const dial = (async () => {
    try {
      const reply = await ctx.dialer({
        campaign: spec,
        contact,
        attemptId: attempt.attemptId,
        attempt: attempt.attempt,
        parameter: dialParameters(spec, contact, attempt),
      });
      const ringing = ctx.store.ringing(attempt.attemptId, reply);
      if (ringing) ctx.attemptChanged(ringing);
    } catch (error) {
      settleAs(ctx, attempt, ctx.clock.now(), 'failed', refusalReason(error));
    }
  })();
  ctx.dials.add(dial);
  void dial.finally(() => ctx.dials.delete(dial));
}

/** A refusal in a few words: its code and message, cut short. */
export function refusalReason(error: unknown): string {
  const code = (error as { code?: unknown })?.code;
  const message = error instanceof Error ? error.message : String(error);
  return `${typeof code === 'string' ? `${code}: ` : ''}${message}`.slice(0, 200);
}
