-- Sends a new code for a pending verification; the previous code stays valid, older ones do not.
-- KEYS: 1 verification, then, each only when its ARGV is set: the country's send log (ARGV[4]),
--       the prefix's send log, approval log and block (ARGV[5])
-- ARGV: 1 send windows, 2 failure windows, 3 new code hash, 4 country send windows ('' none),
--       5 prefix guard spec ('' when none or when the caller judged the prefix already)
-- The optional keys live in other slots: only on a single Redis (see create.lua). The fraud rules
-- come first; the sends they count are counted only when the resend is written.
local now = now_ms()
-- longer than a delivery can take with the default timeouts and retries (about 10 s per SMS provider)
local IN_FLIGHT_MS = 120000
local v = redis.call('HMGET', KEYS[1], F.status, F.expires_at, F.next_resend_at, F.sends, F.max_sends,
  F.code_hash, F.previous_code_hash, F.recipient_hash, F.test_recipient, F.cooldown, F.id, F.prefix, F.country,
  F.send_times, F.created_at, F.delivery_status)
if v[1] ~= 'pending' or tonumber(v[2]) <= now then return {'not-found'} end
local k = 1
local function key() k = k + 1; return KEYS[k] end
local country = (ARGV[4] or '') ~= '' and key() or nil
local psends, papprovals, pblock
if (ARGV[5] or '') ~= '' then psends, papprovals, pblock = key(), key(), key() end
local refused, country_longest = judge_send(psends, papprovals, pblock, ARGV[5], v[12], v[13], country, ARGV[4], now)
if refused then return refused end

local prefix = K.prefix(KEYS[1])
local wait = window_wait(K.recipient_failures(prefix, v[8]), now, ARGV[2])
if wait > 0 then return {'rate-limited', wait, 'recipient-failures'} end
if tonumber(v[4]) >= tonumber(v[5]) then return {'max-sends', tonumber(v[2]) - now} end
if now < tonumber(v[3]) then return {'resend-too-soon', tonumber(v[3]) - now} end
-- one send at a time: a resend while the last send is still with the providers ('queued', and younger
-- than any delivery lasts) would overtake it, and that send's failure could no longer be taken back
if v[16] == 'queued' then
  local last = tonumber(v[15]) + 1000 * tonumber(string.match(v[14] or '0', '(%d+)$') or '0')
  if now - last < IN_FLIGHT_MS then return {'resend-too-soon', 1000} end
end

local test = v[9] == '1'
local sn = tonumber(v[4]) + 1
local nr = now + tonumber(v[10]) * 2 ^ (sn - 1)
-- whole seconds after the create; a verification from before send times were kept had its first send then
local times = (v[14] or '0') .. ',' .. num(math.floor((now - tonumber(v[15])) / 1000))
if test then
  -- a test recipient keeps its fixed code and skips the recipient windows
  redis.call('HSET', KEYS[1], F.sends, num(sn), F.next_resend_at, num(nr), F.updated_at, num(now), F.send_times, times)
else
  if ARGV[3] == v[6] or ARGV[3] == v[7] then return {'same-code'} end
  local sends = K.recipient_sends(prefix, v[8])
  local longest
  wait, longest = window_wait(sends, now, ARGV[1])
  if wait > 0 then return {'rate-limited', wait, 'recipient-sends'} end
  -- the restore fields keep what a failed delivery must bring back (unsend.lua); a delivered send drops them
  redis.call('HSET', KEYS[1], F.sends, num(sn), F.next_resend_at, num(nr), F.updated_at, num(now), F.send_times, times,
    F.previous_code_hash, v[6],
    F.code_hash, ARGV[3], F.restore_code_hash, v[7] or '', F.restore_next_resend, v[3],
    F.delivery_status, 'queued', F.delivery_provider, '', F.delivery_attempts, '0', F.delivery_error, '')
  redis.call('HDEL', KEYS[1], F.early_receipt)
  local sent = v[11] .. ':' .. sn
  window_add(sends, now, longest, sent)
  if country then window_add(country, now, country_longest, sent) end
  if psends then window_add(psends, now, guard_spec(ARGV[5]), sent) end
end
return {'resent', num(now), redis.call('HGETALL', KEYS[1])}
