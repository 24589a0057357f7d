"""compose/examples/inbox-outbox against a nimbus process: an API posts to SQS, the processor
Lambda drains the inbox into the outbox, poison messages end in the dead-letter queue."""
from __future__ import annotations

import json
import time
import urllib.request

import boto3

from conftest import EXAMPLES

STACK = EXAMPLES / "inbox-outbox"


def _post(server, api_id: str, body: bytes):
    req = urllib.request.Request(
        f"{server.url}/restapis/{api_id}/local/_user_request_/messages", data=body,
        headers={"Content-Type": "application/json"}, method="POST")
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


def test_inbox_outbox_stack(start_nimbus, tmp_path):
    server = start_nimbus(NIMBUS_CONFIG=str(STACK / "nimbus.yaml"), INBOX_VISIBILITY_TIMEOUT="5",
                          PROCESSOR_TIMEOUT="5",
                          PROCESSOR_DEPS=str(tmp_path / "no-extra-deps"))
    apis = boto3.client("apigateway", endpoint_url=server.url).get_rest_apis()["items"]
    (api_id,) = [a["id"] for a in apis if a["name"] == "inbox-api"]
    sqs = boto3.client("sqs", endpoint_url=server.url)

    status, body = _post(server, api_id, json.dumps(
        {"id": "A-1", "items": [{"price": 2.5, "quantity": 4}, {"price": 1.25, "quantity": 2}]}
    ).encode())
    assert status == 200, body
    assert b"SendMessageResponse" in body or b"MessageId" in body
    _post(server, api_id, b"this is not an order")

    outbox = sqs.get_queue_url(QueueName="outbox")["QueueUrl"]
    (result,) = _drain(sqs, outbox, 1)
    doc = json.loads(result["Body"])
    assert doc["order"] == "A-1" and doc["total"] == 12.5 and doc["status"] == "accepted"

    # The poison message is retried once, then redriven to the dead-letter queue.
    dlq = sqs.get_queue_url(QueueName="inbox-dlq")["QueueUrl"]
    (dead,) = _drain(sqs, dlq, 1, timeout=40)
    assert dead["Body"] == "this is not an order"
    assert _drain(sqs, outbox, 1, timeout=2) == []

    logs = boto3.client("logs", endpoint_url=server.url)
    messages = [e["message"] for e in
                logs.filter_log_events(logGroupName="/aws/lambda/processor")["events"]]
    assert any("accepted order A-1 (total 12.50)" in m for m in messages), messages
    assert any("rejecting message" in m for m in messages), messages
