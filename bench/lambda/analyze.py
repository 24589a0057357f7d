#!/usr/bin/env python3
"""Reductions for bench/lambda/profile.sh (each prints markdown).

  analyze.py importtime FILE...       python -X importtime outputs: median cumulative and self
                                      time of the heaviest modules
  analyze.py rapi LABEL=FILE...       lambench rapi outputs: p50 of reference, spawn -> GET
                                      /next, /next -> POST /response per label
  analyze.py milestones STRACE        strace -f -ttt of nimbus during one cold create+invoke:
                                      the path's milestones, relative to the Invoke request
  analyze.py phases PERF_TRACE        perf trace -e sendmsg,recvmsg of nimbus during warm
                                      invokes: per-invoke phases on nimbus's side
  analyze.py cold LABEL=FILE[,FILE]...  lambench cold outputs: p50 create, first invoke, total,
                                      interpreter start (paired) and p50 of the differences
  analyze.py warm LABEL=FILE...       lambench warm outputs: invoke p50/p99, floor p50
  analyze.py perfsym REPORT NAME...   inclusive % (children) of the named symbols in a
                                      `perf report --children --sort sym -g none` text
"""
import re
import statistics
import sys


def p50(v):
    return statistics.median(v) if v else float("nan")


def importtime(files):
    cum, self_ = {}, {}
    for f in files:
        for line in open(f):
            m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \| (\s*)(\S+)", line)
            if not m:
                continue
            name = m.group(4)
            self_.setdefault(name, []).append(int(m.group(1)) / 1000)
            cum.setdefault(name, []).append(int(m.group(2)) / 1000)
    top = sorted(cum, key=lambda k: -p50(cum[k]))[:25]
    print("| module | cumulative p50 | self p50 |")
    print("|---|---:|---:|")
    for k in top:
        print("| `%s` | %.2f ms | %.2f ms |" % (k, p50(cum[k]), p50(self_[k])))


def rapi(args):
    print("| bootstrap | n | interpreter start (paired `-c pass`/`-e 0`) p50 | spawn → GET /next "
          "p50 | minus interpreter start (p50 of pairs) | /next answered → POST /response p50 |")
    print("|---|---:|---:|---:|---:|---:|")
    for arg in args:
        label, _, path = arg.partition("=")
        ref, nxt, resp = [], [], []
        for f in path.split(","):
            for line in open(f):
                if line.startswith("RAPI "):
                    d = dict(t.split("=", 1) for t in line.split()[1:])
                    ref.append(float(d["ref_ms"]))
                    nxt.append(float(d["spawn_to_next_ms"]))
                    resp.append(float(d["next_to_response_ms"]))
        print("| %s | %d | %.1f ms | %.1f ms | %+.1f ms | %.3f ms |"
              % (label, len(nxt), p50(ref), p50(nxt), p50([a - b for a, b in zip(nxt, ref)]),
                 p50(resp)))


