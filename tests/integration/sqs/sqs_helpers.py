"""Helpers for the SQS suite: which client/protocol this run uses, queue names, AWS error
assertions, the SQS MD5 algorithm (computed independently of the server), raw query requests and
the message-move-task calls that Debian's old botocore does not model.

Runs under both interpreters: the venv (boto3 1.43, SQS over JSON) and /usr/bin/python3
(Debian boto3 1.26 / botocore 1.29, SQS over query). Python 3.11, stdlib + boto3/botocore only.
"""
from __future__ import annotations

import base64
import contextlib
import hashlib
import os
import struct
import threading
import time
import uuid
import xml.etree.ElementTree as ET
from urllib.parse import urlencode

import boto3
import botocore
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

import nimbus_support as ns

# ------------------------------------------------------------------------------------------------
# Which client this run uses

#: NIMBUS_SQS_CLIENT value -> (protocol the SQS client must speak, required botocore prefix)
CLIENTS = {
    "": ("json", None),
    "debian-query": ("query", "1.29."),
}
SQS_CLIENT = os.environ.get("NIMBUS_SQS_CLIENT", "")
PROTOCOL = CLIENTS.get(SQS_CLIENT, ("?", None))[0]
IS_QUERY = PROTOCOL == "query"
IS_JSON = PROTOCOL == "json"

ACCOUNT = "000000000000"
REGION = ns.REGION
API_VERSION = "2012-11-05"

# MaximumMessageSize: the default of a new queue is the "256 KiB limit" (AWS's default
# before 2025; the wire notes say AWS now defaults to 1 MiB: change it here if Nimbus follows).
# The largest value a queue may be set to is 1 MiB (AWS since 2025, wire notes §3.3).
MAX_MESSAGE_SIZE = 262_144
MAX_MESSAGE_SIZE_LIMIT = 1_048_576
DEFAULTS = {
    "VisibilityTimeout": "30",
    "MessageRetentionPeriod": "345600",
    "DelaySeconds": "0",
    "ReceiveMessageWaitTimeSeconds": "0",
    "MaximumMessageSize": str(MAX_MESSAGE_SIZE),
}

# Error codes as botocore reports them (Error.Code) in BOTH protocols: the query code, which
# JSON clients read from the x-amzn-query-error header (wire notes §3.7).
NON_EXISTENT_QUEUE = "AWS.SimpleQueueService.NonExistentQueue"
QUEUE_ALREADY_EXISTS = "QueueAlreadyExists"
INVALID_PARAMETER_VALUE = "InvalidParameterValue"
MISSING_PARAMETER = "MissingParameter"
INVALID_ATTRIBUTE_NAME = "InvalidAttributeName"
INVALID_ATTRIBUTE_VALUE = "InvalidAttributeValue"
INVALID_MESSAGE_CONTENTS = "InvalidMessageContents"
RECEIPT_HANDLE_IS_INVALID = "ReceiptHandleIsInvalid"
MESSAGE_NOT_INFLIGHT = "AWS.SimpleQueueService.MessageNotInflight"
EMPTY_BATCH = "AWS.SimpleQueueService.EmptyBatchRequest"
TOO_MANY_ENTRIES = "AWS.SimpleQueueService.TooManyEntriesInBatchRequest"
IDS_NOT_DISTINCT = "AWS.SimpleQueueService.BatchEntryIdsNotDistinct"
INVALID_BATCH_ID = "AWS.SimpleQueueService.InvalidBatchEntryId"
BATCH_TOO_LONG = "AWS.SimpleQueueService.BatchRequestTooLong"
RESOURCE_NOT_FOUND = "ResourceNotFoundException"
PURGE_IN_PROGRESS = "AWS.SimpleQueueService.PurgeQueueInProgress"
QUEUE_DELETED_RECENTLY = "AWS.SimpleQueueService.QueueDeletedRecently"


def check_client_protocol(client) -> None:
    """Fails unless `client` speaks the protocol this run is meant to test."""
    assert SQS_CLIENT in CLIENTS, (
        f"NIMBUS_SQS_CLIENT={SQS_CLIENT!r} is not one of {sorted(CLIENTS)}")
    want_protocol, want_botocore = CLIENTS[SQS_CLIENT]
    got = client.meta.service_model.protocol
    assert got == want_protocol, (
        f"NIMBUS_SQS_CLIENT={SQS_CLIENT!r} expects an SQS client speaking {want_protocol!r}, but "
        f"botocore {botocore.__version__} ({botocore.__file__}) speaks {got!r}")
    if want_botocore:
        assert botocore.__version__.startswith(want_botocore), (
            f"expected Debian's botocore {want_botocore}x, got {botocore.__version__}")


