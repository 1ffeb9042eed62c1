-- Records the state of the latest delivery on a verification that still exists.
-- KEYS: 1 verification; ARGV: 1 status, 2 provider, 3 attempts, 4 last error ('' for none)
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'ds', ARGV[1], 'dp', ARGV[2], 'da', ARGV[3], 'de', ARGV[4])
return 1
