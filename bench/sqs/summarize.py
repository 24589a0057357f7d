#!/usr/bin/env python3
"""Turns run.sh's results.txt (one `kind key=value ...` line per measurement) into markdown tables
and the verdicts on issue 3's targets.  Usage: summarize.py RESULTS "DEPTHS" PARK_MS"""
import shlex
import statistics
import sys

results, depths, park_ms = sys.argv[1], sys.argv[2].split(), sys.argv[3]
rows = []
for line in open(results):
    kind, *rest = shlex.split(line)
    row = dict(kv.split("=", 1) for kv in rest)
    row["kind"] = kind
    rows.append(row)


def get(kind, **kw):
    return [r for r in rows if r["kind"] == kind and all(r.get(k) == v for k, v in kw.items())]


def lat(us):
    us = float(us)
    return f"{us / 1000:.2f} ms" if us >= 1000 else f"{us:.0f} µs"


out = []
p = out.append
verdicts = []

# ---- throughput
bare = [float(r["rps"]) for r in get("throughput", script="send") if r["subject"].startswith("bare")]
bare_mean = statistics.mean(bare) if bare else float("nan")
p("### Throughput (wrk, keep-alive, loopback; same Lua scripts for every server)")
p("")
p("| server | SendMessage req/s | % of bare Beast | send p50 / p99 | ReceiveMessage+DeleteMessage pairs/s (req/s) | other CPU (send, recv+del) |")
p("|---|---|---|---|---|---|")
for r in get("throughput", script="send"):
    s = r["subject"]
    pct = 100 * float(r["rps"]) / bare_mean
    rd = get("throughput", subject=s, script="recv_delete")
    if s.startswith("bare"):
        continue
    rdtxt = "-"
    other = f"{r['other_cpu_pct']} %"
    if rd:
        rd = rd[0]
        rdtxt = f"{float(rd['pairs_per_s']):,.0f} ({float(rd['rps']):,.0f})"
        if int(rd["empty"]) > 50:
            rdtxt += f"; {int(rd['empty'])} of {int(rd['receives'])} receives empty"
        other += f", {rd['other_cpu_pct']} %"
    p(f"| {s} | {float(r['rps']):,.0f} | {pct:.1f} % | {lat(r['p50_us'])} / {lat(r['p99_us'])} | {rdtxt} | {other} |")
    if s == "nimbus-memory":
        verdicts.append(("in-memory send ≥ 50 % of bare Beast", f"{pct:.1f} %", pct >= 50))
    if s == "nimbus-persistent":
        verdicts.append(("persistent send ≥ 25 % of bare Beast", f"{pct:.1f} %", pct >= 25))
bare_rows = [r for r in get("throughput", script="send") if r["subject"].startswith("bare")]
p(f"| bare Beast, fixed body (mean of {len(bare)} runs: "
  + ", ".join(f"{b:,.0f}" for b in bare) + f") | {bare_mean:,.0f} | 100 % | "
  + ", ".join(f"{lat(r['p50_us'])} / {lat(r['p99_us'])}" for r in bare_rows) + " | - | "
  + ", ".join(f"{r['other_cpu_pct']} %" for r in bare_rows) + " |")
disk = get("disk")
if disk:
    d = disk[0]
    sent = sum(int(r["requests"]) for r in get("throughput", subject="nimbus-persistent", script="send"))
    files = ", ".join(f"{k} {int(v) / 1e6:,.1f} MB" for k, v in d.items() if k.startswith("sqs.sqlite"))
    p("")
    p(f"On disk after the PERSISTENCE=1 throughput runs and SIGTERM: {files} "
      f"(the send run alone wrote {sent:,} messages, warm-up not counted).")
p("")

# ---- latency at depth
lo, hi = depths[0], depths[-1]
p(f"### Latency at queue depth (wrk -t1 -c1 cycling SendMessage -> ReceiveMessage -> DeleteMessage; per run p50, the table shows the run with the lowest p50)")
p("")
p(f"| server | operation | depth | p50 of each run | p50 | p90 | p99 | depth {int(hi):,} / depth {int(lo):,}: p50, p99 |")
p("|---|---|---|---|---|---|---|---|")
for subject in sorted({r["subject"] for r in get("latency")}, key=lambda s: ("moto" in s, s)):
    worst = 0.0
    for op in ("send", "receive", "delete"):
        best = {}
        for d in sorted({r["depth"] for r in get("latency", subject=subject)}, key=int):
            rs = get("latency", subject=subject, op=op, depth=d)
            b = best[d] = min(rs, key=lambda r: float(r["p50_us"]))
            ratio = ""
            if d == hi and lo in best and hi != lo:
                r50 = float(b["p50_us"]) / float(best[lo]["p50_us"])
                r99 = float(b["p99_us"]) / float(best[lo]["p99_us"])
                worst = max(worst, r50)
                ratio = f"**{r50:.2f}x**, {r99:.2f}x"
            p(f"| {subject} | {op} | {int(d):,} | {', '.join(lat(r['p50_us']) for r in rs)} | "
              f"{lat(b['p50_us'])} | {lat(b['p90_us'])} | {lat(b['p99_us'])} | {ratio} |")
    if subject.startswith("nimbus") and worst:
        verdicts.append((f"{subject}: p50 at depth {int(hi):,} ≤ 1.2x depth {int(lo):,} (worst operation)",
                         f"{worst:.2f}x", worst <= 1.2))
p("")

# ---- long poll
p(f"### Long-poll wake latency (ReceiveMessage WaitTimeSeconds=10 parked {park_ms} ms on connection A; SendMessage on B; time from writing B's request to A's complete answer)")
p("")
p("| server | samples | wake p50 | wake p90 | wake p99 | wake max | B's SendMessage answer p50 | other CPU |")
p("|---|---|---|---|---|---|---|---|")
for r in get("longpoll", what="wake"):
    s = get("longpoll", subject=r["subject"], what="send")[0]
    p(f"| {r['subject']} | {r['n']} | {lat(r['p50_us'])} | {lat(r['p90_us'])} | {lat(r['p99_us'])} | "
      f"{lat(r['max_us'])} | {lat(s['p50_us'])} | {r['other_cpu_pct']} % |")
    if r["subject"].startswith("nimbus"):
        verdicts.append((f"{r['subject']}: long-poll wake ≤ 2 ms (p50; p99 beside)",
                         f"{lat(r['p50_us'])} (p99 {lat(r['p99_us'])})", float(r["p50_us"]) <= 2000))
p("")

p("### Targets")
p("")
p("| target | measured | met |")
p("|---|---|---|")
for name, value, ok in verdicts:
    p(f"| {name} | {value} | {'yes' if ok else '**no**'} |")
print("\n".join(out))
