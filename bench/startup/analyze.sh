#!/usr/bin/env bash
# Where do nimbus' startup time and idle RSS go?  Collects the evidence quoted in bench/RESULTS.md:
#   0. phases of 50 starts, timed by an LD_PRELOAD shim (milestones.c): spawn -> __libc_start_main
#      (exec + dynamic loader + library initialisers) -> main -> socket/bind/listen -> event loop ->
#      accept -> first response written; medians
#   1. the binary: size, DT_NEEDED, shared libraries ldd resolves (and their on-disk size)
#   2. LD_DEBUG=statistics for `nimbus --version` (time and relocations in the dynamic loader)
#   3. perf stat -r 200 of three programs that stop before serving anything: an empty C program
#      (the exec floor), the same empty program linked against nimbus' DT_NEEDED libraries (the cost
#      of loading them), and `nimbus --version` (+ nimbus' own relocations and static constructors)
#   3b. LD_DEBUG=statistics over 50 starts of `nimbus --version`: median cycles in the dynamic loader
#   4. one server start under `strace -f -ttt`: milestones (libraries loaded, threads, socket/bind/
#      listen, "Ready.", first accept, first 200) relative to execve, plus `strace -c -f` counts
#   5. /proc/PID/smaps after the first 200 + 1 s idle, RSS summed per mapping (which libraries,
#      heap, thread stacks)
#   6. perf record (cpu-clock, 20 kHz) over 100 server starts: CPU samples of the nimbus process by
#      DSO and by symbol (perf inflates the absolute times; read it as shares)
#
#   bench/startup/analyze.sh            # NIMBUS_BIN=... OUT=... to override
# All servers run on 127.0.0.1 under startup_bench (stopped by PID, 10 s start limit).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/bench/startup"
BIN="${NIMBUS_BIN:-$ROOT/build/nimbus}"
OUT="${OUT:-/tmp/nimbus-startup-analysis.$(date +%Y%m%d-%H%M%S)}"
CC="${CC:-cc}"
[[ -x "$BIN" ]] || { echo "error: $BIN not found" >&2; exit 1; }
mkdir -p "$OUT"
TOOLS="$(mktemp -d /tmp/startup-bench-tools.XXXXXX)"
trap 'rm -rf "$TOOLS"' EXIT
"$CC" -O2 -o "$TOOLS/startup_bench" "$HERE/startup_bench.c"
SB="$TOOLS/startup_bench"
unset DEBUG PERSISTENCE DATA_DIR
exec > >(tee "$OUT/analysis.txt") 2>&1
# shellcheck source=bench/startup/lib.sh
source "$HERE/lib.sh"
echo "waiting for a quiet machine (at most ${WAIT_IDLE_S:-300} s)..."
wait_idle "${WAIT_IDLE_S:-300}"
a0="$(cpu_sample)"

section() { printf '\n=== %s\n' "$*"; }

section "0. phases of a start (median of 50, ms after spawn; LD_PRELOAD milestones.so, so +1 small library)"
"$CC" -O2 -shared -fPIC -o "$TOOLS/milestones.so" "$HERE/milestones.c" -ldl
rm -f "$OUT/milestones.txt"
MILESTONES_OUT="$OUT/milestones.txt" "$SB" -q -T -n 50 -i 0 -m Ready. -o "$OUT/milestones-runs.csv" \
  -e 'GATEWAY_LISTEN=127.0.0.1:{PORT}' -e "LD_PRELOAD=$TOOLS/milestones.so" -l 'nimbus + milestones.so' \
  -- "$BIN" 2>/dev/null | grep -E 'first HTTP 200 \(|marker line' || true
awk '
  { for (i = 1; i <= NF; i++) { split($i, kv, "="); if (!(kv[1] in col)) { col[kv[1]] = ++nc; name[nc] = kv[1] } v[kv[1], NR] = kv[2] } }
  function median(k,   a, i, j, n, x) { n = 0; for (i = 1; i <= NR; i++) a[++n] = v[k, i]
    for (i = 2; i <= n; i++) { x = a[i]; for (j = i - 1; j >= 1 && a[j] > x; j--) a[j+1] = a[j]; a[j+1] = x }
    return n % 2 ? a[(n+1)/2] : (a[n/2] + a[n/2+1]) / 2 }
  END {
    for (c = 1; c <= nc; c++) { med[c] = median(name[c]); ord[c] = c }
    for (i = 2; i <= nc; i++) { x = ord[i]; for (j = i - 1; j >= 1 && med[ord[j]] > med[x]; j--) ord[j+1] = ord[j]; ord[j+1] = x }
    prev = 0
    for (i = 1; i <= nc; i++) { c = ord[i]; if (med[c] < 0) continue
      printf "  %-16s %7.3f ms  (+%.3f)\n", name[c], med[c], med[c] - prev; prev = med[c] }
  }
