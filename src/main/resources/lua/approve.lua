-- Approves a pending verification without a check (Twilio's Status=approved, for keys that may);
-- its codes are forgotten at once.
-- KEYS: 1 verification
local now = now_ms()
local v = redis.call('HMGET', KEYS[1], F.status, F.expires_at, F.channel, F.purpose)
if v[1] ~= 'pending' or tonumber(v[2]) <= now then return {'not-found'} end
finish(KEYS[1], 'approved', now)
return {'approved', v[3], v[4]}
