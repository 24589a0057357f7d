"""Helpers for the event source mapping and asynchronous invocation suites
(test_lambda_esm*.py, test_lambda_async*.py): a private server, real python functions zipped
here, queues, and waiting for results."""
from __future__ import annotations

import io
import json
import signal
import time
import uuid
import zipfile
from pathlib import Path

import boto3
import pytest
from botocore.config import Config

import nimbus_support as ns

ACCOUNT = "000000000000"
REGION = ns.REGION
ROLE = f"arn:aws:iam::{ACCOUNT}:role/lambda-role"
# Async retries wait base, then 2 × base; AWS waits about 1 and 2 minutes.
RETRY_BASE_MS = "200"


def start_server(workdir: Path, **env: str) -> ns.Server:
    return ns.Server(workdir, env={"LAMBDA_ASYNC_RETRY_BASE_MS": RETRY_BASE_MS, **env}).start()


def stop_server(server: ns.Server) -> None:
    rc = server.stop(signal.SIGTERM, timeout=5)
    server.kill()
    assert rc == 0, f"nimbus exit code {rc}\nstderr:\n{server.stderr()[-4000:]}"


def module_server(tmp_path_factory, **env: str):
    """Body of a module-scoped fixture: a private server stopped cleanly at the end."""
    server = start_server(tmp_path_factory.mktemp("nimbus-esm"), **env)
    try:
        yield server
    finally:
        stop_server(server)


def client(server: ns.Server, service: str, validate: bool = True):
    """boto3 with a read timeout above SQS's 20 s long poll. `validate=False` lets the server's
    own validation answer."""
    return boto3.session.Session(
        aws_access_key_id=ns.ACCESS_KEY, aws_secret_access_key=ns.SECRET_KEY, region_name=REGION,
    ).client(service, endpoint_url=server.url, config=Config(
        parameter_validation=validate, retries={"total_max_attempts": 1}, connect_timeout=5,
        read_timeout=40))


def name(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def zip_code(source: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("app.py", source)
    return buf.getvalue()


def create_function(lam, source: str, fn: str | None = None, env: dict | None = None,
                    timeout: int = 30, **kwargs) -> str:
    fn = fn or name("fn")
    lam.create_function(FunctionName=fn, Runtime="python3.12", Role=ROLE, Handler="app.handler",
                        Code={"ZipFile": zip_code(source)}, Timeout=timeout,
                        Environment={"Variables": env or {}}, **kwargs)
    lam.get_waiter("function_active_v2").wait(FunctionName=fn,
                                              WaiterConfig={"Delay": 1, "MaxAttempts": 10})
    return fn


def create_queue(sqs, prefix: str = "q", fifo: bool = False, **attributes: str) -> tuple[str, str]:
    """A new queue: (url, arn)."""
    qname = name(prefix) + (".fifo" if fifo else "")
    attrs = dict(attributes)
    if fifo:
        attrs["FifoQueue"] = "true"
    url = sqs.create_queue(QueueName=qname, Attributes=attrs)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return url, arn


def redrive(dlq_arn: str, max_receive_count: int) -> str:
    return json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": max_receive_count})


def receive(sqs, url: str, count: int, timeout: float = 30.0, **kwargs) -> list[dict]:
    """Receives (and deletes) messages until `count` arrived or `timeout` passed."""
    got: list[dict] = []
    deadline = time.monotonic() + timeout
    while len(got) < count and time.monotonic() < deadline:
        wait = max(0, min(5, int(deadline - time.monotonic())))
        out = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=wait,
                                  MessageSystemAttributeNames=["All"],
                                  MessageAttributeNames=["All"], **kwargs)
        for m in out.get("Messages", []):
            got.append(m)
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
    return got


def bodies(messages: list[dict]) -> list:
    return [json.loads(m["Body"]) for m in messages]


def queue_counts(sqs, url: str) -> tuple[int, int]:
    """(visible, in flight)."""
    a = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    return int(a["ApproximateNumberOfMessages"]), int(a["ApproximateNumberOfMessagesNotVisible"])


def wait_for(predicate, timeout: float = 10.0, interval: float = 0.05, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


def mapping_state(lam, mapping_uuid: str) -> str:
    return lam.get_event_source_mapping(UUID=mapping_uuid)["State"]


def wait_state(lam, mapping_uuid: str, state: str, timeout: float = 10.0) -> None:
    wait_for(lambda: mapping_state(lam, mapping_uuid) == state, timeout,
             what=f"mapping {mapping_uuid} to be {state}")


def max_overlap(intervals: list[tuple[float, float]]) -> int:
    """Most intervals [start, end) open at one instant."""
    events = sorted([(s, 1) for s, _ in intervals] + [(e, -1) for _, e in intervals])
    best = current = 0
    for _, delta in events:
        current += delta
        best = max(best, current)
    return best


# A function that forwards each record (and what it saw) to OUT_URL, through boto3 and the
# injected AWS_ENDPOINT_URL, the way user code would.
FORWARD_PY = """\
import json, os, boto3
sqs = boto3.client("sqs")

def handler(event, context):
    for r in event["Records"]:
        sqs.send_message(QueueUrl=os.environ["OUT_URL"], MessageBody=json.dumps(
            {"body": r["body"], "record": r, "records": len(event["Records"])}))
    return {}
"""
