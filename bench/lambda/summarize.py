#!/usr/bin/env python3
"""Markdown summary of bench/lambda/run.sh's results.txt (see run.sh). Usage: summarize.py FILE"""
import base64
import math
import re
import shlex
import sys

PY_COLD_SLACK_MS = 15.0  # target: python cold start <= interpreter start + 15 ms
WARM_SLACK_MS = 1.0      # target: warm invoke p50 <= loopback round trip + 1 ms


def kv(text):
    """key=value pairs of a line (values may be double-quoted)."""
    out = {}
    for tok in shlex.split(text):
        if "=" in tok:
            k, v = tok.split("=", 1)
            out[k] = v
    return out


def pct(values, p):
    v = sorted(values)
    if not v:
        return float("nan")
    k = max(1, min(len(v), math.ceil(p / 100.0 * len(v))))
    return v[k - 1]


def main():
    lines = open(sys.argv[1]).read().splitlines()
    info = {}
    results = {}   # "<phase> <what>" -> kv
    phases = {}    # phase -> kv
    cold = {}      # prefix -> list of kv
    for line in lines:
        head, _, rest = line.partition(" ")
        if head == "ENVCOUNT":
            d = kv(rest)
            info.setdefault("ENVCOUNT", {})[d["load"]] = int(d["before_create"])
        elif head in ("MACHINE", "NIMBUS", "INTERP", "CONFIG", "DATE", "SERVERS", "ENVS", "ELAPSED"):
            info[head] = kv(rest) if head != "DATE" else {"date": rest.split(" loadavg")[0],
                                                         **kv(rest)}
        elif head == "PHASE":
            d = kv(rest)
            phases[d["name"]] = d
        else:
            phase = head
            m = re.match(r"RESULT (\S+)(.*)", rest)
            if m:
                what = m.group(1)
                d = kv(m.group(2))
                if "conns" in d and what == "load_latency":
                    what += d["conns"]
                results[phase + " " + what] = d
            elif rest.startswith("COLD "):
                d = kv(rest[5:])
                log = base64.b64decode(d.get("log", "")).decode(errors="replace")
                m = re.search(r"Init Duration: ([0-9.]+) ms", log)
                d["init_ms"] = float(m.group(1)) if m else float("nan")
                m = re.search(r"\tDuration: ([0-9.]+) ms", log)
                d["duration_ms"] = float(m.group(1)) if m else float("nan")
                prefix = d["name"].rsplit("-", 1)[0]
                cold.setdefault(prefix, []).append(d)

    mach, cfg, interp = info["MACHINE"], info["CONFIG"], info["INTERP"]
    rt = cfg["rt"] == "1"
    print("### Run")
    print()
    print("- %s; %s CPUs `%s`, %s RAM, kernel `%s`; load average before: %s"
          % (info["DATE"]["date"], mach["nproc"], mach["model"], mach["mem"], mach["kernel"],
             info["DATE"]["loadavg_before"]))
    print("- command: `%sbench/lambda/run.sh` (COLD_N=%s SPAWN_N=%s WARM_N=%s WARM_WARMUP=%s "
          "LOAD_CONNS=\"%s\" LOAD_S=%s LOAD_WARMUP_S=%s LOAD_WARMUP_MAX_S=%s), %s s end to end"
          % ("RT=1 " if rt else "", cfg["cold_n"], cfg["spawn_n"], cfg["warm_n"],
             cfg["warm_warmup"], cfg["load_conns"], cfg["load_s"], cfg["load_warmup_s"],
             cfg["load_warmup_max_s"], info.get("ELAPSED", {}).get("s", "?")))
    print("- scheduling: %s" % ("client, floor server and nimbus (and so every function "
                                "environment) under SCHED_FIFO 50 (`chrt -f 50`)" if rt else
                                "default (CFS)"))
    n = info["NIMBUS"]
    print("- nimbus: `%s` built %s, commit %s, sha256 %s…" % (n["src"], n["built"], n["commit"],
                                                            n["sha256"]))
    print("- interpreters: python %s (`%s`, runtime `%s`), node %s (`%s`, runtime `%s`)"
          % (interp["python_version"], interp["python"], interp["py_runtime"],
             interp["node_version"], interp["node"], interp["node_runtime"]))
    busy = ", ".join("%s %s%%" % (k, v["busy_pct"]) for k, v in phases.items())
    print("- whole-machine CPU busy during each phase (benchmark included, %s CPUs): %s"
          % (mach["nproc"], busy))
    print()

    # ---- cold start
    print("### Cold start: CreateFunction → first Invoke response (new function each time)")
    print()
    print("Right before each create, the client times the bare interpreter start "
          "(`python3 -c pass` / `node -e 0`, posix_spawn → exit), so each cold start has an "
          "interpreter start measured under the same conditions next to it.")
    print()
    print("| runtime | n | create p50 | first invoke p50 (min / p90 / max) | **create → first "
          "response p50** | Init Duration p50 (server: spawn → first GET /next) | interpreter "
          "start p50 (paired) | p50 of (cold − its interpreter start) | target |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
    verdicts = {}
    for prefix, label, is_py in (("coldpy", interp["py_runtime"], True),
                                 ("coldnode", interp["node_runtime"], False),
                                 ("firstpy", interp["py_runtime"] + ", first function in the server's life", True),
                                 ("firstnode", interp["node_runtime"] + ", first function in the server's life", False)):
        rows = cold.get(prefix, [])
        if not rows:
            continue
        cr = [float(r["create_ms"]) for r in rows]
        fi = [float(r["first_invoke_ms"]) for r in rows]
        tot = [float(r["total_ms"]) for r in rows]
        ini = [r["init_ms"] for r in rows]
        ref = [float(r["ref_ms"]) for r in rows]
        diff = [t - f for t, f in zip(tot, ref)]
        target = "(none)"
        if is_py:
            # Judged on the paired differences (each cold start minus the interpreter start
            # measured right before it): robust to the machine's drift during the run.
            over = pct(diff, 50)
            ok = over <= PY_COLD_SLACK_MS
            target = "≤ +15 ms: **%s** (%+.1f ms; medians: %.1f vs %.1f + 15)" % (
                "met" if ok else "missed", over - PY_COLD_SLACK_MS, pct(tot, 50), pct(ref, 50))
            if not prefix.startswith("first"):
                verdicts["python cold start"] = (ok, over, PY_COLD_SLACK_MS)
        print("| %s | %d | %.2f ms | %.1f ms (%.1f / %.1f / %.1f) | **%.1f ms** | %.1f ms | "
              "%.1f ms | %+.1f ms | %s |"
              % (label, len(rows), pct(cr, 50), pct(fi, 50), min(fi), pct(fi, 90), max(fi),
                 pct(tot, 50), pct(ini, 50), pct(ref, 50), pct(diff, 50), target))
    print()
    print("Interpreter start alone, measured before the servers start (%s runs each; reference "
          "points for the analysis, not the targets' baseline):" % cfg["spawn_n"])
    print()
    print("| command | p50 | min | p90 |")
    print("|---|---:|---:|---:|")
    for ph, label in (("spawn-python", "`python3 -c pass` (the command paired with each cold start)"),
                      ("spawn-python-S", "`python3 -S -c pass` (no site: no .pth files run)"),
                      ("spawn-python-imports", "`python3 -c 'import http.client, importlib, json, os, sys, time, traceback'` (the bootstrap's imports)"),
                      ("spawn-node", "`node -e 0`"),
                      ("spawn-node-require", "`node -e \"require('http'); …\"` (the bootstrap's requires)")):
        r = results.get(ph + " spawn")
        if r:
            print("| %s | %.1f ms | %.1f ms | %.1f ms |" % (label, float(r["p50_ms"]),
                                                          float(r["min_ms"]), float(r["p90_ms"])))
    print()

    # ---- warm
    print("### Warm invoke latency (one keep-alive connection, %s invokes after %s warm-up rounds)"
          % (cfg["warm_n"], cfg["warm_warmup"]))
    print()
    print("Each round: Invoke (no-op) on connection A to nimbus, `GET /_nimbus/health` on A, "
          "`GET /` on connection B to the floor server (trivial blocking C server): the three "
          "are interleaved so they share the machine's conditions.")
    print()
    print("| handler | invoke p50 | p90 | p99 | max | health GET p50 | loopback RTT (floor) p50 "
          "| **invoke p50 − loopback p50** | p50 of per-round (invoke − floor) | target ≤ +1 ms |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for ph, label in (("warm-python", interp["py_runtime"]), ("warm-node", interp["node_runtime"])):
        i = results.get(ph + " warm_invoke")
        if not i:
            continue
        h = results[ph + " warm_health"]
        f = results[ph + " warm_floor"]
        d = results[ph + " warm_invoke_minus_floor"]
        above = float(i["p50_ms"]) - float(f["p50_ms"])
        ok = above <= WARM_SLACK_MS
        verdicts["warm invoke " + label] = (ok, above, WARM_SLACK_MS)
        print("| %s | %.3f ms | %.3f ms | %.3f ms | %.3f ms | %.3f ms | %.3f ms | **%.3f ms** | "
              "%.3f ms | **%s** |"
              % (label, float(i["p50_ms"]), float(i["p90_ms"]), float(i["p99_ms"]),
                 float(i["max_ms"]), float(h["p50_ms"]), float(f["p50_ms"]), above,
                 float(d["p50_ms"]), "met" if ok else "missed"))
    print()

    # ---- load
    print("### Concurrent throughput (%s no-op, each connection sequential, %s s measured after "
          "the scale-out)" % (interp["py_runtime"], cfg["load_s"]))
    print()
    print("| in flight | invokes/s | ok | 429 | other / errors | latency p50 | p99 | warm-up "
          "(invokes) | environments of the function: after warm-up / end | nimbus CPU | "
          "environments' CPU | machine busy |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|")
    for c in cfg["load_conns"].split():
        r = results.get("load-%s load" % c)
        lat = results.get("load-%s load_latency%s" % (c, c))
        if not r:
            continue
        base = info.get("ENVCOUNT", {}).get(c, 0)
        print("| %s | **%.0f** | %s | %s | %s / %s | %.2f ms | %.2f ms | %.1f s (%s) | "
              "%d / %d | %s %% | %s %% | %s %% |"
              % (c, float(r["rps"]), r["ok"], r["throttled"], r["other_status"], r["errors"],
                 float(lat["p50_ms"]), float(lat["p99_ms"]), float(r["warmup_s"]),
                 r["warmup_ok"], int(r["env_after_warmup"]) - base, int(r["env_end"]) - base,
                 r["server_cpu_pct"], r["envs_cpu_pct"], r["machine_busy_pct"]))
    print()
    print("(Environments: nimbus's child processes created for this function (one per execution "
          "environment; all stay warm); the warm-up lasts until their number has been stable "
          "for 1 s. CPU columns in % of one CPU over the measured window; nimbus's environments "
          "include those of earlier phases, idle.)")
    print()

    print("### Verdicts")
    print()
    for name, (ok, value, limit) in verdicts.items():
        if name.startswith("warm"):
            print("- %s: p50 %.3f ms above the loopback round trip (target ≤ %.1f ms): **%s**"
                  % (name, value, limit, "met" if ok else "missed"))
        else:
            print("- %s: create → first response exceeds the interpreter start measured next to "
                  "it by %.1f ms (p50 of %s pairs; target ≤ %.0f ms): **%s**"
                  % (name, value, cfg["cold_n"], limit, "met" if ok else "missed"))


if __name__ == "__main__":
    main()
