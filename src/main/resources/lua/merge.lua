-- Adds the entries a log held under an older HMAC secret's name to the same log under the current
-- name (a rotation in progress), so its windows count what happened before the rotation. An entry
-- already there stays as it is; entries older than the longest window are not carried.
-- KEYS: 1 the log under the current name; ARGV: 1 the longest window in ms, then member, score pairs
local now = now_ms()
local longest = tonumber(ARGV[1])
for i = 2, #ARGV - 1, 2 do
  if tonumber(ARGV[i + 1]) > now - longest then redis.call('ZADD', KEYS[1], 'NX', ARGV[i + 1], ARGV[i]) end
end
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('PEXPIRE', KEYS[1], num(longest)) end
return 0
