-- Records how a send went: the result of handing it to a provider, or a provider's receipt.
-- The state only moves forward (queued < sent < delivered | failed), and a report about an older
-- send (a receipt that arrives after a resend) changes nothing.
-- KEYS: 1 verification
-- ARGV: 1 send number, 2 status, 3 provider, 4 attempts, 5 last error ('' keeps the stored value),
--       6 the provider a receipt came from ('' for the service's own report): a receipt moves only a
--       send that this provider took, or one still in flight (a provider may report before it answers)
local rank = {queued = 0, sent = 1, delivered = 2, failed = 2}
local v = redis.call('HMGET', KEYS[1], F.sends, F.delivery_status, F.delivery_provider)
if not v[1] or v[1] ~= ARGV[1] then return 0 end
if ARGV[6] ~= '' and (v[3] or '') ~= '' and v[3] ~= ARGV[6] then return 0 end
local moved = (rank[ARGV[2]] or -1) > (rank[v[2]] or 0)
if moved then redis.call('HSET', KEYS[1], F.delivery_status, ARGV[2]) end
if ARGV[3] ~= '' then redis.call('HSET', KEYS[1], F.delivery_provider, ARGV[3]) end
if ARGV[4] ~= '' then redis.call('HSET', KEYS[1], F.delivery_attempts, ARGV[4]) end
-- a receipt that moves nothing (a 'failed' after 'delivered') leaves lastError alone too
if ARGV[5] ~= '' and (moved or ARGV[3] ~= '') then redis.call('HSET', KEYS[1], F.delivery_error, ARGV[5]) end
-- a send a provider took is final: what unsend.lua would have restored is no longer needed
if ARGV[2] == 'sent' then redis.call('HDEL', KEYS[1], F.restore_code_hash, F.restore_next_resend) end
return moved and 1 or 0