' "$OUT/milestones.txt"
awk -F, 'NR > 1 {print $5}' "$OUT/milestones-runs.csv" | sort -n |
  awk '{a[NR] = $1} END {printf "  %-16s %7.3f ms  (harness saw the complete 200)\n", "http_200", NR % 2 ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'

section "1. binary"
ls -l "$BIN"
file -L "$BIN" 2>/dev/null || true
size "$BIN" 2>/dev/null || true
echo "DT_NEEDED:"
readelf -d "$BIN" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/  \1/p'
echo "ldd resolves $(ldd "$BIN" | grep -c '=>') shared libraries:"
ldd "$BIN" | awk '$3 ~ /^\// {print $3}' | while read -r lib; do
  printf '  %8d KiB  %s\n' "$(( $(stat -L -c %s "$lib") / 1024 ))" "$lib"
done | sort -rn
ldd "$BIN" | awk '$3 ~ /^\// {print $3}' | xargs -r stat -L -c %s |
  awk '{s+=$1} END {printf "  total %.1f MiB of shared libraries mapped at start\n", s/1048576}'

section "2. LD_DEBUG=statistics $BIN --version"
timeout 10 env LD_DEBUG=statistics "$BIN" --version 2>&1 | sed 's/^ *[0-9]*: *//' | grep -v '^$' || true

