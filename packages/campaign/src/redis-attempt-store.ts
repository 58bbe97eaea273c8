import type { Redis } from 'ioredis';
import type { CallEndReport, CampaignState, DialReply } from './campaign-engine.js';
import type { AttemptRecord } from './campaign-types.js';
import { CLAIM_ATTEMPT, MARK_ANSWERED, MARK_RINGING, SETTLE_ATTEMPT } from './redis-attempt-lua.js';
import { attemptIdOf, type RedisKeys } from './redis-keys.js';
import { attemptFromHash, type StoredAttempt } from './redis-records.js';
import { runScript } from './redis-script.js';
import type { NextAttempt } from './retry-policy.js';

/** Attempts read per pipeline when listing. */
const PAGE = 500;

/** What is asked to take an attempt: whose, which, and the limits to check. */
export interface ClaimRequest {
  readonly campaignId: string;
  readonly contactId: string;
  readonly seq: number;
  readonly attempt: number;
  /** Unique to this run of the attempt's job. */
  readonly nonce: string;
  readonly now: number;
  readonly minGapMs: number;
}

/** What taking an attempt came to (see `CLAIM_ATTEMPT`). */
export type ClaimResult =
  | { readonly kind: 'dial' }
  | { readonly kind: 'exists' }
  | { readonly kind: 'state'; readonly state: CampaignState | 'missing' }
  | { readonly kind: 'stale' }
  | { readonly kind: 'later'; readonly at: number }
  | { readonly kind: 'suppressed'; readonly completed: boolean };

/** What settling an attempt came to. */
export interface SettleResult {
  readonly settled: boolean;
  /** This settlement completed the campaign. */
  readonly completed: boolean;
}

/**
 * The Redis engine's attempts: each change one Lua script, so whichever process reports a
 * call (the one that dialled it, the one whose server holds it, a job run again after a
 * crash), the record moves once: `dialling → ringing → answered → ended`.
 */
export class RedisAttemptStore {
  readonly #redis: Redis;
  readonly #keys: RedisKeys;
  /** This engine's id: recorded as the dialling and the answering node. */
  readonly #node: string;

  constructor(redis: Redis, keys: RedisKeys, node: string) {
    this.#redis = redis;
    this.#keys = keys;
    this.#node = node;
  }

  async get(attemptId: string): Promise<StoredAttempt | undefined> {
    return attemptFromHash(attemptId, await this.#redis.hgetall(this.#keys.attempt(attemptId)));
  }

  async claim(request: ClaimRequest): Promise<ClaimResult> {
    const k = this.#keys;
    const { campaignId: id, contactId } = request;
    const attemptId = attemptIdOf(id, request.seq, request.attempt);
    const reply = (await runScript(
      this.#redis,
      CLAIM_ATTEMPT,
      [
        k.attempt(attemptId),
        k.campaign(id),
        k.contact(id, contactId),
        k.pending(id),
        k.attempts(id),
        k.suppressed,
        k.numbers,
        k.live,
      ],
      [
        attemptId,
        id,
        contactId,
        request.attempt,
        request.nonce,
        request.now,
        request.minGapMs,
        this.#node,
      ],
    )) as [string, (string | number)?];
    const [kind, detail] = reply;
    switch (kind) {
      case 'state':
        return { kind, state: String(detail) as CampaignState | 'missing' };
      case 'later':
        return { kind, at: Number(detail) };
      case 'suppressed':
        return { kind, completed: Number(detail) === 1 };
      default:
        return { kind: kind as 'dial' | 'exists' | 'stale' };
    }
  }

  /** create-stream answered; false for an unknown attempt. */
  async ringing(attemptId: string, reply: DialReply): Promise<boolean> {
    const changed = await runScript(
      this.#redis,
      MARK_RINGING,
      [this.#keys.attempt(attemptId)],
      [reply.callId, reply.recordingUrl ?? '', reply.fullRecordingUrl ?? ''],
    );
    return changed === 1;
  }

  /**
   * The call reached this engine's bot: `answered` (it was dialling or ringing), `taken-back`
   * (it came after its ring timeout: see `MARK_ANSWERED`), or undefined.
   */
  async answered(attemptId: string, at: number): Promise<'answered' | 'taken-back' | undefined> {
    const stored = await this.get(attemptId);
    if (!stored) return undefined;
    const k = this.#keys;
    const { campaignId: id, contactId } = stored.record;
    const reply = await runScript(
      this.#redis,
      MARK_ANSWERED,
      [k.attempt(attemptId), k.campaign(id), k.contact(id, contactId), k.pending(id)],
      [at, this.#node, contactId],
    );
    return reply === 1 ? 'answered' : reply === 2 ? 'taken-back' : undefined;
  }

  /** Ends the attempt and moves its contact as `next` says. */
  async settle(
    attempt: AttemptRecord,
    end: CallEndReport,
    next: NextAttempt,
  ): Promise<SettleResult> {
    const k = this.#keys;
    const id = attempt.campaignId;
    const reply = (await runScript(
      this.#redis,
      SETTLE_ATTEMPT,
      [
        k.attempt(attempt.attemptId),
        k.campaign(id),
        k.contact(id, attempt.contactId),
        k.pending(id),
        k.live,
      ],
      [
        end.at,
        end.outcome,
        end.reason,
        end.verdict ?? '',
        JSON.stringify(end.result ?? {}),
        next.retry ? '1' : '0',
        next.retry ? next.at : end.at,
        id,
        attempt.contactId,
      ],
    )) as [number, number];
    return { settled: reply[0] === 1, completed: reply[1] === 1 };
  }

  /** Every attempt of a campaign in the order dialled, a page at a time. */
  async *list(campaignId: string): AsyncGenerator<AttemptRecord> {
    const key = this.#keys.attempts(campaignId);
    for (let start = 0; ; start += PAGE) {
      const ids = await this.#redis.zrange(key, start, start + PAGE - 1);
      const pipeline = this.#redis.pipeline();
      for (const attemptId of ids) pipeline.hgetall(this.#keys.attempt(attemptId));
      const rows = ids.length > 0 ? ((await pipeline.exec()) ?? []) : [];
      for (const [i, [error, hash]] of rows.entries()) {
        if (error) throw error;
        const stored = attemptFromHash(ids[i] as string, hash as Record<string, string>);
        if (stored) yield stored.record;
      }
      if (ids.length < PAGE) return;
    }
  }
}
