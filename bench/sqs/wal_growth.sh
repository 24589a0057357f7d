#!/usr/bin/env bash
# PERSISTENCE=1: does SQLite's WAL ever get checkpointed, and what does its growth cost?
#
#   bench/sqs/wal_growth.sh          # OUT=/tmp/nimbus-sqs-wal.<timestamp>, ~1 minute
#
# Two PERSISTENCE=1 servers (queues filled to 100 and to 100,000 messages), then STEPS rounds of
# wrk -t1 -c1 cycle.lua (Send -> Receive -> Delete, depth constant) for STEP_S seconds against
# each, printing after every round the size of sqs.sqlite and sqs.sqlite-wal and the p50 of each
# operation. With working checkpoints the WAL stays around its 1000-page autocheckpoint size
# (~4 MB) and the database file grows; without, the WAL grows by ~14 frames per cycle and the
# latency of the deep queue, whose B-tree pages were last written long ago, rises with it.
# In the last round, perf (if installed) records each server: look for walFindFrame/walHash*.
# Knobs: NIMBUS_BIN [build/nimbus], STEPS [4], STEP_S [3], LAT_CPU [1], OUT.
set -Eeuo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
NIMBUS_BIN="${NIMBUS_BIN:-$ROOT/build/nimbus}"
STEPS="${STEPS:-4}"
STEP_S="${STEP_S:-3}"
LAT_CPU="${LAT_CPU:-1}"
OUT="${OUT:-/tmp/nimbus-sqs-wal.$(date +%Y%m%d-%H%M%S)}"
HOST=127.0.0.1
mkdir -p "$OUT"
export SQS_LUA_DIR="$HERE"
cp "$NIMBUS_BIN" "$OUT/nimbus"

PIDS=()
DIRS=()
cleanup() {
  local pid d
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  for d in "${DIRS[@]}"; do rm -rf -- "$d"; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start() {  # NAME -> sets PID PORT DIR
  local i
  DIR="$(mktemp -d /tmp/nimbus-sqs-wal-data.XXXXXX)"
  DIRS+=("$DIR")
  taskset -c "$LAT_CPU" env -u DEBUG GATEWAY_LISTEN="$HOST:0" PERSISTENCE=1 DATA_DIR="$DIR" \
    "$OUT/nimbus" >"$OUT/$1.log" 2>&1 &
  PID=$!
  PIDS+=("$PID")
  for ((i = 0; i < 200; i++)); do
    grep -q '^Ready\.' "$OUT/$1.log" && break
    sleep 0.05
  done
  PORT=$(sed -n 's/^Listening on .*:\([0-9]*\)$/\1/p' "$OUT/$1.log" | head -1)
  [[ -n "$PORT" ]] || { cat "$OUT/$1.log" >&2; exit 1; }
}

declare -A port dir url pid
for depth in 100 100000; do
  start "depth$depth"
  pid[$depth]=$PID
  port[$depth]=$PORT
  dir[$depth]=$DIR
  url[$depth]="$(python3 "$HERE/sqsctl.py" "$HOST:$PORT" create "depth$depth")"
  echo "depth $depth: $(python3 "$HERE/sqsctl.py" "$HOST:$PORT" fill "${url[$depth]}" "$depth")"
done

printf '%-7s %-5s %12s %14s %10s %10s %10s\n' depth step db_bytes wal_bytes send_p50 recv_p50 del_p50
for ((step = 1; step <= STEPS; step++)); do
  for depth in 100 100000; do
    f="$OUT/cycle-$depth-$step.txt"
    if ((step == STEPS)) && command -v perf >/dev/null; then
      # Last round: where the server's time goes (flat profile, self time).
      perf record -q -F 999 -p "${pid[$depth]}" -o "$OUT/perf-$depth.data" -- sleep "$STEP_S" 2>/dev/null &
      perf_pid=$!
    fi
    QUEUE_URL="${url[$depth]}" taskset -c "$LAT_CPU" wrk -t1 -c1 -d"${STEP_S}s" -s "$HERE/cycle.lua" \
      "http://$HOST:${port[$depth]}/" >"$f" 2>&1
    if ((step == STEPS)) && [[ -n "${perf_pid:-}" ]]; then
      wait "$perf_pid" || true
      perf report -i "$OUT/perf-$depth.data" --no-children --sort sym --stdio --percent-limit 1.5 2>/dev/null |
        grep -v '^#' | grep -v '^$' | cut -c1-100 >"$OUT/perf-$depth.txt" || true
      perf_pid=
    fi
    p() { sed -n "s/^RESULT op=$1 .* p50_us=\([0-9.]*\).*/\1/p" "$f"; }
    db=$(stat -c %s "${dir[$depth]}/state/sqs.sqlite")
    wal=$(stat -c %s "${dir[$depth]}/state/sqs.sqlite-wal" 2>/dev/null || echo 0)
    printf '%-7s %-5s %12s %14s %10s %10s %10s\n' "$depth" "$step" "$db" "$wal" "$(p send)" "$(p receive)" "$(p delete)"
  done
done | tee "$OUT/summary.txt"
for depth in 100 100000; do
  if [[ -s "$OUT/perf-$depth.txt" ]]; then
    echo "== depth $depth, last round: self time by symbol (perf)" | tee -a "$OUT/summary.txt"
    head -14 "$OUT/perf-$depth.txt" | tee -a "$OUT/summary.txt"
  fi
done
