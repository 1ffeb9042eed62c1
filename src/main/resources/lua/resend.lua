-- Sends a new code for a pending verification; the previous code stays valid, older ones do not.
-- KEYS: 1 verification
-- ARGV: 1 send windows, 2 failure windows, 3 new code hash
local now = now_ms()
local v = redis.call('HMGET', KEYS[1], F.status, F.expires_at, F.next_resend_at, F.sends, F.max_sends,
  F.code_hash, F.previous_code_hash, F.recipient_hash, F.test_recipient, F.cooldown, F.id, F.send_times,
  F.created_at)
if v[1] ~= 'pending' or tonumber(v[2]) <= now then return {'not-found'} end
local prefix = K.prefix(KEYS[1])
local wait = window_wait(K.recipient_failures(prefix, v[8]), now, ARGV[2])
if wait > 0 then return {'rate-limited', wait, 'recipient-failures'} end
if tonumber(v[4]) >= tonumber(v[5]) then return {'max-sends', tonumber(v[2]) - now} end
if now < tonumber(v[3]) then return {'resend-too-soon', tonumber(v[3]) - now} end

local test = v[9] == '1'
local sn = tonumber(v[4]) + 1
local nr = now + tonumber(v[10]) * 2 ^ (sn - 1)
-- whole seconds after the create; a verification from before send times were kept had its first send then
local times = (v[12] or '0') .. ',' .. num(math.floor((now - tonumber(v[13])) / 1000))
if test then
  -- a test recipient keeps its fixed code and skips the recipient windows
  redis.call('HSET', KEYS[1], F.sends, sn, F.next_resend_at, num(nr), F.updated_at, num(now), F.send_times, times)
else
  if ct_equal(ARGV[3], v[6]) or ct_equal(ARGV[3], v[7]) then return {'same-code'} end
  local sends = K.recipient_sends(prefix, v[8])
  local longest
  wait, longest = window_wait(sends, now, ARGV[1])
  if wait > 0 then return {'rate-limited', wait, 'recipient-sends'} end
  -- the restore fields keep what a failed delivery must bring back (unsend.lua); a delivered send drops them
  redis.call('HSET', KEYS[1], F.sends, sn, F.next_resend_at, num(nr), F.updated_at, num(now), F.send_times, times,
    F.previous_code_hash, v[6],
    F.code_hash, ARGV[3], F.restore_code_hash, v[7] or '', F.restore_next_resend, v[3],
    F.delivery_status, 'queued', F.delivery_provider, '', F.delivery_attempts, '0', F.delivery_error, '')
  window_add(sends, now, longest, v[11] .. ':' .. sn)
end
return {'resent', num(now), redis.call('HGETALL', KEYS[1])}
