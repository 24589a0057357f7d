#!/usr/bin/env bash
# Lambda benchmark, end to end (issue 4): cold start (create -> first response), warm invoke
# latency over one keep-alive connection against the loopback round trip measured by the same
# client, and concurrent throughput at 10 and 50 in flight. About 1-2 minutes on 2 CPUs.
#
#   bench/lambda/run.sh                 # everything
#   RT=1 bench/lambda/run.sh            # client, nimbus (and so its functions) under SCHED_FIFO
#
# Knobs (environment, defaults in brackets): NIMBUS_BIN [build/nimbus], COLD_N [10] (functions
# per runtime), SPAWN_N [20] (bare interpreter starts), WARM_N [1000], WARM_WARMUP [200],
# LOAD_CONNS ["10 50"], LOAD_S [5], LOAD_WARMUP_S [2] and LOAD_WARMUP_MAX_S [30] (the warm-up
# lasts at least LOAD_WARMUP_S and until the number of environments has been stable for 1 s, at
# most LOAD_WARMUP_MAX_S: the measured window sees the scaled-out steady state), RT [0] (1 =
# chrt -f 50 for the client, floor server and nimbus; its function environments inherit it),
# WAIT_IDLE_S [60] (wait up to this long for a quiet machine first), PY_RUNTIME / NODE_RUNTIME
# [from the machine's python3 and node, so no version-mismatch warning],
# OUT [/tmp/nimbus-lambda-bench.<timestamp>].
#
# What runs: bench/lambda/lambench.c (the client, built here with cc into $OUT) against a copy
# of the nimbus binary (a rebuild mid-run changes nothing) and bench/startup/floor_server.c (a
# trivial blocking keep-alive HTTP server: the loopback round-trip floor). Functions are no-op
# handlers in zips built in memory by bench/lambda/lambdactl.py. Loopback only; every process
# is a child stopped by PID on exit (trap), and so are environments nimbus leaves behind.
# Output: markdown on stdout and $OUT/summary.md; raw client output in $OUT/*.txt, per-sample
# latencies in $OUT/warm-*.samples, server log in $OUT/nimbus.log.
# Files: run.sh (this), lambench.c (client), lambdactl.py (zips, CreateFunction bodies),
# summarize.py (markdown); profile.sh + analyze.py: the evidence (where a
# cold start and a warm invoke spend their time; see bench/RESULTS.md, section Lambda).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
NIMBUS_BIN="${NIMBUS_BIN:-$ROOT/build/nimbus}"
COLD_N="${COLD_N:-10}"
SPAWN_N="${SPAWN_N:-20}"
WARM_N="${WARM_N:-1000}"
WARM_WARMUP="${WARM_WARMUP:-200}"
LOAD_CONNS="${LOAD_CONNS:-10 50}"
LOAD_S="${LOAD_S:-5}"
LOAD_WARMUP_S="${LOAD_WARMUP_S:-2}"
LOAD_WARMUP_MAX_S="${LOAD_WARMUP_MAX_S:-30}"
RT="${RT:-0}"
WAIT_IDLE_S="${WAIT_IDLE_S:-60}"
OUT="${OUT:-/tmp/nimbus-lambda-bench.$(date +%Y%m%d-%H%M%S)}"
HOST=127.0.0.1

mkdir -p "$OUT"
RESULTS="$OUT/results.txt"
: >"$RESULTS"

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
# Nimbus's children (function environments, each its own process group), by PID.
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
record() { echo "$*" >>"$RESULTS"; }

# ---- tools ---------------------------------------------------------------------------------
command -v cc >/dev/null || die "cc is needed"
[[ -x "$NIMBUS_BIN" ]] || die "no nimbus binary at $NIMBUS_BIN"
cp "$NIMBUS_BIN" "$OUT/nimbus"
cc -O2 -pthread -o "$OUT/lambench" "$HERE/lambench.c"
cc -O2 -o "$OUT/floor_server" "$ROOT/bench/startup/floor_server.c"
LB="$OUT/lambench"
PY=python3
# The interpreters nimbus will exec: the real binary behind a pyenv shim (nimbus resolves it the
# same way, by asking `python3 -c 'import sys; print(sys.executable)'`), node's canonical path.
PY_REAL="$(python3 -c 'import sys; print(sys.executable)')"
NODE_REAL="$(readlink -f "$(command -v node)")"
PY_VER="$("$PY_REAL" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
NODE_MAJOR="$("$NODE_REAL" -p "process.versions.node.split('.')[0]")"
PY_RUNTIME="${PY_RUNTIME:-python$PY_VER}"
NODE_RUNTIME="${NODE_RUNTIME:-nodejs$NODE_MAJOR.x}"

