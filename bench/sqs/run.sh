#!/usr/bin/env bash
# SQS benchmark, end to end (issue 3): throughput of SendMessage and of ReceiveMessage+DeleteMessage
# for Nimbus in memory and with PERSISTENCE=1, for a bare Boost.Beast server answering a fixed body
# (the baseline the targets are relative to) and for moto's server, all through the same wrk
# harness; latency per operation at queue depth 100 vs 100,000; long-poll wake latency.
#
#   bench/sqs/run.sh                          # everything, about 4 minutes on a quiet 2-CPU box
#   DURATION=10 bench/sqs/run.sh              # longer throughput runs
#   MOTO=0 PERSIST=0 bench/sqs/run.sh         # skip moto / the PERSISTENCE=1 runs
#
# Knobs (environment): NIMBUS_BIN [build/nimbus], MOTO_PYTHON [/root/.pyenv/shims/python3],
# DURATION [5] (s per throughput run), WARMUP_S [1], THREADS [2], CONNS [32], ROUNDS [3]
# (throughput rounds of bare Beast + Nimbus in memory + Nimbus persistent), DEPTHS ["100 100000"],
# LAT_DURATION [8] (s of interleaved depthlat.c cycles), CYCLE_DURATION [3] (s of wrk cycle.lua
# per depth), MOTO_DEPTHS ["100"], LAT_CPU [1] (the depth-latency servers and clients run pinned
# to this CPU; empty = no pinning), LP_SAMPLES [100], MOTO_LP_SAMPLES [20], LP_PARK_MS [50], MOTO [1], PERSIST [1],
# PHASES ["throughput depth longpoll"],
# WAIT_IDLE_S [120] (wait up to this long for a quiet machine: <= 10 % busy over 3 s),
# OTHER_MAX [15] and ATTEMPTS [3] (a measurement during which other processes used more than
# OTHER_MAX % of a CPU is repeated, up to ATTEMPTS times in all), OUT
# [/tmp/nimbus-sqs-bench.<timestamp>], RT [0] (1: servers and clients run under SCHED_FIFO
# (`chrt -f 1`, root needed), so a busy machine's other work cannot take the CPUs from them
# during a measurement; the kernel still keeps 5 % for everyone else).
#
# Loopback only. Every process started here is a child, stopped by PID on exit (trap), even on
# failure. The server binary is copied first, so a rebuild during the run changes nothing.
# Output: a markdown summary on stdout and in $OUT/summary.md; raw wrk/client output, server logs
# and a key=value line per measurement in $OUT/results.txt.
set -Eeuo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
NIMBUS_BIN="${NIMBUS_BIN:-$ROOT/build/nimbus}"
MOTO_PYTHON="${MOTO_PYTHON:-/root/.pyenv/shims/python3}"
DURATION="${DURATION:-5}"
WARMUP_S="${WARMUP_S:-1}"
THREADS="${THREADS:-2}"
CONNS="${CONNS:-32}"
LAT_DURATION="${LAT_DURATION:-8}"
CYCLE_DURATION="${CYCLE_DURATION:-3}"
DEPTHS="${DEPTHS:-100 100000}"
MOTO_DEPTHS="${MOTO_DEPTHS:-100}"
LP_SAMPLES="${LP_SAMPLES:-100}"
MOTO_LP_SAMPLES="${MOTO_LP_SAMPLES:-20}"
LP_PARK_MS="${LP_PARK_MS:-50}"
MOTO="${MOTO:-1}"
ROUNDS="${ROUNDS:-3}"
PHASES="${PHASES:-throughput depth longpoll}"
LAT_CPU="${LAT_CPU-1}"
PERSIST="${PERSIST:-1}"
WAIT_IDLE_S="${WAIT_IDLE_S:-120}"
OTHER_MAX="${OTHER_MAX:-15}"
ATTEMPTS="${ATTEMPTS:-3}"
OUT="${OUT:-/tmp/nimbus-sqs-bench.$(date +%Y%m%d-%H%M%S)}"
RT="${RT:-0}"
HOST=127.0.0.1
RT_CMD=()
if [[ "$RT" == 1 ]]; then RT_CMD=(chrt -f 1); fi

