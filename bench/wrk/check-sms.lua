-- POST /v1/verifications/{id}/check with the right code, for the SMS verifications listed in $CODES
-- ("<id> <code>" lines, by bench/CodeSink.java) after the first $SKIP lines; the two threads take every
-- other line, each once (200 approved with a token); a thread stops when its share is used up
local counter = 0
function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer bench-key"
local ids, codes, i
function init(args)
  ids, codes, i = {}, {}, 0
  local skip, n = tonumber(os.getenv("SKIP") or "0"), 0
  for line in io.lines(os.getenv("CODES")) do
    n = n + 1
    if n > skip and n % 2 == tid then
      local id, code = line:match("^(%S+) (%d+)$")
      ids[#ids + 1], codes[#codes + 1] = id, code
    end
  end
end
function request()
  i = i + 1
  local id = ids[i] or ids[#ids]
  return wrk.format(nil, "/v1/verifications/" .. id .. "/check", nil, string.format('{"code":"%s"}', codes[i] or codes[#codes]))
end
function response()
  if i >= #ids then wrk.thread:stop() end
end
