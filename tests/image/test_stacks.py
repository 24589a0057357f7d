"""The compose example stacks' Nimbus service, run from the image's rootfs as compose runs it:
NIMBUS_CONFIG=/stack/nimbus.yaml with the stack folder mounted at /stack (and, for inbox-outbox,
boto3 mounted at /deps, as its processor-deps volume provides it)."""
from __future__ import annotations

import json
import time
import urllib.request

import boto3

from conftest import AWS_CLI_PACKAGES, REPO, start_image_server

INBOX_OUTBOX = REPO / "compose" / "examples" / "inbox-outbox"


def _post(url: str, body: bytes):
    req = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"},
                                 method="POST")
    with urllib.request.urlopen(req, timeout=30) as resp:
        return resp.status, resp.read()


def _drain(sqs, url: str, want: int, timeout: float = 20) -> list[dict]:
    got: list[dict] = []
    deadline = time.monotonic() + timeout
    while len(got) < want and time.monotonic() < deadline:
        for m in sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1,
                                     MaxNumberOfMessages=10).get("Messages", []):
            got.append(m)
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
    return got


def test_inbox_outbox_stack_in_the_image(rootfs, tmp_path):
    server = start_image_server(
        rootfs.path, tmp_path,
        env={"NIMBUS_CONFIG": "/stack/nimbus.yaml", "INBOX_VISIBILITY_TIMEOUT": "5",
             "PROCESSOR_TIMEOUT": "5"},
        binds={INBOX_OUTBOX: "/stack", AWS_CLI_PACKAGES: "/deps"})
    try:
        apis = boto3.client("apigateway", endpoint_url=server.url).get_rest_apis()["items"]
        (api_id,) = [a["id"] for a in apis if a["name"] == "inbox-api"]
        sqs = boto3.client("sqs", endpoint_url=server.url)
        endpoint = f"{server.url}/restapis/{api_id}/local/_user_request_/messages"
        status, body = _post(endpoint, json.dumps(
            {"id": "A-1", "items": [{"price": 2.5, "quantity": 4}, {"price": 1.25, "quantity": 2}]}
        ).encode())
        assert status == 200, body
        _post(endpoint, b"this is not an order")

        # The processor (python3.12 on the image's python 3.11, boto3 from /deps) wrote the
        # order's result to the outbox with the SDK, through AWS_ENDPOINT_URL.
        outbox = sqs.get_queue_url(QueueName="outbox")["QueueUrl"]
        (result,) = _drain(sqs, outbox, 1)
        doc = json.loads(result["Body"])
        assert doc["order"] == "A-1" and doc["total"] == 12.5 and doc["status"] == "accepted"
        dlq = sqs.get_queue_url(QueueName="inbox-dlq")["QueueUrl"]
        (dead,) = _drain(sqs, dlq, 1, timeout=40)
        assert dead["Body"] == "this is not an order"
    finally:
        assert server.stop() == 0, server.stderr()
