import { type JobsOptions, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { CampaignSpec } from './campaign-engine.js';
import type { Clock } from './clock.js';
import { type RedisErrorReporter, storeError } from './redis-connection.js';
import { attemptIdOf, type RedisKeys } from './redis-keys.js';
import type { PendingContact } from './redis-store.js';

/** A job: one attempt at one contact (its id is the attempt id). */
export interface AttemptJobData {
  readonly contactId: string;
  readonly seq: number;
  readonly attempt: number;
}

/** The name every attempt job carries. */
export const ATTEMPT_JOB = 'attempt';

/** Jobs added per call. */
const BULK = 500;

/**
 * A job leaves no trace when done: the attempt's record is the history, and a finished id is
 * free to be added again (the record stops a second dial). A processor that throws (a bug,
 * Redis refusing a command) is tried again a few times.
 */
const JOB_OPTIONS: JobsOptions = {
  removeOnComplete: true,
  removeOnFail: true,
  attempts: 8,
  backoff: { type: 'exponential', delay: 1000 },
};

/** The least time between two dials of one campaign: `callsPerSecond` as a spacing, ms. */
export function dialSpacingMs(callsPerSecond: number): number {
  return Math.max(1, Math.ceil(1000 / callsPerSecond));
}

/**
 * The BullMQ queue of each campaign (name: the campaign id, prefix `P:q`), on the engine's
 * command connection. The campaign's limits are the queue's: its global concurrency (active
 * jobs in every worker together: a job is active while its call is in flight) and its global
 * rate limit (one job started per spacing, no bursts).
 */
export class CampaignQueues {
  readonly #connection: Redis;
  readonly #url: string;
  readonly #keys: RedisKeys;
  readonly #clock: Clock;
  readonly #report: RedisErrorReporter;
  readonly #queues = new Map<string, Queue<AttemptJobData>>();

  constructor(
    connection: Redis,
    url: string,
    keys: RedisKeys,
    clock: Clock,
    report: RedisErrorReporter,
  ) {
    this.#connection = connection;
    this.#url = url;
    this.#keys = keys;
    this.#clock = clock;
    this.#report = report;
  }

  #queue(id: string): Queue<AttemptJobData> {
    let queue = this.#queues.get(id);
    if (!queue) {
      queue = new Queue<AttemptJobData>(id, {
        connection: this.#connection,
        prefix: this.#keys.queuePrefix,
        defaultJobOptions: JOB_OPTIONS,
      });
      queue.on('error', (error: Error) =>
        this.#report(storeError(error, this.#url, `queue ${id}`)),
      );
      this.#queues.set(id, queue);
    }
    return queue;
  }

  /** Sets the campaign's limits on its queue (the same from every process). */
  async configure(spec: CampaignSpec): Promise<void> {
    const queue = this.#queue(spec.id);
    await queue.setGlobalConcurrency(spec.policy.maxConcurrent);
    await queue.setGlobalRateLimit(1, dialSpacingMs(spec.policy.callsPerSecond));
  }

  /** Adds a job per contact for the attempt it waits for, delayed until due (twice: no-op). */
  async enqueue(id: string, due: readonly PendingContact[]): Promise<void> {
    const now = this.#clock.now();
    for (let i = 0; i < due.length; i += BULK)
      await this.#queue(id).addBulk(
        due.slice(i, i + BULK).map((d) => ({
          name: ATTEMPT_JOB,
          data: { contactId: d.contactId, seq: d.seq, attempt: d.attempt },
          opts: { jobId: attemptIdOf(id, d.seq, d.attempt), delay: Math.max(0, d.at - now) },
        })),
      );
  }

  /** No job of the campaign starts in any process (those running go on). */
  pause(id: string): Promise<void> {
    return this.#queue(id).pause();
  }

  resume(id: string): Promise<void> {
    return this.#queue(id).resume();
  }

  /** Whether the campaign's queue is paused. */
  paused(id: string): Promise<boolean> {
    return this.#queue(id).isPaused();
  }

  /** Paused for good, its waiting and delayed jobs removed (running ones go on). */
  async cancel(id: string): Promise<void> {
    await this.#queue(id).pause();
    await this.drain(id);
  }

  /** Its waiting and delayed jobs removed (a completed campaign's retries that were dropped). */
  drain(id: string): Promise<void> {
    return this.#queue(id).drain(true);
  }

  /** True when the campaign has no job at all: waiting, delayed or running. */
  async empty(id: string): Promise<boolean> {
    const counts = await this.#queue(id).getJobCounts('active', 'wait', 'delayed', 'prioritized');
    return Object.values(counts).every((n) => n === 0);
  }

  async close(): Promise<void> {
    const queues = [...this.#queues.values()];
    this.#queues.clear();
    await Promise.all(queues.map((queue) => queue.close()));
  }
}