mkdir -p "$OUT"
RESULTS="$OUT/results.txt"
: >"$RESULTS"
export SQS_LUA_DIR="$HERE"

# ---- processes: every server is tracked and stopped by PID -------------------------------------
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
trap 'echo "[$(date +%H:%M:%S)] error: line $LINENO: $BASH_COMMAND failed" >&2' ERR
trap 'exit 130' INT TERM

log() { echo "[$(date +%H:%M:%S)] $*" >&2; }
die() { log "error: $*"; exit 1; }

# ---- tools ---------------------------------------------------------------------------------------
if ! command -v wrk >/dev/null; then
  log "installing wrk"
  apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
fi
command -v wrk >/dev/null || die "wrk is not installed"
command -v g++ >/dev/null || die "g++ is needed for the bare Beast baseline"
command -v cc >/dev/null || die "cc is needed for the long-poll client"
[[ -x "$NIMBUS_BIN" ]] || die "no nimbus binary at $NIMBUS_BIN"
cp "$NIMBUS_BIN" "$OUT/nimbus"
NIMBUS="$OUT/nimbus"

# The baseline takes ~15 s to compile; keep it in /tmp keyed by the source's hash.
BB_SRC="$HERE/bare_beast.cc"
BB_FLAGS="-O2 -DNDEBUG -std=c++20 -I/usr/include"
BB="/tmp/nimbus-sqs-bare-beast.$( (cat "$BB_SRC"; echo "$BB_FLAGS") | sha256sum | cut -c1-16)"
if [[ ! -x "$BB" ]]; then
  log "compiling bare_beast.cc"
  # shellcheck disable=SC2086
  g++ $BB_FLAGS -o "$BB.tmp" "$BB_SRC" -lpthread && mv "$BB.tmp" "$BB"
fi
cc -O2 -o "$OUT/longpoll" "$HERE/longpoll.c"
cc -O2 -o "$OUT/depthlat" "$HERE/depthlat.c"
if [[ "$MOTO" == 1 ]]; then
  # The pyenv shim is a bash script + `pyenv exec`; run the interpreter behind it.
  MOTO_PY="$("$MOTO_PYTHON" -c 'import sys; print(sys.executable)')"
  "$MOTO_PY" -c 'import moto' 2>/dev/null || die "moto is not importable by $MOTO_PY"
fi
PY=python3

# ---- machine load --------------------------------------------------------------------------------
# "busy total steal" jiffies from /proc/stat: busy = user+nice+system+irq+softirq (steal, the time
# the hypervisor gave this VM's CPUs to someone else, is reported apart)
cpu_sample() { awk '/^cpu /{print $2+$3+$4+$7+$8, $2+$3+$4+$5+$6+$7+$8+$9, $9}' /proc/stat; }
wait_idle() {
  local waited=0 a b busy
  while :; do
    a="$(cpu_sample)"; sleep 3; b="$(cpu_sample)"
    busy=$(awk -v a="$a" -v b="$b" 'BEGIN{split(a,x," ");split(b,y," ");t=y[2]-x[2];
      printf "%d", (t > 0) ? 100*(y[1]-x[1])/t : 0}')
    if ((busy <= 10)); then
      log "machine quiet (${busy}% busy)"
      echo "$busy"
      return 0
    fi
    waited=$((waited + 3))
    if ((waited >= WAIT_IDLE_S)); then
      log "warning: machine still ${busy}% busy after ${waited}s; measuring anyway"
      echo "$busy"
      return 0
    fi
  done
}
# proc_jiffies "PID [PID...]": user+system CPU jiffies of these processes, summed
proc_jiffies() {
  local pid sum=0 j
  for pid in $1; do
    j=$(awk '{print $14+$15}' "/proc/$pid/stat" 2>/dev/null || echo 0)
    sum=$((sum + j))
  done
  echo "$sum"
}
# CPU jiffies of all kernel threads (children of kthreadd, pid 2): writeback of the server's own
# files (kworker flush) and softirq work land there, so they are counted apart from "other".
kthread_jiffies() {
  # (processes may exit between the glob and the read: ignore cat's status)
  { cat /proc/[0-9]*/stat 2>/dev/null || true; } | awk '{ # comm may hold spaces: count fields from the end
    n = NF; if ($(n-48) == 2) s += $(n-38) + $(n-37) } END { print s + 0 }'
}

