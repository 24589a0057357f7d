#!/usr/bin/env python3
"""SNS benchmark: publish with fan-out to 10 SQS queues (messages delivered per second) and HTTP
delivery latency (publish call → POST received by a subscriber on 127.0.0.1).

    NIMBUS_BIN=build/nimbus .venv/bin/python bench/sns/run.py [--messages 5000] [--latency 500]

Starts its own nimbus on a free loopback port (in memory), speaks the query protocol over
keep-alive HTTP (unsigned; routed by Action+Version like any query client), and stops by itself:
every phase is bounded by count and by a deadline.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEADLINE_S = 60


def start_nimbus(env_extra: dict[str, str]) -> tuple[subprocess.Popen, int, Path]:
    binary = Path(os.environ.get("NIMBUS_BIN", REPO / "build" / "nimbus")).resolve()
    work = Path(tempfile.mkdtemp(prefix="sns-bench-"))
    out = open(work / "stdout.log", "wb")
    env = {**os.environ, "GATEWAY_LISTEN": "127.0.0.1:0", "DATA_DIR": str(work / "data"),
           **env_extra}
    proc = subprocess.Popen([str(binary), "start"], env=env, stdout=out,
                            stderr=open(work / "stderr.log", "wb"), start_new_session=True)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        text = (work / "stdout.log").read_text()
        m = re.search(r"Listening on \S+:(\d+)", text)
        if m and "Ready." in text:
            return proc, int(m.group(1)), work
        time.sleep(0.02)
    proc.kill()
    sys.exit("nimbus did not start")


class Query:
    """One keep-alive connection speaking the query protocol (SNS and SQS)."""

    def __init__(self, port: int):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def call(self, version: str, action: str, params: dict[str, str], path: str = "/") -> str:
        body = urllib.parse.urlencode({"Action": action, "Version": version, **params})
        self.conn.request("POST", path, body=body,
                          headers={"Content-Type": "application/x-www-form-urlencoded"})
        resp = self.conn.getresponse()
        data = resp.read().decode()
        if resp.status != 200:
            raise RuntimeError(f"{action}: {resp.status} {data[:300]}")
        return data

    def sns(self, action: str, **params: str) -> str:
        return self.call("2010-03-31", action, params)

    def sqs(self, action: str, **params: str) -> str:
        return self.call("2012-11-05", action, params)


def tag(xml: str, name: str) -> str:
    return re.search(f"<{name}>([^<]*)</{name}>", xml).group(1)


def fanout(port: int, messages: int, batch: bool, raw: bool, publishers: int) -> dict:
    q = Query(port)
    topic = tag(q.sns("CreateTopic", Name=f"fan-{time.time_ns()}"), "TopicArn")
    urls = []
    for i in range(10):
        url = tag(q.sqs("CreateQueue", QueueName=f"fan{i}-{time.time_ns()}"), "QueueUrl")
        arn = f"arn:aws:sqs:us-east-1:000000000000:{url.rsplit('/', 1)[1]}"
        params = {"TopicArn": topic, "Protocol": "sqs", "Endpoint": arn}
        if raw:
            params.update({"Attributes.entry.1.key": "RawMessageDelivery",
                           "Attributes.entry.1.value": "true"})
        q.sns("Subscribe", **params)
        urls.append(url)
    per_publisher = messages // publishers
    total = per_publisher * publishers
    errors: list[str] = []

    def publish() -> None:
        c = Query(port)
        try:
            if batch:
                for start in range(0, per_publisher, 10):
                    params = {"TopicArn": topic}
                    for j in range(min(10, per_publisher - start)):
                        params[f"PublishBatchRequestEntries.member.{j + 1}.Id"] = f"e{j}"
                        params[f"PublishBatchRequestEntries.member.{j + 1}.Message"] = (
                            f"message {start + j} " + "x" * 100)
                    c.sns("PublishBatch", **params)
            else:
                for i in range(per_publisher):
                    c.sns("Publish", TopicArn=topic, Message=f"message {i} " + "x" * 100)
        except Exception as e:  # noqa: BLE001
            errors.append(str(e))

    t0 = time.perf_counter()
    threads = [threading.Thread(target=publish) for _ in range(publishers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(DEADLINE_S)
    t_published = time.perf_counter() - t0
    expected = total * len(urls)
    delivered = 0
    deadline = time.monotonic() + DEADLINE_S
    while time.monotonic() < deadline:
        delivered = 0
        for url in urls:
            xml = q.call("2012-11-05", "GetQueueAttributes",
                         {"QueueUrl": url, "AttributeName.1": "ApproximateNumberOfMessages"})
            delivered += int(re.search(r"<Value>(\d+)</Value>", xml).group(1))
        if delivered >= expected:
            break
        time.sleep(0.005)
    t_delivered = time.perf_counter() - t0
    for url in urls:
        q.sqs("DeleteQueue", QueueUrl=url)
    q.sns("DeleteTopic", TopicArn=topic)
    return {"published": total, "delivered": delivered, "expected": expected,
            "publish_s": round(t_published, 3), "all_delivered_s": round(t_delivered, 3),
            "publishes_per_s": round(total / t_published),
            "deliveries_per_s": round(delivered / t_delivered), "errors": errors[:3]}


def http_latency(port: int, count: int) -> dict:
    received: dict[str, float] = {}
    cond = threading.Condition()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):  # noqa: N802
            now = time.perf_counter()
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            kind = self.headers.get("x-amz-sns-message-type")
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()
            with cond:
                if kind == "Notification":
                    received[self.headers["x-amz-sns-message-id"]] = now
                else:
                    received["confirm"] = json.loads(body)["SubscribeURL"]
                cond.notify_all()

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    q = Query(port)
    topic = tag(q.sns("CreateTopic", Name=f"lat-{time.time_ns()}"), "TopicArn")
    q.sns("Subscribe", TopicArn=topic, Protocol="http",
          Endpoint=f"http://127.0.0.1:{httpd.server_address[1]}/")
    with cond:
        cond.wait_for(lambda: "confirm" in received, timeout=10)
    confirm = urllib.parse.urlsplit(received.pop("confirm"))
    q.conn.request("GET", f"{confirm.path}?{confirm.query}")
    q.conn.getresponse().read()
    samples = []
    for i in range(count):
        t0 = time.perf_counter()
        message_id = tag(q.sns("Publish", TopicArn=topic, Message=f"latency {i}"), "MessageId")
        with cond:
            if not cond.wait_for(lambda: message_id in received, timeout=5):
                break
            samples.append((received.pop(message_id) - t0) * 1000)
    httpd.shutdown()
    samples.sort()
    pick = lambda p: round(samples[min(len(samples) - 1, int(p * len(samples)))], 3)  # noqa: E731
    return {"count": len(samples), "p50_ms": pick(0.5), "p90_ms": pick(0.9), "p99_ms": pick(0.99),
            "max_ms": round(samples[-1], 3), "mean_ms": round(statistics.mean(samples), 3)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--messages", type=int, default=5000, help="messages published per fan-out run")
    ap.add_argument("--publishers", type=int, default=4)
    ap.add_argument("--latency", type=int, default=500, help="HTTP latency samples")
    args = ap.parse_args()
    proc, port, work = start_nimbus({})
    try:
        results = {}
        for batch in (False, True):
            for raw in (False, True):
                key = f"fanout10 {'PublishBatch' if batch else 'Publish'} {'raw' if raw else 'envelope'}"
                results[key] = fanout(port, args.messages, batch, raw, args.publishers)
                print(key, json.dumps(results[key]), flush=True)
        results["http latency"] = http_latency(port, args.latency)
        print("http latency", json.dumps(results["http latency"]), flush=True)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
