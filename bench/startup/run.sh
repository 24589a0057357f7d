#!/usr/bin/env bash
# Startup benchmark: time from process start to the first HTTP 200 on the health URL, and idle RSS,
# for build/nimbus and (as the peer) moto's server. See bench/README.md.
#
#   bench/startup/run.sh                 # nimbus (50 runs) + floor calibration + moto (5 runs)
#   NIMBUS_RUNS=200 MOTO_RUNS=0 bench/startup/run.sh
#
# Environment knobs (defaults in brackets):
#   NIMBUS_BIN [build/nimbus]   NIMBUS_RUNS [50]   MOTO_RUNS [5]   FLOOR_RUNS [20] (0 = skip)
#   MOTO_PYTHON [/root/.pyenv/shims/python3; the real interpreter behind it is exec'd directly]
#   IDLE_MS [1000]  TIMEOUT_MS [10000]  RETRY_US [100]  WARMUP [1]
#   OUT [/tmp/nimbus-startup-bench.<timestamp>]  (per-run CSVs, child logs, summary.md)
#   RT [0]  1 = run harness and servers under SCHED_FIFO (startup_bench -R; root), for a shared/busy
#           machine where other processes would otherwise keep the server off the CPU
#   WAIT_IDLE_S [300]  before each benchmark wait up to this long for a quiet machine (>= 90 % of CPU
#                      idle over 5 s); the CPU busy % seen during each benchmark is recorded either way
# Only 127.0.0.1 is used; every server is a child of startup_bench, stopped by PID (SIGTERM,
# SIGKILL after 5 s); a start that gives no 200 within TIMEOUT_MS counts as failed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/bench/startup"
NIMBUS_BIN="${NIMBUS_BIN:-$ROOT/build/nimbus}"
NIMBUS_RUNS="${NIMBUS_RUNS:-50}"
MOTO_RUNS="${MOTO_RUNS:-5}"
FLOOR_RUNS="${FLOOR_RUNS:-20}"
MOTO_PYTHON="${MOTO_PYTHON:-/root/.pyenv/shims/python3}"
IDLE_MS="${IDLE_MS:-1000}"
TIMEOUT_MS="${TIMEOUT_MS:-10000}"
RETRY_US="${RETRY_US:-100}"
WARMUP="${WARMUP:-1}"
OUT="${OUT:-/tmp/nimbus-startup-bench.$(date +%Y%m%d-%H%M%S)}"
CC="${CC:-cc}"

mkdir -p "$OUT"
TOOLS="$(mktemp -d /tmp/startup-bench-tools.XXXXXX)"
trap 'rm -rf "$TOOLS"' EXIT
"$CC" -O2 -o "$TOOLS/startup_bench" "$HERE/startup_bench.c"
"$CC" -O2 -o "$TOOLS/floor_server" "$HERE/floor_server.c"

# Benchmark a snapshot of the binary, so a concurrent rebuild cannot swap it mid-run.
if [[ -x "$NIMBUS_BIN" ]]; then
  cp "$NIMBUS_BIN" "$OUT/nimbus.bin"
  NIMBUS_SRC="$NIMBUS_BIN"
  NIMBUS_BIN="$OUT/nimbus.bin"
fi

# One free loopback port, reused for every start (startup_bench checks it is free before each).
PORT="${PORT:-$("$TOOLS/startup_bench" -P)}"
# Server knobs that would change what is measured (request logging, on-disk state).
unset DEBUG PERSISTENCE DATA_DIR

WAIT_IDLE_S="${WAIT_IDLE_S:-300}"
# shellcheck source=bench/startup/lib.sh
source "$HERE/lib.sh"
# bench LABEL ARGS... : wait for a quiet machine, run startup_bench, record the CPU busy % meanwhile
bench() {
  local label="$1" a b rc=0; shift
  wait_idle "$WAIT_IDLE_S" "$SUMMARY"
  a="$(cpu_sample)"
  "$TOOLS/startup_bench" "$@" | tee -a "$SUMMARY" || rc=1
  b="$(cpu_sample)"
  echo "- whole machine CPU busy during the $label runs (benchmark included): $(busy_pct "$a" "$b")% of $(nproc) CPUs" | tee -a "$SUMMARY"
  return $rc
}

