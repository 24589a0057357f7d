#!/usr/bin/env python3
"""Turns run.sh's results.txt (one `kind key=value ...` line per measurement) into markdown tables
and the verdicts on issue 3's targets.  Usage: summarize.py RESULTS PARK_MS"""
import shlex
import statistics
import sys

results, park_ms = sys.argv[1], sys.argv[2]
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
for r in rows:  # results of runs before rounds existed: bare1, bare2 and one round of the rest
    if r["kind"] in ("throughput", "disk", "depth") and "round" not in r:
        if r["subject"].startswith("bare") and r["subject"] != "bare":
            r["round"], r["subject"] = r["subject"][4:], "bare"
        else:
            r["round"] = "1"


def throughput_section():
    rounds = sorted({r["round"] for r in get("throughput", subject="bare")}, key=int)
    bare = {r["round"]: float(r["rps"]) for r in get("throughput", subject="bare", script="send")}
    p("### Throughput (wrk, keep-alive, loopback; same Lua scripts for every server)")
    p("")
    p("Per round (fresh servers, back to back; SendMessage req/s, and in brackets the % of the same "
      "round's bare Beast):")
    p("")
    subjects = [s for s in ("nimbus-memory", "nimbus-persistent") if get("throughput", subject=s)]
    p("| round | bare Beast | " + " | ".join(subjects) + " | CPU used by other processes (bare, " + ", ".join(subjects) + ") |")
    p("|---" * (3 + len(subjects)) + "|")
    ratios = {s: [] for s in subjects}
    for rd in rounds:
        cells, others = [], [get("throughput", subject="bare", script="send", round=rd)[0]["other_cpu_pct"] + " %"]
        for s in subjects:
            rs = get("throughput", subject=s, script="send", round=rd)
            if not rs or rd not in bare:
                cells.append("-")
                continue
            pct = 100 * float(rs[0]["rps"]) / bare[rd]
            ratios[s].append(pct)
            cells.append(f"{float(rs[0]['rps']):,.0f} ({pct:.1f} %)")
            others.append(rs[0]["other_cpu_pct"] + " %")
        p(f"| {rd} | {bare.get(rd, float('nan')):,.0f} | " + " | ".join(cells) + " | " + ", ".join(others) + " |")
    p("")
    p("Summary (median over the rounds; % of bare Beast = median of the per-round ratios):")
    p("")
    p("| server | SendMessage req/s | % of bare Beast | send p50 / p99 | ReceiveMessage+DeleteMessage pairs/s (req/s) |")
    p("|---|---|---|---|---|")
    bare_rows = get("throughput", subject="bare", script="send")
    if bare_rows:
        m = sorted(bare_rows, key=lambda r: float(r["rps"]))[(len(bare_rows) - 1) // 2]
        p(f"| bare Beast, fixed body | {statistics.median(bare.values()):,.0f} | 100 % | "
          f"{lat(m['p50_us'])} / {lat(m['p99_us'])} | - |")
    for s in subjects + (["moto"] if get("throughput", subject="moto") else []):
        sends = get("throughput", subject=s, script="send")
        rds = get("throughput", subject=s, script="recv_delete")
        m = sorted(sends, key=lambda r: float(r["rps"]))[(len(sends) - 1) // 2]
        if s in ratios and ratios[s]:
            pct = statistics.median(ratios[s])
        else:
            pct = 100 * float(m["rps"]) / statistics.median(bare.values())
        rdtxt = "-"
        if rds:
            pairs = statistics.median(float(r["pairs_per_s"]) for r in rds)
            reqs = statistics.median(float(r["rps"]) for r in rds)
            rdtxt = f"{pairs:,.0f} ({reqs:,.0f})"
            empty = sum(int(r["empty"]) for r in rds)
            if empty > 50 * len(rds):
                rdtxt += f"; {empty} of {sum(int(r['receives']) for r in rds)} receives found no message"
        p(f"| {s} | {statistics.median(float(r['rps']) for r in sends):,.0f} | {pct:.1f} % | "
          f"{lat(m['p50_us'])} / {lat(m['p99_us'])} | {rdtxt} |")
        if s == "nimbus-memory":
            verdicts.append(("in-memory send ≥ 50 % of bare Beast", f"{pct:.1f} %", pct >= 50))
        if s == "nimbus-persistent":
            verdicts.append(("persistent send ≥ 25 % of bare Beast", f"{pct:.1f} %", pct >= 25))
    for d in get("disk"):
        files = ", ".join(f"{k} {int(v) / 1e6:,.1f} MB" for k, v in d.items() if k.startswith("sqs.sqlite"))
        sent = sum(int(r["requests"]) for r in get("throughput", subject="nimbus-persistent", script="send", round=d["round"]))
        when = "server still running" if d.get("when") == "running" else "after SIGTERM"
        p("")
        p(f"PERSISTENCE=1, round {d['round']}: data files after its runs ({sent:,} sends measured, plus "
          f"the warm-up and the receive+delete run), {when}: {files}.")
    p("")


if get("throughput"):
    throughput_section()

# ---- latency at depth
def latency_section():
    pin = (get("latency") or get("cycle"))[0].get("pinned_cpu", "none")
    p(f"### Latency at queue depth (depthlat.c: one connection to each of two servers, one at each "
      f"depth, alternating Send -> Receive -> Delete cycles; servers and client pinned to CPU {pin})")
    p("")
    p("| server | operation | depth | samples | mean | p50 | p90 | p99 | high depth / low depth: p50, p90, p99 |")
    p("|---|---|---|---|---|---|---|---|---|")
    for subject in sorted({r["subject"] for r in get("latency")}):
        worst = 0.0
        for op in ("send", "receive", "delete"):
            rs = sorted(get("latency", subject=subject, op=op), key=lambda r: int(r["depth"]))
            ratio = get("latency_ratio", subject=subject, op=op)
            for i, r in enumerate(rs):
                rtxt = ""
                if i == len(rs) - 1 and ratio:
                    q = ratio[0]
                    worst = max(worst, float(q["p50"]))
                    rtxt = f"**{float(q['p50']):.2f}x**, {float(q['p90']):.2f}x, {float(q['p99']):.2f}x"
                p(f"| {subject} | {op} | {int(r['depth']):,} | {int(r['n']):,} | {lat(r['mean_us'])} | "
                  f"{lat(r['p50_us'])} | {lat(r['p90_us'])} | {lat(r['p99_us'])} | {rtxt} |")
        rs = get("latency_ratio", subject=subject)
        if rs:
            lo, hi = int(rs[0]["low"]), int(rs[0]["high"])
            verdicts.append((f"{subject}: p50 at depth {hi:,} ≤ 1.2x depth {lo:,} (worst operation)",
                             f"{worst:.2f}x", worst <= 1.2))
    for d in get("depth"):
        if "fill_low" in d:
            p("")
            p(f"{d['subject']}: GetQueueAttributes (visible, not visible, delayed) after filling: "
              f"{d['fill_low'].split(' sent')[0]} / {d['fill_high'].split(' sent')[0]}; after the "
              f"measurement: {d['after_low']} / {d['after_high']}; peak RSS of the two servers "
              f"{int(d['hwm_kib_low']) / 1024:.1f} / {int(d['hwm_kib_high']) / 1024:.1f} MiB.")
    p("")
    if get("cycle"):
        p("Cross-check with wrk (`wrk -t1 -c1 -s cycle.lua`, one depth at a time, same pinning):")
        p("")
        p("| server | depth | send p50 / p99 | receive p50 / p99 | delete p50 / p99 |")
        p("|---|---|---|---|---|")
        for subject in sorted({r["subject"] for r in get("cycle")}, key=lambda s: ("moto" in s, s)):
            for d in sorted({r["depth"] for r in get("cycle", subject=subject)}, key=int):
                cells = []
                for op in ("send", "receive", "delete"):
                    r = get("cycle", subject=subject, depth=d, op=op)[0]
                    cells.append(f"{lat(r['p50_us'])} / {lat(r['p99_us'])}")
                p(f"| {subject} | {int(d):,} | " + " | ".join(cells) + " |")
        p("")


if get("latency") or get("cycle"):
    latency_section()

# ---- long poll
def longpoll_section():
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


if get("longpoll"):
    longpoll_section()

p("### Targets")
p("")
p("| target | measured | met |")
p("|---|---|---|")
for name, value, ok in verdicts:
    p(f"| {name} | {value} | {'yes' if ok else '**no**'} |")
print("\n".join(out))
