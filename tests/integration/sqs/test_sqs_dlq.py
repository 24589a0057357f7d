"""Dead-letter queues: RedrivePolicy, redrive after maxReceiveCount, ListDeadLetterSourceQueues,
message move tasks (Start/List/Cancel).

Debian's botocore 1.29 does not model the move-task operations; in the query run they go out as
raw signed query requests (sqs_helpers.start_move_task & co.)."""
import json
import time

import pytest

import sqs_helpers as h
from sqs_helpers import raises_aws


def arn_of(sqs, url):
    return h.attributes(sqs, url, "QueueArn")["QueueArn"]


def make_pair(sqs, make_queue, max_receive=2, fifo=False, as_string=False):
    """(source url, dlq url, source arn, dlq arn)."""
    dlq = make_queue(prefix="dlq", fifo=fifo)
    dlq_arn = arn_of(sqs, dlq)
    policy = {"deadLetterTargetArn": dlq_arn,
              "maxReceiveCount": str(max_receive) if as_string else max_receive}
    src = make_queue(prefix="src", fifo=fifo, RedrivePolicy=json.dumps(policy))
    return src, dlq, arn_of(sqs, src), dlq_arn


def move_to_dlq(sqs, src, n=1, max_receive=1):
    """Receives every message of `src` max_receive + 1 times (visibility 0)."""
    for _ in range(max_receive):
        assert len(h.receive(sqs, src, MaxNumberOfMessages=10, VisibilityTimeout=0)) == n
    assert h.receive(sqs, src, MaxNumberOfMessages=10, VisibilityTimeout=0) == []


def wait_for_task(sqs, server, source_arn, statuses, timeout=8):
    def latest():
        results = h.list_move_tasks(sqs, server, SourceArn=source_arn).get("Results", [])
        return results[0] if results and results[0]["Status"] in statuses else None
    task = h.wait_until(latest, timeout=timeout, interval=0.2)
    assert task, (f"no task in {statuses} within {timeout}s: "
                  f"{h.list_move_tasks(sqs, server, SourceArn=source_arn)}")
    return task


# --------------------------------------------------------------------------- RedrivePolicy


@pytest.mark.parametrize("as_string", [False, True], ids=["number", "string"])
def test_redrive_policy_round_trip(sqs, make_queue, as_string):
    src, dlq, _, dlq_arn = make_pair(sqs, make_queue, max_receive=3, as_string=as_string)
    policy = json.loads(h.attributes(sqs, src, "RedrivePolicy")["RedrivePolicy"])
    assert policy["deadLetterTargetArn"] == dlq_arn
    assert int(policy["maxReceiveCount"]) == 3
    assert set(policy) == {"deadLetterTargetArn", "maxReceiveCount"}


def test_redrive_after_max_receive_count(sqs, make_queue):
    src, dlq, src_arn, _ = make_pair(sqs, make_queue, max_receive=2)
    attrs = {"k": {"DataType": "String", "StringValue": "v"}}
    sent = sqs.send_message(QueueUrl=src, MessageBody="poison", MessageAttributes=attrs)
    counts = []
    for _ in range(2):
        [msg] = h.receive(sqs, src, VisibilityTimeout=0, AttributeNames=["ApproximateReceiveCount"])
        counts.append(msg["Attributes"]["ApproximateReceiveCount"])
    assert counts == ["1", "2"]
    # The third receive would exceed maxReceiveCount: the message moves to the DLQ instead.
    assert h.receive(sqs, src, VisibilityTimeout=0) == []
    assert h.counts(sqs, src) == (0, 0, 0)
    assert h.counts(sqs, dlq) == (1, 0, 0)
    [dead] = h.receive(sqs, dlq, AttributeNames=["All"], MessageAttributeNames=["All"])
    assert (dead["MessageId"], dead["Body"]) == (sent["MessageId"], "poison")
    assert dead["MD5OfBody"] == h.md5_hex("poison")
    assert h.strip_attributes(dead["MessageAttributes"]) == attrs
    assert dead["Attributes"]["DeadLetterQueueSourceArn"] == src_arn


def test_redrive_standard_long_poll_returns_next_message(sqs, make_queue):
    src, dlq, _, _ = make_pair(sqs, make_queue, max_receive=1)
    sqs.send_message(QueueUrl=src, MessageBody="a")
    assert [m["Body"] for m in h.receive(sqs, src, VisibilityTimeout=0)] == ["a"]
    sqs.send_message(QueueUrl=src, MessageBody="b")
    started = time.monotonic()
    msgs = h.receive(sqs, src, VisibilityTimeout=30, WaitTimeSeconds=2, MaxNumberOfMessages=10)
    assert [m["Body"] for m in msgs] == ["b"]
    assert time.monotonic() - started < 0.5
    assert [m["Body"] for m in h.receive(sqs, dlq)] == ["a"]


