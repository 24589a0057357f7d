"""DeleteMessage(Batch), ChangeMessageVisibility(Batch) and receipt-handle rules."""
import time

import pytest

import sqs_helpers as h
from sqs_helpers import raises_aws

GARBAGE_HANDLE = "not-a-receipt-handle"


def send_and_receive(sqs, url, n=1, visibility=30):
    sqs.send_message_batch(QueueUrl=url, Entries=[
        {"Id": f"e{i}", "MessageBody": f"m{i}"} for i in range(n)])
    msgs = h.receive_n(sqs, url, n, VisibilityTimeout=visibility)
    assert len(msgs) == n
    return msgs


# -------------------------------------------------------------------------------- delete


def test_delete_message(sqs, queue):
    [msg] = send_and_receive(sqs, queue, visibility=1)
    out = sqs.delete_message(QueueUrl=queue, ReceiptHandle=msg["ReceiptHandle"])
    assert out["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert h.counts(sqs, queue) == (0, 0, 0)
    time.sleep(1.2)  # past the visibility timeout: it does not come back
    assert h.receive(sqs, queue) == []


def test_delete_message_with_invalid_handle(sqs, queue):
    send_and_receive(sqs, queue)
    with raises_aws(h.RECEIPT_HANDLE_IS_INVALID):
        sqs.delete_message(QueueUrl=queue, ReceiptHandle=GARBAGE_HANDLE)
    assert h.counts(sqs, queue) == (0, 1, 0)


def test_delete_message_with_handle_of_another_queue(sqs, make_queue):
    a, b = make_queue(), make_queue()
    [msg] = send_and_receive(sqs, a)
    with raises_aws(h.RECEIPT_HANDLE_IS_INVALID):
        sqs.delete_message(QueueUrl=b, ReceiptHandle=msg["ReceiptHandle"])
    assert h.counts(sqs, a) == (0, 1, 0)


def test_delete_message_without_handle_is_missing_parameter(sqs, queue):
    with raises_aws(h.MISSING_PARAMETER):
        sqs.delete_message(QueueUrl=queue)


def test_delete_message_batch(sqs, queue):
    msgs = send_and_receive(sqs, queue, n=3)
    out = sqs.delete_message_batch(QueueUrl=queue, Entries=[
        {"Id": "d0", "ReceiptHandle": msgs[0]["ReceiptHandle"]},
        {"Id": "bad", "ReceiptHandle": GARBAGE_HANDLE},
        {"Id": "d2", "ReceiptHandle": msgs[2]["ReceiptHandle"]},
    ])
    assert out["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert sorted(e["Id"] for e in out["Successful"]) == ["d0", "d2"]
    [failed] = out["Failed"]
    assert (failed["Id"], failed["SenderFault"], failed["Code"]) == (
        "bad", True, h.RECEIPT_HANDLE_IS_INVALID)
    assert h.counts(sqs, queue) == (0, 1, 0)


def test_delete_message_twice_succeeds(sqs, queue):
    """Deleting an already deleted message with its (last) handle is not an error in AWS."""
    [msg] = send_and_receive(sqs, queue)
    sqs.delete_message(QueueUrl=queue, ReceiptHandle=msg["ReceiptHandle"])
    sqs.delete_message(QueueUrl=queue, ReceiptHandle=msg["ReceiptHandle"])


# ------------------------------------------------------------------------ change visibility


def test_change_visibility_to_zero_makes_message_visible_at_once(sqs, queue):
    [msg] = send_and_receive(sqs, queue)
    sqs.change_message_visibility(QueueUrl=queue, ReceiptHandle=msg["ReceiptHandle"],
                                  VisibilityTimeout=0)
    assert h.counts(sqs, queue) == (1, 0, 0)
    [again] = h.receive(sqs, queue)
    assert again["MessageId"] == msg["MessageId"]


def test_change_visibility_extends_from_now(sqs, queue):
    [msg] = send_and_receive(sqs, queue, visibility=1)
    sqs.change_message_visibility(QueueUrl=queue, ReceiptHandle=msg["ReceiptHandle"],
                                  VisibilityTimeout=2)
    time.sleep(1.3)  # the original 1 s has passed; the new 2 s (from the change) has not
    assert h.receive(sqs, queue) == []
    msgs = h.receive(sqs, queue, WaitTimeSeconds=2)
    assert [m["MessageId"] for m in msgs] == [msg["MessageId"]]


@pytest.mark.parametrize("timeout", [-1, 43201])
def test_change_visibility_out_of_range(sqs, queue, timeout):
    [msg] = send_and_receive(sqs, queue)
    with raises_aws(h.INVALID_PARAMETER_VALUE):
        sqs.change_message_visibility(QueueUrl=queue, ReceiptHandle=msg["ReceiptHandle"],
                                      VisibilityTimeout=timeout)


def test_change_visibility_invalid_handle(sqs, queue):
    with raises_aws(h.RECEIPT_HANDLE_IS_INVALID):
        sqs.change_message_visibility(QueueUrl=queue, ReceiptHandle=GARBAGE_HANDLE,
                                      VisibilityTimeout=0)


def test_change_visibility_of_message_not_in_flight(sqs, queue):
    [msg] = send_and_receive(sqs, queue, visibility=1)
    time.sleep(1.2)  # visible again, nobody received it since
    with raises_aws(h.MESSAGE_NOT_INFLIGHT):
        sqs.change_message_visibility(QueueUrl=queue, ReceiptHandle=msg["ReceiptHandle"],
                                      VisibilityTimeout=10)


def test_change_visibility_batch(sqs, queue):
    msgs = send_and_receive(sqs, queue, n=3)
    out = sqs.change_message_visibility_batch(QueueUrl=queue, Entries=[
        {"Id": "c0", "ReceiptHandle": msgs[0]["ReceiptHandle"], "VisibilityTimeout": 0},
        {"Id": "bad", "ReceiptHandle": GARBAGE_HANDLE, "VisibilityTimeout": 0},
        {"Id": "c2", "ReceiptHandle": msgs[2]["ReceiptHandle"], "VisibilityTimeout": 0},
    ])
    assert out["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert sorted(e["Id"] for e in out["Successful"]) == ["c0", "c2"]
    [failed] = out["Failed"]
    assert (failed["Id"], failed["SenderFault"], failed["Code"]) == (
        "bad", True, h.RECEIPT_HANDLE_IS_INVALID)
    visible = h.receive(sqs, queue, MaxNumberOfMessages=10)
    assert sorted(m["MessageId"] for m in visible) == sorted(
        [msgs[0]["MessageId"], msgs[2]["MessageId"]])


# --------------------------------------------------------------------------- batch errors


BATCH_OPS = {
    "delete": ("delete_message_batch", lambda i: {"Id": i, "ReceiptHandle": GARBAGE_HANDLE}),
    "change-visibility": ("change_message_visibility_batch",
                          lambda i: {"Id": i, "ReceiptHandle": GARBAGE_HANDLE,
                                     "VisibilityTimeout": 0}),
}


@pytest.mark.parametrize("op", sorted(BATCH_OPS))
def test_batch_errors(sqs, queue, op):
    method, entry = BATCH_OPS[op]
    call = getattr(sqs, method)
    with raises_aws(h.EMPTY_BATCH):
        call(QueueUrl=queue, Entries=[])
    with raises_aws(h.TOO_MANY_ENTRIES):
        call(QueueUrl=queue, Entries=[entry(f"e{i}") for i in range(11)])
    with raises_aws(h.IDS_NOT_DISTINCT):
        call(QueueUrl=queue, Entries=[entry("same"), entry("same")])
    with raises_aws(h.INVALID_BATCH_ID):
        call(QueueUrl=queue, Entries=[entry("not valid!")])


# ------------------------------------------------------------------------- receipt handles


def test_each_receive_issues_a_new_handle(sqs, queue):
    sqs.send_message(QueueUrl=queue, MessageBody="x")
    handles = set()
    for _ in range(3):
        [msg] = h.receive(sqs, queue, VisibilityTimeout=0)
        handles.add(msg["ReceiptHandle"])
    assert len(handles) == 3


def test_latest_handle_after_re_receive_deletes(sqs, queue):
    [first] = send_and_receive(sqs, queue, visibility=0)
    [second] = h.receive(sqs, queue, VisibilityTimeout=30)
    assert second["MessageId"] == first["MessageId"]
    assert second["ReceiptHandle"] != first["ReceiptHandle"]
    sqs.delete_message(QueueUrl=queue, ReceiptHandle=second["ReceiptHandle"])
    assert h.counts(sqs, queue) == (0, 0, 0)


def test_old_handle_after_re_receive(sqs, queue):
    """AWS: deleting with an older handle of the same message succeeds (it may or may not
    delete); changing visibility with a stale handle is ReceiptHandleIsInvalid (wire notes
    §3.4)."""
    [first] = send_and_receive(sqs, queue, visibility=0)
    [second] = h.receive(sqs, queue, VisibilityTimeout=30)
    assert second["ReceiptHandle"] != first["ReceiptHandle"]
    with raises_aws(h.RECEIPT_HANDLE_IS_INVALID):
        sqs.change_message_visibility(QueueUrl=queue, ReceiptHandle=first["ReceiptHandle"],
                                      VisibilityTimeout=0)
    assert h.counts(sqs, queue) == (0, 1, 0)  # still in flight under the new handle
    # The current handle works.
    sqs.change_message_visibility(QueueUrl=queue, ReceiptHandle=second["ReceiptHandle"],
                                  VisibilityTimeout=30)
    sqs.delete_message(QueueUrl=queue, ReceiptHandle=first["ReceiptHandle"])  # no error
