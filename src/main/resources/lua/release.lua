-- Releases an Idempotency-Key's claim, only if it is still the claim that was made (its marker, with the
-- claiming request's token): a late release never frees a key that another request has claimed since.
-- KEYS: 1 the key's record; ARGV: 1 the claim marker
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
