-- wrk -t1 -c1 --latency -s bench/sqs/cycle.lua: latency per operation at a fixed queue depth.
-- One connection cycles SendMessage -> ReceiveMessage (MaxNumberOfMessages=1) -> DeleteMessage of
-- the message received, so the depth stays where the preload put it (+/- 1). Each request is
-- timed from request() (wrk calls it just before writing) to response() (called once the
-- response is parsed) with CLOCK_MONOTONIC through LuaJIT's ffi; wrk's own --latency histogram
-- mixes the three operations. Run it with one connection: the state machine is per thread.
package.path = (os.getenv("SQS_LUA_DIR") or ".") .. "/?.lua;" .. package.path
local c = require("common")
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clk_id, bench_timespec *tp);
]]
local ts = ffi.new("bench_timespec")
local function now_us()
  ffi.C.clock_gettime(1, ts)  -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) * 1e6 + tonumber(ts.tv_nsec) / 1e3
end

local send_req, receive_req
local step, handle, t0 = 0, nil, 0
send_lat, receive_lat, delete_lat = {}, {}, {}
empty, bad = 0, 0

function init(args)
  send_req = wrk.format("POST", "/", c.headers("SendMessage"), c.send_body())
  receive_req = wrk.format("POST", "/", c.headers("ReceiveMessage"),
    '{"QueueUrl":"' .. c.queue_url .. '","MaxNumberOfMessages":1,"WaitTimeSeconds":0}')
end

local current = "send"

function request()
  if step == 0 then
    current = "send"
    t0 = now_us()
    return send_req
  elseif step == 1 or not handle then
    current = "receive"
    t0 = now_us()
    return receive_req
  end
  current = "delete"
  local req = wrk.format("POST", "/", c.headers("DeleteMessage"),
    '{"QueueUrl":"' .. c.queue_url .. '","ReceiptHandle":"' .. handle .. '"}')
  handle = nil
  t0 = now_us()
  return req
end

function response(status, headers, body)
  local dt = now_us() - t0
  if status ~= 200 then
    bad = bad + 1
  end
  if current == "send" then
    send_lat[#send_lat + 1] = dt
    step = 1
  elseif current == "receive" then
    receive_lat[#receive_lat + 1] = dt
    handle = string.match(body, '"ReceiptHandle"%s*:%s*"([^"]+)"')
    if handle then
      step = 2
    else
      empty = empty + 1
      step = 0
    end
  else
    delete_lat[#delete_lat + 1] = dt
    step = 0
  end
end

local threads = {}
function setup(thread)
  threads[#threads + 1] = thread
end

local function pct(sorted, p)
  if #sorted == 0 then
    return 0
  end
  local i = math.max(1, math.min(#sorted, math.ceil(#sorted * p / 100)))
  return sorted[i]
end

function done(summary, latency, requests)
  for _, name in ipairs({ "send", "receive", "delete" }) do
    local all = {}
    for _, t in ipairs(threads) do
      for _, v in ipairs(t:get(name .. "_lat")) do
        all[#all + 1] = v
      end
    end
    table.sort(all)
    local sum = 0
    for _, v in ipairs(all) do
      sum = sum + v
    end
    io.write(string.format("RESULT op=%s n=%d mean_us=%.1f p50_us=%.1f p90_us=%.1f p99_us=%.1f max_us=%.1f\n",
      name, #all, #all > 0 and sum / #all or 0, pct(all, 50), pct(all, 90), pct(all, 99),
      all[#all] or 0))
  end
  local em, b = 0, 0
  for _, t in ipairs(threads) do
    em = em + t:get("empty")
    b = b + t:get("bad")
  end
  io.write(string.format("RESULT op=all requests=%d empty=%d non200=%d wrk_p50_us=%d wrk_p99_us=%d\n",
    summary.requests, em, b, latency:percentile(50), latency:percentile(99)))
end
