"""The compose example stacks' Nimbus service, run from the image's rootfs as compose runs it:
NIMBUS_CONFIG=/stack/nimbus.yaml with the stack folder mounted at /stack (and, for inbox-outbox,
boto3 mounted at /deps, as its processor-deps volume provides it)."""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.request

import boto3
import pytest

from conftest import AWS_CLI_PACKAGES, REPO, free_port, start_image_server

INBOX_OUTBOX = REPO / "compose" / "examples" / "inbox-outbox"
FUNCTIONAL = REPO / "compose" / "examples" / "functional-test"


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


def _wait_port(port: int, proc: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + 15
    while True:
        assert proc.poll() is None, f"{what} exited {proc.returncode}"
        try:
            with socket.create_connection(("127.0.0.1", port), 0.2):
                return
        except OSError:
            assert time.monotonic() < deadline, f"{what} not listening on {port}"
            time.sleep(0.05)


@pytest.fixture
def helpers(tmp_path):
    """The stack's other services as local processes (redis, the subscriber); stopped by pid."""
    procs: list[subprocess.Popen] = []

    def start(name: str, cmd: list[str], env: dict[str, str] | None = None):
        log = open(tmp_path / f"{name}.log", "wb")
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, env={**os.environ, **(env or {})},
                                start_new_session=True)
        procs.append(proc)
        return proc

    yield start
    for proc in reversed(procs):
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def test_functional_stack_in_the_image(rootfs, tmp_path, helpers):
    """API Gateway → the Go function (provided.al2023, built as compose's publisher-build
    builds it) → SNS → the HTTP subscriber (libcurl from the image) → Redis."""
    go = shutil.which("go")
    assert go, "go missing: run scripts/setup.sh --tests"
    dist = tmp_path / "dist"
    build = subprocess.run(
        [go, "build", "-buildvcs=false", "-tags", "lambda.norpc", "-o", str(dist / "bootstrap"),
         "."], cwd=FUNCTIONAL / "functions" / "publisher", capture_output=True, text=True,
        timeout=600, env={**os.environ, "CGO_ENABLED": "0", "GOFLAGS": "-mod=mod"})
    assert build.returncode == 0, build.stderr
    redis_port, sub_port = free_port(), free_port()
    redis = helpers("redis", [shutil.which("redis-server") or "redis-server", "--port",
                              str(redis_port), "--bind", "127.0.0.1", "--save", "",
                              "--appendonly", "no"])
    _wait_port(redis_port, redis, "redis-server")
    sub = helpers("subscriber", [str(REPO / ".venv/bin/python"),
                                 str(FUNCTIONAL / "subscriber" / "subscriber.py")],
                  env={"PORT": str(sub_port), "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0"})
    _wait_port(sub_port, sub, "subscriber")

    port = free_port()
    server = start_image_server(
        rootfs.path, tmp_path, port=port,
        # URLs Nimbus hands out (the SubscribeURL the subscriber confirms through) name this port.
        env={"NIMBUS_CONFIG": "/stack/nimbus.yaml", "PUBLISHER_DIR": "/publisher",
             "SUBSCRIBER_URL": f"http://127.0.0.1:{sub_port}/",
             "LOCALSTACK_HOST": f"127.0.0.1:{port}"},
        binds={FUNCTIONAL: "/stack", dist: "/publisher"})
    try:
        apis = boto3.client("apigateway", endpoint_url=server.url).get_rest_apis()["items"]
        (api_id,) = [a["id"] for a in apis if a["name"] == "orders-api"]
        status, raw = _post(f"{server.url}/restapis/{api_id}/local/_user_request_/orders",
                            b'{"id": "o-1", "amount": 12.5}')
        body = json.loads(raw)
        assert status == 202 and body["order"] == "o-1", body
        deadline = time.monotonic() + 15
        while True:
            with urllib.request.urlopen(f"http://127.0.0.1:{sub_port}/messages", timeout=10) as r:
                messages = json.loads(r.read())
            if messages or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        assert [m["subject"] for m in messages] == ["order o-1"], server.stderr()[-3000:]
        assert messages[0]["id"] == body["messageId"]
        assert json.loads(messages[0]["message"]) == {"id": "o-1", "amount": 12.5}
    finally:
        assert server.stop() == 0, server.stderr()