RTP=()
if [[ "$RT" == 1 ]]; then RTP=(chrt -f 50); fi

# shellcheck source=bench/startup/lib.sh
source "$ROOT/bench/startup/lib.sh"  # cpu_sample, busy_pct, wait_idle
# phase NAME cmd...: runs cmd (output to $OUT/NAME.txt), records the machine's CPU busy % meanwhile
phase() {
  local name="$1" a b; shift
  a="$(cpu_sample)"
  "$@" >"$OUT/$name.txt" 2>"$OUT/$name.err" || { cat "$OUT/$name.txt" "$OUT/$name.err" >&2; die "$name failed"; }
  b="$(cpu_sample)"
  record "PHASE name=$name busy_pct=$(busy_pct "$a" "$b") loadavg=$(cut -d' ' -f1 /proc/loadavg)"
  sed "s/^/$name /" "$OUT/$name.txt" >>"$RESULTS"
}

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

START_S=$(date +%s)
{
  echo "MACHINE nproc=$(nproc) model=\"$(lscpu | sed -n 's/^Model name: *//p' | head -1)\"" \
       "mem=\"$(free -m | awk '/^Mem:/{printf "%.1f GiB", $2/1024}')\" kernel=$(uname -r)"
  echo "NIMBUS src=$NIMBUS_BIN built=$(date -u -r "$NIMBUS_BIN" +%Y-%m-%dT%H:%MZ)" \
       "sha256=$(sha256sum "$OUT/nimbus" | cut -c1-16)" \
       "commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "INTERP python=$PY_REAL python_version=$("$PY_REAL" -V 2>&1 | awk '{print $2}')" \
       "node=$NODE_REAL node_version=$("$NODE_REAL" -v) py_runtime=$PY_RUNTIME node_runtime=$NODE_RUNTIME"
  echo "CONFIG rt=$RT cold_n=$COLD_N spawn_n=$SPAWN_N warm_n=$WARM_N warm_warmup=$WARM_WARMUP" \
       "load_conns=\"$LOAD_CONNS\" load_s=$LOAD_S load_warmup_s=$LOAD_WARMUP_S load_warmup_max_s=$LOAD_WARMUP_MAX_S"
  echo "DATE $(date -u '+%Y-%m-%d %H:%M UTC') loadavg_before=\"$(cut -d' ' -f1-3 /proc/loadavg)\""
} >>"$RESULTS"

log "output in $OUT; waiting up to ${WAIT_IDLE_S}s for a quiet machine"
wait_idle "$WAIT_IDLE_S" "$OUT/notes.txt"

# ---- 1a. bare interpreter start ------------------------------------------------------------
log "interpreter start: $PY_REAL -c pass, $NODE_REAL -e 0 ($SPAWN_N each)"
phase spawn-python "${RTP[@]}" "$LB" spawn -e -n "$SPAWN_N" -- "$PY_REAL" -c pass
phase spawn-node "${RTP[@]}" "$LB" spawn -e -n "$SPAWN_N" -- "$NODE_REAL" -e 0
# Reference points (not targets): what the bootstraps add before their first GET /next.
# (-e: every spawn gets the environment nimbus gives functions, not this shell's: e.g. a
# NODE_EXTRA_CA_CERTS here makes every node start parse extra certificates.)
phase spawn-python-S "${RTP[@]}" "$LB" spawn -e -n "$SPAWN_N" -- "$PY_REAL" -S -c pass
phase spawn-python-imports "${RTP[@]}" "$LB" spawn -e -n "$SPAWN_N" -- "$PY_REAL" -c \
  'import http.client, importlib, json, os, sys, time, traceback'
phase spawn-node-require "${RTP[@]}" "$LB" spawn -e -n "$SPAWN_N" -- "$NODE_REAL" -e \
  "require('http'); require('path'); require('fs'); require('util'); require('url')"

# ---- servers -------------------------------------------------------------------------------
log "starting the floor server and nimbus"
start_listening floor "$OUT/floor.log" "${RTP[@]}" env GATEWAY_LISTEN="$HOST:0" "$OUT/floor_server"
FLOOR_PORT=$SERVER_PORT
start_listening nimbus "$OUT/nimbus.log" "${RTP[@]}" env -u DEBUG -u PERSISTENCE -u DATA_DIR \
  -u LAMBDA_KEEPALIVE_MS GATEWAY_LISTEN="$HOST:0" "$OUT/nimbus"
