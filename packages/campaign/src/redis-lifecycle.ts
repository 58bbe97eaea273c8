import type { CampaignInfo } from './campaign-engine.js';
import type { LifecycleCommand } from './lifecycle.js';
import { tellCompleted } from './redis-attempt-updates.js';
import type { RedisEngineParts } from './redis-engine-parts.js';

/**
 * Moves a campaign through its lifecycle for every process: the state in Redis first (each
 * job checks it right before its dial), then its queue — paused, resumed, or emptied of
 * waiting jobs when cancelled (calls under way go on) — then every engine is told.
 * Starting adds a job per waiting contact.
 * @throws {CampaignError} `NOT_FOUND`, `INVALID_STATE`
 */
export async function applyCommand(
  parts: RedisEngineParts,
  id: string,
  command: LifecycleCommand,
  at?: number,
): Promise<CampaignInfo> {
  const state = await parts.store.move(id, command, parts.clock.now(), at);
  if (state === 'running') {
    await parts.queues.configure(await parts.store.spec(id));
    await parts.queues.resume(id);
    await ensureJobs(parts, id, command === 'start');
  } else if (state === 'paused') await parts.queues.pause(id);
  else if (state === 'cancelled') await parts.queues.cancel(id);
  const info = (await parts.store.campaign(id)) as CampaignInfo;
  await parts.bus.emit({ type: 'state-changed', campaignId: id, state });
  if (state === 'running') await completeIfDone(parts, id);
  return info;
}

/**
 * Adds a job for every waiting contact: always with `all`, else only when the queue holds no
 * job at all while contacts wait (jobs lost to a process that stopped between a state change
 * and its jobs). Adding a job that exists is a no-op.
 */
export async function ensureJobs(parts: RedisEngineParts, id: string, all: boolean): Promise<void> {
  if (!all && !((await parts.store.pendingCount(id)) > 0 && (await parts.queues.empty(id)))) return;
  await parts.queues.enqueue(id, await parts.store.pending(id));
}

/** Completes a running campaign with nothing left, and tells every engine. */
export async function completeIfDone(parts: RedisEngineParts, id: string): Promise<void> {
  if (await parts.store.completeIfDone(id, parts.clock.now())) await tellCompleted(parts, id);
}

/**
 * Brings a running campaign's queue in line with its state: not paused (two processes
 * pausing and resuming at once may leave it paused; the other way round is harmless, as each
 * job checks the state before its dial), jobs for waiting contacts, completed when nothing is
 * left.
 */
export async function reconcileCampaign(
  parts: RedisEngineParts,
  info: CampaignInfo,
): Promise<void> {
  const id = info.spec.id;
  if (info.state !== 'running') return;
  if (await parts.queues.paused(id)) await parts.queues.resume(id);
  await ensureJobs(parts, id, false);
  await completeIfDone(parts, id);
}
