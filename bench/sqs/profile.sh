#!/usr/bin/env bash
# Where a SendMessage goes: the evidence behind the SQS analysis in bench/RESULTS.md.
#
#   bench/sqs/profile.sh                  # OUT=/tmp/nimbus-sqs-profile.<timestamp>
#
# For nimbus in memory and with PERSISTENCE=1 (and the bare Beast baseline), under the same wrk
# SendMessage load as run.sh (wrk -t2 -c32):
#   - strace -c -f on the server for SECONDS_STRACE s: syscalls and how many per request;
#   - perf record -g (DWARF unwinding) for SECONDS_PERF s, reported flat (self time by DSO and
#     symbol) and inclusive (children) for the server's own functions;
#   - who calls the allocator (alloc_callers.py over perf script);
#   - for PERSISTENCE=1, the database and WAL files left after the runs.
# Knobs: NIMBUS_BIN [build/nimbus], SECONDS_PERF [4], SECONDS_STRACE [3], OUT.
# Needs perf (apt-get install linux-perf) and strace; a missing tool skips its section.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
NIMBUS_BIN="${NIMBUS_BIN:-$ROOT/build/nimbus}"
SECONDS_PERF="${SECONDS_PERF:-4}"
SECONDS_STRACE="${SECONDS_STRACE:-3}"
OUT="${OUT:-/tmp/nimbus-sqs-profile.$(date +%Y%m%d-%H%M%S)}"
HOST=127.0.0.1
mkdir -p "$OUT"
export SQS_LUA_DIR="$HERE"