def test_redrive_fifo(sqs, make_queue):
    src, dlq, src_arn, _ = make_pair(sqs, make_queue, max_receive=1, fifo=True)
    sqs.send_message(QueueUrl=src, MessageBody="a", MessageGroupId="g", MessageDeduplicationId="a")
    sqs.send_message(QueueUrl=src, MessageBody="b", MessageGroupId="g", MessageDeduplicationId="b")
    [first] = h.receive(sqs, src, VisibilityTimeout=0)
    assert first["Body"] == "a"
    # "a" exceeds maxReceiveCount=1 at its next receive and moves to the DLQ; "b" is next in
    # its group and visible, so a long poll returns it at once.
    started = time.monotonic()
    msgs = h.receive(sqs, src, VisibilityTimeout=30, WaitTimeSeconds=2)
    elapsed = time.monotonic() - started
    assert [m["Body"] for m in msgs] == ["b"]
    assert elapsed < 0.5, f"'b' was available, but the long poll returned after {elapsed:.2f}s"
    dead = h.receive(sqs, dlq, AttributeNames=["MessageGroupId", "DeadLetterQueueSourceArn"])
    assert [m["Body"] for m in dead] == ["a"]
    assert dead[0]["Attributes"] == {"MessageGroupId": "g", "DeadLetterQueueSourceArn": src_arn}


@pytest.mark.parametrize("policy", [
    "not json",
    json.dumps({"maxReceiveCount": 2}),
    json.dumps({"deadLetterTargetArn": h.queue_arn("no-such-dlq-queue-xyz"), "maxReceiveCount": 2}),
    json.dumps({"deadLetterTargetArn": "DLQ_ARN"}),
    json.dumps({"deadLetterTargetArn": "DLQ_ARN", "maxReceiveCount": 0}),
    json.dumps({"deadLetterTargetArn": "DLQ_ARN", "maxReceiveCount": 1001}),
], ids=["not-json", "no-target", "missing-target", "no-max", "max-0", "max-1001"])
def test_invalid_redrive_policy(sqs, make_queue, policy):
    dlq = make_queue(prefix="dlq")
    policy = policy.replace("DLQ_ARN", arn_of(sqs, dlq))
    with raises_aws(h.INVALID_PARAMETER_VALUE):
        sqs.create_queue(QueueName=h.queue_name("src"), Attributes={"RedrivePolicy": policy})
    with raises_aws(h.INVALID_PARAMETER_VALUE):
        sqs.set_queue_attributes(QueueUrl=dlq, Attributes={"RedrivePolicy": policy})


def test_remove_redrive_policy(sqs, make_queue):
    src, _, _, _ = make_pair(sqs, make_queue, max_receive=1)
    sqs.set_queue_attributes(QueueUrl=src, Attributes={"RedrivePolicy": ""})
    assert "RedrivePolicy" not in h.attributes(sqs, src)
    sqs.send_message(QueueUrl=src, MessageBody="x")
    for _ in range(3):  # no DLQ any more: it keeps coming back
        assert len(h.receive(sqs, src, VisibilityTimeout=0)) == 1


# ----------------------------------------------------------------- ListDeadLetterSourceQueues


def test_list_dead_letter_source_queues(sqs, make_queue):
    dlq = make_queue(prefix="dlq")
    policy = json.dumps({"deadLetterTargetArn": arn_of(sqs, dlq), "maxReceiveCount": 5})
    sources = sorted(make_queue(prefix="src", RedrivePolicy=policy) for _ in range(2))
    unrelated = make_queue()
    assert sorted(sqs.list_dead_letter_source_queues(QueueUrl=dlq)["queueUrls"]) == sources
    assert sqs.list_dead_letter_source_queues(QueueUrl=unrelated).get("queueUrls", []) == []


def test_list_dead_letter_source_queues_pagination(sqs, make_queue):
    dlq = make_queue(prefix="dlq")
    policy = json.dumps({"deadLetterTargetArn": arn_of(sqs, dlq), "maxReceiveCount": 5})
    sources = sorted(make_queue(prefix="src", RedrivePolicy=policy) for _ in range(3))
    first = sqs.list_dead_letter_source_queues(QueueUrl=dlq, MaxResults=2)
    assert len(first["queueUrls"]) == 2 and first.get("NextToken")
    second = sqs.list_dead_letter_source_queues(QueueUrl=dlq, MaxResults=2,
                                                NextToken=first["NextToken"])
    assert not second.get("NextToken")
    assert sorted(first["queueUrls"] + second["queueUrls"]) == sources


