"""Smoke tests through the AWS CLI v2 (/usr/bin/aws 2.9, SQS over query) and v1 (venv, botocore
1.43, SQS over JSON), and the SDK for JavaScript v3 (validates body MD5s; the script also checks
the attribute MD5s). These do not use the Python SQS client, so conftest.py collects this file
only in the JSON run (NIMBUS_SQS_CLIENT unset)."""
import json

import pytest

import nimbus_support as ns
import sqs_helpers as h

CLIS = {"cli-v1": ns.cli_v1, "cli-v2": ns.cli_v2}


@pytest.mark.parametrize("cli", sorted(CLIS))
def test_cli_smoke(nimbus, cli):
    run = CLIS[cli]
    name = h.queue_name(cli)
    url = run(nimbus, "sqs", "create-queue", "--queue-name", name,
              "--attributes", "VisibilityTimeout=5")["QueueUrl"]
    assert url == h.queue_url(nimbus.url, name)

    attrs = {"k": {"DataType": "String", "StringValue": "v"},
             "n": {"DataType": "Number.int", "StringValue": "3"}}
    sent = run(nimbus, "sqs", "send-message", "--queue-url", url, "--message-body", "hello cli",
               "--message-attributes", json.dumps(attrs))
    assert sent["MD5OfMessageBody"] == h.md5_hex("hello cli")
    assert sent["MD5OfMessageAttributes"] == h.md5_of_attributes(attrs)

    got = run(nimbus, "sqs", "receive-message", "--queue-url", url, "--wait-time-seconds", "1",
              "--attribute-names", "All", "--message-attribute-names", "All")
    [msg] = got["Messages"]
    assert (msg["MessageId"], msg["Body"], msg["MD5OfBody"]) == (
        sent["MessageId"], "hello cli", h.md5_hex("hello cli"))
    assert h.strip_attributes(msg["MessageAttributes"]) == attrs
    assert msg["Attributes"]["ApproximateReceiveCount"] == "1"

    run(nimbus, "sqs", "delete-message", "--queue-url", url, "--receipt-handle",
        msg["ReceiptHandle"])
    empty = run(nimbus, "sqs", "receive-message", "--queue-url", url)
    assert not (empty or {}).get("Messages")
    run(nimbus, "sqs", "delete-queue", "--queue-url", url)


def test_js_sdk_v3_md5_roundtrip(nimbus):
    out = ns.node("sqs/md5_roundtrip.mjs", nimbus.url)
    assert out["ok"], out
    assert out["mismatches"] == [] and out["checks"] >= 20, out
