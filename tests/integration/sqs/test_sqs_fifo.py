"""FIFO queues: order within a group, group blocking while in flight, deduplication (explicit id,
content-based, scopes), SequenceNumber, FIFO-specific validation."""
import time

import pytest

import sqs_helpers as h
from sqs_helpers import raises_aws


def send(sqs, url, body, group="g", dedup=None, **kwargs):
    params = {"QueueUrl": url, "MessageBody": body, "MessageGroupId": group, **kwargs}
    params["MessageDeduplicationId"] = dedup or body
    return sqs.send_message(**params)


def bodies(msgs):
    return [m["Body"] for m in msgs]


def test_order_within_group(sqs, fifo_queue):
    for i in range(10):
        send(sqs, fifo_queue, f"m{i}")
    received = []
    while len(received) < 10:
        msgs = h.receive(sqs, fifo_queue, MaxNumberOfMessages=3)
        assert msgs, f"stalled after {bodies(received)}"
        received += msgs
        for m in msgs:
            sqs.delete_message(QueueUrl=fifo_queue, ReceiptHandle=m["ReceiptHandle"])
    assert bodies(received) == [f"m{i}" for i in range(10)]


def test_batch_order_and_sequence_numbers(sqs, fifo_queue):
    out = sqs.send_message_batch(QueueUrl=fifo_queue, Entries=[
        {"Id": f"e{i}", "MessageBody": f"m{i}", "MessageGroupId": "g",
         "MessageDeduplicationId": f"d{i}"} for i in range(5)])
    assert out.get("Failed", []) == []
    ok = {e["Id"]: e for e in out["Successful"]}
    seqs = [int(ok[f"e{i}"]["SequenceNumber"]) for i in range(5)]
    assert seqs == sorted(seqs) and len(set(seqs)) == 5
    assert bodies(h.receive(sqs, fifo_queue, MaxNumberOfMessages=10)) == [f"m{i}" for i in range(5)]


def test_sequence_number_returned_and_increasing(sqs, fifo_queue):
    seqs = []
    for i in range(3):
        out = send(sqs, fifo_queue, f"m{i}", group=f"g{i % 2}")
        assert out["SequenceNumber"].isdigit(), out
        seqs.append(int(out["SequenceNumber"]))
    assert seqs[0] < seqs[1] < seqs[2]


def test_group_blocked_while_in_flight(sqs, fifo_queue):
    send(sqs, fifo_queue, "a1", group="A")
    send(sqs, fifo_queue, "a2", group="A")
    send(sqs, fifo_queue, "b1", group="B")
    [first] = h.receive(sqs, fifo_queue, VisibilityTimeout=30)
    assert first["Body"] == "a1"
    # a2 must wait for a1; group B is still deliverable.
    assert bodies(h.receive(sqs, fifo_queue, MaxNumberOfMessages=10)) == ["b1"]
    assert h.receive(sqs, fifo_queue, MaxNumberOfMessages=10) == []
    sqs.delete_message(QueueUrl=fifo_queue, ReceiptHandle=first["ReceiptHandle"])
    assert bodies(h.receive(sqs, fifo_queue, MaxNumberOfMessages=10)) == ["a2"]


def test_group_unblocked_when_visibility_expires(sqs, fifo_queue):
    send(sqs, fifo_queue, "a1")
    send(sqs, fifo_queue, "a2")
    assert bodies(h.receive(sqs, fifo_queue, VisibilityTimeout=1)) == ["a1"]
    assert h.receive(sqs, fifo_queue) == []
    time.sleep(1.2)
    # a1 comes back first (order is kept), with a second receive count.
    [again] = h.receive(sqs, fifo_queue, AttributeNames=["ApproximateReceiveCount"])
    assert (again["Body"], again["Attributes"]) == ("a1", {"ApproximateReceiveCount": "2"})


def test_long_poll_wakes_when_group_unblocks_by_delete(nimbus, sqs, fifo_queue):
    send(sqs, fifo_queue, "a1")
    send(sqs, fifo_queue, "a2")
    [first] = h.receive(sqs, fifo_queue, VisibilityTimeout=30)
    other = h.make_client(nimbus.url)
    thread = h.in_thread(0.3, other.delete_message, QueueUrl=fifo_queue,
                         ReceiptHandle=first["ReceiptHandle"])
    msgs = h.receive(sqs, fifo_queue, WaitTimeSeconds=5)
    returned = time.monotonic()
    thread.join(5)
    assert thread.error is None, thread.error
    assert bodies(msgs) == ["a2"]
    assert returned - thread.done_at < 0.5, (
        f"group unblocked, but the long poll returned {returned - thread.done_at:.2f}s later")


def test_long_poll_wakes_when_group_unblocks_by_visibility_change(nimbus, sqs, fifo_queue):
    send(sqs, fifo_queue, "a1")
    send(sqs, fifo_queue, "a2")
    [first] = h.receive(sqs, fifo_queue, VisibilityTimeout=30)
    other = h.make_client(nimbus.url)
    thread = h.in_thread(0.3, other.change_message_visibility, QueueUrl=fifo_queue,
                         ReceiptHandle=first["ReceiptHandle"], VisibilityTimeout=0)
    msgs = h.receive(sqs, fifo_queue, WaitTimeSeconds=5, MaxNumberOfMessages=10)
    returned = time.monotonic()
    thread.join(5)
    assert thread.error is None, thread.error
    assert bodies(msgs) == ["a1", "a2"]
    assert returned - thread.done_at < 0.5


