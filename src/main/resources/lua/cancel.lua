-- Cancels a pending verification; its codes are forgotten at once.
-- KEYS: 1 verification
local now = now_ms()
local v = redis.call('HMGET', KEYS[1], 'st', 'ea')
if v[1] ~= 'pending' or tonumber(v[2]) <= now then return {'not-found'} end
redis.call('HSET', KEYS[1], 'st', 'canceled')
redis.call('HDEL', KEYS[1], 'h1', 'h0')
return {'canceled'}
