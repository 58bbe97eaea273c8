import { Worker } from 'bullmq';
import type { CampaignInfo, Dialer } from './campaign-engine.js';
import { CampaignError } from './errors.js';
import { isFinished } from './lifecycle.js';
import { type AttemptRun, processAttemptJob } from './redis-attempt-job.js';
import { storeError } from './redis-connection.js';
import type { RedisEngineParts } from './redis-engine-parts.js';
import { applyCommand, reconcileCampaign } from './redis-lifecycle.js';
import type { AttemptJobData } from './redis-queues.js';

/** How often every live campaign is looked at, besides the events that say one changed. */
const SYNC_MS = 5_000;
/**
 * A job's lock: while its process lives the lock is renewed; once it is gone, the job is
 * stalled after this long and another worker runs it again (following, not dialling).
 */
const LOCK_MS = 30_000;
/** Running a stalled job again is safe (its attempt record stops a second dial): no limit. */
const MAX_STALLS = 1_000_000;

/**
 * Dials due contacts of running campaigns until `signal` aborts: a BullMQ worker per live
 * campaign (local concurrency: the campaign's limit; the queue's global concurrency and rate
 * limit hold across processes), scheduled campaigns started when their time comes (one
 * process wins the compare-and-set), and every live campaign's queue reconciled with its
 * state on each event and every {@link SYNC_MS}.
 */
export async function superviseCampaigns(
  parts: RedisEngineParts,
  dialer: Dialer,
  signal: AbortSignal,
): Promise<void> {
  await new CampaignSupervisor({ parts, dialer, dials: new Set(), stopping: signal }).run();
}

class CampaignSupervisor {
  readonly #run: AttemptRun;
  readonly #workers = new Map<string, Worker<AttemptJobData>>();
  /** Each campaign's sync under way: syncs of one campaign run one after another. */
  readonly #syncs = new Map<string, Promise<void>>();
  readonly #closing = new Set<Promise<void>>();
  /** When each scheduled campaign starts: the loop wakes at the earliest. */
  readonly #starts = new Map<string, number>();
  #wake: () => void = () => {};

  constructor(run: AttemptRun) {
    this.#run = run;
  }

  async run(): Promise<void> {
    const { parts, stopping } = this.#run;
    const offKick = parts.bus.onKick((id) => this.#sync(id));
    const offWatch = parts.bus.watch((event) => {
      if (event.type === 'state-changed') this.#sync(event.campaignId);
    });
    try {
      while (!stopping.aborted) {
        await this.#syncAll();
        const woken = new AbortController();
        this.#wake = () => woken.abort();
        stopping.addEventListener('abort', this.#wake, { once: true });
        const until = Math.min(parts.clock.now() + SYNC_MS, ...this.#starts.values());
        await parts.clock.wait(until - parts.clock.now(), woken.signal);
        stopping.removeEventListener('abort', this.#wake);
      }
    } finally {
      offKick();
      offWatch();
      await Promise.allSettled([...this.#syncs.values()]);
      for (const id of [...this.#workers.keys()]) this.#stopWorker(id);
      await Promise.allSettled([...this.#closing]);
      await Promise.allSettled([...this.#run.dials]);
    }
  }

  async #syncAll(): Promise<void> {
    try {
      const live = new Set(await this.#run.parts.store.liveIds());
      for (const id of this.#workers.keys()) if (!live.has(id)) this.#sync(id);
      await Promise.all([...live].map((id) => this.#sync(id)));
    } catch (error) {
      this.#report(error);
    }
  }

  /** Looks at a campaign after the syncs of it already under way. */
  #sync(id: string): Promise<void> {
    const next = (this.#syncs.get(id) ?? Promise.resolve())
      .then(() => (this.#run.stopping.aborted ? undefined : this.#syncOne(id)))
      .catch((error: unknown) => this.#report(error));
    this.#syncs.set(id, next);
    void next.finally(() => {
      if (this.#syncs.get(id) === next) this.#syncs.delete(id);
    });
    return next;
  }

  async #syncOne(id: string): Promise<void> {
    const { parts } = this.#run;
    const info = await parts.store.campaign(id);
    if (info?.state !== 'scheduled') this.#starts.delete(id);
    if (!info || isFinished(info.state) || info.state === 'draft') {
      if (info?.state === 'completed' && this.#workers.has(id)) await parts.queues.drain(id);
      return this.#stopWorker(id);
    }
    if (info.state === 'scheduled') return this.#startWhenDue(info);
    this.#startWorker(info);
    await reconcileCampaign(parts, info);
  }

  /** Starts a scheduled campaign whose time has come (another process may have won). */
  async #startWhenDue(info: CampaignInfo): Promise<void> {
    const { parts } = this.#run;
    const at = info.startAt ?? 0;
    if (at > parts.clock.now()) {
      if (this.#starts.get(info.spec.id) !== at) {
        this.#starts.set(info.spec.id, at);
        this.#wake();
      }
      return;
    }
    this.#starts.delete(info.spec.id);
    try {
      await applyCommand(parts, info.spec.id, 'start');
    } catch (error) {
      if (!(CampaignError.isInstance(error) && error.code === 'INVALID_STATE')) throw error;
    }
  }

  #startWorker(info: CampaignInfo): void {
    const { spec } = info;
    if (this.#workers.has(spec.id)) return;
    const { parts } = this.#run;
    const worker = new Worker<AttemptJobData>(
      spec.id,
      (job, token) => processAttemptJob(this.#run, job, token),
      {
        connection: parts.redis,
        prefix: parts.keys.queuePrefix,
        name: parts.node,
        concurrency: spec.policy.maxConcurrent,
        lockDuration: LOCK_MS,
        maxStalledCount: MAX_STALLS,
      },
    );
    worker.on('error', (error) =>
      this.#report(storeError(error, parts.url, `campaign ${spec.id}`)),
    );
    worker.on('failed', (job, error) =>
      this.#report(
        new Error(`campaign ${spec.id}: job ${job?.id ?? '?'} failed: ${error.message}`),
      ),
    );
    this.#workers.set(spec.id, worker);
  }

  /** Closes a campaign's worker once the calls it follows are settled. */
  #stopWorker(id: string): void {
    const worker = this.#workers.get(id);
    if (!worker) return;
    this.#workers.delete(id);
    const closing = worker.close().catch((error: unknown) => this.#report(error));
    this.#closing.add(closing);
    void closing.finally(() => this.#closing.delete(closing));
  }

  #report(error: unknown): void {
    this.#run.parts.report(error instanceof Error ? error : new Error(String(error)));
  }
}
