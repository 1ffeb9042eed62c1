-- Reads a prefix's block and the sends and approvals in its window now (changes nothing).
-- KEYS: 1 the prefix's block; ARGV: 1 window ms
-- Returns {} when the prefix is not blocked, else {prefix, country, since ms, until ms, sends, approvals}.
local b = redis.call('HMGET', KEYS[1], F.prefix, F.country, F.blocked_at, F.blocked_until)
if not b[1] then return {} end
local p = K.prefix(KEYS[1])
local from = '(' .. num(now_ms() - tonumber(ARGV[1]))
return {b[1], b[2], b[3], b[4], redis.call('ZCOUNT', K.prefix_sends(p), from, '+inf'),
  redis.call('ZCOUNT', K.prefix_approvals(p), from, '+inf')}