# measure_once NAME SERVER_PID OUTFILE cmd...: runs cmd (a client) and sets OTHER_PCT: how much
# CPU the rest of the machine used meanwhile (busy - server - client), in % of one CPU.
measure_once() {
  local name="$1" spid="$2" outf="$3"; shift 3
  local a b s0 s1 k0 k1 t0 t1 cj
  k0="$(kthread_jiffies)"
  a="$(cpu_sample)"; s0="$(proc_jiffies "$spid")"; t0=$(date +%s%N)
  ( rc=0; "$@" >"$outf" 2>&1 || rc=$?; times >"$outf.times"; exit $rc ) || { cat "$outf" >&2; die "$name failed"; }
  b="$(cpu_sample)"; s1="$(proc_jiffies "$spid")"; t1=$(date +%s%N)
  k1="$(kthread_jiffies)"
  # `times`, second line: user and system CPU of the subshell's children (the client)
  cj=$(sed -n 2p "$outf.times" | awk '{ s=0; for (i=1;i<=2;i++) { split($i,p,"m"); sub("s","",p[2]); s+=p[1]*60+p[2] } printf "%d", s*100 }')
  OTHER_PCT=$(awk -v a="$a" -v b="$b" -v s=$((s1 - s0)) -v c="$cj" -v k=$((k1 - k0)) -v ns=$((t1 - t0)) 'BEGIN{
    split(a,x," "); split(b,y," "); other=(y[1]-x[1])-s-c-k; if (other < 0) other=0;
    printf "%d", 100*other/(ns/1e7) }')
  SERVER_CPU_PCT=$(awk -v s=$((s1 - s0)) -v ns=$((t1 - t0)) 'BEGIN{printf "%d", 100*s/(ns/1e7)}')
  CLIENT_CPU_PCT=$(awk -v c="$cj" -v ns=$((t1 - t0)) 'BEGIN{printf "%d", 100*c/(ns/1e7)}')
  KTHREAD_CPU_PCT=$(awk -v k=$((k1 - k0)) -v ns=$((t1 - t0)) 'BEGIN{printf "%d", 100*k/(ns/1e7)}')
  STEAL_PCT=$(awk -v a="$a" -v b="$b" -v ns=$((t1 - t0)) 'BEGIN{split(a,x," "); split(b,y," ");
    printf "%d", 100*(y[3]-x[3])/(ns/1e7)}')
}
# run_measured NAME SERVER_PID OUTFILE cmd...: measure_once, repeated (after waiting for a quiet
# machine) while something else used more than OTHER_MAX % of a CPU, at most ATTEMPTS times: on 2
# CPUs, anything else running skews the numbers. Sets ATTEMPT to the attempt kept (the last).
run_measured() {
  for ((ATTEMPT = 1; ; ATTEMPT++)); do
    measure_once "$@"
    ((OTHER_PCT <= OTHER_MAX || ATTEMPT >= ATTEMPTS)) && break
    log "$1: something else used ${OTHER_PCT}% of a CPU meanwhile; measuring again"
    { echo "== $(date +%T) $1: other ${OTHER_PCT}%"; top -b -n 2 -d 0.5 -w 200 | awk '/^top -/{n++} n==2' | sed -n '7,14p'; } >>"$OUT/interference.log" 2>&1 || true
    cp "$3" "$3.attempt$ATTEMPT"
    wait_idle >/dev/null
  done
  ((OTHER_PCT <= OTHER_MAX)) || log "warning: $1: ${OTHER_PCT}% of a CPU used by other processes"
}

