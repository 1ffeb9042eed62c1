-- Reads what a recipient left under the key name of an older HMAC secret, while a rotation keeps that
-- secret: the id of its live verification for the purpose (only while it is pending) and the entries of
-- its send and failure logs, so the create can hold them under the current name.
-- KEYS: 1 live pointer, 2 sends log, 3 failures log (all under the older name)
-- Returns {id or '', {member, score, ...}, {member, score, ...}}
local live = ''
local id = redis.call('GET', KEYS[1])
if id then
  local v = redis.call('HMGET', K.verification(K.prefix(KEYS[1]), id), F.status, F.expires_at)
  if v[1] == 'pending' and tonumber(v[2]) > now_ms() then live = id end
end
return {live, redis.call('ZRANGE', KEYS[2], 0, -1, 'WITHSCORES'), redis.call('ZRANGE', KEYS[3], 0, -1, 'WITHSCORES')}
