-- The entries of a sliding-window log as {member, score, ...}, scores as integer strings (a script's
-- answer has that shape whatever protocol the connection speaks).
-- KEYS: 1 the log
return redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
