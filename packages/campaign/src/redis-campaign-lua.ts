import { luaScript } from './redis-script.js';

/**
 * Lua helper shared by the scripts that settle contacts: a running campaign whose contacts
 * are all settled becomes `completed`. Run inside a script, it is atomic with the settlement,
 * so exactly one caller (in whichever process) sees 1.
 */
export const COMPLETE_IF_DONE_LUA = `
local function completeIfDone(campaignKey, liveKey, id, at)
  if redis.call('HGET', campaignKey, 'state') ~= 'running' then return 0 end
  local counts = redis.call('HMGET', campaignKey, 'settled', 'contacts')
  if tonumber(counts[1] or '0') < tonumber(counts[2] or '0') then return 0 end
  redis.call('HSET', campaignKey, 'state', 'completed', 'endedAt', at)
  redis.call('SREM', liveKey, id)
  return 1
end
`;

/**
 * A new draft campaign. KEYS: campaign, campaigns. ARGV: id, spec JSON, now.
 * Returns 0 when the id is taken.
 */
export const CREATE_CAMPAIGN = luaScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'id', ARGV[1], 'spec', ARGV[2], 'state', 'draft', 'createdAt', ARGV[3],
  'contacts', 0, 'pending', 0, 'active', 0, 'settled', 0, 'attempts', 0, 'seq', 0, 'aseq', 0)
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
return 1
`);

/**
 * Contacts the campaign does not hold yet, each given the next sequence number and due at
 * once. KEYS: campaign, pending, then one contact key per contact. ARGV: 4 per contact (id,
 * phone, fields JSON, line). Returns the added ones as `[id, seq, …]`; -1 without a campaign.
 */
export const ADD_CONTACTS = luaScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local added = {}
for i = 3, #KEYS do
  local j = (i - 3) * 4
  if redis.call('EXISTS', KEYS[i]) == 0 then
    local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
    redis.call('HSET', KEYS[i], 'id', ARGV[j + 1], 'phone', ARGV[j + 2], 'fields', ARGV[j + 3],
      'line', ARGV[j + 4], 'seq', seq, 'status', 'pending', 'tries', 0, 'nextAt', 0)
    redis.call('ZADD', KEYS[2], 0, ARGV[j + 1])
    added[#added + 1] = ARGV[j + 1]
    added[#added + 1] = seq
  end
end
redis.call('HINCRBY', KEYS[1], 'contacts', #added / 2)
redis.call('HINCRBY', KEYS[1], 'pending', #added / 2)
return added
`);

/**
 * Compare-and-set of a campaign's state (the moves themselves are `nextState`'s, in
 * TypeScript). KEYS: campaign, live. ARGV: expected state, new state, now, start time (''
 * keeps it), id. Returns 0 when the state was no longer the expected one.
 */
export const MOVE_STATE = luaScript(`
if redis.call('HGET', KEYS[1], 'state') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'state', ARGV[2])
if ARGV[4] ~= '' then redis.call('HSET', KEYS[1], 'startAt', ARGV[4]) end
if ARGV[2] == 'completed' or ARGV[2] == 'cancelled' then
  redis.call('HSET', KEYS[1], 'endedAt', ARGV[3])
  redis.call('SREM', KEYS[2], ARGV[5])
else
  redis.call('SADD', KEYS[2], ARGV[5])
end
return 1
`);

/** Completes a running campaign with nothing left. KEYS: campaign, live. ARGV: id, now. */
export const COMPLETE_CAMPAIGN = luaScript(`${COMPLETE_IF_DONE_LUA}
return completeIfDone(KEYS[1], KEYS[2], ARGV[1], ARGV[2])
`);
