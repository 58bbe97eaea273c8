import { COMPLETE_IF_DONE_LUA } from './redis-campaign-lua.js';
import { luaScript } from './redis-script.js';

/**
 * Takes a contact's `n`th attempt right before its dial, in one step: the campaign must be
 * running, the contact waiting for exactly this attempt and due, its number neither on the
 * do-not-call list nor dialled within the minimum gap. Then the attempt's record is written
 * (`dialling`, with the caller's nonce), the contact turns `active`, the number's last dial
 * and the counters move. A record that exists already is never written again: that is what
 * makes a dial happen once however often its job runs.
 *
 * KEYS: attempt, campaign, contact, pending, attempts, suppressed, numbers, live.
 * ARGV: attempt id, campaign id, contact id, n, nonce, now, min gap ms, node id.
 * Returns `{'dial'}` (the caller dials; also when the record is the caller's own, as when a
 * reply was lost to a reconnect and the command sent again), `{'exists'}` (another run took
 * it), `{'state', state}`, `{'stale'}` (not this contact's next attempt), `{'later', at}`
 * (not due yet, or the number's gap), `{'suppressed', completed}`.
 */
export const CLAIM_ATTEMPT = luaScript(`${COMPLETE_IF_DONE_LUA}
local owner = redis.call('HGET', KEYS[1], 'nonce')
if owner then
  if owner == ARGV[5] then return {'dial'} end
  return {'exists'}
end
local state = redis.call('HGET', KEYS[2], 'state')
if state ~= 'running' then return {'state', state or 'missing'} end
local contact = redis.call('HMGET', KEYS[3], 'status', 'tries', 'phone', 'nextAt')
local n = tonumber(ARGV[4])
if contact[1] ~= 'pending' or tonumber(contact[2]) ~= n - 1 then return {'stale'} end
local now = tonumber(ARGV[6])
if tonumber(contact[4]) > now then return {'later', contact[4]} end
local phone = contact[3]
local suppressed = redis.call('SISMEMBER', KEYS[6], phone) == 1
if not suppressed and tonumber(ARGV[7]) > 0 then
  local last = tonumber(redis.call('HGET', KEYS[7], phone) or '')
  if last and last + tonumber(ARGV[7]) > now then
    local at = last + tonumber(ARGV[7])
    redis.call('HSET', KEYS[3], 'nextAt', at)
    redis.call('ZADD', KEYS[4], at, ARGV[3])
    return {'later', tostring(at)}
  end
end
redis.call('ZADD', KEYS[5], redis.call('HINCRBY', KEYS[2], 'aseq', 1), ARGV[1])
redis.call('ZREM', KEYS[4], ARGV[3])
redis.call('HINCRBY', KEYS[2], 'pending', -1)
redis.call('HINCRBY', KEYS[2], 'attempts', 1)
redis.call('HSET', KEYS[1], 'campaignId', ARGV[2], 'contactId', ARGV[3], 'phone', phone, 'n', n,
  'dialledAt', ARGV[6], 'result', '{}', 'nonce', ARGV[5], 'node', ARGV[8])
if suppressed then
  redis.call('HSET', KEYS[1], 'phase', 'ended', 'endedAt', ARGV[6], 'outcome', 'suppressed',
    'reason', 'on the do-not-call list')
  redis.call('HSET', KEYS[3], 'status', 'settled', 'tries', n, 'final', 'suppressed')
  redis.call('HINCRBY', KEYS[2], 'settled', 1)
  redis.call('HINCRBY', KEYS[2], 'o:suppressed', 1)
  return {'suppressed', completeIfDone(KEYS[2], KEYS[8], ARGV[2], ARGV[6])}
end
redis.call('HSET', KEYS[1], 'phase', 'dialling')
redis.call('HSET', KEYS[3], 'status', 'active', 'tries', n)
redis.call('HINCRBY', KEYS[2], 'active', 1)
redis.call('HSET', KEYS[7], phone, ARGV[6])
return {'dial'}
`);

/**
 * create-stream answered: the call's ids, and `ringing` unless the call reached the bot (or
 * ended) first. KEYS: attempt. ARGV: call id, recording URL, full recording URL ('' = none).
 */