NIMBUS_PID=$SERVER_PID
PORT=$SERVER_PORT
record "SERVERS nimbus_pid=$NIMBUS_PID port=$PORT floor_port=$FLOOR_PORT"

# ---- 1b. cold start ------------------------------------------------------------------------
# The first function of each runtime in the server's life also pays the one-time interpreter
# resolution (nimbus runs `python3 -c ...` through PATH to find the real binary): reported on
# its own. Then COLD_N new functions per runtime, python and node interleaved. Right before each
# create, lambench times the bare interpreter start (`python3 -c pass` / `node -e 0`), so each
# cold start is paired with an interpreter start taken under the same machine conditions.
log "cold start: 1 + $COLD_N functions per runtime"
PY_REF=("$PY_REAL" -c pass)
NODE_REF=("$NODE_REAL" -e 0)
$PY "$HERE/lambdactl.py" bodies "$OUT/bodies" "$PY_RUNTIME" firstpy 1 "${PY_REF[@]}" >/dev/null
$PY "$HERE/lambdactl.py" bodies "$OUT/bodies" "$NODE_RUNTIME" firstnode 1 "${NODE_REF[@]}" >/dev/null
$PY "$HERE/lambdactl.py" bodies "$OUT/bodies" "$PY_RUNTIME" coldpy "$COLD_N" "${PY_REF[@]}" >/dev/null
$PY "$HERE/lambdactl.py" bodies "$OUT/bodies" "$NODE_RUNTIME" coldnode "$COLD_N" "${NODE_REF[@]}" >/dev/null
COLD_FILES=()
for ((i = 0; i < COLD_N; i++)); do
  COLD_FILES+=("$OUT/bodies/coldpy-$i.req" "$OUT/bodies/coldnode-$i.req")
done
phase cold-first "${RTP[@]}" "$LB" cold -e -p "$PORT" -- "$OUT/bodies/firstpy-0.req" "$OUT/bodies/firstnode-0.req"
phase cold "${RTP[@]}" "$LB" cold -e -p "$PORT" -- "${COLD_FILES[@]}"

# ---- 2. warm latency -----------------------------------------------------------------------
log "warm latency: $WARM_N invokes per runtime on one connection (+ health and floor round trips)"
$PY "$HERE/lambdactl.py" create "$HOST:$PORT" warmpy "$PY_RUNTIME"
$PY "$HERE/lambdactl.py" create "$HOST:$PORT" warmnode "$NODE_RUNTIME"
phase warm-python "${RTP[@]}" "$LB" warm -p "$PORT" -f "$FLOOR_PORT" -F warmpy -n "$WARM_N" \
  -w "$WARM_WARMUP" -o "$OUT/warm-python.samples"
phase warm-node "${RTP[@]}" "$LB" warm -p "$PORT" -f "$FLOOR_PORT" -F warmnode -n "$WARM_N" \
  -w "$WARM_WARMUP" -o "$OUT/warm-node.samples"

# ---- 3. concurrent throughput --------------------------------------------------------------
for c in $LOAD_CONNS; do
  log "throughput: $c in flight, ${LOAD_WARMUP_S}s warm-up + ${LOAD_S}s measured"
  record "ENVCOUNT load=$c before_create=$(env_pids "$NIMBUS_PID" | wc -l)"
  $PY "$HERE/lambdactl.py" create "$HOST:$PORT" "load$c" "$PY_RUNTIME"
  phase "load-$c" "${RTP[@]}" "$LB" load -p "$PORT" -F "load$c" -c "$c" -d "$LOAD_S" \
    -W "$LOAD_WARMUP_S" -M "$LOAD_WARMUP_MAX_S" -P "$NIMBUS_PID"
done
record "ENVS total_children=$(env_pids "$NIMBUS_PID" | wc -l)" \
  "nimbus_rss_kib=$(awk '/^VmRSS/{print $2}' /proc/$NIMBUS_PID/status)"
END_S=$(date +%s)
record "ELAPSED s=$((END_S - START_S))"

cleanup
PIDS=()
$PY "$HERE/summarize.py" "$RESULTS" >"$OUT/summary.md"
cat "$OUT/notes.txt" 2>/dev/null >>"$OUT/summary.md" || true
cat "$OUT/summary.md"
