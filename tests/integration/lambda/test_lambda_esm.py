"""SQS event source mappings against real python functions: the API and its states, the queue
pipeline, partial batch failures, poison messages, FIFO order, filtering, disable/enable, the
fan-out concurrency limit, and pollers resuming after a restart (PERSISTENCE=1)."""
from __future__ import annotations

import json
import time

import pytest
from botocore.exceptions import ClientError

import esm_helpers as h
import nimbus_support as ns


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    yield from h.module_server(tmp_path_factory)


@pytest.fixture(scope="module")
def lam(server):
    return h.client(server, "lambda")


@pytest.fixture(scope="module")
def sqs(server):
    return h.client(server, "sqs")


def error_code(exc: pytest.ExceptionInfo) -> str:
    return exc.value.response["Error"]["Code"]


# ---------------------------------------------------------------------------------------------
# The API


def test_mapping_lifecycle_and_fields(lam, sqs):
    _, arn = h.create_queue(sqs, "api")
    fn = h.create_function(lam, "def handler(e, c):\n    return {}\n")
    created = lam.create_event_source_mapping(FunctionName=fn, EventSourceArn=arn)
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 202
    uuid = created["UUID"]
    assert ns.UUID_RE.match(uuid)
    assert created["State"] == "Creating"
    assert created["StateTransitionReason"] == "USER_INITIATED"
    assert created["BatchSize"] == 10
    assert created["MaximumBatchingWindowInSeconds"] == 0
    assert created["EventSourceArn"] == arn
    assert created["FunctionArn"] == f"arn:aws:lambda:{h.REGION}:{h.ACCOUNT}:function:{fn}"
    assert created["FunctionResponseTypes"] == []
    assert abs(created["LastModified"].timestamp() - time.time()) < 60
    assert created["EventSourceMappingArn"].endswith(f":event-source-mapping:{uuid}")
    h.wait_state(lam, uuid, "Enabled")

    listed = lam.list_event_source_mappings(FunctionName=fn)["EventSourceMappings"]
    assert [m["UUID"] for m in listed] == [uuid]
    assert [m["UUID"] for m in lam.list_event_source_mappings(EventSourceArn=arn)[
        "EventSourceMappings"]] == [uuid]

    updated = lam.update_event_source_mapping(
        UUID=uuid, BatchSize=50, MaximumBatchingWindowInSeconds=2,
        FunctionResponseTypes=["ReportBatchItemFailures"],
        FilterCriteria={"Filters": [{"Pattern": json.dumps({"body": {"k": ["v"]}})}]},
        ScalingConfig={"MaximumConcurrency": 4})
    assert updated["State"] == "Updating"
    assert updated["BatchSize"] == 50
    assert updated["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert updated["ScalingConfig"] == {"MaximumConcurrency": 4}
    assert json.loads(updated["FilterCriteria"]["Filters"][0]["Pattern"]) == {"body": {"k": ["v"]}}
    h.wait_state(lam, uuid, "Enabled")

    assert lam.update_event_source_mapping(UUID=uuid, Enabled=False)["State"] == "Disabling"
    h.wait_state(lam, uuid, "Disabled")
    assert lam.update_event_source_mapping(UUID=uuid, Enabled=True)["State"] == "Enabling"
    h.wait_state(lam, uuid, "Enabled")

    deleted = lam.delete_event_source_mapping(UUID=uuid)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert deleted["State"] == "Deleting"

    def gone():
        try:
            lam.get_event_source_mapping(UUID=uuid)
            return False
        except ClientError as e:
            return e.response["Error"]["Code"] == "ResourceNotFoundException"
    h.wait_for(gone, what="the mapping to be deleted")


def test_list_paginates(lam, sqs):
    fn = h.create_function(lam, "def handler(e, c):\n    return {}\n")
    uuids = []
    for i in range(3):
        _, arn = h.create_queue(sqs, f"page{i}")
        uuids.append(lam.create_event_source_mapping(FunctionName=fn, EventSourceArn=arn,
                                                     Enabled=False)["UUID"])
    paginator = lam.get_paginator("list_event_source_mappings")
    pages = list(paginator.paginate(FunctionName=fn, PaginationConfig={"PageSize": 2}))
    assert [len(p["EventSourceMappings"]) for p in pages] == [2, 1]
    assert [m["UUID"] for p in pages for m in p["EventSourceMappings"]] == uuids
    h.wait_state(lam, uuids[0], "Disabled")
    for u in uuids:
        lam.delete_event_source_mapping(UUID=u)


def test_create_validation(server, lam, sqs):
    _, arn = h.create_queue(sqs, "val")
    _, fifo_arn = h.create_queue(sqs, "val", fifo=True)
    fn = h.create_function(lam, "def handler(e, c):\n    return {}\n", timeout=60)
    short = h.create_function(lam, "def handler(e, c):\n    return {}\n", timeout=3)
    raw = h.client(server, "lambda", validate=False)

    def fails(code, **kwargs):
        params = dict(FunctionName=short, EventSourceArn=arn)
        params.update(kwargs)
        with pytest.raises(ClientError) as e:
            raw.create_event_source_mapping(**params)
        assert error_code(e) == code, e.value.response["Error"]
        return e.value.response["Error"]["Message"]

    assert "Maximum batch window in seconds must be greater than 0" in fails(
        "InvalidParameterValueException", BatchSize=11)
    fails("InvalidParameterValueException", EventSourceArn=fifo_arn, BatchSize=20,
          MaximumBatchingWindowInSeconds=1)
    fails("InvalidParameterValueException", EventSourceArn=fifo_arn,
          MaximumBatchingWindowInSeconds=1)
    fails("ValidationException", BatchSize=10001, MaximumBatchingWindowInSeconds=1)
    fails("ValidationException", ScalingConfig={"MaximumConcurrency": 1})
    fails("InvalidParameterValueException",
          FilterCriteria={"Filters": [{"Pattern": '{"body": "not a list"}'}]})
    assert "NonExistentQueue" in fails(
        "InvalidParameterValueException",
        EventSourceArn=f"arn:aws:sqs:{h.REGION}:{h.ACCOUNT}:no-such-queue")
    fails("ResourceNotFoundException", FunctionName="no-such-function")
    # The queue's visibility timeout (30 s) must cover the function's timeout (60 s).
    assert fails("InvalidParameterValueException", FunctionName=fn) == (
        "Queue visibility timeout: 30 seconds is less than Function timeout: 60 seconds")
    uuid = lam.create_event_source_mapping(FunctionName=short, EventSourceArn=arn,
                                           BatchSize=100, MaximumBatchingWindowInSeconds=1)["UUID"]
    assert "already exists" in fails("ResourceConflictException")
    lam.delete_event_source_mapping(UUID=uuid)
    with pytest.raises(ClientError) as e:
        lam.get_event_source_mapping(UUID="00000000-0000-0000-0000-000000000000")
    assert error_code(e) == "ResourceNotFoundException"


# ---------------------------------------------------------------------------------------------
# Delivery


def test_queue_pipeline(lam, sqs):
    in_url, in_arn = h.create_queue(sqs, "in")
    out_url, _ = h.create_queue(sqs, "out")
    fn = h.create_function(lam, h.FORWARD_PY, env={"OUT_URL": out_url})
    lam.create_event_source_mapping(FunctionName=fn, EventSourceArn=in_arn)
    sent = sqs.send_message(QueueUrl=in_url, MessageBody="hello pipeline", MessageAttributes={
        "color": {"DataType": "String", "StringValue": "blue"},
        "blob": {"DataType": "Binary", "BinaryValue": b"\x00\x01"},
    })
    [result] = h.bodies(h.receive(sqs, out_url, 1))
    assert result["body"] == "hello pipeline"
    record = result["record"]
    assert record["messageId"] == sent["MessageId"]
    assert record["md5OfBody"] == sent["MD5OfMessageBody"]
    assert record["md5OfMessageAttributes"] == sent["MD5OfMessageAttributes"]
    assert record["eventSource"] == "aws:sqs"
    assert record["eventSourceARN"] == in_arn
    assert record["awsRegion"] == h.REGION
    assert record["receiptHandle"]
    assert set(record["attributes"]) == {"ApproximateReceiveCount", "SentTimestamp", "SenderId",
                                         "ApproximateFirstReceiveTimestamp"}
    assert record["attributes"]["ApproximateReceiveCount"] == "1"
    assert record["messageAttributes"] == {
        "color": {"stringValue": "blue", "stringListValues": [], "binaryListValues": [],
                  "dataType": "String"},
        "blob": {"binaryValue": "AAE=", "stringListValues": [], "binaryListValues": [],
                 "dataType": "Binary"},
    }
    # Processed messages are deleted.
    h.wait_for(lambda: h.queue_counts(sqs, in_url) == (0, 0), what="the input queue to drain")
    # Warm: a send starts the function at once (no poll interval).
    start = time.monotonic()
    sqs.send_message(QueueUrl=in_url, MessageBody="second")
    [second] = h.bodies(h.receive(sqs, out_url, 1))
    assert second["body"] == "second"
    assert time.monotonic() - start < 2.0


def test_partial_batch_failure(lam, sqs):
    in_url, in_arn = h.create_queue(sqs, "partial", VisibilityTimeout="2")
    out_url, _ = h.create_queue(sqs, "partial-out")
    source = """\
import json, os, boto3
sqs = boto3.client("sqs")

def handler(event, context):
    failures = []
    for r in event["Records"]:
        count = int(r["attributes"]["ApproximateReceiveCount"])
        sqs.send_message(QueueUrl=os.environ["OUT_URL"], MessageBody=json.dumps(
            {"body": r["body"], "count": count, "batch": len(event["Records"])}))
        if r["body"].startswith("bad") and count == 1:
            failures.append({"itemIdentifier": r["messageId"]})
    return {"batchItemFailures": failures}
"""
    fn = h.create_function(lam, source, env={"OUT_URL": out_url}, timeout=2)
    uuid = lam.create_event_source_mapping(
        FunctionName=fn, EventSourceArn=in_arn, BatchSize=10, MaximumBatchingWindowInSeconds=1,
        FunctionResponseTypes=["ReportBatchItemFailures"])["UUID"]
    sqs.send_message_batch(QueueUrl=in_url, Entries=[
        {"Id": str(i), "MessageBody": b} for i, b in enumerate(["ok-1", "bad-1", "ok-2", "bad-2"])])
    seen = h.bodies(h.receive(sqs, out_url, 6, timeout=30))
    first = sorted((s["body"], s["count"]) for s in seen if s["count"] == 1)
    again = sorted((s["body"], s["count"]) for s in seen if s["count"] > 1)
    assert first == [("bad-1", 1), ("bad-2", 1), ("ok-1", 1), ("ok-2", 1)]
    # Only the reported items came back (after the visibility timeout).
    assert again == [("bad-1", 2), ("bad-2", 2)]
    h.wait_for(lambda: h.queue_counts(sqs, in_url) == (0, 0), what="the input queue to drain")
    assert h.receive(sqs, out_url, 1, timeout=1) == []
    lam.delete_event_source_mapping(UUID=uuid)


def test_poison_message_ends_in_the_queue_dlq(lam, sqs):
    dlq_url, dlq_arn = h.create_queue(sqs, "poison-dlq")
    in_url, in_arn = h.create_queue(sqs, "poison", VisibilityTimeout="1",
                                    RedrivePolicy=h.redrive(dlq_arn, 2))
    source = """\
def handler(event, context):
    for r in event["Records"]:
        if r["body"] == "poison":
            raise ValueError("cannot digest " + r["messageId"])
    return {}
"""
    fn = h.create_function(lam, source, timeout=1)
    uuid = lam.create_event_source_mapping(FunctionName=fn, EventSourceArn=in_arn,
                                           BatchSize=1)["UUID"]
    sqs.send_message(QueueUrl=in_url, MessageBody="fine")
    sent = sqs.send_message(QueueUrl=in_url, MessageBody="poison")
    [dead] = h.receive(sqs, dlq_url, 1, timeout=20)
    assert dead["MessageId"] == sent["MessageId"]
    assert dead["Body"] == "poison"
    # Received (and failed) twice by the mapping, then moved by the queue's RedrivePolicy.
    assert int(dead["Attributes"]["ApproximateReceiveCount"]) >= 2
    h.wait_for(lambda: h.queue_counts(sqs, in_url) == (0, 0), what="the input queue to drain")
    lam.delete_event_source_mapping(UUID=uuid)


def test_fifo_order_is_kept(lam, sqs, tmp_path):
    in_url, in_arn = h.create_queue(sqs, "order", fifo=True, VisibilityTimeout="2",
                                    ContentBasedDeduplication="true")
    log = tmp_path / "fifo.log"
    source = """\
import json, os

def handler(event, context):
    lines = []
    for r in event["Records"]:
        m = json.loads(r["body"])
        # Group g1's message 3 fails on its first delivery: the group must wait for it.
        if m["group"] == "g1" and m["seq"] == 3 and r["attributes"]["ApproximateReceiveCount"] == "1":
            raise RuntimeError("transient")
        lines.append(json.dumps({"group": r["attributes"]["MessageGroupId"], "seq": m["seq"],
                                 "sequenceNumber": r["attributes"]["SequenceNumber"]}))
    with open(os.environ["LOG"], "a") as f:
        f.write("".join(line + "\\n" for line in lines))
    return {}
"""
    fn = h.create_function(lam, source, env={"LOG": str(log)}, timeout=2)
    uuid = lam.create_event_source_mapping(FunctionName=fn, EventSourceArn=in_arn,
                                           BatchSize=3)["UUID"]
    groups = ["g0", "g1", "g2"]
    for seq in range(10):
        sqs.send_message_batch(QueueUrl=in_url, Entries=[
            {"Id": g, "MessageBody": json.dumps({"group": g, "seq": seq}), "MessageGroupId": g}
            for g in groups])

    def lines():
        return [json.loads(x) for x in log.read_text().splitlines()] if log.exists() else []
    h.wait_for(lambda: len(lines()) >= 30, timeout=30, what="30 processed messages")
    processed = lines()
    assert len(processed) == 30
    for g in groups:
        seqs = [p["seq"] for p in processed if p["group"] == g]
        assert seqs == list(range(10)), (g, seqs)
        numbers = [int(p["sequenceNumber"]) for p in processed if p["group"] == g]
        assert numbers == sorted(numbers)
    lam.delete_event_source_mapping(UUID=uuid)


def test_event_filtering(lam, sqs):
    in_url, in_arn = h.create_queue(sqs, "filter")
    out_url, _ = h.create_queue(sqs, "filter-out")
    fn = h.create_function(lam, h.FORWARD_PY, env={"OUT_URL": out_url})
    pattern = {"body": {"kind": ["order"], "total": [{"numeric": [">", 100]}],
                        "region": [{"anything-but": ["test"]}]}}
    by_attribute = {"messageAttributes": {"priority": {"stringValue": [{"prefix": "high"}]}}}
    uuid = lam.create_event_source_mapping(
        FunctionName=fn, EventSourceArn=in_arn,
        FilterCriteria={"Filters": [{"Pattern": json.dumps(pattern)},
                                    {"Pattern": json.dumps(by_attribute)}]})["UUID"]
    sends = [
        (json.dumps({"kind": "order", "total": 150, "region": "eu"}), None, True),
        (json.dumps({"kind": "order", "total": 50, "region": "eu"}), None, False),
        (json.dumps({"kind": "refund", "total": 150, "region": "eu"}), None, False),
        (json.dumps({"kind": "order", "total": 500, "region": "test"}), None, False),
        ("plain text", None, False),
        ("plain text, urgent", "high-1", True),
        ("plain text, later", "low", False),
    ]
    for body, priority, _ in sends:
        attrs = {"priority": {"DataType": "String", "StringValue": priority}} if priority else {}
        sqs.send_message(QueueUrl=in_url, MessageBody=body, MessageAttributes=attrs)
    wanted = sorted(b for b, _, match in sends if match)
    got = sorted(r["body"] for r in h.bodies(h.receive(sqs, out_url, len(wanted))))
    assert got == wanted
    # Messages no filter matches are deleted, as AWS does for SQS.
    h.wait_for(lambda: h.queue_counts(sqs, in_url) == (0, 0), what="filtered messages deleted")
    assert h.receive(sqs, out_url, 1, timeout=1) == []
    lam.delete_event_source_mapping(UUID=uuid)


def test_disable_and_enable(lam, sqs):
    in_url, in_arn = h.create_queue(sqs, "toggle")
    out_url, _ = h.create_queue(sqs, "toggle-out")
    fn = h.create_function(lam, h.FORWARD_PY, env={"OUT_URL": out_url})
    uuid = lam.create_event_source_mapping(FunctionName=fn, EventSourceArn=in_arn)["UUID"]
    sqs.send_message(QueueUrl=in_url, MessageBody="before")
    assert [b["body"] for b in h.bodies(h.receive(sqs, out_url, 1))] == ["before"]

    lam.update_event_source_mapping(UUID=uuid, Enabled=False)
    h.wait_state(lam, uuid, "Disabled")
    sqs.send_message(QueueUrl=in_url, MessageBody="while disabled")
    assert h.receive(sqs, out_url, 1, timeout=2) == []
    h.wait_for(lambda: h.queue_counts(sqs, in_url) == (1, 0), what="the message to wait visible")

    lam.update_event_source_mapping(UUID=uuid, Enabled=True)
    assert [b["body"] for b in h.bodies(h.receive(sqs, out_url, 1))] == ["while disabled"]
    h.wait_state(lam, uuid, "Enabled")

    lam.delete_event_source_mapping(UUID=uuid)
    h.wait_for(lambda: not lam.list_event_source_mappings(FunctionName=fn)["EventSourceMappings"],
               what="the mapping to be deleted")
    sqs.send_message(QueueUrl=in_url, MessageBody="after delete")
    assert h.receive(sqs, out_url, 1, timeout=2) == []


def test_fan_out_respects_maximum_concurrency(lam, sqs, tmp_path):
    in_url, in_arn = h.create_queue(sqs, "fan")
    out_url, _ = h.create_queue(sqs, "fan-out")
    timings = tmp_path / "timings.log"
    source = """\
import json, os, time, boto3
sqs = boto3.client("sqs")

def handler(event, context):
    start = time.time()
    time.sleep(0.15)
    for r in event["Records"]:
        sqs.send_message(QueueUrl=os.environ["OUT_URL"], MessageBody=r["body"])
    end = time.time()
    with open(os.environ["LOG"], "a") as f:
        f.write(json.dumps({"pid": os.getpid(), "stream": context.log_stream_name,
                            "start": start, "end": end}) + "\\n")
    return {}
"""
    fn = h.create_function(lam, source, env={"OUT_URL": out_url, "LOG": str(timings)})
    uuid = lam.create_event_source_mapping(FunctionName=fn, EventSourceArn=in_arn, BatchSize=1,
                                           ScalingConfig={"MaximumConcurrency": 20})["UUID"]
    for start in range(0, 200, 10):
        sqs.send_message_batch(QueueUrl=in_url, Entries=[
            {"Id": str(i), "MessageBody": f"m{i}"} for i in range(start, start + 10)])
    results = h.receive(sqs, out_url, 200, timeout=120)
    assert sorted(m["Body"] for m in results) == sorted(f"m{i}" for i in range(200))
    h.wait_for(lambda: len(timings.read_text().splitlines()) >= 200, timeout=10,
               what="200 timing records")
    runs = [json.loads(line) for line in timings.read_text().splitlines()]
    overlap = h.max_overlap([(r["start"], r["end"]) for r in runs])
    environments = {r["pid"] for r in runs}
    assert overlap <= 20, overlap
    assert len(environments) <= 20, len(environments)
    assert overlap >= 5, f"expected the mapping to scale out, max overlap {overlap}"
    lam.delete_event_source_mapping(UUID=uuid)


# ---------------------------------------------------------------------------------------------
# Restart


def test_pollers_resume_after_restart(tmp_path):
    """PERSISTENCE=1: an enabled mapping polls again after a restart, a disabled one does not."""
    data = tmp_path / "data"
    env = {"PERSISTENCE": "1", "DATA_DIR": str(data)}
    first = h.start_server(tmp_path / "first", **env)
    try:
        lam, sqs = h.client(first, "lambda"), h.client(first, "sqs")
        in_url, in_arn = h.create_queue(sqs, "persist")
        off_url, off_arn = h.create_queue(sqs, "persist-off")
        out_url, _ = h.create_queue(sqs, "persist-out")
        fn = h.create_function(lam, h.FORWARD_PY, env={"OUT_URL": out_url})
        uuid = lam.create_event_source_mapping(FunctionName=fn, EventSourceArn=in_arn)["UUID"]
        off = lam.create_event_source_mapping(FunctionName=fn, EventSourceArn=off_arn,
                                              Enabled=False)["UUID"]
        h.wait_state(lam, uuid, "Enabled")
        h.wait_state(lam, off, "Disabled")
    finally:
        h.stop_server(first)
    second = h.start_server(tmp_path / "second", **env)
    try:
        lam, sqs = h.client(second, "lambda"), h.client(second, "sqs")
        assert h.mapping_state(lam, uuid) == "Enabled"
        assert h.mapping_state(lam, off) == "Disabled"
        sqs.send_message(QueueUrl=in_url, MessageBody="after restart")
        sqs.send_message(QueueUrl=off_url, MessageBody="stays")
        assert [b["body"] for b in h.bodies(h.receive(sqs, out_url, 1))] == ["after restart"]
        assert h.receive(sqs, out_url, 1, timeout=1) == []
        assert h.queue_counts(sqs, off_url) == (1, 0)
    finally:
        h.stop_server(second)