PIDS=()
DATA_DIRS=()
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
cleanup() {
  local pid d
  for pid in "${PIDS[@]}"; do stop_pid "$pid"; done
  for d in "${DATA_DIRS[@]}"; do rm -rf -- "$d"; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM
log() { echo "[$(date +%H:%M:%S)] $*" >&2; }
die() { log "error: $*"; exit 1; }

command -v wrk >/dev/null || die "wrk is not installed (apt-get install -y wrk)"
cp "$NIMBUS_BIN" "$OUT/nimbus"
BB_FLAGS="-O2 -DNDEBUG -std=c++20 -I/usr/include"
BB="/tmp/nimbus-sqs-bare-beast.$( (cat "$HERE/bare_beast.cc"; echo "$BB_FLAGS") | sha256sum | cut -c1-16)"
if [[ ! -x "$BB" ]]; then
  # shellcheck disable=SC2086
  g++ $BB_FLAGS -o "$BB.tmp" "$HERE/bare_beast.cc" -lpthread && mv "$BB.tmp" "$BB"
fi

start_listening() {  # LOG cmd...
  local logf="$1" i; shift
  "$@" >"$logf" 2>&1 &
  SERVER_PID=$!
  PIDS+=("$SERVER_PID")
  for ((i = 0; i < 200; i++)); do
    if grep -q '^Ready\.' "$logf" 2>/dev/null; then
      SERVER_PORT=$(sed -n 's/^Listening on .*:\([0-9]*\)$/\1/p' "$logf" | head -1)
      return 0
    fi
    sleep 0.05
  done
  die "server did not start: $(cat "$logf")"
}

# load SECONDS: wrk SendMessage load in the background; sets LOAD_PID
load() {
  QUEUE_URL="$QUEUE_URL" wrk -t2 -c32 -d"$1s" -s "$HERE/send.lua" "http://$HOST:$SERVER_PORT/" \
    >"$OUT/$SUBJECT-wrk-$2.txt" 2>&1 &
  LOAD_PID=$!
  PIDS+=("$LOAD_PID")
}

profile_subject() {  # SUBJECT (nimbus-memory | nimbus-persistent | bare)
  SUBJECT="$1"
  log "$SUBJECT"
  case "$SUBJECT" in
    nimbus-memory)
      start_listening "$OUT/$SUBJECT.log" env -u DEBUG -u PERSISTENCE GATEWAY_LISTEN="$HOST:0" "$OUT/nimbus" ;;
    nimbus-persistent)
      local d; d="$(mktemp -d /tmp/nimbus-sqs-profile-data.XXXXXX)"; DATA_DIRS+=("$d")
      start_listening "$OUT/$SUBJECT.log" env -u DEBUG GATEWAY_LISTEN="$HOST:0" PERSISTENCE=1 DATA_DIR="$d" "$OUT/nimbus" ;;
    bare)
      start_listening "$OUT/$SUBJECT.log" "$BB" "$HOST" 0 ;;
  esac
  if [[ "$SUBJECT" == bare ]]; then
    QUEUE_URL="http://$HOST:$SERVER_PORT/000000000000/bench"
  else
    QUEUE_URL="$(python3 "$HERE/sqsctl.py" "$HOST:$SERVER_PORT" create bench)"
  fi
  # warm up
  QUEUE_URL="$QUEUE_URL" wrk -t2 -c32 -d1s -s "$HERE/send.lua" "http://$HOST:$SERVER_PORT/" >/dev/null 2>&1

  if command -v strace >/dev/null; then
    load $((SECONDS_STRACE + 1)) strace
    sleep 0.5
    timeout -s INT "$SECONDS_STRACE" strace -c -f -p "$SERVER_PID" -o "$OUT/$SUBJECT-strace.txt" || true
    wait "$LOAD_PID" || true
    # Under strace the server slows down a lot, so count requests by responses: Beast writes each
    # response with one sendmsg.
    awk '/^-/ || /^ *%|^ *time/ { next }
      NF >= 5 && $NF != "total" { calls[$NF] = $4 }
      END { n = calls["sendmsg"]; printf "%-16s %8d (= responses)\n", "requests", n;
            for (s in calls) printf "%-16s %8d calls  %6.2f per request\n", s, calls[s], calls[s] / n }' \
      "$OUT/$SUBJECT-strace.txt" >"$OUT/$SUBJECT-syscalls-per-request.txt" || true
  fi

  if command -v perf >/dev/null; then
    load $((SECONDS_PERF + 1)) perf
    sleep 0.5
    perf record -q -F 999 --call-graph dwarf,16384 -p "$SERVER_PID" -o "$OUT/$SUBJECT.perf.data" \
      -- sleep "$SECONDS_PERF" 2>"$OUT/$SUBJECT-perf-record.log" || true
    wait "$LOAD_PID" || true
    perf report -i "$OUT/$SUBJECT.perf.data" --no-children --sort dso,sym --percent-limit 0.7 \
      --stdio -g none 2>/dev/null | grep -v '^$' >"$OUT/$SUBJECT-perf-self.txt" || true
    # Inclusive time of the server's own functions and the library calls they make (template
    # names of Asio/Beast frames are left out: they are the event loop itself).
    perf report -i "$OUT/$SUBJECT.perf.data" --children --sort sym --percent-limit 0.5 \
      --stdio -g none 2>/dev/null |
      grep -E 'nimbus::|sqlite3_(step|exec|prepare|reset|finalize)|sqlite3VdbeExec|sqlite3BtreeInsert|EVP_Digest|__libc_sendmsg|__libc_recvmsg|_int_malloc|_int_free|sysmalloc|systrim|__brk|finish_task_switch|Session::Loop' |
      grep -v '^#' | cut -c1-170 >"$OUT/$SUBJECT-perf-children.txt" || true
    # Who calls malloc/free and brk (sysmalloc/systrim): the first server, SQLite or RapidJSON
    # frame above the allocator in each sampled stack.
    perf script -i "$OUT/$SUBJECT.perf.data" -F ip,sym 2>/dev/null | python3 "$HERE/alloc_callers.py" \
      >"$OUT/$SUBJECT-alloc-callers.txt" || true
    perf report -i "$OUT/$SUBJECT.perf.data" --no-children --sort dso --stdio -g none 2>/dev/null |
      grep -v '^$' >"$OUT/$SUBJECT-perf-dso.txt" || true
  fi
  stop_pid "$SERVER_PID"
  if [[ "$SUBJECT" == nimbus-persistent ]]; then
    ls -l "$d"/state >"$OUT/$SUBJECT-files.txt" 2>&1 || ls -lR "$d" >"$OUT/$SUBJECT-files.txt" 2>&1 || true
  fi
}

profile_subject bare
profile_subject nimbus-memory
profile_subject nimbus-persistent

for s in bare nimbus-memory nimbus-persistent; do
  echo "===== $s: wrk during perf"; grep RESULT "$OUT/$s-wrk-perf.txt" || true
  echo "===== $s: syscalls per request (strace -c)"; head -15 "$OUT/$s-syscalls-per-request.txt" 2>/dev/null || true
  echo "===== $s: self time by DSO"; grep -v '^#' "$OUT/$s-perf-dso.txt" 2>/dev/null | head -12 || true
  echo "===== $s: self time by symbol"; grep -v '^#' "$OUT/$s-perf-self.txt" 2>/dev/null | head -40 || true
  echo "===== $s: inclusive time (children)"; head -60 "$OUT/$s-perf-children.txt" 2>/dev/null || true
  echo "===== $s: allocator callers"; cat "$OUT/$s-alloc-callers.txt" 2>/dev/null || true
done | tee "$OUT/summary.txt"
echo "===== nimbus-persistent: files after the runs (SIGTERM)" | tee -a "$OUT/summary.txt"
tee -a "$OUT/summary.txt" <"$OUT/nimbus-persistent-files.txt"
log "output in $OUT"