# ---- servers -------------------------------------------------------------------------------------
# start_listening NAME LOG cmd...: starts a server that prints "Listening on host:port"; sets
# SERVER_PID and SERVER_PORT.
START_N=0
start_listening() {
  local name="$1" logf="$2" i; shift 2
  # A new log file per start: a reused one could show the previous server's "Ready.".
  START_N=$((START_N + 1))
  logf="${logf%.log}.$START_N.log"
  : >"$logf"
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
PIN=()  # a command prefix for the servers, e.g. (taskset -c 1)
start_nimbus() {  # start_nimbus LOG [persistent]
  local logf="$1" mode="${2:-memory}"
  if [[ "$mode" == persistent ]]; then
    local d; d="$(mktemp -d /tmp/nimbus-sqs-bench-data.XXXXXX)"
    DATA_DIRS+=("$d")
    LAST_DATA_DIR="$d"
    start_listening nimbus "$logf" "${PIN[@]}" "${RT_CMD[@]}" env -u DEBUG GATEWAY_LISTEN="$HOST:0" PERSISTENCE=1 DATA_DIR="$d" "$NIMBUS"
  else
    start_listening nimbus "$logf" "${PIN[@]}" "${RT_CMD[@]}" env -u DEBUG -u PERSISTENCE -u DATA_DIR GATEWAY_LISTEN="$HOST:0" "$NIMBUS"
  fi
}
free_port() { $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
start_moto() {  # start_moto LOG
  local logf="$1" i
  SERVER_PORT=$(free_port)
  "${PIN[@]}" "${RT_CMD[@]}" "$MOTO_PY" -m moto.server -H "$HOST" -p "$SERVER_PORT" >"$logf" 2>&1 &
  SERVER_PID=$!
  PIDS+=("$SERVER_PID")
  for ((i = 0; i < 300; i++)); do
    curl -fs -o /dev/null "http://$HOST:$SERVER_PORT/moto-api/" 2>/dev/null && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$logf" >&2; die "moto exited"; }
    sleep 0.1
  done
  die "moto did not answer within 30 s"
}
stop_server() { stop_pid "$SERVER_PID"; }

sqsctl() { $PY "$HERE/sqsctl.py" "$HOST:$SERVER_PORT" "$@"; }
record() { echo "$*" | tee -a "$RESULTS" >&2; }

# ---- measurements -------------------------------------------------------------------------------
# throughput SUBJECT SCRIPT ROUND: wrk -tTHREADS -cCONNS -dDURATION against the running server
throughput() {
  local subject="$1" script="$2" round="$3" f="$OUT/wrk-$1-$2-$3.txt" line
  QUEUE_URL="$QUEUE_URL" "${RT_CMD[@]}" wrk -t"$THREADS" -c"$CONNS" -d"${WARMUP_S}s" -s "$HERE/$script.lua" \
    "http://$HOST:$SERVER_PORT/" >"$OUT/wrk-$subject-$script-$round.warmup.txt" 2>&1
  run_measured "$subject $script" "$SERVER_PID" "$f" \
    "${RT_CMD[@]}" env QUEUE_URL="$QUEUE_URL" wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" --latency \
    -s "$HERE/$script.lua" "http://$HOST:$SERVER_PORT/"
  line="$(grep '^RESULT' "$f")" || { cat "$f" >&2; die "no RESULT from wrk ($subject $script)"; }
  record "throughput subject=$subject script=$script round=$round ${line#RESULT } server_cpu_pct=$SERVER_CPU_PCT wrk_cpu_pct=$CLIENT_CPU_PCT kthread_cpu_pct=$KTHREAD_CPU_PCT steal_pct=$STEAL_PCT other_cpu_pct=$OTHER_PCT attempt=$ATTEMPT"
}

NIMBUS_REV="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
NIMBUS_DIRTY="$( (git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null || true) | wc -l)"
NIMBUS_BUILT="$(date -u -r "$NIMBUS_BIN" +%Y-%m-%dT%H:%MZ)"
phase() { [[ " $PHASES " == *" $1 "* ]]; }

# ---- 1. throughput -------------------------------------------------------------------------------
throughput_phase() {
  local r
  # ROUNDS rounds of bare Beast, Nimbus in memory, Nimbus PERSISTENCE=1 back to back (fresh
  # servers each round): this VM's speed drifts by tens of percent over minutes, so each Nimbus
  # figure is compared with the bare Beast run of its own round.
  for ((r = 1; r <= ROUNDS; r++)); do
    log "round $r/$ROUNDS: bare Beast"
    start_listening bare_beast "$OUT/bare_beast.log" "${RT_CMD[@]}" "$BB" "$HOST" 0
    QUEUE_URL="http://$HOST:$SERVER_PORT/000000000000/bench"
    throughput bare send "$r"
    stop_server
    run_nimbus_throughput memory "$r"
    if [[ "$PERSIST" == 1 ]]; then run_nimbus_throughput persistent "$r"; fi
  done
  if [[ "$MOTO" == 1 ]]; then
    log "moto: throughput"
    start_moto "$OUT/moto-throughput.log"
    QUEUE_URL="$(sqsctl create bench)"
    throughput moto send 1
    throughput moto recv_delete 1
    stop_server
  fi
}

run_nimbus_throughput() {  # memory|persistent ROUND
  local mode="$1" r="$2"
  log "round $r/$ROUNDS: nimbus $mode"
  start_nimbus "$OUT/nimbus-$mode-throughput.log" "$mode"
  QUEUE_URL="$(sqsctl create bench)"
  throughput "nimbus-$mode" send "$r"
  record "depth subject=nimbus-$mode round=$r after=send depth=\"$(sqsctl depth "$QUEUE_URL")\""
  throughput "nimbus-$mode" recv_delete "$r"
  record "depth subject=nimbus-$mode round=$r after=recv_delete depth=\"$(sqsctl depth "$QUEUE_URL")\""
  if [[ "$mode" == persistent ]]; then
    # SQLite's database file and WAL after the runs, server still running, then after SIGTERM.
    record "disk subject=nimbus-$mode round=$r when=running $(find "$LAST_DATA_DIR" -name 'sqs.sqlite*' -printf '%f=%s ')"
    stop_server
    record "disk subject=nimbus-$mode round=$r when=stopped $(find "$LAST_DATA_DIR" -name 'sqs.sqlite*' -printf '%f=%s ')"
  else
    stop_server
  fi
}

# ---- 2. latency at queue depth -------------------------------------------------------------------
# Two fresh servers of the same kind, one queue each (so the shallow queue does not share SQLite's
# B-trees with the deep one), filled with SendMessageBatch to the two DEPTHS and checked with
# GetQueueAttributes. Then depthlat.c alternates between them, one Send -> Receive -> Delete
# cycle each, for LAT_DURATION seconds (the depths stay constant), and reports latency per
# operation and depth. Interleaving makes the comparison immune to the machine's drift, which
# moved separate runs by +/- 40 %. Servers and client are pinned to one CPU (LAT_CPU): one request
# is in flight at a time anyway, and unpinned, each hop may or may not have to wake the other,
# idle vCPU (tens of microseconds on this VM). A wrk -t1 -c1 run of cycle.lua against each server
# (CYCLE_DURATION s) cross-checks the numbers with the same load generator as the rest.
depth_pair() {  # SUBJECT: nimbus-memory | nimbus-persistent
  local subject="$1" mode="${1#nimbus-}" lo hi f="$OUT/depthlat-$1.txt" line pid_lo pid_hi port_lo port_hi url_lo url_hi fill_lo fill_hi d
  read -r lo hi <<<"$DEPTHS"
  start_nimbus "$OUT/$subject-depth$lo.log" "$mode"; pid_lo=$SERVER_PID; port_lo=$SERVER_PORT
  start_nimbus "$OUT/$subject-depth$hi.log" "$mode"; pid_hi=$SERVER_PID; port_hi=$SERVER_PORT
  SERVER_PORT=$port_lo; url_lo="$(sqsctl create "depth$lo")"; fill_lo="$(sqsctl fill "$url_lo" "$lo")"
  SERVER_PORT=$port_hi; url_hi="$(sqsctl create "depth$hi")"; fill_hi="$(sqsctl fill "$url_hi" "$hi")"
  [[ "${fill_lo%% *}" == "$lo" && "${fill_hi%% *}" == "$hi" ]] ||
    die "$subject: queue depths after filling: $fill_lo / $fill_hi"
  log "$subject: latency at depth $lo vs $hi, interleaved, ${LAT_DURATION}s"
  run_measured "$subject depthlat" "$pid_lo $pid_hi" "$f" \
    "${PIN[@]}" "${RT_CMD[@]}" "$OUT/depthlat" "$LAT_DURATION" "$HOST" "$port_lo" "$url_lo" "$port_hi" "$url_hi"
  local after_lo after_hi
  SERVER_PORT=$port_lo; after_lo="$(sqsctl depth "$url_lo")"
  SERVER_PORT=$port_hi; after_hi="$(sqsctl depth "$url_hi")"
  while read -r line; do
    case "$line" in
      "RESULT depth=low "*) d=$lo; line="${line#RESULT depth=low }" ;;
      "RESULT depth=high "*) d=$hi; line="${line#RESULT depth=high }" ;;
      "RESULT ratio "*) record "latency_ratio subject=$subject low=$lo high=$hi ${line#RESULT ratio } other_cpu_pct=$OTHER_PCT attempt=$ATTEMPT"; continue ;;
      *) continue ;;
    esac
    record "latency subject=$subject depth=$d $line other_cpu_pct=$OTHER_PCT steal_pct=$STEAL_PCT attempt=$ATTEMPT pinned_cpu=${LAT_CPU:-none}"
  done <"$f"
  record "depth subject=$subject fill_low=\"$fill_lo\" fill_high=\"$fill_hi\" after_low=\"$after_lo\" after_high=\"$after_hi\" hwm_kib_low=$(awk '/^VmHWM/{print $2}' "/proc/$pid_lo/status") hwm_kib_high=$(awk '/^VmHWM/{print $2}' "/proc/$pid_hi/status")"
  # The same with wrk, one depth at a time.
  local pid port url
  for d in "$lo" "$hi"; do
    if [[ "$d" == "$lo" ]]; then pid=$pid_lo port=$port_lo url=$url_lo; else pid=$pid_hi port=$port_hi url=$url_hi; fi
    wrk_cycle "$subject" "$d" "$pid" "$port" "$url"
  done
  stop_pid "$pid_lo"
  stop_pid "$pid_hi"
}
wrk_cycle() {  # SUBJECT DEPTH SERVER_PID PORT QUEUE_URL
  local subject="$1" d="$2" f="$OUT/cycle-$1-$2.txt" op line
  log "$subject: wrk cycle.lua at depth $d, ${CYCLE_DURATION}s"
  run_measured "$subject cycle" "$3" "$f" \
    "${PIN[@]}" "${RT_CMD[@]}" env QUEUE_URL="$5" wrk -t1 -c1 -d"${CYCLE_DURATION}s" --latency -s "$HERE/cycle.lua" \
    "http://$HOST:$4/"
  for op in send receive delete; do
    line="$(grep "^RESULT op=$op " "$f")" || { cat "$f" >&2; die "no RESULT from cycle.lua"; }
    record "cycle subject=$subject depth=$d ${line#RESULT } other_cpu_pct=$OTHER_PCT attempt=$ATTEMPT pinned_cpu=${LAT_CPU:-none}"
  done
}
depth_phase() {
  if [[ -n "$LAT_CPU" ]]; then PIN=(taskset -c "$LAT_CPU"); fi
  depth_pair nimbus-memory
  if [[ "$PERSIST" == 1 ]]; then depth_pair nimbus-persistent; fi
  if [[ "$MOTO" == 1 ]]; then
    local d
    for d in $MOTO_DEPTHS; do
      start_moto "$OUT/moto-depth.log"
      QUEUE_URL="$(sqsctl create "depth$d")"
      local fill; fill="$(sqsctl fill "$QUEUE_URL" "$d")"
      [[ "${fill%% *}" == "$d" ]] || die "moto: queue depth after filling $d: $fill"
      wrk_cycle moto "$d" "$SERVER_PID" "$SERVER_PORT" "$QUEUE_URL"
      stop_server
    done
  fi
  PIN=()
}

