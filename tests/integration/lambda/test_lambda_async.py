"""Asynchronous invocation against real python functions: retries with backoff, OnSuccess and
OnFailure destinations (SQS, Lambda, SNS) in AWS's record format, the function's dead-letter
queue, the event invoke config API, and queued events surviving a restart (PERSISTENCE=1).

The server runs with LAMBDA_ASYNC_RETRY_BASE_MS=200: retries wait 200 ms then 400 ms (AWS waits
about 1 and 2 minutes)."""
from __future__ import annotations

import json
import time

import pytest
from botocore.exceptions import ClientError

import esm_helpers as h


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    yield from h.module_server(tmp_path_factory)


@pytest.fixture(scope="module")
def lam(server):
    return h.client(server, "lambda")


@pytest.fixture(scope="module")
def sqs(server):
    return h.client(server, "sqs")


# Records every attempt in ATTEMPTS (one line each), then fails while the attempt number is at
# most FAIL_TIMES.
FLAKY_PY = """\
import json, os, time

def handler(event, context):
    path = os.environ["ATTEMPTS"]
    with open(path, "a") as f:
        f.write(json.dumps({"t": time.time(), "request": context.aws_request_id}) + "\\n")
    with open(path) as f:
        attempt = len(f.read().splitlines())
    if attempt <= int(os.environ.get("FAIL_TIMES", "1000")):
        raise RuntimeError("attempt %d failed" % attempt)
    return {"attempt": attempt, "event": event}
"""


def attempts(path) -> list[dict]:
    return [json.loads(x) for x in path.read_text().splitlines()] if path.exists() else []


def destination(arn: str) -> dict:
    return {"Destination": arn}


def test_async_failure_lands_in_the_on_failure_destination(lam, sqs, tmp_path):
    failure_url, failure_arn = h.create_queue(sqs, "on-failure")
    log = tmp_path / "attempts.log"
    fn = h.create_function(lam, FLAKY_PY, env={"ATTEMPTS": str(log)})
    lam.put_function_event_invoke_config(FunctionName=fn, MaximumRetryAttempts=1,
                                         DestinationConfig={"OnFailure": destination(failure_arn)})
    payload = {"order": 42, "items": ["a", "b"]}
    resp = lam.invoke(FunctionName=fn, InvocationType="Event", Payload=json.dumps(payload))
    assert resp["StatusCode"] == 202
    request_id = resp["ResponseMetadata"]["RequestId"]

    [message] = h.receive(sqs, failure_url, 1, timeout=30)
    record = json.loads(message["Body"])
    # It failed twice: the first attempt and one retry, after the backoff.
    runs = attempts(log)
    assert len(runs) == 2
    assert {r["request"] for r in runs} == {request_id}
    assert runs[1]["t"] - runs[0]["t"] >= 0.15
    assert set(record) == {"version", "timestamp", "requestContext", "requestPayload",
                           "responseContext", "responsePayload"}
    assert record["version"] == "1.0"
    assert record["timestamp"].endswith("Z") and "T" in record["timestamp"]
    assert record["requestContext"] == {
        "requestId": request_id,
        "functionArn": f"arn:aws:lambda:{h.REGION}:{h.ACCOUNT}:function:{fn}:$LATEST",
        "condition": "RetriesExhausted",
        "approximateInvokeCount": 2,
    }
    assert record["requestPayload"] == payload
    assert record["responseContext"] == {"statusCode": 200, "executedVersion": "$LATEST",
                                         "functionError": "Unhandled"}
    assert record["responsePayload"]["errorType"] == "RuntimeError"
    assert record["responsePayload"]["errorMessage"] == "attempt 2 failed"
    time.sleep(1.0)
    assert len(attempts(log)) == 2  # no more retries


