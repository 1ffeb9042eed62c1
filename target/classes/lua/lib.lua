-- Shared by every script (prepended when the script is loaded). Times come from the Redis
-- clock so every replica of the service agrees.
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