def milestones(path):
    lines = open(path, errors="replace").read().splitlines()
    rx = re.compile(r"^(\d+) +(\d+\.\d+) (.*)$")
    events = []
    t0 = None
    server_pid = None
    child = None
    seen = set()

    def add(key, t, text):
        if key in seen:
            return
        seen.add(key)
        events.append((t, text))

    for line in lines:
        m = rx.match(line)
        if not m:
            continue
        pid, t, rest = int(m.group(1)), float(m.group(2)), m.group(3)
        # a syscall strace split in two: the data is on the "resumed" half
        rest = re.sub(r"^<\.\.\. (\w+) resumed>", r"\1(", rest)
        if t0 is None and "/invocations HTTP/1.1" in rest and rest.startswith("recvmsg"):
            t0, server_pid = t, pid
            add("req", t, "nimbus reads the Invoke request (edge)")
            continue
        if t0 is None:
            continue
        if pid == server_pid and rest.startswith("socket(") and "listen" not in seen:
            add("listen", t, "nimbus opens the environment's Runtime API listener")
        elif pid == server_pid and rest.startswith("clone3(") or (pid == server_pid and rest.startswith("vfork(")):
            add("spawn", t, "nimbus: posix_spawn (clone3 CLONE_VFORK)")
        elif rest.startswith("execve(") and child is None:
            child = pid
            add("execve", t, "child: execve of the interpreter")
        elif pid == child and "python_bootstrap.py" in rest and rest.startswith("openat"):
            add("boot", t, "python: interpreter + site initialised, opens python_bootstrap.py")
        elif pid == child and "node_bootstrap.js" in rest and rest.startswith("openat"):
            add("boot", t, "node: opens node_bootstrap.js")
        elif pid == child and "/http/client.py" in rest:
            add("http", t, "python: import http.client starts")
        elif pid == child and "/email/parser.py" in rest:
            add("email", t, "python:   … email.parser (pulled in by http.client)")
        elif pid == child and re.search(r"/ssl\.py\"", rest):
            add("ssl", t, "python:   … ssl (pulled in by http.client)")
        elif pid == child and "/json/__init__.py" in rest:
            add("json", t, "python: import json starts (http.client done)")
        elif pid == child and "/traceback.py" in rest:
            add("tb", t, "python: import traceback starts")
        elif pid == child and re.search(r"/index\.(py|js|mjs)\"", rest):
            add("handler", t, "runtime: loads the handler module (index)")
        elif pid == child and "/encodings/idna.py" in rest:
            add("idna", t, "python: encodings.idna (socket.create_connection → getaddrinfo)")
        elif pid == child and rest.startswith("connect("):
            add("connect", t, "runtime: connect() to the Runtime API")
        elif pid == server_pid and "GET /2018-06-01/runtime/invocation/next" in rest and rest.startswith("recvmsg"):
            add("next", t, "nimbus reads GET /invocation/next")
        elif pid == server_pid and rest.startswith("sendmsg") and "HTTP/1.1 200" in rest and "next" in seen and "nextans" not in seen:
            add("nextans", t, "nimbus answers /next (the event)")
        elif pid == server_pid and "/response HTTP/1.1" in rest and rest.startswith("recvmsg"):
            add("resp", t, "nimbus reads POST /invocation/<id>/response")
        elif pid == server_pid and rest.startswith("sendmsg") and "X-Amz-Executed-Version" in rest:
            add("done", t, "nimbus writes the Invoke response (200) to the client")
    print("| ms after the Invoke request | Δ from previous | milestone |")
    print("|---:|---:|---|")
    prev = t0
    for t, text in sorted(events):
        print("| %.2f | %.2f | %s |" % ((t - t0) * 1e3, (t - prev) * 1e3, text))
        prev = t


def phases(path):
    rx = re.compile(r"^\s*([\d.]+) \(\s*([\d.]+) ms\): \S+ (sendmsg|recvmsg)\(fd: (\d+).*= (-?\d+)")
    rx2 = re.compile(r"^\s*([\d.]+) \(\s*([\d.]+) ms\): (sendmsg|recvmsg)\(fd: (\d+).*= (-?\d+)")
    ev = []
    for line in open(path, errors="replace"):
        m = rx.match(line) or rx2.match(line)
        if m:
            ev.append((float(m.group(1)), m.group(3), int(m.group(4)), int(m.group(5))))
    # An invoke: recvmsg(client)>0, then sendmsg on another fd (the /next answer), recvmsg(that
    # fd)>0 (POST /response), then sendmsg(client) (the Invoke response). A recvmsg(client)
    # answered on the client fd directly is a health GET: skipped.
    a_b, b_c, c_d, total = [], [], [], []
    i = 0
    n = len(ev)
    while i < n:
        t, name, fd, ret = ev[i]
        if name != "recvmsg" or ret <= 0:
            i += 1
            continue
        j = i + 1
        while j < n and ev[j][1] != "sendmsg":
            j += 1
        if j >= n or ev[j][2] == fd:
            i = j + 1
            continue
        rt_fd, tb = ev[j][2], ev[j][0]
        k = j + 1
        while k < n and not (ev[k][1] == "recvmsg" and ev[k][2] == rt_fd and ev[k][3] > 0):
            k += 1
        l = k + 1
        while l < n and not (ev[l][1] == "sendmsg" and ev[l][2] == fd):
            l += 1
        if l >= n:
            break
        a_b.append(tb - t)
        b_c.append(ev[k][0] - tb)
        c_d.append(ev[l][0] - ev[k][0])
        total.append(ev[l][0] - t)
        i = l + 1
    print("%d invokes traced (timestamps at syscall entry, perf trace)." % len(total))
    print()
    print("| phase | p50 |")
    print("|---|---:|")
    print("| A→B nimbus: Invoke request read → /next answered (edge, Lambda service, executor) | %.3f ms |" % p50(a_b))
    print("| B→C runtime: /next answered → POST /response read (python bootstrap + handler + 2 loopback hops) | %.3f ms |" % p50(b_c))
    print("| C→D nimbus: POST /response read → Invoke response written (Complete, logs, back to the edge) | %.3f ms |" % p50(c_d))
    print("| A→D total inside nimbus' view | %.3f ms |" % p50(total))


