-- Shared by every script (prepended when the script is loaded). Times come from the Redis
-- clock so every replica of the service agrees.

-- The Lua half of the Lua/Java contract: hash fields (io.otpservice.store.Fields: FOO_BAR is
-- F.foo_bar) and key names (io.otpservice.store.Keys). FieldsContractTest proves they agree.
local F = {
  id = 'id', status = 'st', sealed_recipient = 'rc', sealed_recipient_rest = 'r2', masked_recipient = 'mk', channel = 'ch',
  purpose = 'pu', locale = 'lo', recipient_hash = 'rh', session_hash = 'ss', test_recipient = 't',
  code_length = 'cl', country = 'co', code_hash = 'h1', previous_code_hash = 'h0',
  restore_code_hash = 'hp', restore_next_resend = 'np', created_at = 'ca', expires_at = 'ea',
  next_resend_at = 'nr', cooldown = 'cd', attempts = 'at', max_attempts = 'ma', sends = 'sn',
  max_sends = 'ms', delivery_status = 'ds', delivery_provider = 'dp', delivery_attempts = 'da',
  delivery_error = 'de'
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

local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- Lua prints big numbers in exponent form; Redis wants digits.
local function num(x)
  return string.format('%.0f', x)
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
      local e = redis.call('ZRANGEBYSCORE', key, from, '+inf', 'WITHSCORES', 'LIMIT', n - limit, 1)
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

-- Constant-time equality (no early exit on the first differing byte).
local function ct_equal(a, b)
  if type(a) ~= 'string' or type(b) ~= 'string' or #a ~= #b then return false end
  local diff = 0
  for i = 1, #a do
    diff = bit.bor(diff, bit.bxor(string.byte(a, i), string.byte(b, i)))
  end
  return diff == 0
end

-- Ends a verification: its codes are forgotten at once.
local function finish(key, status)
  redis.call('HSET', key, F.status, status)
  redis.call('HDEL', key, F.code_hash, F.previous_code_hash, F.restore_code_hash, F.restore_next_resend)
end

