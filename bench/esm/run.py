#!/usr/bin/env python3
"""SQS → Lambda trigger benchmark (issue 7): latency from SendMessage to handler start, and
messages per second through a mapped no-op function.

    .venv/bin/python bench/esm/run.py [--bin build/nimbus] [--samples 200]

Starts its own server on a free loopback port, stops it by PID at the end. The handler appends
`<start time ns> <body>` to a file; each body is the send time in ns taken just before the
SendMessage call, so latency = handler start − send start (both CLOCK_REALTIME on this machine).
"""
import argparse
import io
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile

import boto3

HANDLER = """
import os, time
OUT = os.environ["OUT"]
def handler(event, context):
    now = time.time_ns()
    with open(OUT, "a") as f:
        for r in event["Records"]:
            f.write("%d %s\\n" % (now, r["body"]))
    return {}
"""


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_lines(path, n, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if os.path.exists(path):
            with open(path) as f:
                lines = f.read().splitlines()
            if len(lines) >= n:
                return lines
        time.sleep(0.01)
    raise SystemExit(f"only some of {n} messages reached the handler within {timeout}s")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="build/nimbus")
    ap.add_argument("--samples", type=int, default=200)
    ap.add_argument("--throughput", type=int, default=5000)
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="nimbus-esm-bench-")
    port = free_port()
    env = dict(os.environ, GATEWAY_LISTEN=f"127.0.0.1:{port}", DATA_DIR=tmp)
    server = subprocess.Popen([args.bin], env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        for line in server.stdout:
            if line.strip() == b"Ready.":
                break
        url = f"http://127.0.0.1:{port}"
        kw = dict(endpoint_url=url, region_name="us-east-1", aws_access_key_id="test",
                  aws_secret_access_key="test")
        sqs, lam = boto3.client("sqs", **kw), boto3.client("lambda", **kw)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("app.py", HANDLER)
        results = {}
        for phase, count in (("latency", args.samples), ("throughput", args.throughput)):
            out = os.path.join(tmp, phase + ".txt")
            q = sqs.create_queue(QueueName="bench-" + phase)["QueueUrl"]
            arn = sqs.get_queue_attributes(QueueUrl=q, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
            lam.create_function(FunctionName="bench-" + phase, Runtime="python3.12", Handler="app.handler",
                                Role="arn:aws:iam::000000000000:role/r", Code={"ZipFile": buf.getvalue()},
                                Environment={"Variables": {"OUT": out}}, Timeout=30)
            lam.get_waiter("function_active_v2").wait(FunctionName="bench-" + phase)
            lam.create_event_source_mapping(FunctionName="bench-" + phase, EventSourceArn=arn, BatchSize=10)
            # Warm the environment and the pollers first.
            sqs.send_message(QueueUrl=q, MessageBody="0")
            wait_lines(out, 1, 30)
            os.remove(out)
            if phase == "latency":
                for i in range(count):
                    sqs.send_message(QueueUrl=q, MessageBody=str(time.time_ns()))
                    time.sleep(0.02)  # one message at a time: latency, not queueing
                lines = wait_lines(out, count, 60)
                lat = sorted((int(a) - int(b)) / 1e6 for a, b in (l.split() for l in lines))
                results["latency"] = (statistics.median(lat), lat[int(len(lat) * 0.99) - 1], len(lat))
            else:
                start = time.time()
                for i in range(0, count, 10):
                    sqs.send_message_batch(QueueUrl=q, Entries=[
                        {"Id": str(j), "MessageBody": str(i + j)} for j in range(10)])
                sent = time.time()
                wait_lines(out, count, 120)
                done = time.time()
                results["throughput"] = (count / (done - start), sent - start, done - start)
        p50, p99, n = results["latency"]
        rate, send_s, total_s = results["throughput"]
        print(f"trigger latency (send → handler start), {n} messages: p50 {p50:.2f} ms, p99 {p99:.2f} ms")
        print(f"throughput: {args.throughput} messages through a no-op function in {total_s:.2f} s "
              f"({rate:.0f} msg/s; sending took {send_s:.2f} s)")
        print(f"target p50 ≤ 5 ms: {'met' if p50 <= 5 else 'missed'}")
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=5)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    main()
