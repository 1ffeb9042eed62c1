-- Judges a send to a number prefix and counts it when it may go: the prefix's conversion guard on
-- its own, for Redis Cluster, where the prefix's keys are in another slot than the recipient's.
-- The service runs it before the create or resend script and takes the send back (ZREM of the
-- member) when that script then does not send.
-- KEYS: 1 the prefix's block (its send and approval logs are derived in its slot)
-- ARGV: 1 prefix guard spec, 2 prefix, 3 country, 4 the send's member ('<id>:<send>')
local now = now_ms()
local p = K.prefix(KEYS[1])
local sends = K.prefix_sends(p)
local wait, started, s, a = guard_judge(sends, K.prefix_approvals(p), KEYS[1], now, ARGV[1], ARGV[2], ARGV[3])
if wait > 0 then return prefix_blocked(wait, started, s, a) end
window_add(sends, now, guard_spec(ARGV[1]), ARGV[4])
return {'admitted'}
