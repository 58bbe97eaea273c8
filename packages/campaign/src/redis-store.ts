import type { Redis } from 'ioredis';
import type { CampaignInfo, CampaignSpec, CampaignState } from './campaign-engine.js';
import type { Contact } from './campaign-types.js';
import { CampaignError } from './errors.js';
import { type LifecycleCommand, nextState } from './lifecycle.js';
import {
  ADD_CONTACTS,
  COMPLETE_CAMPAIGN,
  CREATE_CAMPAIGN,
  MOVE_STATE,
} from './redis-campaign-lua.js';
import type { RedisKeys } from './redis-keys.js';
import { campaignFromHash, contactFromHash, type StoredContact } from './redis-records.js';
import { runScript } from './redis-script.js';

/** Contacts per script call: one import never blocks Redis for long. */
const CONTACT_CHUNK = 500;
/** Campaigns or contacts read per pipeline. */
const PAGE = 500;

/** A contact the store has just taken in. */
export interface AddedContact {
  readonly contactId: string;
  readonly seq: number;
}

/** A contact waiting for an attempt: which one, and when. */
export interface PendingContact {
  readonly contactId: string;
  readonly seq: number;
  /** The attempt it waits for (1 for the first). */
  readonly attempt: number;
  readonly at: number;
}

const notFound = (id: string) =>
  new CampaignError('NOT_FOUND', `no campaign ${JSON.stringify(id)}`, { path: 'id' });

/**
 * The Redis engine's campaigns and contacts (see `RedisKeys` for the layout). Every change
 * is one Lua script, so processes sharing the Redis never see half of one. A campaign's spec
 * never changes once stored, so it is read once per process.
 */
export class RedisCampaignStore {
  readonly #redis: Redis;
  readonly #keys: RedisKeys;
  readonly #specs = new Map<string, CampaignSpec>();

  constructor(redis: Redis, keys: RedisKeys) {
    this.#redis = redis;
    this.#keys = keys;
  }

  /** @throws {CampaignError} `INVALID_STATE` when the id is taken */
  async create(spec: CampaignSpec, now: number): Promise<void> {
    const k = this.#keys;
    const made = await runScript(
      this.#redis,
      CREATE_CAMPAIGN,
      [k.campaign(spec.id), k.campaigns],
      [spec.id, JSON.stringify(spec), now],
    );
    if (made !== 1)
      throw new CampaignError('INVALID_STATE', `campaign ${spec.id} exists already`, {
        path: 'id',
      });
  }

  /** Takes in the contacts whose ids the campaign does not hold, a chunk per script. */
  async addContacts(id: string, contacts: readonly Contact[]): Promise<AddedContact[]> {
    const k = this.#keys;
    const added: AddedContact[] = [];
    for (let i = 0; i === 0 || i < contacts.length; i += CONTACT_CHUNK) {
      const chunk = contacts.slice(i, i + CONTACT_CHUNK);
      const reply = await runScript(
        this.#redis,
        ADD_CONTACTS,
        [k.campaign(id), k.pending(id), ...chunk.map((c) => k.contact(id, c.id))],
        chunk.flatMap((c) => [c.id, c.phone, JSON.stringify(c.fields), c.line]),
      );
      if (reply === -1) throw notFound(id);
      const pairs = reply as (string | number)[];
      for (let j = 0; j < pairs.length; j += 2)
        added.push({ contactId: String(pairs[j]), seq: Number(pairs[j + 1]) });
    }
    return added;
  }

  async campaign(id: string): Promise<CampaignInfo | undefined> {
    return campaignFromHash(await this.#redis.hgetall(this.#keys.campaign(id)));
  }

  /** Every campaign, oldest first. */
  async campaigns(): Promise<CampaignInfo[]> {
    const ids = await this.#redis.zrange(this.#keys.campaigns, 0, -1);
    const out: CampaignInfo[] = [];
    for (let i = 0; i < ids.length; i += PAGE) {
      const pipeline = this.#redis.pipeline();
      for (const id of ids.slice(i, i + PAGE)) pipeline.hgetall(this.#keys.campaign(id));
      for (const [error, hash] of (await pipeline.exec()) ?? []) {
        if (error) throw error;
        const info = campaignFromHash(hash as Record<string, string>);
        if (info) out.push(info);
      }
    }
    return out;
  }

  /** @throws {CampaignError} `NOT_FOUND` */
  async spec(id: string): Promise<CampaignSpec> {
    const known = this.#specs.get(id);
    if (known) return known;
    const info = await this.campaign(id);
    if (!info) throw notFound(id);
    this.#specs.set(id, info.spec);
    return info.spec;
  }

  /** Ids of the campaigns that may dial: scheduled, running, paused. */
  liveIds(): Promise<string[]> {
    return this.#redis.smembers(this.#keys.live);
  }

  /**
   * Moves a campaign through its lifecycle (`nextState` decides; a compare-and-set applies,
   * read again if another process moved it meanwhile). Returns the new state.
   * @throws {CampaignError} `NOT_FOUND`, `INVALID_STATE`
   */
  async move(
    id: string,
    command: LifecycleCommand,
    now: number,
    startAt?: number,
  ): Promise<CampaignState> {
    const k = this.#keys;
    for (;;) {
      const state = (await this.#redis.hget(k.campaign(id), 'state')) as CampaignState | null;
      if (state === null) throw notFound(id);
      const next = nextState(state, command, id);
      const start = command === 'schedule' ? startAt : command === 'start' ? now : undefined;
      const moved = await runScript(
        this.#redis,
        MOVE_STATE,
        [k.campaign(id), k.live],
        [state, next, now, start ?? '', id],
      );
      if (moved === 1) return next;
    }
  }

  /** Completes a running campaign with every contact settled; true when this call did. */
  async completeIfDone(id: string, now: number): Promise<boolean> {
    const k = this.#keys;
    return (
      (await runScript(this.#redis, COMPLETE_CAMPAIGN, [k.campaign(id), k.live], [id, now])) === 1
    );
  }

  /** A contact and where its attempts are. */
  async contact(id: string, contactId: string): Promise<StoredContact | undefined> {
    return contactFromHash(await this.#redis.hgetall(this.#keys.contact(id, contactId)));
  }

  /** Every contact waiting for an attempt, soonest first. */
  async pending(id: string): Promise<PendingContact[]> {
    const ids = await this.#redis.zrange(this.#keys.pending(id), 0, -1);
    const out: PendingContact[] = [];
    for (let i = 0; i < ids.length; i += PAGE) {
      const pipeline = this.#redis.pipeline();
      for (const contactId of ids.slice(i, i + PAGE))
        pipeline.hmget(this.#keys.contact(id, contactId), 'seq', 'tries', 'nextAt', 'status');
      const rows = (await pipeline.exec()) ?? [];
      rows.forEach(([error, row], j) => {
        if (error) throw error;
        const [seq, tries, nextAt, status] = row as (string | null)[];
        if (status !== 'pending') return;
        const contactId = ids[i + j] as string;
        out.push({ contactId, seq: Number(seq), attempt: Number(tries) + 1, at: Number(nextAt) });
      });
    }
    return out;
  }

  /** How many contacts wait for an attempt. */
  async pendingCount(id: string): Promise<number> {
    return this.#redis.zcard(this.#keys.pending(id));
  }

  async suppress(phones: readonly string[]): Promise<void> {
    for (let i = 0; i < phones.length; i += CONTACT_CHUNK)
      await this.#redis.sadd(this.#keys.suppressed, ...phones.slice(i, i + CONTACT_CHUNK));
  }
}
