import type { ChainableCommander, Redis } from 'ioredis';
import { type CallRef, callKey, type LiveCall, type Retention } from './call-directory.js';
import { CALL_TTL_MS, type DirectoryKeys } from './redis-directory-keys.js';

/** What travels on the changes channel: a call as written, and the node that wrote it. */
export interface ChangeMessage {
  /** The node whose write it was (a node skips its own). */
  readonly origin: string;
  readonly call: LiveCall;
}

// KEYS: the call's hash, live, ended, its node's calls. ARGV: the call's JSON, startedAt,
// node, state, TTL ms, end time, most ended kept, oldest end kept, member (`<tenant>/<id>`),
// key prefix (a member's hash is `<prefix>call:<member>`), changes channel, message. A view
// older than the call stored (a replaced call) is dropped (0); else it is stored, indexed and
// published (1).
const PUT_CALL = `
local stored = redis.call('HGET', KEYS[1], 'startedAt')
if stored and tonumber(stored) > tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[1], 'json', ARGV[1], 'startedAt', ARGV[2], 'node', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
if ARGV[4] == 'closed' then
  redis.call('ZREM', KEYS[2], ARGV[9])
  redis.call('SREM', KEYS[4], ARGV[9])
  redis.call('ZADD', KEYS[3], ARGV[6], ARGV[9])
  local old = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', '(' .. ARGV[8])
  local count = redis.call('ZCARD', KEYS[3]) - #old - tonumber(ARGV[7])
  if count > 0 then
    for _, member in ipairs(redis.call('ZRANGE', KEYS[3], #old, #old + count - 1)) do
      table.insert(old, member)
    end
  end
  for _, member in ipairs(old) do
    redis.call('ZREM', KEYS[3], member)
    redis.call('DEL', ARGV[10] .. 'call:' .. member)
  end
else
  redis.call('ZREM', KEYS[3], ARGV[9])
  redis.call('ZADD', KEYS[2], ARGV[2], ARGV[9])
  redis.call('SADD', KEYS[4], ARGV[9])
end
redis.call('PUBLISH', ARGV[11], ARGV[12])
return 1
`;

// KEYS: the node's record, the set of nodes. ARGV: the record, its TTL ms, the node. Returns
// whether the record was there before (0: the node was new, or judged lost meanwhile).
const BEAT = `
local existed = redis.call('EXISTS', KEYS[1])
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('SADD', KEYS[2], ARGV[3])
return existed
`;

// KEYS: a node's record, the set of nodes, its calls. ARGV: the node. For a node whose record
// is gone and that is still in the set: takes it out and returns its live calls (so one
// caller only gets them); else nil.
const CLAIM_LOST_NODE = `
if redis.call('EXISTS', KEYS[1]) == 1 then return nil end
if redis.call('SREM', KEYS[2], ARGV[1]) == 0 then return nil end
local calls = redis.call('SMEMBERS', KEYS[3])
redis.call('DEL', KEYS[3])
return calls
`;

/** A Redis connection with the directory's scripts on it. */
type ScriptedRedis = Redis & {
  psrkitPutCall(...args: (string | number)[]): Promise<number>;
  psrkitBeat(...args: (string | number)[]): Promise<number>;
  psrkitClaimLostNode(...args: (string | number)[]): Promise<string[] | null>;
};
type ScriptedPipeline = ChainableCommander & {
  psrkitPutCall(...args: (string | number)[]): ChainableCommander;
};

/** A call as stored: its JSON and the node that holds (or held) it. */
export interface StoredCall {
  readonly call: LiveCall;
  readonly node: string;
}

/**
 * The directory's reads and writes on Redis, each one command or one script (atomic). Every
 * method rejects when Redis fails or is away; the directory decides what that means.
 */
export class RedisCallStore {
  private readonly redis: ScriptedRedis;

  constructor(
    redis: Redis,
    private readonly keys: DirectoryKeys,
    private readonly retention: Retention,
  ) {
    redis.defineCommand('psrkitPutCall', { numberOfKeys: 4, lua: PUT_CALL });
    redis.defineCommand('psrkitBeat', { numberOfKeys: 2, lua: BEAT });
    redis.defineCommand('psrkitClaimLostNode', { numberOfKeys: 3, lua: CLAIM_LOST_NODE });
    this.redis = redis as ScriptedRedis;
  }

