-- Counts one event in a sliding-window log if every window allows it.
-- KEYS: 1 the log; ARGV: 1 windows, 2 a unique member
local now = now_ms()
local wait, longest = window_wait(KEYS[1], now, ARGV[1])
if wait > 0 then return wait end
window_add(KEYS[1], now, longest, ARGV[2])
return 0
