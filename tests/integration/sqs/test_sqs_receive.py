"""ReceiveMessage: MaxNumberOfMessages, VisibilityTimeout, long polling (wake-up latency), attribute
filters (system and message attributes), system attribute values."""
import time

import pytest

import sqs_helpers as h
from sqs_helpers import raises_aws

# Botocore 1.29 (query) does not model MessageSystemAttributeNames; there the deprecated
# AttributeNames is the way to ask for system attributes.
SYSTEM_SELECTORS = (["AttributeNames", "MessageSystemAttributeNames"] if h.IS_JSON
                    else ["AttributeNames"])
STANDARD_SYSTEM_KEYS = {"SenderId", "SentTimestamp", "ApproximateReceiveCount",
                        "ApproximateFirstReceiveTimestamp"}


def now_ms() -> int:
    return int(time.time() * 1000)


# ------------------------------------------------------------------------------ basic limits


def test_empty_queue_returns_no_messages(sqs, queue):
    out = sqs.receive_message(QueueUrl=queue)
    assert out["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert out.get("Messages", []) == []


def test_default_max_number_is_one(sqs, queue):
    for i in range(3):
        sqs.send_message(QueueUrl=queue, MessageBody=f"m{i}")
    assert len(h.receive(sqs, queue)) == 1


def test_max_number_of_messages(sqs, queue):
    sqs.send_message_batch(QueueUrl=queue, Entries=[
        {"Id": f"e{i}", "MessageBody": f"m{i}"} for i in range(10)])
    sqs.send_message(QueueUrl=queue, MessageBody="m10")
    first = h.receive(sqs, queue, MaxNumberOfMessages=4)
    assert len(first) == 4
    rest = h.receive(sqs, queue, MaxNumberOfMessages=10)
    assert len(rest) == 7
    bodies = sorted(m["Body"] for m in first + rest)
    assert bodies == sorted(f"m{i}" for i in range(11))
    assert len({m["ReceiptHandle"] for m in first + rest}) == 11


@pytest.mark.parametrize("params", [
    {"MaxNumberOfMessages": 0}, {"MaxNumberOfMessages": 11},
    {"WaitTimeSeconds": -1}, {"WaitTimeSeconds": 21},
    {"VisibilityTimeout": -1}, {"VisibilityTimeout": 43201},
], ids=["max-0", "max-11", "wait--1", "wait-21", "vis--1", "vis-43201"])
def test_receive_parameters_out_of_range(sqs, queue, params):
    sqs.send_message(QueueUrl=queue, MessageBody="x")
    with raises_aws(h.INVALID_PARAMETER_VALUE):
        sqs.receive_message(QueueUrl=queue, **params)
    assert h.counts(sqs, queue) == (1, 0, 0)


# -------------------------------------------------------------------------------- visibility


def test_visibility_timeout_override(sqs, queue):
    sqs.send_message(QueueUrl=queue, MessageBody="x")
    [first] = h.receive(sqs, queue, VisibilityTimeout=1)
    assert h.receive(sqs, queue) == []
    assert h.counts(sqs, queue) == (0, 1, 0)
    time.sleep(1.2)
    assert h.counts(sqs, queue) == (1, 0, 0)
    [again] = h.receive(sqs, queue, AttributeNames=["ApproximateReceiveCount"])
    assert again["MessageId"] == first["MessageId"]
    assert again["ReceiptHandle"] != first["ReceiptHandle"]
    assert again["Attributes"] == {"ApproximateReceiveCount": "2"}


def test_queue_visibility_timeout(sqs, make_queue):
    url = make_queue(VisibilityTimeout=1)
    sqs.send_message(QueueUrl=url, MessageBody="x")
    assert len(h.receive(sqs, url)) == 1
    assert h.receive(sqs, url) == []
    time.sleep(1.2)
    assert len(h.receive(sqs, url)) == 1


def test_visibility_timeout_zero_keeps_message_visible(sqs, queue):
    sqs.send_message(QueueUrl=queue, MessageBody="x")
    [a] = h.receive(sqs, queue, VisibilityTimeout=0)
    [b] = h.receive(sqs, queue, VisibilityTimeout=0)
    assert a["MessageId"] == b["MessageId"]
    assert a["ReceiptHandle"] != b["ReceiptHandle"]


# ------------------------------------------------------------------------------ long polling


def test_long_poll_wakes_on_send(nimbus, sqs, queue):
    sender = h.make_client(nimbus.url)
    started = time.monotonic()
    thread = h.in_thread(0.5, sender.send_message, QueueUrl=queue, MessageBody="wake up")
    msgs = h.receive(sqs, queue, WaitTimeSeconds=5)
    returned = time.monotonic()
    thread.join(5)
    assert thread.error is None, thread.error
    assert [m["Body"] for m in msgs] == ["wake up"]
    assert returned - started >= 0.4, "returned before the message was sent"
    latency = returned - thread.done_at
    assert latency < 0.5, f"long poll returned {latency:.3f}s after the send completed"


def test_long_poll_wakes_on_batch_send(nimbus, sqs, queue):
    sender = h.make_client(nimbus.url)
    thread = h.in_thread(0.3, sender.send_message_batch, QueueUrl=queue, Entries=[
        {"Id": "a", "MessageBody": "a"}, {"Id": "b", "MessageBody": "b"}])
    msgs = h.receive(sqs, queue, WaitTimeSeconds=5, MaxNumberOfMessages=10)
    returned = time.monotonic()
    thread.join(5)
    assert thread.error is None, thread.error
    assert 1 <= len(msgs) <= 2 and {m["Body"] for m in msgs} <= {"a", "b"}
    assert returned - thread.done_at < 0.5


def test_concurrent_long_polls_get_one_message_once(nimbus, sqs, queue):
    pollers = [h.make_client(nimbus.url) for _ in range(3)]
    results = [None] * 3

    def poll(i):
        results[i] = h.receive(pollers[i], queue, WaitTimeSeconds=2, VisibilityTimeout=30)
    threads = [h.in_thread(0, poll, i) for i in range(3)]
    time.sleep(0.3)
    sqs.send_message(QueueUrl=queue, MessageBody="only one")
    for t in threads:
        t.join(5)
        assert t.error is None, t.error
    got = [m["Body"] for r in results for m in r]
    assert got == ["only one"], results


def test_long_poll_returns_empty_after_wait(sqs, queue):
    started = time.monotonic()
    out = sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=1)
    waited = time.monotonic() - started
    assert out.get("Messages", []) == []
    assert 0.9 <= waited < 2.0, f"WaitTimeSeconds=1 returned after {waited:.2f}s"


