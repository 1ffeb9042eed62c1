-- Takes back a send that no provider took: it does not count against the limits, and the codes are
-- as they were before it. A first send cancels its verification; a resend restores the previous
-- codes and cooldown.
-- KEYS: 1 verification
-- ARGV: 1 send number, 2 key prefix of the slot, 3 provider, 4 attempts, 5 last error
local v = redis.call('HMGET', KEYS[1], 'st', 'sn', 'h0', 'hp', 'np', 'rh', 'pu', 'id')
if not v[2] or v[2] ~= ARGV[1] then return 0 end
redis.call('ZREM', ARGV[2] .. 's:' .. v[6], v[8] .. ':' .. ARGV[1])
redis.call('HSET', KEYS[1], 'ds', 'failed', 'dp', ARGV[3], 'da', ARGV[4], 'de', ARGV[5])
if v[1] ~= 'pending' then return 0 end
if ARGV[1] == '1' then
  redis.call('HSET', KEYS[1], 'st', 'canceled')
  redis.call('HDEL', KEYS[1], 'h1', 'h0', 'hp', 'np')
  local live = ARGV[2] .. 'l:' .. v[6] .. ':' .. v[7]
  if redis.call('GET', live) == v[8] then redis.call('DEL', live) end
  return 1
end
redis.call('HSET', KEYS[1], 'sn', tonumber(ARGV[1]) - 1, 'h1', v[3], 'nr', v[5])
if v[4] and v[4] ~= '' then redis.call('HSET', KEYS[1], 'h0', v[4]) else redis.call('HDEL', KEYS[1], 'h0') end
redis.call('HDEL', KEYS[1], 'hp', 'np')
return 1
