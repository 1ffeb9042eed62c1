-- Shared by every script (prepended when the script is loaded). Times come from the Redis
-- clock so every replica of the service agrees.

-- The Lua half of the Lua/Java contract: hash fields (io.otpservice.store.Fields: FOO_BAR is
-- foo_bar here) and key names (io.otpservice.store.Keys). FieldsContractTest proves they agree.
-- Script.load writes each field reference of a script as its literal name and leaves this table out
-- of what Redis runs, so no script builds it at every call, and a misspelt field fails at load.
local F = {
  id = 'id', status = 'st', sealed_recipient = 'rc', sealed_recipient_rest = 'r2', masked_recipient = 'mk', channel = 'ch',
  purpose = 'pu', locale = 'lo', recipient_hash = 'rh', session_hash = 'ss', test_recipient = 't',
  code_length = 'cl', country = 'co', code_hash = 'h1', previous_code_hash = 'h0',
  restore_code_hash = 'hp', restore_next_resend = 'np', created_at = 'ca', expires_at = 'ea',
  next_resend_at = 'nr', cooldown = 'cd', attempts = 'at', max_attempts = 'ma', sends = 'sn',
  updated_at = 'ua', send_times = 'sa',
  max_sends = 'ms', delivery_status = 'ds', delivery_provider = 'dp', delivery_attempts = 'da',
  delivery_error = 'de', early_receipt = 'dr', prefix = 'px', blocked_at = 'ba', blocked_until = 'bu'
}

-- Keys a script derives itself. The rule: only keys of the slot of KEYS[1], built from KEYS[1]'s
-- own prefix ('otp:{tag}:'), so Redis Cluster, which routes a script by its KEYS, finds them on the
-- same node. A key of another slot is always passed in KEYS by the caller.
local K = {}
function K.prefix(key) return string.match(key, '^(.-{.-}:)') end
function K.verification(prefix, id) return prefix .. 'v:' .. id end
function K.live_pointer(prefix, rh, purpose) return prefix .. 'l:' .. rh .. ':' .. purpose end
function K.recipient_sends(prefix, rh) return prefix .. 's:' .. rh end
function K.recipient_failures(prefix, rh) return prefix .. 'f:' .. rh end
-- the keys of one number prefix's conversion guard, in the slot of its block key ('otp:{p44770}:')
function K.prefix_sends(prefix) return prefix .. 'ps' end
function K.prefix_approvals(prefix) return prefix .. 'pa' end
function K.prefix_block(prefix) return prefix .. 'pb' end

local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- Integer milliseconds (times, lengths, counts) as the digits Redis wants. Lua's own conversion, and
-- Redis' of a number passed to redis.call, print big numbers in exponent form through the C library's
-- floating-point printf ('%.0f' too), which cost 0.45 us each in redis-benchmark; '%d' (a 64-bit
-- integer) costs 0.19 us. A create formats about a dozen.
local function num(x)
  return string.format('%d', x)
end

-- Sliding-window logs in sorted sets (score = time in ms). spec is 'limit:ms,limit:ms'.
-- Returns the wait in ms until every window allows one more event (0 = allowed now) and the
-- longest window, which bounds how long entries are kept.
local function window_wait(key, now, spec)
  local wait, longest = 0, 0
  for limit, len in string.gmatch(spec, '(%d+):(%d+)') do
    limit = tonumber(limit)
    len = tonumber(len)
    if len > longest then longest = len end
    local from = '(' .. num(now - len)
    local n = redis.call('ZCOUNT', key, from, '+inf')
    if n >= limit then
      -- once the (n - limit + 1)th oldest entry leaves the window, one more fits
      local e = redis.call('ZRANGEBYSCORE', key, from, '+inf', 'WITHSCORES', 'LIMIT', num(n - limit), '1')
      local w = tonumber(e[2]) + len - now
      if w > wait then wait = w end
    end
  end
  return wait, longest
end

local function window_add(key, now, longest, member)
  redis.call('ZADD', key, num(now), member)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', '(' .. num(now - longest))
  redis.call('PEXPIRE', key, num(longest))
end

-- Codes and sessions are compared as HMACs with ==, in constant time: Lua 5.1 (every Redis and
-- Valkey) interns every string, so == of two strings compares two pointers, whatever their bytes.
-- (A byte loop did the same in 5 us of Redis CPU per comparison.)

-- Ends a verification: its codes are forgotten at once. now: the script's Redis time, if it has one.
local function finish(key, status, now)
  redis.call('HSET', key, F.status, status, F.updated_at, num(now or now_ms()))
  redis.call('HDEL', key, F.code_hash, F.previous_code_hash, F.restore_code_hash, F.restore_next_resend,
    F.early_receipt)
end

-- The prefix conversion guard. spec is 'window ms:min sends:min conversion in ppm:block ms'.
local function guard_spec(spec)
  local window, min_sends, ppm, block_for = string.match(spec, '^(%d+):(%d+):(%d+):(%d+)$')
  return tonumber(window), tonumber(min_sends), tonumber(ppm), tonumber(block_for)
end

-- The sends and approvals of a prefix in the window, and whether they call for a block: enough
-- sends to judge, and approvals under the minimum share of them (in integers: no rounding).
local function guard_counts(sends, approvals, now, spec)
  local window, min_sends, ppm = guard_spec(spec)
  local from = '(' .. num(now - window)
  local s = redis.call('ZCOUNT', sends, from, '+inf')
  if s < min_sends then return false, s, nil end
  local a = redis.call('ZCOUNT', approvals, from, '+inf')
  return a * 1000000 < ppm * s, s, a
end

-- Judges a prefix before a send to it, counting nothing: returns 0 when the send may go, else the
-- wait in ms, whether the block starts now, and the sends and approvals it started on. A block
-- starts when the window already holds min sends and too few approvals: the send that finds it so
-- is the first one refused, so exactly min sends go out before a prefix is blocked.
local function guard_judge(sends, approvals, block, now, spec, prefix, country)
  local left = redis.call('PTTL', block)
  if left > 0 then return left, false, 0, 0 end
  local bad, s, a = guard_counts(sends, approvals, now, spec)
  if not bad then return 0 end
  local _, _, _, block_for = guard_spec(spec)
  redis.call('HSET', block, F.prefix, prefix, F.country, country, F.blocked_at, num(now),
    F.blocked_until, num(now + block_for))
  redis.call('PEXPIRE', block, num(block_for))
  return block_for, true, s, a
end

-- The answer of a refused send: {'prefix-blocked', wait ms, started 1|0, sends, approvals}
local function prefix_blocked(wait, started, s, a)
  return {'prefix-blocked', wait, started and 1 or 0, s, a}
end

-- The fraud rules of a send, judged before anything is counted: the prefix guard (its keys only when
-- given), then the country's send windows (its log only when given). Returns the answer of a refusal,
-- or nil and the longest of the country's windows (for counting the send once it is written).
local function judge_send(psends, papprovals, pblock, guard, number_prefix, cc, country, country_windows, now)
  if pblock then
    local pwait, started, s, a = guard_judge(psends, papprovals, pblock, now, guard, number_prefix, cc)
    if pwait > 0 then return prefix_blocked(pwait, started, s, a) end
  end
  if country then
    local nwait, longest = window_wait(country, now, country_windows)
    if nwait > 0 then return {'rate-limited', nwait, 'country-sends'} end
    return nil, longest
  end
  return nil
end
