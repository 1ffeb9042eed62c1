-- Counts the approval of a verification whose sends a prefix counted, the moment it happens; when
-- the prefix is blocked and its conversion in the window no longer calls for a block, lifts it.
-- KEYS: 1 the prefix's block (its send and approval logs are derived in its slot)
-- ARGV: 1 prefix guard spec, 2 the approval's member (the verification id)
local now = now_ms()
local p = K.prefix(KEYS[1])
local sends, approvals = K.prefix_sends(p), K.prefix_approvals(p)
window_add(approvals, now, guard_spec(ARGV[1]), ARGV[2])
local country = redis.call('HGET', KEYS[1], F.country)
if not country then return {'counted'} end
local bad, s, a = guard_counts(sends, approvals, now, ARGV[1])
if bad then return {'counted'} end
redis.call('DEL', KEYS[1])
return {'recovered', country, s, a or 0}
