"""SendMessage / SendMessageBatch: attributes, system attributes, MD5s (computed here, per the
wire notes algorithm), delays, size limits, invalid characters, batch errors."""
import time

import pytest

import nimbus_support as ns
import sqs_helpers as h
from sqs_helpers import raises_aws

ATTRS = {
    "str": {"DataType": "String", "StringValue": "héllo wörld"},
    "num": {"DataType": "Number", "StringValue": "-1.5e3"},
    "bin": {"DataType": "Binary", "BinaryValue": b"\x00\x01\xfe\xff"},
    "count": {"DataType": "Number.int", "StringValue": "42"},
    "label": {"DataType": "String.custom", "StringValue": "x"},
    "img": {"DataType": "Binary.png", "BinaryValue": b"\x89PNG"},
}
TRACE = {"AWSTraceHeader": {
    "DataType": "String",
    "StringValue": "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"}}


def test_md5_algorithm_sanity():
    """The wire notes' sanity values, and a vector computed by hand from the algorithm."""
    assert h.md5_hex("{}") == "99914b932bd37a50b983c5e7c90ae93b"
    assert h.md5_hex('{"foo": "bar"}') == "94232c5b8fc9272f6f73a1e36eb68fcf"
    buf = (b"\x00\x00\x00\x01a" + b"\x00\x00\x00\x06String" + b"\x01" + b"\x00\x00\x00\x01b")
    assert h.md5_of_attributes({"a": {"DataType": "String", "StringValue": "b"}}) == h.md5_hex(buf)
    # A published vector (moto's test suite, matching AWS).
    assert h.md5_of_attributes({"timestamp": {"DataType": "Number", "StringValue": "1493147359900"}}
                               ) == "235c5c510d26fb653d073faed50ae77c"


def test_send_message(sqs, queue):
    body = "hello, wörld ✓"
    out = sqs.send_message(QueueUrl=queue, MessageBody=body)
    assert ns.UUID_RE.match(out["MessageId"]), out
    assert out["MD5OfMessageBody"] == h.md5_hex(body)
    assert "MD5OfMessageAttributes" not in out
    assert "MD5OfMessageSystemAttributes" not in out
    assert "SequenceNumber" not in out
    [msg] = h.receive(sqs, queue, WaitTimeSeconds=1)
    assert (msg["MessageId"], msg["Body"], msg["MD5OfBody"]) == (
        out["MessageId"], body, h.md5_hex(body))
    assert msg["ReceiptHandle"]
    assert "MessageAttributes" not in msg and "MD5OfMessageAttributes" not in msg


def test_send_message_with_attributes(sqs, queue):
    out = sqs.send_message(QueueUrl=queue, MessageBody="attrs", MessageAttributes=ATTRS)
    assert out["MD5OfMessageBody"] == h.md5_hex("attrs")
    assert out["MD5OfMessageAttributes"] == h.md5_of_attributes(ATTRS)
    [msg] = h.receive(sqs, queue, WaitTimeSeconds=1, MessageAttributeNames=["All"])
    assert h.strip_attributes(msg["MessageAttributes"]) == ATTRS
    assert msg["MD5OfMessageAttributes"] == h.md5_of_attributes(ATTRS)


@pytest.mark.parametrize("name,attr", sorted(ATTRS.items()), ids=sorted(ATTRS))
def test_single_attribute_md5(sqs, queue, name, attr):
    out = sqs.send_message(QueueUrl=queue, MessageBody="one", MessageAttributes={name: attr})
    assert out["MD5OfMessageAttributes"] == h.md5_of_attributes({name: attr})


def test_send_message_with_system_attributes(sqs, queue):
    out = sqs.send_message(QueueUrl=queue, MessageBody="traced", MessageSystemAttributes=TRACE)
    assert out["MD5OfMessageSystemAttributes"] == h.md5_of_attributes(TRACE)
    assert "MD5OfMessageAttributes" not in out
    [msg] = h.receive(sqs, queue, WaitTimeSeconds=1, AttributeNames=["AWSTraceHeader"])
    assert msg["Attributes"] == {"AWSTraceHeader": TRACE["AWSTraceHeader"]["StringValue"]}


