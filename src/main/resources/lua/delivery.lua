-- Records how a send went: the result of handing it to a provider, or a provider's receipt.
-- The state only moves forward (queued < sent < delivered | failed), and a report about an older
-- send (a receipt that arrives after a resend) changes nothing.
-- KEYS: 1 verification
-- ARGV: 1 send number, 2 status, 3 provider, 4 attempts, 5 last error ('' keeps the stored value),
--       6 the provider a receipt came from ('' for the service's own report): a receipt moves only a
--       send that this provider took
-- A receipt for a send still with the providers ('queued': a provider may report before it answers)
-- waits in its own field until the service reports which provider took the send: it counts then if it
-- came from that provider, and is dropped if it came from one that failed over or if the send is
-- taken back (unsend.lua).
local rank = {queued = 0, sent = 1, delivered = 2, failed = 2}
-- an early receipt as stored: provider, status, error (nil when none)
local function early(stored) return string.match(stored or '', '^([^|]*)|([^|]*)|(.*)$') end
local v = redis.call('HMGET', KEYS[1], F.sends, F.delivery_status, F.delivery_provider, F.early_receipt)
if not v[1] or v[1] ~= ARGV[1] then return 0 end
local status, err = ARGV[2], ARGV[5]
if ARGV[6] ~= '' then
  if v[2] == 'queued' then
    local p, s, e = early(v[4])
    if p == ARGV[6] then
      if (rank[status] or -1) <= (rank[s] or 0) then return 0 end
      if err == '' then err = e end
    end
    redis.call('HSET', KEYS[1], F.early_receipt, ARGV[6] .. '|' .. status .. '|' .. err)
    return 1
  end
  if (v[3] or '') ~= ARGV[6] then return 0 end
elseif v[4] then
  -- the service's own report: an early receipt of the provider that took the send counts now
  local p, s, e = early(v[4])
  if p == ARGV[3] and (rank[s] or -1) > (rank[status] or -1) then
    status = s
    if s == 'failed' and e ~= '' then err = e end
  end
  redis.call('HDEL', KEYS[1], F.early_receipt)
end
local moved = (rank[status] or -1) > (rank[v[2]] or 0)
if moved then redis.call('HSET', KEYS[1], F.delivery_status, status) end
if ARGV[3] ~= '' then redis.call('HSET', KEYS[1], F.delivery_provider, ARGV[3]) end
if ARGV[4] ~= '' then redis.call('HSET', KEYS[1], F.delivery_attempts, ARGV[4]) end
-- a receipt that moves nothing (a 'failed' after 'delivered') leaves lastError alone too
if err ~= '' and (moved or ARGV[3] ~= '') then redis.call('HSET', KEYS[1], F.delivery_error, err) end
-- a send the service handed to a provider is final: what unsend.lua would have restored is no longer
-- needed (a receipt cannot decide it: the send may still fail over, or be taken back)
if ARGV[6] == '' and ARGV[2] == 'sent' then
  redis.call('HDEL', KEYS[1], F.restore_code_hash, F.restore_next_resend)
end
return moved and 1 or 0
