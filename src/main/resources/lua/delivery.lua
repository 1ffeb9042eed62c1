-- Records how a send went: the result of handing it to a provider, or a provider's receipt.
-- The state only moves forward (queued < sent < delivered | failed), and a report about an older
-- send (a receipt that arrives after a resend) changes nothing.
-- KEYS: 1 verification
-- ARGV: 1 send number, 2 status, 3 provider, 4 attempts, 5 last error ('' keeps the stored value)
local rank = {queued = 0, sent = 1, delivered = 2, failed = 2}
local v = redis.call('HMGET', KEYS[1], 'sn', 'ds')
if not v[1] or v[1] ~= ARGV[1] then return 0 end
local moved = (rank[ARGV[2]] or -1) > (rank[v[2]] or 0)
if moved then redis.call('HSET', KEYS[1], 'ds', ARGV[2]) end
if ARGV[3] ~= '' then redis.call('HSET', KEYS[1], 'dp', ARGV[3]) end
if ARGV[4] ~= '' then redis.call('HSET', KEYS[1], 'da', ARGV[4]) end
-- a receipt that moves nothing (a 'failed' after 'delivered') leaves lastError alone too
if ARGV[5] ~= '' and (moved or ARGV[3] ~= '') then redis.call('HSET', KEYS[1], 'de', ARGV[5]) end
-- a send a provider took is final: what unsend.lua would have restored is no longer needed
if ARGV[2] == 'sent' then redis.call('HDEL', KEYS[1], 'hp', 'np') end
return moved and 1 or 0