section "3. perf stat -r 200: exec floor, + nimbus' shared libraries, nimbus --version"
echo 'int main(void) { return 0; }' >"$TOOLS/empty.c"
LIBS=()
while read -r lib; do LIBS+=("-l:$lib"); done < <(readelf -d "$BIN" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
"$CC" -O2 -o "$TOOLS/empty" "$TOOLS/empty.c"
"$CC" -O2 -o "$TOOLS/empty_with_nimbus_libs" "$TOOLS/empty.c" -Wl,--no-as-needed "${LIBS[@]}"
echo "  empty_with_nimbus_libs links: ${LIBS[*]}"
if perf stat -e task-clock true >/dev/null 2>&1; then
  for cmd in "$TOOLS/empty" "$TOOLS/empty_with_nimbus_libs" "$BIN --version"; do
    # shellcheck disable=SC2086
    timeout 120 perf stat -r 200 -e task-clock,page-faults -- $cmd 2>&1 >/dev/null |
      grep -E 'task-clock|page-faults|elapsed' | sed "s|^ *|  [${cmd##*/}] |"
  done
else
  echo "  perf stat not usable here"
fi

section "3b. LD_DEBUG=statistics, 50 x $BIN --version: cycles in the dynamic loader (TSC $(grep -m1 'cpu MHz' /proc/cpuinfo | awk '{print $4}') MHz)"
for _ in $(seq 50); do timeout 10 env LD_DEBUG=statistics "$BIN" --version 2>&1 >/dev/null; done |
  awk -v mhz="$(grep -m1 'cpu MHz' /proc/cpuinfo | awk '{print $4}')" '
    /total startup time in dynamic loader/ { t[n++] = $(NF-1) }
    /time needed for relocation/ { r[m++] = $(NF-2) }
    /number of relocations:/ { rel = $NF }
    function med(a, k,   i, j, x) { for (i = 1; i < k; i++) { x = a[i]; for (j = i - 1; j >= 0 && a[j] > x; j--) a[j+1] = a[j]; a[j+1] = x } return k % 2 ? a[int(k/2)] : (a[k/2-1] + a[k/2]) / 2 }
    END { if (n) printf "  median total in ld.so %.0f cycles = %.3f ms; relocation %.0f cycles = %.3f ms; %d relocations\n", med(t, n), med(t, n) / mhz / 1000, med(r, m), med(r, m) / mhz / 1000, rel }'

section "4a. one start under strace -f -ttt (times inflated by strace; look at the proportions)"
"$SB" -K -n 1 -W 0 -i 300 -e 'GATEWAY_LISTEN=127.0.0.1:{PORT}' -l 'nimbus under strace' \
  -- strace -f -ttt -s 64 -o "$OUT/nimbus.strace" "$BIN" 2>/dev/null | grep -E 'first HTTP|failed' || true
awk '
  { ts = $2 }
  /execve\(/ && !t0 { t0 = ts }
  /openat\(.*\.so[."]/ && / = [0-9]+$/ { lastso = ts; nso++ }
  / mmap\(/ { nmmap++ }
  / (clone3?|vfork|fork)\(/ { nclone++; if (!firstclone) firstclone = ts }
  / socket\(AF_INET/ && !sock { sock = ts }
  / bind\(/ && !bindt { bindt = ts }
  / listen\(/ && !listent { listent = ts }
  /(write|writev)\(/ && /Ready\./ && !ready { ready = ts }
  /accept4?(\(| resumed>)/ && / = [0-9]+$/ && !acc { acc = ts }
  /(write|writev|sendmsg|sendto|send)\(/ && /HTTP\/1\.1 200/ && !resp { resp = ts }
  { last = ts; n++ }
  function at(name, t) { if (t) printf "  %-44s %8.2f ms\n", name, (t - t0) * 1000; else printf "  %-44s %8s\n", name, "-" }
  END {
    at("execve", t0)
    at("last shared library opened (" nso+0 " opened)", lastso)
    at("first thread/process created (" nclone+0 " total)", firstclone)
    at("first AF_INET socket()", sock)
    at("bind()", bindt)
    at("listen()", listent)
    at("write(\"Ready.\")", ready)
    at("first accept() returning a connection", acc)
    at("first \"HTTP/1.1 200\" written", resp)
    printf "  %d syscalls traced until SIGTERM, %d mmap() calls\n", n, nmmap
  }' "$OUT/nimbus.strace"

section "4b. strace -c -f of one start + 300 ms idle (syscall counts)"
"$SB" -K -n 1 -W 0 -i 300 -e 'GATEWAY_LISTEN=127.0.0.1:{PORT}' -l 'nimbus under strace -c' \
  -- strace -f -c -o "$OUT/nimbus.strace-c" "$BIN" >/dev/null 2>&1 || true
head -30 "$OUT/nimbus.strace-c"

section "5. RSS by mapping after the first 200 + 1 s idle (/proc/PID/smaps), top 20"
"$SB" -n 1 -W 1 -i 1000 -S "$OUT/nimbus.smaps" -e 'GATEWAY_LISTEN=127.0.0.1:{PORT}' -l nimbus \
  -- "$BIN" 2>/dev/null | grep -E 'VmRSS|Anon|File|Pss|threads' || true
awk '
  /^[0-9a-f]+-[0-9a-f]+ / {
    name = ($6 == "") ? "[anon]" : $6
    # anonymous maps right after a guard page of 4 KiB are typically thread stacks; keep them as [anon]
  }
  /^Rss:/ { rss[name] += $2 }
  /^Pss:/ { pss[name] += $2 }
  /^Anonymous:/ { anon[name] += $2 }
  /^Private_Dirty:/ { pdirty[name] += $2 }
  END {
    for (k in rss) { tr += rss[k]; tp += pss[k]; ta += anon[k]
      printf "%8d %8d %8d %8d  %s\n", rss[k], pss[k], anon[k], pdirty[k], k | "sort -rn | head -20" }
    close("sort -rn | head -20")
    printf "%8d %8d %8d %8s  TOTAL (KiB)\n", tr, tp, ta, ""
  }' "$OUT/nimbus.smaps" | { echo "     Rss      Pss     Anon  PrivDirty  mapping (KiB)"; cat; }

section "6. perf record -F 20000 over 100 server starts: where the nimbus process spends CPU"
if perf stat -e task-clock true >/dev/null 2>&1; then
  comm="$(basename "$BIN" | cut -c1-15)"
  perf record -q -F 20000 -e cpu-clock -o "$OUT/perf.data" -- "$SB" -q -n 100 -W 0 -i 0 \
    -e 'GATEWAY_LISTEN=127.0.0.1:{PORT}' -- "$BIN" 2>/dev/null | grep -E 'first HTTP|CPU time' || true
  # (--comm together with --sort dso drops the kernel and ld.so rows: group by comm,dso instead)
  perf report -i "$OUT/perf.data" --sort comm,dso --stdio 2>/dev/null |
    awk -v c="$comm" '/%/ && !/^#/ && $2 == c {gsub("%","",$1); s[$3]+=$1; t+=$1}
      END {for (k in s) printf "  %5.1f%%  %s\n", 100*s[k]/t, k | "sort -rn"}'
  echo "  top symbols (share of the nimbus process' samples):"
  perf report -i "$OUT/perf.data" --sort comm,dso,sym --stdio 2>/dev/null |
    awk -v c="$comm" '/%/ && !/^#/ && $2 == c' >"$OUT/perf-syms.txt" || true
  awk '{p=$1; gsub("%","",p); t+=p} END {print t}' "$OUT/perf-syms.txt" >"$OUT/perf-total.txt"
  awk -v t="$(cat "$OUT/perf-total.txt")" 'NR <= 30 {p=$1; gsub("%","",p); $1=""; $2="";
      printf "  %5.1f%% %s\n", 100*p/t, substr($0, 1, 150)}' "$OUT/perf-syms.txt"
else
  echo "  perf not usable here"
fi

echo
echo "whole machine CPU busy during the analysis (analysis included): $(busy_pct "$a0" "$(cpu_sample)")% of $(nproc) CPUs"
echo "analysis files: $OUT"