def test_default_retries_then_success_goes_to_on_success(lam, sqs, tmp_path):
    success_url, success_arn = h.create_queue(sqs, "on-success")
    failure_url, failure_arn = h.create_queue(sqs, "on-failure")
    log = tmp_path / "attempts.log"
    fn = h.create_function(lam, FLAKY_PY, env={"ATTEMPTS": str(log), "FAIL_TIMES": "2"})
    lam.put_function_event_invoke_config(FunctionName=fn, DestinationConfig={
        "OnSuccess": destination(success_arn), "OnFailure": destination(failure_arn)})
    lam.invoke(FunctionName=fn, InvocationType="Event", Payload=b'{"n": 1}')
    [message] = h.receive(sqs, success_url, 1, timeout=30)
    record = json.loads(message["Body"])
    assert record["requestContext"]["condition"] == "Success"
    assert record["requestContext"]["approximateInvokeCount"] == 3  # two retries by default
    assert record["responseContext"] == {"statusCode": 200, "executedVersion": "$LATEST"}
    assert record["responsePayload"] == {"attempt": 3, "event": {"n": 1}}
    runs = attempts(log)
    assert len(runs) == 3
    # Backoff: base, then twice the base.
    assert runs[1]["t"] - runs[0]["t"] >= 0.15
    assert runs[2]["t"] - runs[1]["t"] >= 0.35
    assert h.receive(sqs, failure_url, 1, timeout=1) == []


def test_dead_letter_queue_gets_the_original_event(lam, sqs, tmp_path):
    dlq_url, dlq_arn = h.create_queue(sqs, "fn-dlq")
    log = tmp_path / "attempts.log"
    fn = h.create_function(lam, FLAKY_PY, env={"ATTEMPTS": str(log)},
                           DeadLetterConfig={"TargetArn": dlq_arn})
    lam.put_function_event_invoke_config(FunctionName=fn, MaximumRetryAttempts=0)
    resp = lam.invoke(FunctionName=fn, InvocationType="Event", Payload=b'{"keep": "me"}')
    [message] = h.receive(sqs, dlq_url, 1, timeout=30)
    assert json.loads(message["Body"]) == {"keep": "me"}
    attrs = message["MessageAttributes"]
    assert attrs["RequestID"] == {"DataType": "String",
                                  "StringValue": resp["ResponseMetadata"]["RequestId"]}
    assert attrs["ErrorCode"] == {"DataType": "Number", "StringValue": "200"}
    assert attrs["ErrorMessage"] == {"DataType": "String", "StringValue": "attempt 1 failed"}
    assert len(attempts(log)) == 1


def test_lambda_destination_chains_and_sns_failure_is_logged(server, lam, sqs):
    out_url, _ = h.create_queue(sqs, "chain-out")
    second = h.create_function(lam, """\
import json, os, boto3
sqs = boto3.client("sqs")

def handler(event, context):
    sqs.send_message(QueueUrl=os.environ["OUT_URL"], MessageBody=json.dumps(event))
""", env={"OUT_URL": out_url})
    first = h.create_function(lam, """\
def handler(event, context):
    if event.get("fail"):
        raise ValueError("asked to fail")
    return {"doubled": event["n"] * 2}
""")
    topic = f"arn:aws:sns:{h.REGION}:{h.ACCOUNT}:alerts"
    lam.put_function_event_invoke_config(
        FunctionName=first, MaximumRetryAttempts=0, DestinationConfig={
            "OnSuccess": destination(f"arn:aws:lambda:{h.REGION}:{h.ACCOUNT}:function:{second}"),
            "OnFailure": destination(topic)})
    lam.invoke(FunctionName=first, InvocationType="Event", Payload=b'{"n": 21}')
    [message] = h.receive(sqs, out_url, 1, timeout=30)
    record = json.loads(message["Body"])
    assert record["requestContext"]["condition"] == "Success"
    assert record["responsePayload"] == {"doubled": 42}
    # SNS may not be served yet: the delivery fails and is logged, nothing else breaks.
    lam.invoke(FunctionName=first, InvocationType="Event", Payload=b'{"fail": true}')
    h.wait_for(lambda: f"to {topic}" in server.stderr(), timeout=15,
               what="the failed SNS delivery to be logged")


