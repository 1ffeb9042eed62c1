-- An operator lifts a prefix's block. The window's sends and approvals go with it, so the prefix
-- starts afresh (else the next send would find the same evidence and block it again).
-- KEYS: 1 the prefix's block (its send and approval logs are derived in its slot)
local p = K.prefix(KEYS[1])
local country = redis.call('HGET', KEYS[1], F.country)
if not country then return {'not-found'} end
redis.call('DEL', KEYS[1], K.prefix_sends(p), K.prefix_approvals(p))
return {'unblocked', country}