def test_queue_receive_wait_time_is_the_default(sqs, make_queue):
    url = make_queue(ReceiveMessageWaitTimeSeconds=1)
    started = time.monotonic()
    assert h.receive(sqs, url) == []
    waited = time.monotonic() - started
    assert 0.9 <= waited < 2.0, f"queue wait time 1 s, receive returned after {waited:.2f}s"
    # WaitTimeSeconds=0 overrides the queue's default: a short poll.
    started = time.monotonic()
    assert h.receive(sqs, url, WaitTimeSeconds=0) == []
    assert time.monotonic() - started < 0.5


def test_long_poll_wakes_when_delayed_message_becomes_visible(sqs, queue):
    sqs.send_message(QueueUrl=queue, MessageBody="delayed", DelaySeconds=1)
    started = time.monotonic()
    msgs = h.receive(sqs, queue, WaitTimeSeconds=5)
    waited = time.monotonic() - started
    assert [m["Body"] for m in msgs] == ["delayed"]
    assert 0.8 <= waited < 1.5, f"delayed by 1 s, received after {waited:.2f}s"


def test_long_poll_wakes_when_visibility_expires(sqs, queue):
    sqs.send_message(QueueUrl=queue, MessageBody="x")
    assert len(h.receive(sqs, queue, VisibilityTimeout=1)) == 1
    started = time.monotonic()
    msgs = h.receive(sqs, queue, WaitTimeSeconds=5)
    waited = time.monotonic() - started
    assert [m["Body"] for m in msgs] == ["x"]
    assert 0.7 <= waited < 1.5, f"visible again after 1 s, received after {waited:.2f}s"


def test_long_poll_wakes_on_change_visibility_zero(nimbus, sqs, queue):
    sqs.send_message(QueueUrl=queue, MessageBody="x")
    [msg] = h.receive(sqs, queue, VisibilityTimeout=30)
    other = h.make_client(nimbus.url)
    thread = h.in_thread(0.3, other.change_message_visibility, QueueUrl=queue,
                         ReceiptHandle=msg["ReceiptHandle"], VisibilityTimeout=0)
    msgs = h.receive(sqs, queue, WaitTimeSeconds=5)
    returned = time.monotonic()
    thread.join(5)
    assert thread.error is None, thread.error
    assert [m["MessageId"] for m in msgs] == [msg["MessageId"]]
    assert returned - thread.done_at < 0.5


# ------------------------------------------------------------------- system attribute filters