export const MARK_RINGING = luaScript(`
local phase = redis.call('HGET', KEYS[1], 'phase')
if not phase then return 0 end
redis.call('HSET', KEYS[1], 'callId', ARGV[1])
if ARGV[2] ~= '' then redis.call('HSET', KEYS[1], 'recordingUrl', ARGV[2]) end
if ARGV[3] ~= '' then redis.call('HSET', KEYS[1], 'fullRecordingUrl', ARGV[3]) end
if phase == 'dialling' then redis.call('HSET', KEYS[1], 'phase', 'ringing') end
return 1
`);

/**
 * The call reached a bot: `answered`, by the node whose server holds it. A call that comes
 * after its ring timeout (the attempt ended `no-answer` or `unknown`, never answered) is
 * taken back in flight: the person is on the line. Its contact, unless a later attempt was
 * dialled meanwhile, is active again and its retry dropped.
 * KEYS: attempt, campaign, contact, pending. ARGV: at, node id, contact id.
 * Returns 1 (answered), 2 (taken back), or 0 (not in flight, nor a late call).
 */
export const MARK_ANSWERED = luaScript(`
local a = redis.call('HMGET', KEYS[1], 'phase', 'outcome', 'answeredAt', 'n')
if a[1] == 'dialling' or a[1] == 'ringing' then
  redis.call('HSET', KEYS[1], 'phase', 'answered', 'answeredAt', ARGV[1], 'answeredBy', ARGV[2])
  return 1
end
if a[1] ~= 'ended' or (a[2] ~= 'no-answer' and a[2] ~= 'unknown') or a[3] then return 0 end
redis.call('HSET', KEYS[1], 'phase', 'answered', 'answeredAt', ARGV[1], 'answeredBy', ARGV[2])
redis.call('HDEL', KEYS[1], 'endedAt', 'outcome', 'reason', 'verdict')
redis.call('HINCRBY', KEYS[2], 'o:' .. a[2], -1)
redis.call('HINCRBY', KEYS[2], 'active', 1)
local contact = redis.call('HMGET', KEYS[3], 'status', 'tries')
if tonumber(contact[2]) == tonumber(a[4]) then
  if contact[1] == 'pending' then
    redis.call('HINCRBY', KEYS[2], 'pending', -1)
    redis.call('ZREM', KEYS[4], ARGV[3])
  elseif contact[1] == 'settled' then
    redis.call('HINCRBY', KEYS[2], 'settled', -1)
    redis.call('HDEL', KEYS[3], 'final')
  end
  redis.call('HSET', KEYS[3], 'status', 'active')
end
return 2
`);

/**
 * Ends an attempt in flight and moves its contact as the policy decided (the caller computed
 * it: it depends only on the policy, the outcome and the attempt's number) — unless a later
 * attempt of the contact was dialled meanwhile (a call taken back after its ring timeout) —
 * then completes the campaign if nothing is left. KEYS: attempt, campaign, contact, pending,
 * live. ARGV: at, outcome, reason, verdict ('' = none), result JSON, retry ('1'/'0'), next
 * time, campaign id, contact id. Returns `{settled, completed}` (0/1 each).
 */
export const SETTLE_ATTEMPT = luaScript(`${COMPLETE_IF_DONE_LUA}
local a = redis.call('HMGET', KEYS[1], 'phase', 'n')
if not a[1] or a[1] == 'ended' then return {0, 0} end
redis.call('HSET', KEYS[1], 'phase', 'ended', 'endedAt', ARGV[1], 'outcome', ARGV[2],
  'reason', ARGV[3], 'result', ARGV[5])
if ARGV[4] ~= '' then redis.call('HSET', KEYS[1], 'verdict', ARGV[4]) end
redis.call('HINCRBY', KEYS[2], 'active', -1)
redis.call('HINCRBY', KEYS[2], 'o:' .. ARGV[2], 1)
if tonumber(redis.call('HGET', KEYS[3], 'tries')) ~= tonumber(a[2]) then return {1, 0} end
if ARGV[6] == '1' then
  redis.call('HSET', KEYS[3], 'status', 'pending', 'nextAt', ARGV[7])
  redis.call('ZADD', KEYS[4], ARGV[7], ARGV[9])
  redis.call('HINCRBY', KEYS[2], 'pending', 1)
else
  redis.call('HSET', KEYS[3], 'status', 'settled', 'final', ARGV[2])
  redis.call('HINCRBY', KEYS[2], 'settled', 1)
end
return {1, completeIfDone(KEYS[2], KEYS[5], ARGV[8], ARGV[1])}
`);