def test_receive_returns_several_messages_of_one_group_in_order(sqs, fifo_queue):
    for i in range(4):
        send(sqs, fifo_queue, f"m{i}")
    assert bodies(h.receive(sqs, fifo_queue, MaxNumberOfMessages=10)) == [f"m{i}" for i in range(4)]
    assert h.receive(sqs, fifo_queue, MaxNumberOfMessages=10) == []


def test_groups_are_independent(sqs, fifo_queue):
    for g in "ABC":
        for i in range(2):
            send(sqs, fifo_queue, f"{g}{i}", group=g)
    got = h.receive_n(sqs, fifo_queue, 6)
    for g in "ABC":
        assert [b for b in bodies(got) if b[0] == g] == [f"{g}0", f"{g}1"]


def test_fifo_system_attributes(sqs, fifo_queue):
    out = send(sqs, fifo_queue, "x", group="grp-1", dedup="dedup-1")
    [msg] = h.receive(sqs, fifo_queue, AttributeNames=["All"])
    attrs = msg["Attributes"]
    assert attrs["MessageGroupId"] == "grp-1"
    assert attrs["MessageDeduplicationId"] == "dedup-1"
    assert attrs["SequenceNumber"] == out["SequenceNumber"]
    assert attrs["SenderId"] == h.ACCOUNT
    assert attrs["ApproximateReceiveCount"] == "1"
    assert {"SentTimestamp", "ApproximateFirstReceiveTimestamp"} <= set(attrs)
    assert msg["MessageId"] == out["MessageId"]


def test_fifo_specific_system_attribute_selection(sqs, fifo_queue):
    send(sqs, fifo_queue, "x", group="g1", dedup="d1")
    [msg] = h.receive(sqs, fifo_queue, AttributeNames=["MessageGroupId", "SequenceNumber"])
    assert set(msg["Attributes"]) == {"MessageGroupId", "SequenceNumber"}


# ------------------------------------------------------------------------- deduplication


def test_dedup_by_explicit_id(sqs, fifo_queue):
    first = send(sqs, fifo_queue, "original", dedup="same-id")
    dup = send(sqs, fifo_queue, "different body", dedup="same-id")
    assert dup["MessageId"] == first["MessageId"]
    assert h.counts(sqs, fifo_queue) == (1, 0, 0)
    [msg] = h.receive(sqs, fifo_queue, MaxNumberOfMessages=10)
    assert msg["Body"] == "original"


def test_dedup_still_applies_after_delete(sqs, fifo_queue):
    """The 5-minute window counts from the send, not from the message's lifetime."""
    first = send(sqs, fifo_queue, "x", dedup="d")
    [msg] = h.receive(sqs, fifo_queue)
    sqs.delete_message(QueueUrl=fifo_queue, ReceiptHandle=msg["ReceiptHandle"])
    assert send(sqs, fifo_queue, "x", dedup="d")["MessageId"] == first["MessageId"]
    assert h.receive(sqs, fifo_queue) == []


def test_dedup_in_batch(sqs, fifo_queue):
    out = sqs.send_message_batch(QueueUrl=fifo_queue, Entries=[
        {"Id": "a", "MessageBody": "one", "MessageGroupId": "g", "MessageDeduplicationId": "d"},
        {"Id": "b", "MessageBody": "two", "MessageGroupId": "g", "MessageDeduplicationId": "d"}])
    ok = {e["Id"]: e for e in out["Successful"]}
    assert set(ok) == {"a", "b"}
    assert ok["a"]["MessageId"] == ok["b"]["MessageId"]
    assert bodies(h.receive(sqs, fifo_queue, MaxNumberOfMessages=10)) == ["one"]


def test_content_based_dedup(sqs, make_queue):
    url = make_queue(fifo=True, ContentBasedDeduplication=True)
    first = sqs.send_message(QueueUrl=url, MessageBody="same body", MessageGroupId="g")
    dup = sqs.send_message(QueueUrl=url, MessageBody="same body", MessageGroupId="g")
    other = sqs.send_message(QueueUrl=url, MessageBody="other body", MessageGroupId="g")
    assert dup["MessageId"] == first["MessageId"]
    assert other["MessageId"] != first["MessageId"]
    msgs = h.receive(sqs, url, MaxNumberOfMessages=10, AttributeNames=["MessageDeduplicationId"])
    assert bodies(msgs) == ["same body", "other body"]
    dedup_ids = [m["Attributes"]["MessageDeduplicationId"] for m in msgs]
    assert all(dedup_ids) and dedup_ids[0] != dedup_ids[1]