  /**
   * Stores each call as `node` holds it (a live call for {@link CALL_TTL_MS}, an ended one
   * for the retention) and publishes it as written by `origin`, in one round trip.
   */
  async put(calls: readonly LiveCall[], node: string, origin: string): Promise<void> {
    const pipeline = this.redis.pipeline() as ScriptedPipeline;
    for (const call of calls) pipeline.psrkitPutCall(...this.putArgs(call, node, origin));
    const results = (await pipeline.exec()) ?? [];
    const failed = results.find(([error]) => error);
    if (failed) throw failed[0];
  }

  private putArgs(call: LiveCall, node: string, origin: string): (string | number)[] {
    const member = callKey(call);
    const ended = call.state === 'closed';
    const message: ChangeMessage = { origin, call };
    return [
      this.keys.call(call),
      this.keys.live,
      this.keys.ended,
      this.keys.nodeCalls(node),
      JSON.stringify(call),
      call.startedAt,
      node,
      call.state,
      ended ? this.retention.endedForMs : CALL_TTL_MS,
      call.end?.at ?? 0,
      this.retention.maxEnded,
      Date.now() - this.retention.endedForMs,
      member,
      this.keys.prefix,
      this.keys.changes,
      JSON.stringify(message),
    ];
  }

  /** The call stored under its tenant and id, with its node; undefined when there is none. */
  async get(ref: CallRef): Promise<StoredCall | undefined> {
    return this.getByMember(callKey(ref));
  }

  /** Every call stored (live, then ended); members whose hash expired are dropped from the sets. */
  async all(): Promise<StoredCall[]> {
    const [live, ended] = await Promise.all([
      this.redis.zrange(this.keys.live, 0, -1),
      this.redis.zrevrange(this.keys.ended, 0, -1),
    ]);
    const members = [...live, ...ended];
    if (members.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const member of members) pipeline.hmget(this.keys.callOf(member), 'json', 'node');
    const rows = (await pipeline.exec()) ?? [];
    const found: StoredCall[] = [];
    const expired: string[] = [];
    rows.forEach(([error, row], i) => {
      const [json, node] = (row as (string | null)[] | null) ?? [];
      if (!error && json && node) found.push({ call: JSON.parse(json) as LiveCall, node });
      else if (!error) expired.push(members[i]!);
    });
    if (expired.length > 0)
      await this.redis
        .multi()
        .zrem(this.keys.live, ...expired)
        .zrem(this.keys.ended, ...expired)
        .exec();
    return found;
  }

  /** Sets `node`'s record for its TTL; resolves whether it was there before the beat. */
  async beat(node: string, record: string, ttlMs: number): Promise<boolean> {
    return (
      (await this.redis.psrkitBeat(this.keys.node(node), this.keys.nodes, record, ttlMs, node)) ===
      1
    );
  }

  /** The nodes listed, each with its record (undefined: gone, its TTL passed). */
  async nodes(): Promise<{ node: string; record: string | undefined }[]> {
    const nodes = await this.redis.smembers(this.keys.nodes);
    if (nodes.length === 0) return [];
    const records = await this.redis.mget(...nodes.map((node) => this.keys.node(node)));
    return nodes.map((node, i) => ({ node, record: records[i] ?? undefined }));
  }

  /**
   * For a node whose record is gone: takes it out of the nodes and resolves its live calls,
   * to one caller only; undefined for a node alive, or claimed already.
   */
  async claimLostNode(node: string): Promise<StoredCall[] | undefined> {
    const members = await this.redis.psrkitClaimLostNode(
      this.keys.node(node),
      this.keys.nodes,
      this.keys.nodeCalls(node),
      node,
    );
    if (!members) return undefined;
    const calls = await Promise.all(members.map((member) => this.getByMember(member)));
    return calls.filter((call): call is StoredCall => call !== undefined);
  }

  private async getByMember(member: string): Promise<StoredCall | undefined> {
    const [json, node] = await this.redis.hmget(this.keys.callOf(member), 'json', 'node');
    return json && node ? { call: JSON.parse(json) as LiveCall, node } : undefined;
  }

  /** Takes `node` out: its record, its place in the set, its list of calls. */
  async leave(node: string): Promise<void> {
    await this.redis
      .multi()
      .del(this.keys.node(node), this.keys.nodeCalls(node))
      .srem(this.keys.nodes, node)
      .exec();
  }

  /** Publishes `message` on `channel`; resolves how many subscribers got it. */
  publish(channel: string, message: string): Promise<number> {
    return this.redis.publish(channel, message);
  }
}