COMMON=(-W "$WARMUP" -p "$PORT" -t "$TIMEOUT_MS" -i "$IDLE_MS" -r "$RETRY_US")
RT="${RT:-0}"
[[ "$RT" == 1 ]] && COMMON+=(-R)
SUMMARY="$OUT/summary.md"
{
  echo "## Startup benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "- machine: $(nproc) CPUs, $(lscpu | sed -n 's/^Model name: *//p' | head -1)," \
       "$(free -m | awk '/^Mem:/{printf "%.1f GiB RAM", $2/1024}'), kernel $(uname -r)"
  echo "- command: \`$(printf '%q ' env NIMBUS_RUNS="$NIMBUS_RUNS" MOTO_RUNS="$MOTO_RUNS" FLOOR_RUNS="$FLOOR_RUNS" IDLE_MS="$IDLE_MS" RT="$RT" bench/startup/run.sh)\`"
  echo "- port 127.0.0.1:$PORT, idle $IDLE_MS ms, retry every $RETRY_US us, timeout $TIMEOUT_MS ms, $WARMUP warm-up run(s) not counted"
  echo "- load average before the runs: $(cut -d' ' -f1-3 /proc/loadavg)"
  if [[ -x "$NIMBUS_BIN" ]]; then
    echo "- nimbus binary: $NIMBUS_SRC (snapshot $NIMBUS_BIN, sha256 $(sha256sum "$NIMBUS_BIN" | cut -c1-16)…)"
    echo "- nimbus: \`$(timeout 5 "$NIMBUS_BIN" --version 2>/dev/null </dev/null | head -1 || true)\`, $(stat -c %s "$NIMBUS_BIN" | awk '{printf "%.1f MiB", $1/1048576}')," \
         "$(ldd "$NIMBUS_BIN" 2>/dev/null | grep -c '=>') shared libraries (ldd)," \
         "built $(date -u -r "$NIMBUS_SRC" '+%Y-%m-%d %H:%M UTC')"
  fi
} | tee "$SUMMARY"

status=0
if [[ "$NIMBUS_RUNS" -gt 0 ]]; then
  if [[ ! -x "$NIMBUS_BIN" ]]; then
    echo "error: $NIMBUS_BIN not found (build it with scripts/setup.sh)" >&2
    status=1
  else
    bench nimbus "${COMMON[@]}" -n "$NIMBUS_RUNS" -u /_nimbus/health -m 'Ready.' \
      -e 'GATEWAY_LISTEN=127.0.0.1:{PORT}' -o "$OUT/nimbus.csv" -L "$OUT/nimbus.log" -l nimbus \
      -- "$NIMBUS_BIN" 2> >(tee "$OUT/nimbus.runs" >&2) || status=1
  fi
fi

if [[ "$FLOOR_RUNS" -gt 0 ]]; then
  bench floor "${COMMON[@]}" -n "$FLOOR_RUNS" -u /_nimbus/health -m 'Ready.' -q \
    -e 'GATEWAY_LISTEN=127.0.0.1:{PORT}' -o "$OUT/floor.csv" -l 'floor (calibration: trivial C server)' \
    -- "$TOOLS/floor_server" || status=1
fi

if [[ "$MOTO_RUNS" -gt 0 ]]; then
  # Exec the interpreter itself, not the pyenv shim (a bash script + pyenv exec chain that adds
  # ~200 ms per start here that is not moto's).
  MOTO_PY_REAL="$("$MOTO_PYTHON" -c 'import sys; print(sys.executable)')"
  MOTO_VER="$("$MOTO_PY_REAL" -c 'import moto; print(moto.__version__)')"
  echo "- moto $MOTO_VER on $("$MOTO_PY_REAL" -V 2>&1) ($MOTO_PY_REAL), health path GET /moto-api/" | tee -a "$SUMMARY"
  bench moto "${COMMON[@]}" -n "$MOTO_RUNS" -u /moto-api/ -m 'Running on' \
    -o "$OUT/moto.csv" -L "$OUT/moto.log" -l "moto $MOTO_VER (python -m moto.server)" \
    -- "$MOTO_PY_REAL" -m moto.server -H 127.0.0.1 -p '{PORT}' 2> >(tee "$OUT/moto.runs" >&2) || status=1
fi

echo
echo "results: $OUT (summary.md, *.csv per run, *.runs per-run lines, *.log server output)"
exit $status