def test_explicit_id_overrides_content_based_dedup(sqs, make_queue):
    url = make_queue(fifo=True, ContentBasedDeduplication=True)
    a = sqs.send_message(QueueUrl=url, MessageBody="same", MessageGroupId="g",
                         MessageDeduplicationId="one")
    b = sqs.send_message(QueueUrl=url, MessageBody="same", MessageGroupId="g",
                         MessageDeduplicationId="two")
    assert a["MessageId"] != b["MessageId"]
    assert h.counts(sqs, url)[0] == 2


def test_dedup_scope_queue_spans_groups(sqs, fifo_queue):
    a = send(sqs, fifo_queue, "x", group="g1", dedup="d")
    b = send(sqs, fifo_queue, "y", group="g2", dedup="d")
    assert a["MessageId"] == b["MessageId"]
    assert h.counts(sqs, fifo_queue)[0] == 1


def test_dedup_scope_message_group(sqs, make_queue):
    url = make_queue(fifo=True, DeduplicationScope="messageGroup",
                     FifoThroughputLimit="perMessageGroupId")
    a = send(sqs, url, "x", group="g1", dedup="d")
    b = send(sqs, url, "y", group="g2", dedup="d")
    c = send(sqs, url, "z", group="g1", dedup="d")
    assert a["MessageId"] != b["MessageId"]
    assert c["MessageId"] == a["MessageId"]
    assert h.counts(sqs, url)[0] == 2


# ---------------------------------------------------------------------------- validation


def test_message_group_id_required(sqs, fifo_queue):
    with raises_aws(h.MISSING_PARAMETER):
        sqs.send_message(QueueUrl=fifo_queue, MessageBody="x", MessageDeduplicationId="d")


def test_message_group_id_required_in_batch(sqs, fifo_queue):
    out = sqs.send_message_batch(QueueUrl=fifo_queue, Entries=[
        {"Id": "ok", "MessageBody": "x", "MessageGroupId": "g", "MessageDeduplicationId": "1"},
        {"Id": "nogroup", "MessageBody": "y", "MessageDeduplicationId": "2"}])
    assert [e["Id"] for e in out["Successful"]] == ["ok"]
    [failed] = out["Failed"]
    assert (failed["Id"], failed["SenderFault"], failed["Code"]) == (
        "nogroup", True, h.MISSING_PARAMETER)


def test_dedup_id_or_content_based_dedup_required(sqs, fifo_queue):
    with raises_aws(h.INVALID_PARAMETER_VALUE):
        sqs.send_message(QueueUrl=fifo_queue, MessageBody="x", MessageGroupId="g")


def test_per_message_delay_not_allowed_on_fifo(sqs, fifo_queue):
    with raises_aws(h.INVALID_PARAMETER_VALUE):
        send(sqs, fifo_queue, "x", DelaySeconds=1)


def test_queue_delay_applies_on_fifo(sqs, make_queue):
    url = make_queue(fifo=True, DelaySeconds=1)
    send(sqs, url, "x")
    assert h.receive(sqs, url) == []
    assert bodies(h.receive(sqs, url, WaitTimeSeconds=3)) == ["x"]


@pytest.mark.parametrize("dedup", ["d" * 129, "tab\tinside"], ids=["129-chars", "control-char"])
def test_invalid_dedup_id(sqs, fifo_queue, dedup):
    with raises_aws(h.INVALID_PARAMETER_VALUE):
        send(sqs, fifo_queue, "x", dedup=dedup)


@pytest.mark.parametrize("group", ["g" * 129, "tab\tinside"], ids=["129-chars", "control-char"])
def test_invalid_message_group_id(sqs, fifo_queue, group):
    with raises_aws(h.INVALID_PARAMETER_VALUE):
        send(sqs, fifo_queue, "x", group=group)


def test_dedup_and_group_id_of_128_chars_accepted(sqs, fifo_queue):
    punctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
    dedup = (punctuation + "d" * 128)[:128]
    out = send(sqs, fifo_queue, "x", group="g" * 128, dedup=dedup)
    [msg] = h.receive(sqs, fifo_queue, AttributeNames=["MessageGroupId", "MessageDeduplicationId"])
    assert msg["MessageId"] == out["MessageId"]
    assert msg["Attributes"] == {"MessageGroupId": "g" * 128, "MessageDeduplicationId": dedup}


def test_receive_request_attempt_id_returns_the_same_messages(sqs, fifo_queue):
    """A retried ReceiveMessage with the same ReceiveRequestAttemptId (within 5 min) returns the
    same messages although they are in flight; another attempt id gets nothing from the group."""
    send(sqs, fifo_queue, "m0")
    send(sqs, fifo_queue, "m1")
    first = h.receive(sqs, fifo_queue, MaxNumberOfMessages=10, ReceiveRequestAttemptId="attempt-1")
    assert bodies(first) == ["m0", "m1"]
    retry = h.receive(sqs, fifo_queue, MaxNumberOfMessages=10, ReceiveRequestAttemptId="attempt-1")
    assert [m["MessageId"] for m in retry] == [m["MessageId"] for m in first]
    assert h.receive(sqs, fifo_queue, MaxNumberOfMessages=10,
                     ReceiveRequestAttemptId="attempt-2") == []
