import type { Redis } from 'ioredis';
import type { CampaignEvent } from './campaign-engine.js';
import type { Clock } from './clock.js';
import type { RedisErrorReporter } from './redis-connection.js';

/** What travels on the channel: an event, or a nudge to look at a campaign again. */
interface Envelope {
  /** The engine that sent it (it told its own listeners already). */
  readonly origin: string;
  readonly event?: CampaignEvent;
  /** A campaign whose contacts or jobs changed: supervisors look at it again. */
  readonly kick?: string;
}

type Listener<T> = (value: T) => void;

/** What a bus is made of. */
export interface EventBusParts {
  /** The engine's command connection. */
  readonly publisher: Redis;
  /** A connection of the bus's own (a subscribed connection can do nothing else). */
  readonly subscriber: Redis;
  readonly channel: string;
  /** This engine's id. */
  readonly origin: string;
  readonly clock: Clock;
  readonly report: RedisErrorReporter;
}

/**
 * Every campaign's events across processes, over one Redis pub/sub channel. An engine tells
 * its own listeners at once (in order, before it publishes) and skips its own messages when
 * they come back. Pub/sub is at-most-once: a message sent while a subscriber is reconnecting
 * is lost, so nothing waits on it alone (a waiting job also polls its attempt).
 */
export class RedisEventBus {
  readonly #publisher: Redis;
  readonly #subscriber: Redis;
  readonly #channel: string;
  readonly #origin: string;
  readonly #clock: Clock;
  readonly #report: RedisErrorReporter;
  readonly #listeners = new Set<Listener<CampaignEvent>>();
  readonly #kicks = new Set<Listener<string>>();
  readonly #waiters = new Map<string, Set<() => void>>();

  private constructor(parts: EventBusParts) {
    this.#publisher = parts.publisher;
    this.#subscriber = parts.subscriber;
    this.#channel = parts.channel;
    this.#origin = parts.origin;
    this.#clock = parts.clock;
    this.#report = parts.report;
  }

  /** Subscribes `subscriber` (a connection of its own) to `channel`; resolves once subscribed. */
  static async open(parts: EventBusParts): Promise<RedisEventBus> {
    const bus = new RedisEventBus(parts);
    parts.subscriber.on('message', (channel: string, message: string) => {
      if (channel === parts.channel) bus.#receive(message);
    });
    // Not before it is ready: ioredis would send SUBSCRIBE during its handshake, and its own
    // ready check (INFO) would then fail on a connection in subscriber mode.
    if (parts.subscriber.status !== 'ready')
      await new Promise((resolve) => parts.subscriber.once('ready', resolve));
    await parts.subscriber.subscribe(parts.channel);
    return bus;
  }

  /** Tells this engine's listeners, then every other engine's. */
  async emit(event: CampaignEvent): Promise<void> {
    this.#deliver(event);
    await this.#publish({ origin: this.#origin, event });
  }

  /** Asks every engine's supervisor (this one's included) to look at a campaign again. */
  async kick(campaignId: string): Promise<void> {
    this.#deliverKick(campaignId);
    await this.#publish({ origin: this.#origin, kick: campaignId });
  }

  watch(listener: Listener<CampaignEvent>): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  onKick(listener: Listener<string>): () => void {
    this.#kicks.add(listener);
    return () => void this.#kicks.delete(listener);
  }

  /** Resolves when the attempt changes (as far as this engine hears), after `ms`, or on abort. */
  async changed(attemptId: string, ms: number, signal: AbortSignal): Promise<void> {
    const woken = new AbortController();
    const wake = () => woken.abort();
    const waiters = this.#waiters.get(attemptId) ?? new Set();
    this.#waiters.set(attemptId, waiters.add(wake));
    signal.addEventListener('abort', wake, { once: true });
    try {
      await this.#clock.wait(ms, woken.signal);
    } finally {
      signal.removeEventListener('abort', wake);
      waiters.delete(wake);
      if (waiters.size === 0) this.#waiters.delete(attemptId);
    }
  }

  async close(): Promise<void> {
    this.#listeners.clear();
    this.#kicks.clear();
    for (const waiters of this.#waiters.values()) for (const wake of waiters) wake();
    await this.#subscriber.quit().catch(() => this.#subscriber.disconnect());
  }

  async #publish(envelope: Envelope): Promise<void> {
    await this.#publisher.publish(this.#channel, JSON.stringify(envelope));
  }

  #receive(message: string): void {
    let envelope: Envelope;
    try {
      envelope = JSON.parse(message) as Envelope;
    } catch (error) {
      this.#report(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    if (envelope.origin === this.#origin) return;
    if (envelope.event) this.#deliver(envelope.event);
    if (envelope.kick) this.#deliverKick(envelope.kick);
  }

  #deliver(event: CampaignEvent): void {
    if (event.type === 'attempt-changed')
      for (const wake of this.#waiters.get(event.attempt.attemptId) ?? []) wake();
    for (const listener of [...this.#listeners]) this.#call(listener, event);
  }

  #deliverKick(campaignId: string): void {
    for (const listener of [...this.#kicks]) this.#call(listener, campaignId);
  }

  #call<T>(listener: Listener<T>, value: T): void {
    try {
      listener(value);
    } catch (error) {
      this.#report(error instanceof Error ? error : new Error(String(error)));
    }
  }
}
