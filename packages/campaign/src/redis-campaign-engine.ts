import { setMaxListeners } from 'node:events';
import type {
  CallEndReport,
  CampaignEngine,
  CampaignEvent,
  CampaignInfo,
  CampaignSpec,
  Dialer,
} from './campaign-engine.js';
import { checkCampaignSpec } from './campaign-spec.js';
import type { AttemptRecord, Contact } from './campaign-types.js';
import { systemClock } from './clock.js';
import type { LifecycleCommand } from './lifecycle.js';
import { LifecycleVerbs } from './lifecycle-verbs.js';
import { answerAttempt, settleAttempt } from './redis-attempt-updates.js';
import { storeError, throttledStderrReporter } from './redis-connection.js';
import type { RedisEngineOptions } from './redis-engine.js';
import {
  closeRedisEngineParts,
  openRedisEngineParts,
  type RedisEngineParts,
} from './redis-engine-parts.js';
import { applyCommand } from './redis-lifecycle.js';
import { superviseCampaigns } from './redis-supervisor.js';

/** Opens a Redis engine (see `createRedisEngine`, which loads this module when first asked). */
export async function openRedisEngine(options: RedisEngineOptions): Promise<CampaignEngine> {
  const parts = await openRedisEngineParts({
    url: options.url,
    prefix: options.prefix ?? 'psrkit',
    clock: options.clock ?? systemClock,
    report: options.onError ?? throttledStderrReporter(),
  });
  return new RedisEngine(parts);
}

/** The engine's methods over its parts: each one a store, lifecycle or attempt operation. */
class RedisEngine extends LifecycleVerbs implements CampaignEngine {
  readonly #parts: RedisEngineParts;

  constructor(parts: RedisEngineParts) {
    super();
    this.#parts = parts;
  }

  create(spec: CampaignSpec, contacts: readonly Contact[]): Promise<CampaignInfo> {
    return this.#guard('creating a campaign', async () => {
      checkCampaignSpec(spec);
      const { store, bus, clock } = this.#parts;
      await store.create(spec, clock.now());
      await store.addContacts(spec.id, contacts);
      await bus.emit({ type: 'state-changed', campaignId: spec.id, state: 'draft' });
      return (await store.campaign(spec.id)) as CampaignInfo;
    });
  }

  addContacts(id: string, contacts: readonly Contact[]) {
    return this.#guard('adding contacts', async () => {
      const { store, queues } = this.#parts;
      const added = await store.addContacts(id, contacts);
      const state = (await store.campaign(id))?.state;
      if (added.length > 0 && (state === 'running' || state === 'paused'))
        await queues.enqueue(
          id,
          added.map(({ contactId, seq }) => ({ contactId, seq, attempt: 1, at: 0 })),
        );
      return { added: added.length, known: contacts.length - added.length };
    });
  }

  get(id: string) {
    return this.#guard('reading a campaign', () => this.#parts.store.campaign(id));
  }

  list() {
    return this.#guard('listing campaigns', () => this.#parts.store.campaigns());
  }

  protected now(): number {
    return this.#parts.clock.now();
  }

  protected applyCommand(
    id: string,
    command: LifecycleCommand,
    at?: number,
  ): Promise<CampaignInfo> {
    return this.#guard(`${command} campaign ${id}`, () =>
      applyCommand(this.#parts, id, command, at),
    );
  }

  async *attempts(id: string): AsyncIterable<AttemptRecord> {
    try {
      yield* this.#parts.attempts.list(id);
    } catch (error) {
      throw storeError(error, this.#parts.url, 'listing attempts');
    }
  }

  suppress(phones: readonly string[]) {
    return this.#guard('suppressing numbers', () => this.#parts.store.suppress(phones));
  }

  callAnswered(attemptId: string, at: number) {
    return this.#guard('recording an answer', () => answerAttempt(this.#parts, attemptId, at));
  }

  callEnded(attemptId: string, end: CallEndReport) {
    return this.#guard('recording a call end', () => settleAttempt(this.#parts, attemptId, end));
  }

  run(dialer: Dialer, signal: AbortSignal): Promise<void> {
    // Every call in flight waits on the run's signal: one listener each, so more than
    // Node's default ten (a warning) is normal here. Our own signal, not the caller's.
    const stop = new AbortController();
    setMaxListeners(0, stop.signal);
    if (signal.aborted) stop.abort();
    else signal.addEventListener('abort', () => stop.abort(), { once: true });
    return superviseCampaigns(this.#parts, dialer, stop.signal);
  }

  watch(listener: (event: CampaignEvent) => void) {
    return this.#parts.bus.watch(listener);
  }

  close() {
    return closeRedisEngineParts(this.#parts);
  }

  async #guard<T>(doing: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw storeError(error, this.#parts.url, doing);
    }
  }
}
