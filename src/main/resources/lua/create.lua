-- Creates a verification, or returns the live one for the same recipient, purpose and session.
-- KEYS: 1 live pointer (recipient + purpose), 2 recipient sends log, 3 recipient failures log,
--       4 the new verification, then, each only when its ARGV is set, in this order: the client's
--       create log (ARGV[19]), the API key's create log (ARGV[21]), the country's send log
--       (ARGV[22]), the prefix's send log, approval log and block (ARGV[23])
-- ARGV: 1 id, 2 session hash or '', 3 send windows, 4 failure windows, 5 test recipient '1'|'0',
--       6 ttl ms, 7 max attempts, 8 max sends, 9 cooldown ms, 10 code hash, 11 sealed recipient,
--       12 masked recipient, 13 channel, 14 purpose, 15 locale, 16 recipient hash, 17 code length,
--       18 country of a phone number ('' for e-mail),
--       19 client-creates windows ('' when the caller counted them already), 20 this create's member,
--       21 API-key create windows, 22 country send windows, 23 prefix guard spec ('' when none or
--       when the caller judged the prefix already), 24 the number prefix its sends count for ('' none)
-- The optional keys live in other slots, so they are only passed on a single Redis; on Redis
-- Cluster the service runs the same rules, in the same order, with a call per slot first.
-- Order: the fraud rules (prefix, country, API key), the client, then the recipient. A create the
-- prefix or country refuses moves no counter; creates are counted once they pass their window, and
-- sends only when a verification is written.
local now = now_ms()
local k = 4
local function key() k = k + 1; return KEYS[k] end
local client = ARGV[19] ~= '' and key() or nil
local tenant = ARGV[21] ~= '' and key() or nil
local country = ARGV[22] ~= '' and key() or nil
local psends, papprovals, pblock
if ARGV[23] ~= '' then psends, papprovals, pblock = key(), key(), key() end

local refused, country_longest = judge_send(psends, papprovals, pblock, ARGV[23], ARGV[24], ARGV[18], country,
  ARGV[22], now)
if refused then return refused end
if tenant then
  local twait, tlongest = window_wait(tenant, now, ARGV[21])
  if twait > 0 then return {'rate-limited', twait, 'api-key-creates'} end
  window_add(tenant, now, tlongest, ARGV[20])
end
if client then
  local cwait, clongest = window_wait(client, now, ARGV[19])
  if cwait > 0 then return {'rate-limited', cwait, 'client-creates'} end
  window_add(client, now, clongest, ARGV[20])
end
local wait = window_wait(KEYS[3], now, ARGV[4])
if wait > 0 then return {'rate-limited', wait, 'recipient-failures'} end

local old = redis.call('GET', KEYS[1])
local replaced = nil
if old then
  local ok = K.verification(K.prefix(KEYS[1]), old)
  local v = redis.call('HMGET', ok, F.status, F.session_hash, F.expires_at, F.next_resend_at, F.sends, F.max_sends)
  if v[1] == 'pending' and tonumber(v[3]) > now then
    if (v[2] or '') == ARGV[2] then
      -- a page refresh: same verification; send again only once the cooldown is over
      if now >= tonumber(v[4]) and tonumber(v[5]) < tonumber(v[6]) then return {'resend', old} end
      return {'existing', num(now), redis.call('HGETALL', ok)}
    end
    replaced = ok
  end
end

local test = ARGV[5] == '1'
local longest = 0
if not test then
  wait, longest = window_wait(KEYS[2], now, ARGV[3])
  if wait > 0 then return {'rate-limited', wait, 'recipient-sends'} end
end
if replaced then finish(replaced, 'canceled', now) end

local ttl = tonumber(ARGV[6])
local v = KEYS[4]
local now_digits = num(now)
-- the sealed recipient in fields of at most 64 bytes: a longer value makes Redis store the hash three times larger
local fields = {F.id, ARGV[1], F.status, 'pending', F.sealed_recipient, string.sub(ARGV[11], 1, 64),
  F.masked_recipient, ARGV[12], F.channel, ARGV[13], F.purpose, ARGV[14], F.locale, ARGV[15],
  F.recipient_hash, ARGV[16], F.code_hash, ARGV[10], F.created_at, now_digits, F.expires_at, num(now + ttl),
  F.updated_at, now_digits, F.send_times, '0',
  F.attempts, '0', F.max_attempts, ARGV[7], F.sends, '1', F.max_sends, ARGV[8], F.cooldown, ARGV[9],
  F.next_resend_at, num(now + tonumber(ARGV[9])), F.code_length, ARGV[17], F.country, ARGV[18],
  F.delivery_status, test and 'sent' or 'queued', F.delivery_provider, test and 'test-recipient' or '',
  F.delivery_attempts, '0'}
local function field(name, value) fields[#fields + 1] = name; fields[#fields + 1] = value end
if #ARGV[11] > 64 then field(F.sealed_recipient_rest, string.sub(ARGV[11], 65)) end
if ARGV[2] ~= '' then field(F.session_hash, ARGV[2]) end
if test then field(F.test_recipient, '1') end
if ARGV[24] ~= '' then field(F.prefix, ARGV[24]) end
-- one HSET: each redis.call costs about 1.5 us of Redis CPU on its own
redis.call('HSET', v, unpack(fields))
redis.call('PEXPIRE', v, ARGV[6])
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[6])
local sent = ARGV[1] .. ':1'
if not test then window_add(KEYS[2], now, longest, sent) end
if country then window_add(country, now, country_longest, sent) end
if psends then window_add(psends, now, guard_spec(ARGV[23]), sent) end
-- the caller knows every field it just wrote: only the time comes back
return {'created', now_digits}