def cold(args):
    print("| bootstrap | n | create → first response p50 | interpreter start p50 (paired) | "
          "p50 of (cold − its interpreter start) | first invoke p50 |")
    print("|---|---:|---:|---:|---:|---:|")
    for arg in args:
        label, _, paths = arg.partition("=")
        tot, ref, fi = [], [], []
        for f in paths.split(","):
            for line in open(f):
                if line.startswith("COLD "):
                    d = dict(t.split("=", 1) for t in line.split()[1:])
                    tot.append(float(d["total_ms"]))
                    ref.append(float(d["ref_ms"]))
                    fi.append(float(d["first_invoke_ms"]))
        print("| %s | %d | %.1f ms | %.1f ms | %+.1f ms | %.1f ms |"
              % (label, len(tot), p50(tot), p50(ref), p50([a - b for a, b in zip(tot, ref)]),
                 p50(fi)))


def warm(args):
    print("| bootstrap | invoke p50 | p99 | loopback (floor) p50 | invoke p50 − loopback p50 |")
    print("|---|---:|---:|---:|---:|")
    for arg in args:
        label, _, path = arg.partition("=")
        r = {}
        for line in open(path):
            m = re.match(r"RESULT (\S+) (.*)", line)
            if m:
                r[m.group(1)] = dict(t.split("=", 1) for t in m.group(2).split())
        i, f = r["warm_invoke"], r["warm_floor"]
        print("| %s | %.3f ms | %.3f ms | %.3f ms | %.3f ms |"
              % (label, float(i["p50_ms"]), float(i["p99_ms"]), float(f["p50_ms"]),
                 float(i["p50_ms"]) - float(f["p50_ms"])))


def perfsym(report, names):
    rows = {}
    for line in open(report, errors="replace"):
        m = re.match(r"\s+([\d.]+)%\s+([\d.]+)%\s+\[[.k]\]\s+(.*)$", line)
        if m:
            sym = m.group(3).strip()
            for n in names:
                if n not in rows and (sym == n or sym.startswith(n + "(") or sym.startswith(n + "[")
                                      or sym == n.split("(")[0]):
                    rows[n] = (float(m.group(1)), float(m.group(2)))
    print("| symbol | inclusive (children) | self |")
    print("|---|---:|---:|")
    for n in names:
        if n in rows:
            print("| `%s` | %.1f %% | %.1f %% |" % (n, rows[n][0], rows[n][1]))
        else:
            print("| `%s` | – | – |" % n)


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "importtime":
        importtime(args)
    elif cmd == "rapi":
        rapi(args)
    elif cmd == "milestones":
        milestones(args[0])
    elif cmd == "phases":
        phases(args[0])
    elif cmd == "cold":
        cold(args)
    elif cmd == "warm":
        warm(args)
    elif cmd == "perfsym":
        perfsym(args[0], args[1:])
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
