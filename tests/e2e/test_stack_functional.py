"""compose/examples/functional-test against a nimbus process: API Gateway → the Go Lambda
(aws-lambda-go + AWS SDK for Go v2) → SNS → the HTTP subscriber → Redis."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
import urllib.request

import boto3
import pytest

import nimbus_support as ns
from conftest import EXAMPLES, free_port, wait_port

STACK = EXAMPLES / "functional-test"


@pytest.fixture(scope="session")
def publisher_dir(tmp_path_factory):
    """The Go function built as compose's publisher-build service builds it."""
    go = shutil.which("go")
    assert go, "go missing: run scripts/setup.sh --tests"
    out = tmp_path_factory.mktemp("publisher") / "dist"
    proc = subprocess.run(
        [go, "build", "-buildvcs=false", "-tags", "lambda.norpc", "-o", str(out / "bootstrap"), "."],
        cwd=STACK / "functions" / "publisher", capture_output=True, text=True, timeout=600,
        env={**os.environ, "CGO_ENABLED": "0", "GOFLAGS": "-mod=mod"})
    assert proc.returncode == 0, proc.stderr
    return out


def _get_json(url: str):
    with urllib.request.urlopen(url, timeout=10) as resp:
        return json.loads(resp.read())


def _post(port: int, path: str, body: bytes, host: str | None = None):
    headers = {"Content-Type": "application/json"}
    if host:
        headers["Host"] = host
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body, headers=headers,
                                 method="POST")
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def test_functional_stack(processes, redis_server, start_nimbus, publisher_dir):
    sub_port = free_port()
    sub = processes.start("subscriber", [str(ns.REPO / ".venv" / "bin" / "python"),
                                         str(STACK / "subscriber" / "subscriber.py")],
                          env={"PORT": str(sub_port), "REDIS_URL": redis_server})
    wait_port(sub_port, sub, "subscriber")
    port = free_port()
    server = start_nimbus(NIMBUS_CONFIG=str(STACK / "nimbus.yaml"),
                          GATEWAY_LISTEN=f"127.0.0.1:{port}",
                          LOCALSTACK_HOST=f"127.0.0.1:{port}",
                          SUBSCRIBER_URL=f"http://127.0.0.1:{sub_port}/",
                          PUBLISHER_DIR=str(publisher_dir))
    sns = boto3.client("sns", endpoint_url=server.url)
    topic = "arn:aws:sns:us-east-1:000000000000:orders"
    # The subscriber confirmed its subscription through the SubscribeURL it was sent.
    deadline = time.monotonic() + 15
    while True:
        subs = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
        if subs and subs[0]["SubscriptionArn"].startswith(topic + ":"):
            break
        assert time.monotonic() < deadline, (subs, processes.log("subscriber"))
        time.sleep(0.1)
    assert subs[0]["Protocol"] == "http"

    apis = boto3.client("apigateway", endpoint_url=server.url).get_rest_apis()["items"]
    (api_id,) = [a["id"] for a in apis if a["name"] == "orders-api"]
    status, body = _post(port, f"/restapis/{api_id}/local/_user_request_/orders",
                         b'{"id": "o-1", "amount": 12.5}')
    assert status == 202, body
    assert body["order"] == "o-1" and body["messageId"]
    # LocalStack's execute-api host form reaches the same API.
    status, body2 = _post(port, "/local/orders", b'{"id": "o-2", "amount": 1}',
                          host=f"{api_id}.execute-api.localhost.localstack.cloud:{port}")
    assert status == 202, body2
    # A request the function rejects: its own 400, through the proxy integration.
    status, err = _post(port, f"/restapis/{api_id}/local/_user_request_/orders", b"nope")
    assert status == 400 and "expected" in err["error"]

    deadline = time.monotonic() + 15
    while True:
        messages = _get_json(f"http://127.0.0.1:{sub_port}/messages")
        if len(messages) >= 2:
            break
        assert time.monotonic() < deadline, (messages, server.stderr()[-3000:])
        time.sleep(0.1)
    # A standard topic does not order its HTTP deliveries (AWS neither).
    by_subject = {m["subject"]: m for m in messages}
    assert sorted(by_subject) == ["order o-1", "order o-2"]
    assert json.loads(by_subject["order o-1"]["message"]) == {"id": "o-1", "amount": 12.5}
    assert by_subject["order o-1"]["id"] == body["messageId"]
    assert by_subject["order o-2"]["id"] == body2["messageId"]
    assert all(m["topic"] == topic for m in messages)
    # They are in Redis itself.
    redis_port = redis_server.rsplit(":", 1)[1].split("/")[0]
    llen = subprocess.run(["redis-cli", "-p", redis_port, "LLEN", "notifications"],
                          capture_output=True, text=True, timeout=10)
    assert llen.stdout.strip() == "2"
    # The Go function's log line is in CloudWatch Logs.
    logs = boto3.client("logs", endpoint_url=server.url)
    events = logs.filter_log_events(logGroupName="/aws/lambda/publisher")["events"]
    assert any("published order o-1 as " + body["messageId"] in e["message"] for e in events)
