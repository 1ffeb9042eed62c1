-- Cancels a pending verification; its codes are forgotten at once.
-- KEYS: 1 verification
local now = now_ms()
local v = redis.call('HMGET', KEYS[1], F.status, F.expires_at)
if v[1] ~= 'pending' or tonumber(v[2]) <= now then return {'not-found'} end
finish(KEYS[1], 'canceled', now)
return {'canceled'}
