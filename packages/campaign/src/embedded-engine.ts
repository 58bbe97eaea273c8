import { randomUUID } from 'node:crypto';
import type {
  CallEndReport,
  CampaignEngine,
  CampaignEvent,
  CampaignInfo,
  CampaignSpec,
  CampaignState,
  Dialer,
} from './campaign-engine.js';
import { checkCampaignSpec } from './campaign-spec.js';
import type { AttemptRecord, Contact } from './campaign-types.js';
import { type Clock, systemClock } from './clock.js';
import { type DispatchContext, dispatchPass } from './dispatcher.js';
import type { LifecycleCommand } from './lifecycle.js';
import { LifecycleVerbs } from './lifecycle-verbs.js';
import { SqliteCampaignStore } from './sqlite-campaign-store.js';
import { openSqliteDatabase } from './sqlite-database.js';

/** Options of {@link createEmbeddedEngine}. */
export interface EmbeddedEngineOptions {
  /** The database file (created when missing); one process holds it at a time. */
  readonly path: string;
  /** Default: the system's clock. */
  readonly clock?: Clock;
}

/**
 * The embedded campaign engine: one process, every campaign in one SQLite file on local
 * disk (see `openSqliteDatabase`), dialled by an in-process loop. An attempt's row is
 * committed before its create-stream request, so a process killed at any moment and
 * started again never dials the same attempt twice.
 * @throws {CampaignError} `STORE_ERROR` when the file is held by another live process
 */
export function createEmbeddedEngine(options: EmbeddedEngineOptions): CampaignEngine {
  return new EmbeddedEngine(
    new SqliteCampaignStore(openSqliteDatabase(options.path), randomUUID()),
    options.clock ?? systemClock,
  );
}

class EmbeddedEngine extends LifecycleVerbs implements CampaignEngine {
  readonly #store: SqliteCampaignStore;
  readonly #clock: Clock;
  readonly #listeners = new Set<(event: CampaignEvent) => void>();
  /** Wakes the dispatch loop when something changed. */
  #kick: () => void = () => {};

  constructor(store: SqliteCampaignStore, clock: Clock) {
    super();
    this.#store = store;
    this.#clock = clock;
  }

  async create(spec: CampaignSpec, contacts: readonly Contact[]): Promise<CampaignInfo> {
    checkCampaignSpec(spec);
    this.#store.createCampaign(spec, contacts, this.#clock.now());
    this.#emit({ type: 'state-changed', campaignId: spec.id, state: 'draft' });
    return this.#store.campaign(spec.id) as CampaignInfo;
  }

  async addContacts(id: string, contacts: readonly Contact[]) {
    const counts = this.#store.addContacts(id, contacts);
    this.#kick();
    return counts;
  }

  async get(id: string) {
    return this.#store.campaign(id);
  }

  async list() {
    return this.#store.campaigns();
  }

  protected now(): number {
    return this.#clock.now();
  }

  protected async applyCommand(
    id: string,
    command: LifecycleCommand,
    at?: number,
  ): Promise<CampaignInfo> {
    const info = this.#store.command(id, command, this.#clock.now(), at);
    this.#stateChanged(id, info.state);
    return info;
  }

  async *attempts(id: string): AsyncIterable<AttemptRecord> {
    yield* this.#store.attempts(id);
  }

  async suppress(phones: readonly string[]) {
    this.#store.suppress(phones, this.#clock.now());
  }

  async callAnswered(attemptId: string, at: number) {
    const attempt = this.#store.answered(attemptId, at);
    if (attempt) this.#attemptChanged(attempt);
    return attempt !== undefined;
  }

  async callEnded(attemptId: string, end: CallEndReport) {
    const attempt = this.#store.settle(attemptId, end);
    if (attempt) this.#attemptChanged(attempt);
    return attempt !== undefined;
  }

  async run(dialer: Dialer, signal: AbortSignal): Promise<void> {
    const ctx: DispatchContext = {
      store: this.#store,
      clock: this.#clock,
      dialer,
      dials: new Set(),
      attemptChanged: (attempt) => this.#attemptChanged(attempt),
      stateChanged: (id, state) => this.#stateChanged(id, state),
    };
    while (!signal.aborted) {
      const kicked = new AbortController();
      this.#kick = () => kicked.abort();
      const stop = () => kicked.abort();
      signal.addEventListener('abort', stop, { once: true });
      const wake = dispatchPass(ctx);
      if (!kicked.signal.aborted)
        await this.#clock.wait(
          wake === undefined ? 2 ** 31 - 1 : wake - this.#clock.now(),
          kicked.signal,
        );
      signal.removeEventListener('abort', stop);
    }
    this.#kick = () => {};
    await Promise.allSettled([...ctx.dials]);
  }

  watch(listener: (event: CampaignEvent) => void) {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  async close() {
    this.#listeners.clear();
    this.#store.close();
  }

  #attemptChanged(attempt: AttemptRecord): void {
    this.#emit({ type: 'attempt-changed', campaignId: attempt.campaignId, attempt });
    if (attempt.phase === 'ended') this.#kick();
  }

  #stateChanged(campaignId: string, state: CampaignState): void {
    this.#emit({ type: 'state-changed', campaignId, state });
    this.#kick();
  }

  #emit(event: CampaignEvent): void {
    for (const listener of this.#listeners) listener(event);
  }
}