def test_list_dead_letter_source_queues_of_missing_queue(nimbus, sqs):
    with raises_aws(h.NON_EXISTENT_QUEUE):
        sqs.list_dead_letter_source_queues(
            QueueUrl=h.queue_url(nimbus.url, h.queue_name("missing")))


# -------------------------------------------------------------------------- move tasks


def test_move_task_back_to_source(nimbus, sqs, make_queue):
    src, dlq, src_arn, dlq_arn = make_pair(sqs, make_queue, max_receive=1)
    for i in range(3):
        sqs.send_message(QueueUrl=src, MessageBody=f"m{i}")
    move_to_dlq(sqs, src, n=3)
    assert h.counts(sqs, dlq) == (3, 0, 0)

    started = h.start_move_task(sqs, nimbus, SourceArn=dlq_arn)
    assert started.get("TaskHandle"), started
    task = wait_for_task(sqs, nimbus, dlq_arn, {"COMPLETED"})
    assert task["SourceArn"] == dlq_arn
    assert task["ApproximateNumberOfMessagesMoved"] == 3
    assert isinstance(task["StartedTimestamp"], int) and task["StartedTimestamp"] > 0
    assert "TaskHandle" not in task  # only RUNNING tasks show their handle

    assert h.counts(sqs, dlq) == (0, 0, 0)
    back = h.receive_n(sqs, src, 3)
    assert sorted(m["Body"] for m in back) == ["m0", "m1", "m2"]


def test_move_task_to_explicit_destination(nimbus, sqs, make_queue):
    src, dlq, _, dlq_arn = make_pair(sqs, make_queue, max_receive=1)
    dest = make_queue(prefix="dest")
    dest_arn = arn_of(sqs, dest)
    sqs.send_message(QueueUrl=src, MessageBody="x")
    move_to_dlq(sqs, src)
    h.start_move_task(sqs, nimbus, SourceArn=dlq_arn, DestinationArn=dest_arn)
    task = wait_for_task(sqs, nimbus, dlq_arn, {"COMPLETED"})
    assert task["DestinationArn"] == dest_arn
    assert task["ApproximateNumberOfMessagesMoved"] == 1
    assert [m["Body"] for m in h.receive(sqs, dest, WaitTimeSeconds=1)] == ["x"]
    assert h.counts(sqs, src) == (0, 0, 0)


def test_list_move_tasks_of_queue_without_tasks(nimbus, sqs, make_queue):
    _, _, _, dlq_arn = make_pair(sqs, make_queue)
    assert h.list_move_tasks(sqs, nimbus, SourceArn=dlq_arn).get("Results", []) == []


def test_cancel_move_task(nimbus, sqs, make_queue):
    src, dlq, _, dlq_arn = make_pair(sqs, make_queue, max_receive=1)
    sqs.send_message_batch(QueueUrl=dlq, Entries=[
        {"Id": f"e{i}", "MessageBody": f"m{i}"} for i in range(6)])
    handle = h.start_move_task(sqs, nimbus, SourceArn=dlq_arn, DestinationArn=arn_of(sqs, src),
                               MaxNumberOfMessagesPerSecond=1)["TaskHandle"]
    running = h.list_move_tasks(sqs, nimbus, SourceArn=dlq_arn)["Results"][0]
    assert running["Status"] == "RUNNING"
    assert running["TaskHandle"] == handle
    assert running["MaxNumberOfMessagesPerSecond"] == 1
    # Only one active task per source queue.
    with raises_aws(h.INVALID_PARAMETER_VALUE):
        h.start_move_task(sqs, nimbus, SourceArn=dlq_arn, DestinationArn=arn_of(sqs, src))
    cancelled = h.cancel_move_task(sqs, nimbus, TaskHandle=handle)
    assert cancelled["ApproximateNumberOfMessagesMoved"] < 6
    task = wait_for_task(sqs, nimbus, dlq_arn, {"CANCELLED"})
    assert task["ApproximateNumberOfMessagesMoved"] < 6
    moved = task["ApproximateNumberOfMessagesMoved"]
    assert h.counts(sqs, dlq)[0] == 6 - moved
    assert h.counts(sqs, src)[0] == moved


def test_start_move_task_on_missing_queue(nimbus, sqs):
    with raises_aws(h.RESOURCE_NOT_FOUND, status=404):
        h.start_move_task(sqs, nimbus, SourceArn=h.queue_arn(h.queue_name("missing")))
