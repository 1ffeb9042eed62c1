-- Creates a verification, or returns the live one for the same recipient, purpose and session.
-- KEYS: 1 live pointer (recipient + purpose), 2 recipient sends log, 3 recipient failures log,
--       4 the new verification
-- ARGV: 1 id, 2 session hash or '', 3 send windows, 4 failure windows, 5 test recipient '1'|'0',
--       6 ttl ms, 7 max attempts, 8 max sends, 9 cooldown ms, 10 code hash, 11 sealed recipient,
--       12 masked recipient, 13 channel, 14 purpose, 15 locale, 16 recipient hash,
--       17 key prefix of the recipient's slot ('otp:{tag}:'), 18 code length,
--       19 country of a phone number ('' for e-mail),
--       20 client-creates windows ('' when the caller counted them already), 21 its member
-- KEYS[5], when ARGV[20] is set: the client's create log. It lives in another slot, so this is only
-- passed on a single Redis; on Redis Cluster the service counts it with limit.lua first.
local now = now_ms()
if ARGV[20] ~= '' then
  local cwait, clongest = window_wait(KEYS[5], now, ARGV[20])
  if cwait > 0 then return {'rate-limited', cwait, 'client-creates'} end
  window_add(KEYS[5], now, clongest, ARGV[21])
end
local wait = window_wait(KEYS[3], now, ARGV[4])
if wait > 0 then return {'rate-limited', wait, 'recipient-failures'} end

local old = redis.call('GET', KEYS[1])
local replaced = nil
if old then
  local ok = ARGV[17] .. 'v:' .. old
  local v = redis.call('HMGET', ok, 'st', 'ss', 'ea', 'nr', 'sn', 'ms')
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
if replaced then
  redis.call('HSET', replaced, 'st', 'canceled')
  redis.call('HDEL', replaced, 'h1', 'h0')
end

local ttl = tonumber(ARGV[6])
local v = KEYS[4]
redis.call('HSET', v, 'id', ARGV[1], 'st', 'pending', 'rc', ARGV[11], 'mk', ARGV[12], 'ch', ARGV[13],
  'pu', ARGV[14], 'lo', ARGV[15], 'rh', ARGV[16], 'h1', ARGV[10], 'ca', num(now), 'ea', num(now + ttl),
  'at', '0', 'ma', ARGV[7], 'sn', '1', 'ms', ARGV[8], 'cd', ARGV[9], 'nr', num(now + tonumber(ARGV[9])),
  'cl', ARGV[18], 'co', ARGV[19], 'ds', test and 'sent' or 'queued', 'dp', test and 'test-recipient' or '', 'da', '0')
if ARGV[2] ~= '' then redis.call('HSET', v, 'ss', ARGV[2]) end
if test then redis.call('HSET', v, 't', '1') end
redis.call('PEXPIRE', v, ttl)
redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl)
if not test then window_add(KEYS[2], now, longest, ARGV[1] .. ':1') end
-- the caller knows every field it just wrote: only the time comes back
return {'created', num(now)}
