-- Takes back a send that no provider confirmed. A first send cancels its verification; a resend
-- restores the previous codes and cooldown, unless it may have arrived ('counted').
-- KEYS: 1 verification
-- ARGV: 1 send number, 2 provider, 3 attempts, 4 last error, 5 mode:
--   'uncounted' no provider took it: it leaves the recipient's send log and the verification's sends;
--   'counted'   a provider may have taken it (a call timed out): it stays counted everywhere, and a
--               resend's codes and cooldown stay as they are (a first send still cancels);
--   'forget'    no provider was even tried (every circuit open): like 'uncounted', and a first send's
--               verification is deleted rather than canceled, so nothing of the request is stored
local v = redis.call('HMGET', KEYS[1], F.status, F.sends, F.previous_code_hash, F.restore_code_hash,
  F.restore_next_resend, F.recipient_hash, F.purpose, F.id, F.send_times)
if not v[2] or v[2] ~= ARGV[1] then return 0 end
local now = now_ms()
local prefix = K.prefix(KEYS[1])
local counted = ARGV[5] == 'counted'
-- the recipient's live pointer, when it still names this verification
local function drop_live()
  local live = K.live_pointer(prefix, v[6], v[7])
  if redis.call('GET', live) == v[8] then redis.call('DEL', live) end
end
if not counted then
  redis.call('ZREM', K.recipient_sends(prefix, v[6]), v[8] .. ':' .. ARGV[1])
end
if ARGV[5] == 'forget' and ARGV[1] == '1' then
  if v[1] ~= 'pending' then return 0 end
  drop_live()
  redis.call('DEL', KEYS[1])
  return 1
end
local fields = {F.delivery_status, 'failed', F.delivery_provider, ARGV[2], F.delivery_attempts, ARGV[3],
  F.delivery_error, ARGV[4], F.updated_at, num(now)}
if not counted then
  -- the send's time goes with it (the last one: only the current send is ever taken back)
  fields[#fields + 1] = F.send_times
  fields[#fields + 1] = string.match(v[9] or '', '^(.*),[^,]*$') or ''
end
redis.call('HSET', KEYS[1], unpack(fields))
-- a receipt that came while the send was in flight was about an attempt that did not go through
redis.call('HDEL', KEYS[1], F.early_receipt)
if v[1] ~= 'pending' then return 0 end
if ARGV[1] == '1' then
  finish(KEYS[1], 'canceled', now)
  drop_live()
  return 1
end
if counted then
  -- a resend that may arrive stands as if it went out: its code and the previous one stay valid, and
  -- the cooldown it started stays; only the means to take it back go
  redis.call('HDEL', KEYS[1], F.restore_code_hash, F.restore_next_resend)
  return 1
end
redis.call('HSET', KEYS[1], F.sends, num(tonumber(ARGV[1]) - 1))
-- only delivery.lua's report of a send a provider took drops the restore fields, and then there is
-- nothing to take back; should they be gone all the same, the codes and cooldown stay as they are
if v[5] then
  redis.call('HSET', KEYS[1], F.code_hash, v[3], F.next_resend_at, v[5])
  if v[4] and v[4] ~= '' then
    redis.call('HSET', KEYS[1], F.previous_code_hash, v[4])
  else
    redis.call('HDEL', KEYS[1], F.previous_code_hash)
  end
end
redis.call('HDEL', KEYS[1], F.restore_code_hash, F.restore_next_resend)
return 1