# ---- 3. long-poll wake latency -------------------------------------------------------------------
longpoll() {  # SUBJECT SAMPLES
  local subject="$1" n="$2" f="$OUT/longpoll-$1.txt" line
  case "$subject" in
    nimbus-memory) start_nimbus "$OUT/$subject-longpoll.log" memory ;;
    nimbus-persistent) start_nimbus "$OUT/$subject-longpoll.log" persistent ;;
    moto) start_moto "$OUT/moto-longpoll.log" ;;
  esac
  QUEUE_URL="$(sqsctl create longpoll)"
  run_measured "$subject longpoll" "$SERVER_PID" "$f" "${RT_CMD[@]}" "$OUT/longpoll" "$HOST" "$SERVER_PORT" "$QUEUE_URL" "$n" "$LP_PARK_MS" 3
  for what in wake send; do
    line="$(grep "^RESULT what=$what " "$f")" || { cat "$f" >&2; die "no RESULT from longpoll"; }
    record "longpoll subject=$subject ${line#RESULT } steal_pct=$STEAL_PCT other_cpu_pct=$OTHER_PCT attempt=$ATTEMPT"
  done
  stop_server
}
longpoll_phase() {
  log "long-poll wake latency"
  longpoll nimbus-memory "$LP_SAMPLES"
  if [[ "$PERSIST" == 1 ]]; then longpoll nimbus-persistent "$LP_SAMPLES"; fi
  if [[ "$MOTO" == 1 ]]; then longpoll moto "$MOTO_LP_SAMPLES"; fi
}

