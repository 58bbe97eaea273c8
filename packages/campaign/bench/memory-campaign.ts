// The bench's reference: the embedded dispatcher's loop over plain Maps instead of a store.
// Same limits (calls at once, one dial per spacing, woken when a call ends), same records
// through the same phases (dialling → ringing → answered → ended), the same retry rule
// (`nextAttempt`) and parameters (`dialParameters`), the same events to one listener — and
// nothing written anywhere. What an engine costs beyond it is what its store, durability and
// queues cost: the overhead the ratios show.
import {
  type AttemptRecord,
  type CallEndReport,
  type CampaignEvent,
  type CampaignSpec,
  type Contact,
  type Dialer,
  dialParameters,
  nextAttempt,
} from '@psrkit/campaign';

interface ContactState {
  readonly contact: Contact;
  readonly seq: number;
  attempts: number;
  nextAt: number;
  status: 'pending' | 'active' | 'settled';
}

/** An in-memory campaign with the embedded engine's dispatch loop (the bench's reference). */
export class MemoryCampaign {
  readonly #spec: CampaignSpec;
  readonly #contacts: ContactState[];
  /** Contacts due for a first attempt, then retries in the order they were settled. */
  readonly #fresh: ContactState[];
  readonly #retries: ContactState[] = [];
  readonly #attempts = new Map<string, AttemptRecord>();
  readonly #inFlight = new Set<string>();
  readonly #listener: (event: CampaignEvent) => void;
  #settled = 0;
  #kick: () => void = () => {};

  constructor(
    spec: CampaignSpec,
    contacts: readonly Contact[],
    listener: (event: CampaignEvent) => void,
  ) {
    this.#spec = spec;
    this.#contacts = contacts.map((contact, i) => ({
      contact,
      seq: i + 1,
      attempts: 0,
      nextAt: 0,
      status: 'pending',
    }));
    this.#fresh = [...this.#contacts].reverse();
    this.#listener = listener;
  }

  async callAnswered(attemptId: string, at: number): Promise<boolean> {
    const record = this.#attempts.get(attemptId);
    if (!record || record.phase === 'ended') return false;
    this.#change({ ...record, phase: 'answered', answeredAt: at });
    return true;
  }

  async callEnded(attemptId: string, end: CallEndReport): Promise<boolean> {
    const record = this.#attempts.get(attemptId);
    if (!record || record.phase === 'ended') return false;
    const { at, outcome, reason, verdict, result } = end;
    this.#change({
      ...record,
      phase: 'ended',
      endedAt: at,
      outcome,
      reason,
      ...(verdict !== undefined && { verdict }),
      result: { ...result },
    });
    this.#inFlight.delete(attemptId);
    const state = this.#contacts[Number(attemptId.split('.')[1]) - 1]!;
    const next = nextAttempt(this.#spec.policy, outcome, state.attempts, at);
    if (next.retry) {
      state.status = 'pending';
      state.nextAt = next.at;
      this.#retries.push(state);
    } else {
      state.status = 'settled';
      this.#settled += 1;
    }
    this.#kick();
    return true;
  }

  /** Dials until every contact is settled (or `signal` aborts). */
  async run(dialer: Dialer, signal: AbortSignal): Promise<void> {
    const spacing = 1000 / this.#spec.policy.callsPerSecond;
    let last: number | undefined;
    while (!signal.aborted && this.#settled < this.#contacts.length) {
      const now = Date.now();
      let wake: number | undefined;
      for (;;) {
        if (last !== undefined && last + spacing > now) {
          wake = last + spacing;
          break;
        }
        if (this.#inFlight.size >= this.#spec.policy.maxConcurrent) break;
        const next = this.#due(now);
        if (next === undefined) break;
        if (typeof next === 'number') {
          wake = next;
          break;
        }
        this.#dial(dialer, next, now);
        last = now;
      }
      await this.#wait(wake === undefined ? 2 ** 31 - 1 : wake - Date.now(), signal);
    }
    this.#listener({ type: 'state-changed', campaignId: this.#spec.id, state: 'completed' });
  }

  #due(now: number): ContactState | number | undefined {
    const fresh = this.#fresh.pop();
    if (fresh) return fresh;
    const retry = this.#retries[0];
    if (!retry) return undefined;
    if (retry.nextAt > now) return retry.nextAt;
    return this.#retries.shift();
  }

  #dial(dialer: Dialer, state: ContactState, now: number): void {
    state.attempts += 1;
    state.status = 'active';
    const attemptId = `${this.#spec.id}.${state.seq}.${state.attempts}`;
    const record: AttemptRecord = {
      attemptId,
      campaignId: this.#spec.id,
      contactId: state.contact.id,
      phone: state.contact.phone,
      attempt: state.attempts,
      phase: 'dialling',
      dialledAt: now,
      result: {},
    };
    this.#inFlight.add(attemptId);
    this.#change(record);
    const parameter = dialParameters(this.#spec, state.contact, record);
    void dialer({
      campaign: this.#spec,
      contact: state.contact,
      attemptId,
      attempt: state.attempts,
      parameter,
    }).then(
      (reply) => {
        const now = this.#attempts.get(attemptId)!;
        if (now.phase === 'dialling')
          this.#change({ ...now, phase: 'ringing', callId: reply.callId });
      },
      (error: unknown) =>
        void this.callEnded(attemptId, {
          at: Date.now(),
          outcome: 'failed',
          reason: String(error).slice(0, 200),
        }),
    );
  }

  #change(record: AttemptRecord): void {
    this.#attempts.set(record.attemptId, record);
    this.#listener({ type: 'attempt-changed', campaignId: record.campaignId, attempt: record });
  }

  #wait(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.#kick = () => {};
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, Math.min(ms, 2 ** 31 - 1)));
      this.#kick = done;
      signal.addEventListener('abort', done, { once: true });
    });
  }
}
