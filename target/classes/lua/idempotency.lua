-- Claims an Idempotency-Key: returns what it already holds, or claims it and returns nil.
-- KEYS: 1 the key's record; ARGV: 1 claim marker, 2 ttl ms
local held = redis.call('GET', KEYS[1])
if held then return held end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return false