def make_client(url: str, access_key: str = ns.ACCESS_KEY, region: str = REGION,
                read_timeout: float = 30):
    """An SQS client on `url`; parameter validation is off so the server's own validation
    answers (tests send invalid input on purpose)."""
    client = boto3.session.Session(
        aws_access_key_id=access_key, aws_secret_access_key=ns.SECRET_KEY, region_name=region,
    ).client("sqs", endpoint_url=url, config=Config(
        parameter_validation=False, retries={"total_max_attempts": 1},
        connect_timeout=5, read_timeout=read_timeout))
    check_client_protocol(client)
    return client


# ------------------------------------------------------------------------------------------------
# Names and queues


def queue_name(prefix: str = "q", fifo: bool = False) -> str:
    """A name no other test uses: `<prefix>-<16 hex>` (+ `.fifo`)."""
    name = f"{prefix}-{uuid.uuid4().hex[:16]}"
    return name + ".fifo" if fifo else name


def queue_url(server_url: str, name: str, account: str = ACCOUNT) -> str:
    return f"{server_url}/{account}/{name}"


def queue_arn(name: str, account: str = ACCOUNT, region: str = REGION) -> str:
    return f"arn:aws:sqs:{region}:{account}:{name}"


def name_of(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1]


def attributes(sqs, url: str, *names: str) -> dict:
    return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=list(names or ["All"])
                                    ).get("Attributes", {})


def counts(sqs, url: str) -> tuple[int, int, int]:
    """(ApproximateNumberOfMessages, ...NotVisible, ...Delayed)."""
    a = attributes(sqs, url, "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
                   "ApproximateNumberOfMessagesDelayed")
    return (int(a["ApproximateNumberOfMessages"]), int(a["ApproximateNumberOfMessagesNotVisible"]),
            int(a["ApproximateNumberOfMessagesDelayed"]))


def receive(sqs, url: str, **kwargs) -> list[dict]:
    """ReceiveMessage; [] when the response has no Messages (JSON omits the member)."""
    return sqs.receive_message(QueueUrl=url, **kwargs).get("Messages", [])


def receive_n(sqs, url: str, n: int, timeout: float = 5, **kwargs) -> list[dict]:
    """Receives until `n` messages arrived (or `timeout`); never more than asked for."""
    got: list[dict] = []
    deadline = time.monotonic() + timeout
    while len(got) < n and time.monotonic() < deadline:
        got += receive(sqs, url, MaxNumberOfMessages=min(10, n - len(got)), WaitTimeSeconds=1,
                       **kwargs)
    return got


