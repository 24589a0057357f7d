#!/usr/bin/env python3
"""Small SQS JSON-protocol client for the benchmark's setup steps (raw http.client, no boto3).

  sqsctl.py ENDPOINT create NAME          print the queue URL of a new (or existing) queue
  sqsctl.py ENDPOINT depth QUEUE_URL      print ApproximateNumberOfMessages (+ NotVisible, Delayed)
  sqsctl.py ENDPOINT fill QUEUE_URL N     SendMessageBatch (10 per call) until N messages were
                                          added, then print the depth GetQueueAttributes reports
  sqsctl.py ENDPOINT purge QUEUE_URL      PurgeQueue

ENDPOINT is host:port. Exits non-zero on any non-200 answer.
"""
import http.client
import json
import sys
import time

HEADERS = {
    "Content-Type": "application/x-amz-json-1.0",
    "X-Amz-Date": "20260101T000000Z",
    "Authorization": "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/sqs/aws4_request, "
    "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=" + "0" * 64,
}
BODY = "0123456789abcdef" * 4


class Client:
    def __init__(self, endpoint):
        host, port = endpoint.rsplit(":", 1)
        self.conn = http.client.HTTPConnection(host, int(port), timeout=60)

    def call(self, op, params):
        body = json.dumps(params, separators=(",", ":"))
        self.conn.request("POST", "/", body, {**HEADERS, "X-Amz-Target": "AmazonSQS." + op})
        res = self.conn.getresponse()
        data = res.read()
        if res.will_close:
            self.conn.close()
        if res.status != 200:
            sys.exit(f"{op}: HTTP {res.status}: {data[:300]!r}")
        return json.loads(data) if data.strip() else {}


def depth(c, url):
    a = c.call("GetQueueAttributes", {"QueueUrl": url, "AttributeNames": [
        "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
        "ApproximateNumberOfMessagesDelayed"]})["Attributes"]
    return (int(a["ApproximateNumberOfMessages"]), int(a.get("ApproximateNumberOfMessagesNotVisible", 0)),
            int(a.get("ApproximateNumberOfMessagesDelayed", 0)))


def main():
    endpoint, cmd = sys.argv[1], sys.argv[2]
    c = Client(endpoint)
    if cmd == "create":
        print(c.call("CreateQueue", {"QueueName": sys.argv[3]})["QueueUrl"])
    elif cmd == "depth":
        print("%d %d %d" % depth(c, sys.argv[3]))
    elif cmd == "purge":
        c.call("PurgeQueue", {"QueueUrl": sys.argv[3]})
    elif cmd == "fill":
        url, n = sys.argv[3], int(sys.argv[4])
        start = time.perf_counter()
        sent = 0
        while sent < n:
            k = min(10, n - sent)
            body = (
                '{"QueueUrl":"%s","Entries":[' % url
                + ",".join('{"Id":"m%d","MessageBody":"%s"}' % (i, BODY) for i in range(k))
                + "]}"
            )
            c.conn.request("POST", "/", body, {**HEADERS, "X-Amz-Target": "AmazonSQS.SendMessageBatch"})
            res = c.conn.getresponse()
            data = res.read()
            if res.will_close:
                c.conn.close()
            if res.status != 200 or b'"Failed":[{' in data.replace(b" ", b""):
                sys.exit(f"SendMessageBatch: HTTP {res.status}: {data[:300]!r}")
            sent += k
        secs = time.perf_counter() - start
        v, nv, d = depth(c, url)
        print(f"{v} {nv} {d} sent={sent} secs={secs:.2f}")
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