def test_event_invoke_config_api(server, lam):
    fn = h.create_function(lam, "def handler(e, c):\n    return {}\n")
    lam.publish_version(FunctionName=fn)
    with pytest.raises(ClientError) as e:
        lam.get_function_event_invoke_config(FunctionName=fn)
    assert e.value.response["Error"]["Code"] == "ResourceNotFoundException"
    queue = f"arn:aws:sqs:{h.REGION}:{h.ACCOUNT}:somewhere"
    put = lam.put_function_event_invoke_config(FunctionName=fn, MaximumRetryAttempts=1,
                                               MaximumEventAgeInSeconds=600,
                                               DestinationConfig={"OnFailure": destination(queue)})
    assert put["FunctionArn"] == f"arn:aws:lambda:{h.REGION}:{h.ACCOUNT}:function:{fn}:$LATEST"
    assert put["MaximumRetryAttempts"] == 1
    assert put["MaximumEventAgeInSeconds"] == 600
    assert put["DestinationConfig"] == {"OnSuccess": {}, "OnFailure": destination(queue)}
    assert abs(put["LastModified"].timestamp() - time.time()) < 60
    got = lam.get_function_event_invoke_config(FunctionName=fn)
    assert got["MaximumEventAgeInSeconds"] == 600
    updated = lam.update_function_event_invoke_config(FunctionName=fn, MaximumRetryAttempts=0)
    assert updated["MaximumRetryAttempts"] == 0
    assert updated["MaximumEventAgeInSeconds"] == 600
    lam.put_function_event_invoke_config(FunctionName=fn, Qualifier="1", MaximumRetryAttempts=2)
    configs = lam.list_function_event_invoke_configs(FunctionName=fn)["FunctionEventInvokeConfigs"]
    assert sorted(c["FunctionArn"].rsplit(":", 1)[1] for c in configs) == ["$LATEST", "1"]
    lam.delete_function_event_invoke_config(FunctionName=fn, Qualifier="1")
    lam.delete_function_event_invoke_config(FunctionName=fn)
    assert lam.list_function_event_invoke_configs(FunctionName=fn)[
        "FunctionEventInvokeConfigs"] == []

    raw = h.client(server, "lambda", validate=False)
    for bad in (dict(MaximumRetryAttempts=3), dict(MaximumEventAgeInSeconds=59),
                dict(MaximumEventAgeInSeconds=21601)):
        with pytest.raises(ClientError) as e:
            raw.put_function_event_invoke_config(FunctionName=fn, **bad)
        assert e.value.response["Error"]["Code"] == "ValidationException", bad
    with pytest.raises(ClientError) as e:
        lam.put_function_event_invoke_config(
            FunctionName=fn, DestinationConfig={"OnSuccess": destination("not-an-arn")})
    assert e.value.response["Error"]["Code"] == "InvalidParameterValueException"
    with pytest.raises(ClientError) as e:
        lam.put_function_event_invoke_config(FunctionName="no-such-fn", MaximumRetryAttempts=0)
    assert e.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_queued_events_survive_a_restart(tmp_path):
    """PERSISTENCE=1: an event accepted (202) but not yet run is run after a restart."""
    env = {"PERSISTENCE": "1", "DATA_DIR": str(tmp_path / "data")}
    first = h.start_server(tmp_path / "first", **env)
    try:
        lam, sqs = h.client(first, "lambda"), h.client(first, "sqs")
        out_url, out_arn = h.create_queue(sqs, "persist-success")
        fn = h.create_function(lam, "def handler(event, context):\n    return event\n")
        lam.put_function_event_invoke_config(FunctionName=fn, DestinationConfig={
            "OnSuccess": destination(out_arn)})
        # Throttled: the events wait in the queue (retried every second, not attempts).
        lam.put_function_concurrency(FunctionName=fn, ReservedConcurrentExecutions=0)
        for i in range(3):
            lam.invoke(FunctionName=fn, InvocationType="Event", Payload=json.dumps({"i": i}))
        time.sleep(0.3)
    finally:
        h.stop_server(first)
    second = h.start_server(tmp_path / "second", **env)
    try:
        lam, sqs = h.client(second, "lambda"), h.client(second, "sqs")
        lam.delete_function_concurrency(FunctionName=fn)
        records = [json.loads(m["Body"]) for m in h.receive(sqs, out_url, 3, timeout=30)]
        assert sorted(r["responsePayload"]["i"] for r in records) == [0, 1, 2]
        assert all(r["requestContext"]["condition"] == "Success" for r in records)
    finally:
        h.stop_server(second)
