"""The functional-test stack's HTTP subscriber: an SNS HTTP endpoint that confirms its
subscription and keeps every notification in Redis, where the test reads them back.

  POST /            SNS deliveries (SubscriptionConfirmation, Notification)
  GET  /messages    the notifications received, oldest first (JSON list)
  GET  /health      200 once Redis answers

Standard library only (Redis is spoken in RESP over a socket), so it runs on any python3 image.
Environment: PORT (default 8080), REDIS_URL (default redis://localhost:6379/0), REDIS_KEY.
"""
from __future__ import annotations

import json
import os
import socket
import sys
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

REDIS = urllib.parse.urlparse(os.environ.get("REDIS_URL", "redis://localhost:6379/0"))
KEY = os.environ.get("REDIS_KEY", "notifications")


def redis(*args: str):
    """One command on a fresh connection; returns the decoded reply."""
    with socket.create_connection((REDIS.hostname or "localhost", REDIS.port or 6379), 5) as s:
        payload = f"*{len(args)}\r\n" + "".join(
            f"${len(a.encode())}\r\n{a}\r\n" for a in args)
        s.sendall(payload.encode())
        f = s.makefile("rb")
        return _reply(f)


def _reply(f):
    line = f.readline().rstrip(b"\r\n")
    kind, rest = line[:1], line[1:]
    if kind == b"+":
        return rest.decode()
    if kind == b"-":
        raise RuntimeError(rest.decode())
    if kind == b":":
        return int(rest)
    if kind == b"$":
        n = int(rest)
        if n < 0:
            return None
        data = f.read(n + 2)[:n]
        return data.decode()
    if kind == b"*":
        return [_reply(f) for _ in range(int(rest))]
    raise RuntimeError(f"unexpected Redis reply {line!r}")


class Handler(BaseHTTPRequestHandler):
    def _send(self, status: int, body) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/health":
            self._send(200, {"redis": redis("PING")})
        elif self.path == "/messages":
            self._send(200, [json.loads(m) for m in redis("LRANGE", KEY, "0", "-1")])
        else:
            self._send(404, {"error": "not found"})

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        kind = self.headers.get("x-amz-sns-message-type", "")
        doc = json.loads(body)
        if kind == "SubscriptionConfirmation":
            # AWS: visiting SubscribeURL confirms the subscription.
            with urllib.request.urlopen(doc["SubscribeURL"], timeout=10) as resp:
                resp.read()
            print(f"confirmed subscription to {doc['TopicArn']}", flush=True)
        elif kind == "Notification":
            redis("RPUSH", KEY, json.dumps({
                "topic": doc["TopicArn"], "subject": doc.get("Subject"),
                "message": doc["Message"], "id": doc["MessageId"],
                "subscription": self.headers.get("x-amz-sns-subscription-arn")}))
        self._send(200, {"ok": True})

    def log_message(self, fmt, *args):
        sys.stderr.write("subscriber: " + fmt % args + "\n")


def main():
    port = int(os.environ.get("PORT", "8080"))
    server = ThreadingHTTPServer(("0.0.0.0", port), Handler)
    print(f"subscriber listening on {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
