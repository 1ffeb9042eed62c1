-- Sends a new code for a pending verification; the previous code stays valid, older ones do not.
-- KEYS: 1 verification
-- ARGV: 1 send windows, 2 failure windows, 3 new code hash, 4 key prefix of the slot
local now = now_ms()
local v = redis.call('HMGET', KEYS[1], 'st', 'ea', 'nr', 'sn', 'ms', 'h1', 'h0', 'rh', 't', 'cd', 'id')
if v[1] ~= 'pending' or tonumber(v[2]) <= now then return {'not-found'} end
local wait = window_wait(ARGV[4] .. 'f:' .. v[8], now, ARGV[2])
if wait > 0 then return {'rate-limited', wait, 'recipient-failures'} end
if tonumber(v[4]) >= tonumber(v[5]) then return {'max-sends', tonumber(v[2]) - now} end
if now < tonumber(v[3]) then return {'resend-too-soon', tonumber(v[3]) - now} end

local test = v[9] == '1'
local sn = tonumber(v[4]) + 1
local nr = now + tonumber(v[10]) * 2 ^ (sn - 1)
if test then
  -- a test recipient keeps its fixed code and skips the recipient windows
  redis.call('HSET', KEYS[1], 'sn', sn, 'nr', num(nr))
else
  if ct_equal(ARGV[3], v[6]) or ct_equal(ARGV[3], v[7]) then return {'same-code'} end
  local sends = ARGV[4] .. 's:' .. v[8]
  local longest
  wait, longest = window_wait(sends, now, ARGV[1])
  if wait > 0 then return {'rate-limited', wait, 'recipient-sends'} end
  -- hp and np keep what a failed delivery must restore (unsend.lua); a delivered send drops them
  redis.call('HSET', KEYS[1], 'sn', sn, 'nr', num(nr), 'h0', v[6], 'h1', ARGV[3], 'hp', v[7] or '', 'np', v[3],
    'ds', 'queued', 'dp', '', 'da', '0', 'de', '')
  window_add(sends, now, longest, v[11] .. ':' .. sn)
end
return {'resent', num(now), redis.call('HGETALL', KEYS[1])}
