/**
 * Where the Redis engine keeps what, under one prefix (default `psrkit`). The layout lives
 * here only: Lua scripts get every key they touch as `KEYS`, never build one.
 *
 * - `P:campaigns` zset: campaign ids by creation time; `P:live` set: ids that may dial
 *   (scheduled, running, paused);
 * - `P:c:<id>` hash: spec (JSON), state, times and counters (`contacts`, `pending`, `active`,
 *   `settled`, `attempts`, `o:<outcome>`), `seq` (contacts) and `aseq` (attempts) counters;
 * - `P:c:<id>:k:<contactId>` hash: the contact, its `status`, `tries` and `nextAt`;
 * - `P:c:<id>:pending` zset: contacts waiting for an attempt, by when it is due;
 * - `P:c:<id>:attempts` zset: attempt ids in the order dialled;
 * - `P:a:<attemptId>` hash: one attempt (the record the results file is made of);
 * - `P:suppressed` set: the do-not-call list; `P:numbers` hash: phone → last dial (ms);
 * - `P:node:<nodeId>`: a live engine's heartbeat (expires when its process is gone);
 * - `P:events`: the pub/sub channel of every campaign's events;
 * - `P:q:<id>:*`: the campaign's BullMQ queue (BullMQ's own keys, prefix `P:q`).
 */
export interface RedisKeys {
  readonly campaigns: string;
  readonly live: string;
  readonly suppressed: string;
  readonly numbers: string;
  readonly channel: string;
  /** BullMQ's `prefix` option: the queue of campaign `id` lives under `<queuePrefix>:<id>`. */
  readonly queuePrefix: string;
  campaign(id: string): string;
  contact(id: string, contactId: string): string;
  pending(id: string): string;
  attempts(id: string): string;
  attempt(attemptId: string): string;
  node(nodeId: string): string;
}

/** The keys under `prefix`. */
export function redisKeys(prefix: string): RedisKeys {
  return {
    campaigns: `${prefix}:campaigns`,
    live: `${prefix}:live`,
    suppressed: `${prefix}:suppressed`,
    numbers: `${prefix}:numbers`,
    channel: `${prefix}:events`,
    queuePrefix: `${prefix}:q`,
    campaign: (id) => `${prefix}:c:${id}`,
    contact: (id, contactId) => `${prefix}:c:${id}:k:${contactId}`,
    pending: (id) => `${prefix}:c:${id}:pending`,
    attempts: (id) => `${prefix}:c:${id}:attempts`,
    attempt: (attemptId) => `${prefix}:a:${attemptId}`,
    node: (nodeId) => `${prefix}:node:${nodeId}`,
  };
}

/**
 * The id of a contact's `n`th attempt (as the embedded engine makes it): the campaign, the
 * contact's sequence number in it, the attempt. It is also the attempt's BullMQ job id, so
 * adding the same attempt twice is a no-op.
 */
export function attemptIdOf(campaignId: string, seq: number, n: number): string {
  return `${campaignId}.${seq}.${n}`;
}
