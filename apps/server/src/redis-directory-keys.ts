import { type CallRef, callKey } from './call-directory.js';

/**
 * Where the Redis call directory keeps things. Every key carries one hash tag
 * (`{psrkit:calls}`): the scripts that touch several keys would find them in one slot.
 * - `…:call:<tenant>/<id>`: a hash (`json`: the call as listed, `startedAt`, `node`), with a
 *   TTL: {@link CALL_TTL_MS} while live (refreshed by its node), the retention once ended;
 * - `…:live`: a sorted set of live calls (`<tenant>/<id>` by start time); `…:ended`: of
 *   ended ones (by end time, the oldest dropped past the retention);
 * - `…:nodes`: the set of nodes; `…:node:<node>`: a node's record (JSON), which lives
 *   {@link NODE_TTL_MS} unless its node beats; `…:node:<node>:calls`: the live calls it holds;
 * - channels `…:changes` (every change, as a {@link ChangeMessage}), `…:node:<node>:commands`
 *   and `…:node:<node>:replies` (commands to the node that holds a call, and their answers).
 */
export interface DirectoryKeys {
  /** Every key starts with it (`{psrkit:calls}:`). */
  readonly prefix: string;
  call(call: CallRef): string;
  /** A call's hash from its member of the sets (`<tenant>/<id>`, see `callKey`). */
  callOf(member: string): string;
  readonly live: string;
  readonly ended: string;
  readonly nodes: string;
  node(node: string): string;
  nodeCalls(node: string): string;
  readonly changes: string;
  commands(node: string): string;
  replies(node: string): string;
}

/** The key layout under `name` (default `psrkit:calls`). */
export function directoryKeys(name = 'psrkit:calls'): DirectoryKeys {
  const prefix = `{${name}}:`;
  return {
    prefix,
    call: (call) => `${prefix}call:${callKey(call)}`,
    callOf: (member) => `${prefix}call:${member}`,
    live: `${prefix}live`,
    ended: `${prefix}ended`,
    nodes: `${prefix}nodes`,
    node: (node) => `${prefix}node:${node}`,
    nodeCalls: (node) => `${prefix}node:${node}:calls`,
    changes: `${prefix}changes`,
    commands: (node) => `${prefix}node:${node}:commands`,
    replies: (node) => `${prefix}node:${node}:replies`,
  };
}

/** How often a node refreshes its record (and judges the others'). */
export const HEARTBEAT_MS = 1000;
/**
 * How long a node's record lives without a beat: a node that dies (or loses Redis) is
 * judged lost this long after its last beat, and within one more beat another node ends its
 * calls (`node-lost`) — within about 6 s in all.
 */
export const NODE_TTL_MS = 5000;
/** A live call's hash lives this long unless its node refreshes it (every third of it). */
export const CALL_TTL_MS = 60_000;
/** How long a command may wait for the node that holds the call. */
export const RELAY_TIMEOUT_MS = 5000;
/** How long one Redis command may take before it counts as failed (Redis slow). */
export const REDIS_COMMAND_TIMEOUT_MS = 2000;
/** How often a node reads the whole directory again, beside what pub/sub brings. */
export const RESYNC_MS = 30_000;
