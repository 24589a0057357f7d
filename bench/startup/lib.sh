# Helpers shared by run.sh and analyze.sh (sourced).
# cpu_sample: "<total jiffies> <idle+iowait jiffies>" from /proc/stat
cpu_sample() { awk '/^cpu /{print $2+$3+$4+$5+$6+$7+$8+$9, $5+$6}' /proc/stat; }
# busy_pct "<sample a>" "<sample b>": whole-machine CPU busy % between two samples
busy_pct() {
  awk -v a="$1" -v b="$2" 'BEGIN{split(a,x," "); split(b,y," "); t=y[1]-x[1]; i=y[2]-x[2];
    printf "%.0f", (t > 0) ? 100*(t-i)/t : 0}'
}
# wait_idle MAX_S [NOTE_FILE]: wait until <= 10 % of the CPU is busy over 5 s, at most MAX_S seconds;
# if it never gets quiet, say so (and append the warning to NOTE_FILE).
wait_idle() {
  local max="$1" note="${2:-/dev/null}" waited=0 a b busy
  while :; do
    a="$(cpu_sample)"; sleep 5; b="$(cpu_sample)"; busy="$(busy_pct "$a" "$b")"
    ((busy <= 10)) && return 0
    waited=$((waited + 5))
    if ((waited >= max)); then
      echo "- warning: machine still ${busy}% busy after waiting ${waited}s; measuring anyway" | tee -a "$note" >&2
      return 0
    fi
  done
}
