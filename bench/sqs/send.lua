-- wrk -s bench/sqs/send.lua: SendMessage with a 64-byte body, as fast as the server answers.
-- A static request and no response() callback, so wrk builds the request once and its own cost
-- per request is minimal; the bare Beast baseline is measured with this same script.
package.path = (os.getenv("SQS_LUA_DIR") or ".") .. "/?.lua;" .. package.path
local c = require("common")

wrk.method = "POST"
wrk.path = "/"
wrk.headers = c.headers("SendMessage")
wrk.body = c.send_body()

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d rps=%.0f sockerr=%d non2xx=%d p50_us=%d p90_us=%d p99_us=%d\n",
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(90), latency:percentile(99)))
end
