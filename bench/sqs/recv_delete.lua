-- wrk -s bench/sqs/recv_delete.lua: ReceiveMessage (MaxNumberOfMessages=1, WaitTimeSeconds=0),
-- then DeleteMessage of the message it returned. Each wrk thread keeps a list of receipt handles:
-- response() takes the handle out of a ReceiveMessage answer, and the next request() on any of
-- the thread's connections deletes it; with no handle pending, request() receives. So every
-- received message is deleted, and a pair = one ReceiveMessage + one DeleteMessage.
package.path = (os.getenv("SQS_LUA_DIR") or ".") .. "/?.lua;" .. package.path
local c = require("common")

local receive_req, pending = nil, {}
receives, deletes, received, bad = 0, 0, 0, 0

function init(args)
  receive_req = wrk.format("POST", "/", c.headers("ReceiveMessage"),
    '{"QueueUrl":"' .. c.queue_url .. '","MaxNumberOfMessages":1,"WaitTimeSeconds":0}')
end

function request()
  local h = table.remove(pending)
  if h then
    deletes = deletes + 1
    return wrk.format("POST", "/", c.headers("DeleteMessage"),
      '{"QueueUrl":"' .. c.queue_url .. '","ReceiptHandle":"' .. h .. '"}')
  end
  receives = receives + 1
  return receive_req
end

-- Responses of a thread's connections arrive in any order; only a ReceiveMessage answer carries
-- a ReceiptHandle, so that is all response() needs to look at.
function response(status, headers, body)
  if status ~= 200 then
    bad = bad + 1
    return
  end
  local h = string.match(body, '"ReceiptHandle"%s*:%s*"([^"]+)"')
  if h then
    received = received + 1
    pending[#pending + 1] = h
  end
end

local threads = {}
function setup(thread)
  threads[#threads + 1] = thread
end

-- empty = receives that found no message (up to one per connection may still be in flight when
-- the run ends, so a few are expected).
function done(summary, latency, requests)
  local rc, dl, rd, b = 0, 0, 0, 0
  for _, t in ipairs(threads) do
    rc = rc + t:get("receives")
    dl = dl + t:get("deletes")
    rd = rd + t:get("received")
    b = b + t:get("bad")
  end
  local e = summary.errors
  local secs = summary.duration / 1e6
  io.write(string.format(
    "RESULT requests=%d duration_us=%d rps=%.0f pairs_per_s=%.0f receives=%d received=%d "
      .. "deletes=%d empty=%d sockerr=%d non2xx=%d p50_us=%d p90_us=%d p99_us=%d\n",
    summary.requests, summary.duration, summary.requests / secs, dl / secs, rc, rd, dl, rc - rd,
    e.connect + e.read + e.write + e.timeout, b,
    latency:percentile(50), latency:percentile(90), latency:percentile(99)))
end