@pytest.mark.parametrize("selector", SYSTEM_SELECTORS)
def test_system_attributes_all(sqs, queue, selector):
    before = now_ms()
    sqs.send_message(QueueUrl=queue, MessageBody="x")
    after_send = now_ms()
    [msg] = h.receive(sqs, queue, VisibilityTimeout=0, **{selector: ["All"]})
    attrs = msg["Attributes"]
    assert set(attrs) == STANDARD_SYSTEM_KEYS, attrs
    assert attrs["SenderId"] == h.ACCOUNT
    assert attrs["ApproximateReceiveCount"] == "1"
    sent = int(attrs["SentTimestamp"])
    first = int(attrs["ApproximateFirstReceiveTimestamp"])
    assert before - 1000 <= sent <= after_send + 1000, (before, sent, after_send)
    assert sent <= first <= now_ms() + 1000

    time.sleep(0.05)
    [again] = h.receive(sqs, queue, **{selector: ["All"]})
    assert again["Attributes"]["ApproximateReceiveCount"] == "2"
    assert again["Attributes"]["ApproximateFirstReceiveTimestamp"] == str(first)
    assert again["Attributes"]["SentTimestamp"] == str(sent)


@pytest.mark.parametrize("selector", SYSTEM_SELECTORS)
def test_system_attributes_specific(sqs, queue, selector):
    sqs.send_message(QueueUrl=queue, MessageBody="x")
    [msg] = h.receive(sqs, queue, VisibilityTimeout=0,
                      **{selector: ["SentTimestamp", "ApproximateReceiveCount"]})
    assert set(msg["Attributes"]) == {"SentTimestamp", "ApproximateReceiveCount"}
    [msg] = h.receive(sqs, queue, **{selector: ["SenderId"]})
    assert msg["Attributes"] == {"SenderId": h.ACCOUNT}


def test_no_system_attributes_unless_asked(sqs, queue):
    sqs.send_message(QueueUrl=queue, MessageBody="x")
    [msg] = h.receive(sqs, queue)
    assert "Attributes" not in msg


def test_sender_id_of_other_account(nimbus, sqs_protocol):
    client = h.make_client(nimbus.url, access_key="123456789012")
    url = client.create_queue(QueueName=h.queue_name("sender"))["QueueUrl"]
    try:
        client.send_message(QueueUrl=url, MessageBody="x")
        [msg] = h.receive(client, url, AttributeNames=["SenderId"])
        assert msg["Attributes"] == {"SenderId": "123456789012"}
    finally:
        client.delete_queue(QueueUrl=url)


def test_both_selectors_are_merged(sqs, queue):
    """JSON: AttributeNames and MessageSystemAttributeNames together give the union. Query
    (botocore 1.29 has only AttributeNames): two names in AttributeNames."""
    sqs.send_message(QueueUrl=queue, MessageBody="x")
    if h.IS_JSON:
        [msg] = h.receive(sqs, queue, AttributeNames=["SenderId"],
                          MessageSystemAttributeNames=["SentTimestamp"])
    else:
        [msg] = h.receive(sqs, queue, AttributeNames=["SenderId", "SentTimestamp"])
    assert set(msg["Attributes"]) == {"SenderId", "SentTimestamp"}


# ------------------------------------------------------------------ message attribute filters


MSG_ATTRS = {
    "a.x": {"DataType": "String", "StringValue": "1"},
    "a.y": {"DataType": "Number", "StringValue": "2"},
    "ab": {"DataType": "String", "StringValue": "3"},
    "b": {"DataType": "Binary", "BinaryValue": b"\x04"},
}


@pytest.mark.parametrize("names,expected", [
    (["All"], ["a.x", "a.y", "ab", "b"]),
    ([".*"], ["a.x", "a.y", "ab", "b"]),
    (["b"], ["b"]),
    (["ab", "b"], ["ab", "b"]),
    (["a.*"], ["a.x", "a.y"]),
    (["a.*", "b"], ["a.x", "a.y", "b"]),
    (["A.*"], []),             # names are case-sensitive
    (["missing"], []),
], ids=["All", "dot-star", "exact", "two-exact", "prefix", "prefix-and-exact",
        "case-sensitive", "missing"])
def test_message_attribute_names_filter(sqs, queue, names, expected):
    out = sqs.send_message(QueueUrl=queue, MessageBody="x", MessageAttributes=MSG_ATTRS)
    assert out["MD5OfMessageAttributes"] == h.md5_of_attributes(MSG_ATTRS)
    [msg] = h.receive(sqs, queue, MessageAttributeNames=names)
    if expected:
        want = {k: MSG_ATTRS[k] for k in expected}
        assert h.strip_attributes(msg["MessageAttributes"]) == want
        # The MD5 covers only the attributes returned.
        assert msg["MD5OfMessageAttributes"] == h.md5_of_attributes(want)
    else:
        assert "MessageAttributes" not in msg
        assert "MD5OfMessageAttributes" not in msg


def test_no_message_attributes_unless_asked(sqs, queue):
    sqs.send_message(QueueUrl=queue, MessageBody="x", MessageAttributes=MSG_ATTRS)
    [msg] = h.receive(sqs, queue)
    assert "MessageAttributes" not in msg and "MD5OfMessageAttributes" not in msg
