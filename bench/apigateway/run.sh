#!/usr/bin/env bash
# Warm API Gateway → Lambda proxy round trip: latency at 1 connection (p50, p99) and
# throughput at 16 connections, for a REST API (payload 1.0), an HTTP API (payload 2.0) and,
# as the baseline without API Gateway, the same function's URL. Uses wrk (Debian package).
#
#   NIMBUS_BIN=build/nimbus DURATION=10 bench/apigateway/run.sh
#
# Output: one block per target with wrk's latency distribution; summarize with the lines
# "Latency Distribution" (50%, 99%) and "Requests/sec".
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
bin="${NIMBUS_BIN:-$root/build/nimbus}"
duration="${DURATION:-10}"
work="$(mktemp -d)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
GATEWAY_LISTEN="127.0.0.1:$port" DATA_DIR="$work/data" "$bin" start >"$work/out.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 100); do grep -q '^Ready.' "$work/out.log" && break; sleep 0.05; done
eval "$("$root/.venv/bin/python" "$root/bench/apigateway/setup.py" "http://127.0.0.1:$port")"
echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2), load $(cut -d' ' -f1-3 /proc/loadavg)"
for target in url rest http; do
  eval "u=\$$target; h=\$host_$target"
  # Warm-up: environments started (up to 16 for the loaded run).
  wrk -t2 -c16 -d2s -H "Host: $h" "$u" >/dev/null
  echo "== $target 1 connection"
  wrk -t1 -c1 -d"${duration}s" --latency -H "Host: $h" "$u" | grep -E 'Latency|50%|90%|99%|Requests/sec|Non-2xx'
  echo "== $target 16 connections"
  wrk -t2 -c16 -d"${duration}s" --latency -H "Host: $h" "$u" | grep -E 'Latency|50%|90%|99%|Requests/sec|Non-2xx'
done