def wait_until(predicate, timeout: float = 5, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(interval)


def in_thread(delay: float, fn, *args, **kwargs) -> threading.Thread:
    """Runs fn(*args) in a thread after `delay` s; the thread records `.done_at` (monotonic)
    and `.error`."""
    def run():
        try:
            time.sleep(delay)
            fn(*args, **kwargs)
        except BaseException as e:  # reported by the caller
            thread.error = e
        finally:
            thread.done_at = time.monotonic()
    thread = threading.Thread(target=run, daemon=True)
    thread.error = None
    thread.done_at = None
    thread.start()
    return thread


# ------------------------------------------------------------------------------------------------
# Errors


@contextlib.contextmanager
def raises_aws(code: str, status: int = 400):
    """`with raises_aws("InvalidParameterValue"): sqs.create_queue(...)`: the call must fail with
    this botocore error code, HTTP status and fault type Sender."""
    with pytest.raises(ClientError) as info:
        yield info
    resp = info.value.response
    got = (resp["Error"].get("Code"), resp["ResponseMetadata"].get("HTTPStatusCode"))
    assert got == (code, status), f"expected ({code!r}, {status}), got {got}: {resp['Error']}"
    assert resp["Error"].get("Type") == "Sender", resp["Error"]
    assert resp["Error"].get("Message"), resp["Error"]


# ------------------------------------------------------------------------------------------------
# MD5s exactly as AWS computes them (wire notes §3.5), independently of the server


def md5_hex(data: bytes | str) -> str:
    return hashlib.md5(data.encode() if isinstance(data, str) else data).hexdigest()


def md5_of_attributes(attrs: dict) -> str:
    """MD5OfMessageAttributes / MD5OfMessageSystemAttributes of boto3-shaped attributes
    ({name: {DataType, StringValue | BinaryValue}}; BinaryValue as raw bytes)."""
    def len_prefixed(b: bytes) -> bytes:
        return struct.pack(">I", len(b)) + b

    buf = b""
    for name in sorted(attrs, key=lambda n: n.encode()):
        value = attrs[name]
        buf += len_prefixed(name.encode()) + len_prefixed(value["DataType"].encode())
        if value["DataType"].split(".", 1)[0] == "Binary":
            raw = value["BinaryValue"]
            raw = raw if isinstance(raw, bytes) else base64.b64decode(raw)
            buf += b"\x02" + len_prefixed(raw)
        else:
            buf += b"\x01" + len_prefixed(value["StringValue"].encode())
    return md5_hex(buf)


def strip_attributes(attrs: dict) -> dict:
    """Received MessageAttributes without the empty list members old botocore may add."""
    keep = ("DataType", "StringValue", "BinaryValue")
    return {name: {k: v for k, v in value.items() if k in keep} for name, value in attrs.items()}


# ------------------------------------------------------------------------------------------------
# Raw query protocol (signed like a real query client)


def query_request(server, params: dict, path: str = "/", access_key: str = ns.ACCESS_KEY):
    """POSTs a form-encoded SQS query request to `path` (e.g. the queue URL's path)."""
    body = urlencode({**params, "Version": API_VERSION})
    headers = ns.sign(server.url, "POST", path, body.encode(), ns.form_headers(), "sqs",
                      access_key=access_key)
    return ns.request(server, "POST", path, body, headers)


def xml_find(root: ET.Element, name: str) -> ET.Element | None:
    """First descendant with local tag `name` (namespace-agnostic)."""
    for el in root.iter():
        if el.tag.rsplit("}", 1)[-1] == name:
            return el
    return None


def xml_text(root: ET.Element, name: str) -> str | None:
    el = xml_find(root, name)
    return None if el is None else el.text


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def raise_query_error(resp, operation: str):
    err = resp.query_error()
    raise ClientError({"Error": {"Code": err["Code"], "Message": err["Message"],
                                 "Type": err["Type"]},
                       "ResponseMetadata": {"HTTPStatusCode": resp.status}}, operation)


# ------------------------------------------------------------------------------------------------
# Message move tasks: botocore 1.29 (Debian) predates them, so the query run sends them as raw
# query requests (Action=StartMessageMoveTask...) and parses the XML; the JSON run uses boto3.

_INT_FIELDS = {"ApproximateNumberOfMessagesMoved", "ApproximateNumberOfMessagesToMove",
               "MaxNumberOfMessagesPerSecond", "StartedTimestamp"}


def _move_task_call(sqs, server, operation: str, method: str, params: dict) -> dict:
    if hasattr(sqs, method):
        out = getattr(sqs, method)(**params)
        out.pop("ResponseMetadata", None)
        return out
    resp = query_request(server, {"Action": operation, **{k: str(v) for k, v in params.items()}})
    if resp.status != 200:
        raise_query_error(resp, operation)
    root = ET.fromstring(resp.body)
    result = xml_find(root, f"{operation}Result")
    assert result is not None, resp
    if operation != "ListMessageMoveTasks":
        return {local(el.tag): int(el.text) if local(el.tag) in _INT_FIELDS else el.text
                for el in result}
    entries = []
    for entry in result:  # each child is one task, whatever the element is called
        entries.append({local(el.tag): int(el.text) if local(el.tag) in _INT_FIELDS else el.text
                        for el in entry})
    return {"Results": entries} if entries else {}


def start_move_task(sqs, server, **params) -> dict:
    return _move_task_call(sqs, server, "StartMessageMoveTask", "start_message_move_task", params)


def list_move_tasks(sqs, server, **params) -> dict:
    return _move_task_call(sqs, server, "ListMessageMoveTasks", "list_message_move_tasks", params)


def cancel_move_task(sqs, server, **params) -> dict:
    return _move_task_call(sqs, server, "CancelMessageMoveTask", "cancel_message_move_task",
                           params)
