"""Helpers for the SNS suites: clients, an HTTP subscriber run by the test itself, signature
verification with the `cryptography` library (never Nimbus code), and waiting."""
from __future__ import annotations

import base64
import contextlib
import json
import threading
import time
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from botocore.exceptions import ClientError
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

import nimbus_support as ns

ACCOUNT = "000000000000"
REGION = ns.REGION


def name(prefix: str = "t") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def clients(server):
    return ns.boto3_client(server, "sns"), ns.boto3_client(server, "sqs")


def create_queue(sqs, fifo: bool = False, **attributes: str) -> tuple[str, str]:
    qname = name("q") + (".fifo" if fifo else "")
    attrs = dict(attributes)
    if fifo:
        attrs["FifoQueue"] = "true"
    url = sqs.create_queue(QueueName=qname, Attributes=attrs)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return url, arn


def receive(sqs, url: str, count: int, timeout: float = 10.0) -> list[dict]:
    """Receives (and deletes) messages until `count` arrived or `timeout` passed."""
    got: list[dict] = []
    deadline = time.monotonic() + timeout
    while len(got) < count and time.monotonic() < deadline:
        wait = max(0, min(2, int(deadline - time.monotonic())))
        out = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=wait,
                                  MessageAttributeNames=["All"],
                                  MessageSystemAttributeNames=["All"])
        for m in out.get("Messages", []):
            got.append(m)
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
    return got


def wait_for(predicate, timeout: float = 10.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


@contextlib.contextmanager
def raises_aws(code: str, status: int, message: str | None = None):
    with pytest.raises(ClientError) as info:
        yield info
    err = info.value.response["Error"]
    assert err["Code"] == code, info.value.response
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == status, info.value.response
    if message is not None:
        assert err["Message"] == message, err


class Subscriber:
    """An HTTP endpoint on 127.0.0.1 recording every POST (headers and body). `status` is the
    answer, or a function of the request count returning it."""

    def __init__(self, status=200):
        self.status = status
        self.requests: list[dict] = []
        self.lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):  # noqa: N802
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length).decode()
                with outer.lock:
                    outer.requests.append({"headers": {k.lower(): v for k, v in self.headers.items()},
                                           "body": body, "path": self.path,
                                           "time": time.monotonic()})
                    n = len(outer.requests)
                code = outer.status(n) if callable(outer.status) else outer.status
                self.send_response(code)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/hook"

    def of_type(self, kind: str) -> list[dict]:
        with self.lock:
            return [r for r in self.requests if r["headers"].get("x-amz-sns-message-type") == kind]

    def wait(self, kind: str, count: int = 1, timeout: float = 10.0) -> list[dict]:
        return wait_for(lambda: (lambda got: got if len(got) >= count else None)(self.of_type(kind)),
                        timeout, f"{count} {kind} request(s)")

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@contextlib.contextmanager
def subscriber(status=200):
    s = Subscriber(status)
    try:
        yield s
    finally:
        s.close()


NOTIFICATION_KEYS = ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"]
CONFIRMATION_KEYS = ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn",
                     "Type"]


def verify_signature(message: dict) -> None:
    """Checks `message` as AWS's docs tell subscribers to: fetch the certificate at
    SigningCertURL and verify the signature over the canonical string. Raises on failure."""
    pem = urllib.request.urlopen(message["SigningCertURL"], timeout=5).read()
    cert = x509.load_pem_x509_certificate(pem)
    keys = NOTIFICATION_KEYS if message["Type"] == "Notification" else CONFIRMATION_KEYS
    # Keys absent (or null, as Subject is in Lambda events) are not part of the string.
    text = "".join(f"{k}\n{message[k]}\n" for k in keys if message.get(k) is not None)
    digest = {"1": hashes.SHA1(), "2": hashes.SHA256()}[message["SignatureVersion"]]
    cert.public_key().verify(base64.b64decode(message["Signature"]), text.encode(),
                             padding.PKCS1v15(), digest)


def confirm(request: dict) -> str:
    """Confirms a subscription the way a subscriber does: a plain GET of SubscribeURL. Returns
    the XML answer."""
    msg = json.loads(request["body"])
    with urllib.request.urlopen(msg["SubscribeURL"], timeout=5) as resp:
        assert resp.status == 200
        return resp.read().decode()