IDLE_BUSY=$(wait_idle)
log "output in $OUT"
START_S=$(date +%s)
if phase throughput; then throughput_phase; fi
if phase depth; then depth_phase; fi
if phase longpoll; then longpoll_phase; fi
END_S=$(date +%s)

# ---- summary -------------------------------------------------------------------------------------
{
  echo "Run: $(date -u +%Y-%m-%dT%H:%MZ), $((END_S - START_S)) s, on $(nproc) CPUs;" \
    "machine ${IDLE_BUSY}% busy just before; throughput: $ROUNDS rounds of wrk -t$THREADS -c$CONNS" \
    "-d${DURATION}s after a ${WARMUP_S}s warm-up; RT=$RT (1: SCHED_FIFO); raw output in $OUT"
  echo
  echo "nimbus: $NIMBUS_BIN built $NIMBUS_BUILT from commit $NIMBUS_REV ($NIMBUS_DIRTY modified tracked files in the work tree);" \
    "moto $("${MOTO_PY:-python3}" -c 'import moto; print(moto.__version__)' 2>/dev/null || echo '-'); wrk $( (wrk -v 2>&1 || true) | head -1 | awk '{print $2}')"
  echo
} >"$OUT/summary.md"
$PY "$HERE/summarize.py" "$RESULTS" "$LP_PARK_MS" >>"$OUT/summary.md"
cat "$OUT/summary.md"