def test_send_message_batch(sqs, queue):
    entries = [
        {"Id": "plain", "MessageBody": "b0"},
        {"Id": "with-attrs_1", "MessageBody": "b1", "MessageAttributes": ATTRS},
        {"Id": "traced", "MessageBody": "b2", "MessageSystemAttributes": TRACE},
    ]
    out = sqs.send_message_batch(QueueUrl=queue, Entries=entries)
    assert out["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert out.get("Failed", []) == []
    ok = {e["Id"]: e for e in out["Successful"]}
    assert set(ok) == {"plain", "with-attrs_1", "traced"}
    for entry in entries:
        got = ok[entry["Id"]]
        assert ns.UUID_RE.match(got["MessageId"])
        assert got["MD5OfMessageBody"] == h.md5_hex(entry["MessageBody"])
    assert "MD5OfMessageAttributes" not in ok["plain"]
    assert ok["with-attrs_1"]["MD5OfMessageAttributes"] == h.md5_of_attributes(ATTRS)
    assert ok["traced"]["MD5OfMessageSystemAttributes"] == h.md5_of_attributes(TRACE)
    assert len({e["MessageId"] for e in ok.values()}) == 3

    msgs = h.receive_n(sqs, queue, 3, MessageAttributeNames=["All"])
    by_id = {m["MessageId"]: m for m in msgs}
    assert set(by_id) == {e["MessageId"] for e in ok.values()}
    got = by_id[ok["with-attrs_1"]["MessageId"]]
    assert got["Body"] == "b1"
    assert h.strip_attributes(got["MessageAttributes"]) == ATTRS


def test_send_message_batch_partial_failure(sqs, queue):
    out = sqs.send_message_batch(QueueUrl=queue, Entries=[
        {"Id": "good", "MessageBody": "fine"},
        {"Id": "bad", "MessageBody": "nul \x00 inside"},
        {"Id": "good2", "MessageBody": "fine too"},
    ])
    assert out["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert sorted(e["Id"] for e in out["Successful"]) == ["good", "good2"]
    [failed] = out["Failed"]
    assert failed["Id"] == "bad"
    assert failed["SenderFault"] is True
    assert failed["Code"] == h.INVALID_MESSAGE_CONTENTS
    assert failed.get("Message")
    assert sorted(m["Body"] for m in h.receive_n(sqs, queue, 2)) == ["fine", "fine too"]


def test_send_to_missing_queue(nimbus, sqs):
    with raises_aws(h.NON_EXISTENT_QUEUE):
        sqs.send_message_batch(QueueUrl=h.queue_url(nimbus.url, h.queue_name("missing")),
                               Entries=[{"Id": "a", "MessageBody": "x"}])


def test_send_message_without_body_is_missing_parameter(sqs, queue):
    with raises_aws(h.MISSING_PARAMETER):
        sqs.send_message(QueueUrl=queue)


def test_dedup_id_on_standard_queue_is_rejected(sqs, queue):
    with raises_aws(h.INVALID_PARAMETER_VALUE):
        sqs.send_message(QueueUrl=queue, MessageBody="x", MessageDeduplicationId="d")


# ------------------------------------------------------------------------------------ delays


def test_per_message_delay(sqs, queue):
    sqs.send_message(QueueUrl=queue, MessageBody="delayed", DelaySeconds=1)
    sent = time.monotonic()
    assert h.counts(sqs, queue) == (0, 0, 1)
    assert h.receive(sqs, queue) == []
    msgs = h.receive(sqs, queue, WaitTimeSeconds=5)
    waited = time.monotonic() - sent
    assert [m["Body"] for m in msgs] == ["delayed"]
    assert 0.8 <= waited <= 2.0, f"delayed message visible after {waited:.2f}s, expected ~1s"


def test_queue_delay_applies_to_messages(sqs, make_queue):
    url = make_queue(DelaySeconds=1)
    sqs.send_message(QueueUrl=url, MessageBody="x")
    assert h.receive(sqs, url) == []
    time.sleep(1.1)
    assert [m["Body"] for m in h.receive(sqs, url)] == ["x"]


def test_per_message_delay_overrides_queue_delay(sqs, make_queue):
    url = make_queue(DelaySeconds=60)
    sqs.send_message(QueueUrl=url, MessageBody="now", DelaySeconds=0)
    assert [m["Body"] for m in h.receive(sqs, url)] == ["now"]


def test_batch_entry_delay(sqs, queue):
    out = sqs.send_message_batch(QueueUrl=queue, Entries=[
        {"Id": "now", "MessageBody": "now"},
        {"Id": "later", "MessageBody": "later", "DelaySeconds": 1}])
    assert len(out["Successful"]) == 2
    assert [m["Body"] for m in h.receive(sqs, queue, MaxNumberOfMessages=10)] == ["now"]
    assert h.counts(sqs, queue)[2] == 1
    assert [m["Body"] for m in h.receive(sqs, queue, WaitTimeSeconds=3)] == ["later"]


@pytest.mark.parametrize("delay", [-1, 901])
def test_delay_out_of_range(sqs, queue, delay):
    with raises_aws(h.INVALID_PARAMETER_VALUE):
        sqs.send_message(QueueUrl=queue, MessageBody="x", DelaySeconds=delay)


# ------------------------------------------------------------------------------ size limits


def test_body_at_the_default_limit(sqs, queue):
    body = "x" * h.MAX_MESSAGE_SIZE
    out = sqs.send_message(QueueUrl=queue, MessageBody=body)
    assert out["MD5OfMessageBody"] == h.md5_hex(body)
    [msg] = h.receive(sqs, queue, WaitTimeSeconds=1)
    assert msg["Body"] == body


def test_body_of_one_mib_on_a_queue_set_to_the_maximum(sqs, make_queue):
    url = make_queue(MaximumMessageSize=h.MAX_MESSAGE_SIZE_LIMIT)
    body = "y" * h.MAX_MESSAGE_SIZE_LIMIT
    assert sqs.send_message(QueueUrl=url, MessageBody=body)["MD5OfMessageBody"] == h.md5_hex(body)
    with raises_aws(h.INVALID_PARAMETER_VALUE):
        sqs.send_message(QueueUrl=url, MessageBody=body + "y")
    [msg] = h.receive(sqs, url, WaitTimeSeconds=1)
    assert msg["Body"] == body


def test_body_over_the_default_limit(sqs, queue):
    with raises_aws(h.INVALID_PARAMETER_VALUE):
        sqs.send_message(QueueUrl=queue, MessageBody="x" * (h.MAX_MESSAGE_SIZE + 1))
    assert h.counts(sqs, queue) == (0, 0, 0)


def test_body_limit_counts_utf8_bytes(sqs, make_queue):
    url = make_queue(MaximumMessageSize=1024)
    sqs.send_message(QueueUrl=url, MessageBody="é" * 512)  # 1024 bytes
    with raises_aws(h.INVALID_PARAMETER_VALUE):
        sqs.send_message(QueueUrl=url, MessageBody="é" * 512 + "x")  # 1025 bytes, 513 chars


def test_queue_maximum_message_size(sqs, make_queue):
    url = make_queue(MaximumMessageSize=1024)
    sqs.send_message(QueueUrl=url, MessageBody="x" * 1024)
    with raises_aws(h.INVALID_PARAMETER_VALUE):
        sqs.send_message(QueueUrl=url, MessageBody="x" * 1025)


def test_message_attributes_count_toward_size(sqs, make_queue):
    url = make_queue(MaximumMessageSize=1024)
    with raises_aws(h.INVALID_PARAMETER_VALUE):
        sqs.send_message(QueueUrl=url, MessageBody="x" * 1000, MessageAttributes={
            "a": {"DataType": "String", "StringValue": "y" * 100}})


def test_batch_entry_over_limit_fails_alone(sqs, make_queue):
    url = make_queue(MaximumMessageSize=1024)
    out = sqs.send_message_batch(QueueUrl=url, Entries=[
        {"Id": "ok", "MessageBody": "small"},
        {"Id": "big", "MessageBody": "x" * 1025}])
    assert [e["Id"] for e in out["Successful"]] == ["ok"]
    [failed] = out["Failed"]
    assert (failed["Id"], failed["SenderFault"], failed["Code"]) == (
        "big", True, h.INVALID_PARAMETER_VALUE)


# ------------------------------------------------------------------------ invalid contents


@pytest.mark.parametrize("body", ["nul\x00", "bell\x07", "esc\x1b", "\ufffe", "\uffff"],
                         ids=["nul", "bell", "esc", "fffe", "ffff"])
def test_invalid_characters_rejected(sqs, queue, body):
    with raises_aws(h.INVALID_MESSAGE_CONTENTS):
        sqs.send_message(QueueUrl=queue, MessageBody=body)
    assert h.counts(sqs, queue) == (0, 0, 0)


def test_edge_characters_round_trip(sqs, queue):
    """#x9 #xA #xD, the top of the BMP below the surrogates, private use, astral planes; and
    XML-special characters (the query protocol must escape them, CR included)."""
    body = "tab\t lf\n cr\r crlf\r\n \ud7ff \ue000 \ufffd \U0001F600 \U0010FFFF <&>\"' ]]>"
    out = sqs.send_message(QueueUrl=queue, MessageBody=body)
    assert out["MD5OfMessageBody"] == h.md5_hex(body)
    [msg] = h.receive(sqs, queue, WaitTimeSeconds=1)
    assert msg["Body"] == body
    assert msg["MD5OfBody"] == h.md5_hex(body)


def test_invalid_characters_in_attribute_value_rejected(sqs, queue):
    with raises_aws(h.INVALID_MESSAGE_CONTENTS):
        sqs.send_message(QueueUrl=queue, MessageBody="x", MessageAttributes={
            "a": {"DataType": "String", "StringValue": "bad\x00"}})


# ------------------------------------------------------------------------ attribute rules


BAD_ATTRIBUTES = {
    "aws-prefix": {"AWS.x": {"DataType": "String", "StringValue": "v"}},
    "amazon-prefix": {"Amazon.x": {"DataType": "String", "StringValue": "v"}},
    "leading-dot": {".a": {"DataType": "String", "StringValue": "v"}},
    "trailing-dot": {"a.": {"DataType": "String", "StringValue": "v"}},
    "double-dot": {"a..b": {"DataType": "String", "StringValue": "v"}},
    "bad-char": {"a b": {"DataType": "String", "StringValue": "v"}},
    "name-257": {"n" * 257: {"DataType": "String", "StringValue": "v"}},
    "unknown-type": {"a": {"DataType": "Integer", "StringValue": "1"}},
    "not-a-number": {"a": {"DataType": "Number", "StringValue": "one"}},
    "no-value": {"a": {"DataType": "String"}},
    "eleven": {f"a{i}": {"DataType": "String", "StringValue": "v"} for i in range(11)},
}


@pytest.mark.parametrize("case", sorted(BAD_ATTRIBUTES))
def test_invalid_message_attributes(sqs, queue, case):
    with raises_aws(h.INVALID_PARAMETER_VALUE):
        sqs.send_message(QueueUrl=queue, MessageBody="x", MessageAttributes=BAD_ATTRIBUTES[case])
    assert h.counts(sqs, queue) == (0, 0, 0)


def test_ten_attributes_and_256_char_name_accepted(sqs, queue):
    attrs = {f"a{i}": {"DataType": "String", "StringValue": str(i)} for i in range(9)}
    attrs["n" * 256] = {"DataType": "Number", "StringValue": "1"}
    out = sqs.send_message(QueueUrl=queue, MessageBody="x", MessageAttributes=attrs)
    assert out["MD5OfMessageAttributes"] == h.md5_of_attributes(attrs)


# ---------------------------------------------------------------------------- batch errors


def test_empty_batch(sqs, queue):
    with raises_aws(h.EMPTY_BATCH):
        sqs.send_message_batch(QueueUrl=queue, Entries=[])


def test_too_many_entries(sqs, queue):
    with raises_aws(h.TOO_MANY_ENTRIES):
        sqs.send_message_batch(QueueUrl=queue, Entries=[
            {"Id": f"e{i}", "MessageBody": "x"} for i in range(11)])
    assert h.counts(sqs, queue) == (0, 0, 0)


def test_ten_entries_accepted(sqs, queue):
    out = sqs.send_message_batch(QueueUrl=queue, Entries=[
        {"Id": f"e{i}", "MessageBody": f"m{i}"} for i in range(10)])
    assert len(out["Successful"]) == 10


def test_entry_ids_not_distinct(sqs, queue):
    with raises_aws(h.IDS_NOT_DISTINCT):
        sqs.send_message_batch(QueueUrl=queue, Entries=[
            {"Id": "same", "MessageBody": "a"}, {"Id": "same", "MessageBody": "b"}])
    assert h.counts(sqs, queue) == (0, 0, 0)


@pytest.mark.parametrize("entry_id", ["has space", "dot.id", "x" * 81, "ünï"],
                         ids=["space", "dot", "81-chars", "non-ascii"])
def test_invalid_batch_entry_id(sqs, queue, entry_id):
    with raises_aws(h.INVALID_BATCH_ID):
        sqs.send_message_batch(QueueUrl=queue, Entries=[{"Id": entry_id, "MessageBody": "a"}])


def test_batch_request_too_long(sqs, queue):
    """Each entry fits the default limit alone; together they exceed any batch limit (the sum
    of the bodies may not exceed 256 KiB, or 1 MiB since AWS raised the limit)."""
    size = h.MAX_MESSAGE_SIZE_LIMIT // 10 + 100
    assert size < h.MAX_MESSAGE_SIZE
    with raises_aws(h.BATCH_TOO_LONG):
        sqs.send_message_batch(QueueUrl=queue, Entries=[
            {"Id": f"e{i}", "MessageBody": "x" * size} for i in range(10)])
    assert h.counts(sqs, queue) == (0, 0, 0)
