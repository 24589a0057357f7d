#!/usr/bin/env bash
# Where a Lambda invoke's time goes: the evidence behind the Lambda analysis in bench/RESULTS.md.
#
#   bench/lambda/profile.sh            # RT=1 by default; OUT=/tmp/nimbus-lambda-profile.<ts>
#
# Sections (each writes markdown to $OUT/profile.md):
#   1. python -X importtime of the python bootstrap's imports (5 runs, medians);
#   2. the bootstraps alone against a minimal Runtime API (lambench rapi), each start paired with
#      a bare interpreter start: the shipped python bootstrap (3 rounds) and node bootstrap;
#   3. what the first function of a runtime pays once per server: nimbus's interpreter probe
#      (popen of `python3.X -c 'import sys; print(sys.executable)…'` through PATH, i.e. the pyenv
#      shim; `node -p …`), timed as nimbus runs it (/bin/sh -c);
#   4. one python cold start through nimbus under strace -f -ttt, reduced to milestones (edge
#      -> spawn -> interpreter -> imports -> /next -> /response -> reply); strace slows every
#      syscall, so durations are inflated, the order and the split are what count;
#   5. warm invokes (python, one connection): perf trace of nimbus's sendmsg/recvmsg, reduced
#      to per-invoke phases (nimbus in, runtime, nimbus out);
#   6. throughput at LOAD_CONNS in flight: CPU split by process (perf record -a) and nimbus's
#      inclusive profile (perf record --call-graph dwarf).
# Knobs: NIMBUS_BIN [build/nimbus], RT [1] (chrt -f 50 for client and servers), LOAD_CONNS [10],
# OUT. Needs strace and perf (sections without them say so). Loopback only; every process is a
# child stopped by PID on exit.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
NIMBUS_BIN="${NIMBUS_BIN:-$ROOT/build/nimbus}"
RT="${RT:-1}"
LOAD_CONNS="${LOAD_CONNS:-10}"
OUT="${OUT:-/tmp/nimbus-lambda-profile.$(date +%Y%m%d-%H%M%S)}"
HOST=127.0.0.1
mkdir -p "$OUT"
MD="$OUT/profile.md"
: >"$MD"

