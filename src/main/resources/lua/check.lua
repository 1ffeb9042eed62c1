-- Checks a code in one step: count the attempt first, compare in constant time (== on interned
-- strings, see lib.lua), consume on success.
-- KEYS: 1 verification
-- ARGV: 1 failure windows, 2 session hash candidates ('' or comma-separated),
--       3.. code hash candidates (one per configured secret)
local now = now_ms()
local v = redis.call('HMGET', KEYS[1], F.status, F.expires_at, F.attempts, F.max_attempts, F.code_hash,
  F.previous_code_hash, F.session_hash, F.recipient_hash, F.channel, F.purpose)
if not v[1] or tonumber(v[2]) <= now then return {'not-found'} end
if v[1] == 'failed' then return {'too-many-attempts', tonumber(v[2]) - now, v[9], v[10]} end
if v[1] ~= 'pending' then return {'not-found'} end

local fails = K.recipient_failures(K.prefix(KEYS[1]), v[8])
local wait, longest = window_wait(fails, now, ARGV[1])
if wait > 0 then return {'rate-limited', wait, 'recipient-failures', v[9], v[10]} end
local ma = tonumber(v[4])
if tonumber(v[3]) >= ma then
  redis.call('HSET', KEYS[1], F.status, 'failed', F.updated_at, num(now))
  return {'too-many-attempts', tonumber(v[2]) - now, v[9], v[10]}
end

local at = tonumber(v[3]) + 1
redis.call('HSET', KEYS[1], F.attempts, num(at), F.updated_at, num(now))
local session_ok = true
if v[7] then
  session_ok = false
  for s in string.gmatch(ARGV[2], '[^,]+') do
    if s == v[7] then session_ok = true end
  end
end
local code_ok = false
for i = 3, #ARGV do
  if ARGV[i] == v[5] or ARGV[i] == v[6] then code_ok = true end
end

if session_ok and code_ok then
  finish(KEYS[1], 'approved', now)
  return {'approved', num(now), redis.call('HGETALL', KEYS[1])}
end
window_add(fails, now, longest, KEYS[1] .. ':' .. at)
if at >= ma then finish(KEYS[1], 'failed', now) end
return {'incorrect', ma - at, v[9], v[10]}