PIDS=()
stop_pid() {
  local pid="$1" i
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
env_pids() { cat /proc/"$1"/task/*/children 2>/dev/null | tr ' ' '\n' | grep -E '^[0-9]+$' || true; }
cleanup() {
  local pid kids k
  for pid in "${PIDS[@]}"; do
    kids="$(env_pids "$pid")"
    stop_pid "$pid"
    for k in $kids; do kill -KILL "$k" 2>/dev/null || true; done
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM
log() { echo "[$(date +%H:%M:%S)] $*" >&2; }
die() { log "error: $*"; exit 1; }
md() { echo "$*" >>"$MD"; }

cp "$NIMBUS_BIN" "$OUT/nimbus"
cc -O2 -pthread -o "$OUT/lambench" "$HERE/lambench.c"
cc -O2 -o "$OUT/floor_server" "$ROOT/bench/startup/floor_server.c"
LB="$OUT/lambench"
PY_REAL="$(python3 -c 'import sys; print(sys.executable)')"
NODE_REAL="$(readlink -f "$(command -v node)")"
PY_VER="$("$PY_REAL" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
NODE_MAJOR="$("$NODE_REAL" -p "process.versions.node.split('.')[0]")"
PY_RUNTIME="python$PY_VER"
NODE_RUNTIME="nodejs$NODE_MAJOR.x"
BOOT="$ROOT/services/lambda/runtime/bootstrap"
RTP=()
TRP=()  # tracers (strace, perf) run above everything they watch, or they starve under SCHED_FIFO
if [[ "$RT" == 1 ]]; then RTP=(chrt -f 50); TRP=(chrt -f 60); fi
HAVE_PERF=0; command -v perf >/dev/null && HAVE_PERF=1
HAVE_STRACE=0; command -v strace >/dev/null && HAVE_STRACE=1

start_listening() {  # NAME LOG cmd...: sets SERVER_PID, SERVER_PORT
  local name="$1" logf="$2" i; shift 2
  "$@" >"$logf" 2>&1 &
  SERVER_PID=$!
  PIDS+=("$SERVER_PID")
  for ((i = 0; i < 200; i++)); do
    if grep -q '^Ready\.' "$logf" 2>/dev/null; then
      SERVER_PORT=$(sed -n 's/^Listening on .*:\([0-9]*\)$/\1/p' "$logf" | head -1)
      return 0
    fi
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$logf" >&2; die "$name exited"; }
    sleep 0.05
  done
  die "$name did not print Ready. within 10 s"
}

md "## Lambda profile, $(date -u '+%Y-%m-%d %H:%M UTC')"
md ""
md "- $(nproc) CPUs \`$(lscpu | sed -n 's/^Model name: *//p' | head -1)\`, kernel \`$(uname -r)\`, load average $(cut -d' ' -f1-3 /proc/loadavg); RT=$RT"
md "- python $PY_REAL ($PY_RUNTIME), node $NODE_REAL ($NODE_RUNTIME)"
md ""

# ---- 1. import times --------------------------------------------------------------------------
log "1. python -X importtime of the bootstrap's imports"
for i in 1 2 3 4 5; do
  "${RTP[@]}" "$PY_REAL" -X importtime -c 'import http.client, importlib, json, os, sys, time, traceback' \
    2>"$OUT/importtime.$i.txt"
done
md "### 1. \`python3 -X importtime -c 'import http.client, importlib, json, os, sys, time, traceback'\` (5 runs, medians; importtime itself adds overhead)"
md ""
python3 "$HERE/analyze.py" importtime "$OUT"/importtime.*.txt >>"$MD"
md ""

# ---- 2. the bootstraps alone ------------------------------------------------------------------
log "2. bootstraps alone against a minimal Runtime API"
mkdir -p "$OUT/task"
printf 'def handler(event, context):\n    return None\n' >"$OUT/task/index.py"
printf 'exports.handler = async () => null;\n' >"$OUT/task/index.js"
export _HANDLER=index.handler LAMBDA_TASK_ROOT="$OUT/task"
SHIPPED=()
for r in 1 2 3; do
  "${RTP[@]}" "$LB" rapi -e -n 5 -x "$PY_REAL -c pass" -- "$PY_REAL" -u "$BOOT/python_bootstrap.py" >"$OUT/rapi-py-shipped.$r.txt"
  SHIPPED+=("$OUT/rapi-py-shipped.$r.txt")
done
"${RTP[@]}" "$LB" rapi -e -n 10 -x "$NODE_REAL -e 0" -- "$NODE_REAL" "$BOOT/node_bootstrap.js" >"$OUT/rapi-node.txt"
unset _HANDLER LAMBDA_TASK_ROOT
md "### 2. The bootstraps alone: spawn → first GET /invocation/next, against lambench's minimal Runtime API"
md ""
md "Python in 3 rounds of 5 (+1 warm-up each); every start paired with a bare interpreter start (spawn → exit) right before it."
md ""
python3 "$HERE/analyze.py" rapi \
  "python, shipped=$(IFS=,; echo "${SHIPPED[*]}")" \
  "node, shipped=$OUT/rapi-node.txt" >>"$MD"
md ""

# ---- 3. first function of a runtime: interpreter probe -----------------------------------------
log "3. interpreter probe (once per server and runtime)"
PROBE_PY_NAME="$(command -v "python$PY_VER" || command -v python3)"
"${RTP[@]}" "$LB" spawn -n 5 -- /bin/sh -c "'$PROBE_PY_NAME' -c 'import sys; print(sys.executable); print(\"%d.%d\" % sys.version_info[:2])' 2>/dev/null" >"$OUT/probe-py-shim.txt"
"${RTP[@]}" "$LB" spawn -n 5 -- /bin/sh -c "'$PY_REAL' -c 'import sys; print(sys.executable); print(\"%d.%d\" % sys.version_info[:2])' 2>/dev/null" >"$OUT/probe-py-real.txt"
"${RTP[@]}" "$LB" spawn -n 5 -- /bin/sh -c "'$PY_REAL' -S -c 'import sys; print(sys.executable); print(\"%d.%d\" % sys.version_info[:2])' 2>/dev/null" >"$OUT/probe-py-real-S.txt"
"${RTP[@]}" "$LB" spawn -n 5 -- /bin/sh -c "'$(command -v node)' -p \"process.versions.node.split('.')[0]\" 2>/dev/null" >"$OUT/probe-node.txt"
"${RTP[@]}" "$LB" spawn -n 5 -- "$NODE_REAL" --version >"$OUT/probe-node-version.txt"
p50of() { sed -n 's/^RESULT spawn .*p50_ms=\([0-9.]*\).*/\1/p' "$1"; }
md "### 3. Interpreter probe paid by the first function of each runtime (nimbus runs it with popen, i.e. /bin/sh -c)"
md ""
md "| probe | p50 (spawn → exit) |"
md "|---|---:|"
md "| \`$PROBE_PY_NAME -c 'import sys; print(sys.executable)…'\` (what nimbus runs: first \`python$PY_VER\` on PATH) | $(p50of "$OUT/probe-py-shim.txt") ms |"
md "| the same with the real binary | $(p50of "$OUT/probe-py-real.txt") ms |"
md "| the same with the real binary and \`-S\` | $(p50of "$OUT/probe-py-real-S.txt") ms |"
md "| \`node -p \"process.versions.node…\"\` (what nimbus runs) | $(p50of "$OUT/probe-node.txt") ms |"
md "| \`node --version\` (no script engine start) | $(p50of "$OUT/probe-node-version.txt") ms |"
md ""

# ---- servers ------------------------------------------------------------------------------------
start_listening floor "$OUT/floor.log" "${RTP[@]}" env GATEWAY_LISTEN="$HOST:0" "$OUT/floor_server"
FLOOR_PORT=$SERVER_PORT
start_listening nimbus "$OUT/nimbus.log" "${RTP[@]}" env -u DEBUG -u PERSISTENCE -u DATA_DIR \
  GATEWAY_LISTEN="$HOST:0" "$OUT/nimbus"
NIMBUS_PID=$SERVER_PID
PORT=$SERVER_PORT

# ---- 4. one cold start under strace -------------------------------------------------------------
if ((HAVE_STRACE)); then
  log "4. one python cold start under strace -f"
  python3 "$HERE/lambdactl.py" create "$HOST:$PORT" primer "$PY_RUNTIME"  # pays the probe
  python3 "$HERE/lambdactl.py" bodies "$OUT/bodies" "$PY_RUNTIME" traced 1 >/dev/null
  "${TRP[@]}" strace -f -ttt -s 300 -o "$OUT/cold.strace" -p "$NIMBUS_PID" 2>"$OUT/strace.err" &
  STRACE_PID=$!
  PIDS+=("$STRACE_PID")
  sleep 1
  "${RTP[@]}" "$LB" cold -e -p "$PORT" -- "$OUT/bodies/traced-0.req" >"$OUT/cold-traced.txt"
  sleep 0.3
  kill -INT "$STRACE_PID" 2>/dev/null || true
  wait "$STRACE_PID" 2>/dev/null || true
  md "### 4. One python cold start through nimbus under \`strace -f -ttt\` (strace slows every syscall: the first invoke took $(sed -n 's/.*first_invoke_ms=\([0-9.]*\).*/\1/p' "$OUT/cold-traced.txt") ms traced; see run.sh for untraced numbers)"
  md ""
  python3 "$HERE/analyze.py" milestones "$OUT/cold.strace" >>"$MD"
  md ""
else
  md "### 4. (strace not installed: skipped)"
fi

# ---- 5. warm phases -----------------------------------------------------------------------------
if ((HAVE_PERF)); then
  log "5. warm invokes under perf trace"
  python3 "$HERE/lambdactl.py" create "$HOST:$PORT" warmtrace "$PY_RUNTIME"
  "${RTP[@]}" "$LB" warm -p "$PORT" -f "$FLOOR_PORT" -F warmtrace -n 300 -w 100 >"$OUT/warm-untraced.txt"
  "${TRP[@]}" perf trace -e sendmsg,recvmsg -p "$NIMBUS_PID" -o "$OUT/warm.perftrace" 2>"$OUT/perftrace.err" &
  PT_PID=$!
  PIDS+=("$PT_PID")
  sleep 1
  "${RTP[@]}" "$LB" warm -p "$PORT" -f "$FLOOR_PORT" -F warmtrace -n 300 -w 20 >"$OUT/warm-traced.txt"
  kill -INT "$PT_PID" 2>/dev/null || true
  wait "$PT_PID" 2>/dev/null || true
  p50w() { sed -n "s/^RESULT $2 .*p50_ms=\([0-9.]*\).*/\1/p" "$1"; }
  md "### 5. Warm python invokes, one connection: phases on nimbus's side (perf trace of its sendmsg/recvmsg)"
  md ""
  md "Client view without tracing: invoke p50 $(p50w "$OUT/warm-untraced.txt" warm_invoke) ms, loopback (floor) p50 $(p50w "$OUT/warm-untraced.txt" warm_floor) ms; while traced: invoke p50 $(p50w "$OUT/warm-traced.txt" warm_invoke) ms (perf trace adds its cost to every syscall)."
  md ""
  python3 "$HERE/analyze.py" phases "$OUT/warm.perftrace" >>"$MD"
  md ""

  # ---- 6. throughput profile --------------------------------------------------------------------
  log "6. throughput at $LOAD_CONNS in flight: perf record"
  python3 "$HERE/lambdactl.py" create "$HOST:$PORT" loadprof "$PY_RUNTIME"
  "${RTP[@]}" "$LB" load -p "$PORT" -F loadprof -c "$LOAD_CONNS" -d 8 -W 2 -M 30 -P "$NIMBUS_PID" >"$OUT/load-prof.txt" &
  LOAD_PID=$!
  PIDS+=("$LOAD_PID")
  sleep 4
  "${TRP[@]}" perf record -a -e cpu-clock -F 999 -o "$OUT/load-all.perf" -- sleep 2 >/dev/null 2>&1 || true
  "${TRP[@]}" perf record -e cpu-clock -F 999 --call-graph dwarf,16384 -p "$NIMBUS_PID" -o "$OUT/load-nimbus.perf" -- sleep 2 >/dev/null 2>&1 || true
  wait "$LOAD_PID" || true
  perf report -i "$OUT/load-all.perf" --sort comm --stdio 2>/dev/null | grep -v '^#' | grep '%' | head -8 >"$OUT/load-comm.txt" || true
  perf report -i "$OUT/load-nimbus.perf" --children --sort sym --stdio -g none 2>/dev/null >"$OUT/load-nimbus.txt" || true
  md "### 6. Throughput at $LOAD_CONNS in flight (python no-op): where the CPU goes"
  md ""
  md "Load run (perf attached for 4 of its seconds, so the rate is lower than run.sh's): \`$(grep '^RESULT load ' "$OUT/load-prof.txt" | cut -c8-)\`"
  md ""
  md "CPU samples by process name, whole machine (\`perf record -a\`, 2 s):"
  md ""
  md '```'
  cat "$OUT/load-comm.txt" >>"$MD"
  md '```'
  md ""
  md "Nimbus's own CPU, inclusive, by function (\`perf record --call-graph dwarf -p nimbus\`, 2 s; DWARF unwinding slows the process, so compare shares):"
  md ""
  python3 "$HERE/analyze.py" perfsym "$OUT/load-nimbus.txt" \
    "nimbus::edge::Session::Loop" "nimbus::edge::Gateway::HandleAws" \
    "nimbus::lambda::LambdaService::Invoke" "nimbus::lambda::LambdaService::Resolve" \
    "nimbus::lambda::LambdaStore::FindFunction" "nimbus::lambda::LambdaStore::FindVersion" \
    "nimbus::lambda::runtime::EnvironmentPool::ServeRuntimeApi" \
    "nimbus::lambda::runtime::EnvironmentPool::Complete" \
    "nimbus::lambda::runtime::(anonymous namespace)::TreeRssKb" \
    "nimbus::logs::LogsService::FlushIngest" "nimbus::logs::LogsStore::AppendEvents" \
    "sqlite3_step" "__libc_sendmsg" "__libc_recvmsg" "epoll_wait" >>"$MD"
  md ""
else
  md "### 5–6. (perf not installed: skipped)"
fi

cleanup
PIDS=()
cat "$MD"
