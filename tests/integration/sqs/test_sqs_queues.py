"""Queues: create (standard, FIFO, name rules, idempotence), GetQueueUrl, ListQueues, attributes
(defaults, ranges, unknown names, KMS, policy), tags, DeleteQueue, PurgeQueue, accounts."""
import json
import time
import uuid

import pytest

import sqs_helpers as h
from sqs_helpers import raises_aws

STANDARD_ALL_KEYS = {
    "QueueArn", "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
    "ApproximateNumberOfMessagesDelayed", "CreatedTimestamp", "LastModifiedTimestamp",
    "VisibilityTimeout", "MaximumMessageSize", "MessageRetentionPeriod", "DelaySeconds",
    "ReceiveMessageWaitTimeSeconds", "SqsManagedSseEnabled",
}
FIFO_EXTRA_KEYS = {"FifoQueue", "ContentBasedDeduplication", "DeduplicationScope",
                   "FifoThroughputLimit"}


# ------------------------------------------------------------------------------------ create


def test_create_standard_queue_url_and_arn(nimbus, sqs):
    name = h.queue_name("std")
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    # No NIMBUS_HOST/LOCALSTACK_HOST: the host is the request's Host, an IP -> path form.
    assert url == h.queue_url(nimbus.url, name)
    assert sqs.get_queue_url(QueueName=name)["QueueUrl"] == url
    assert h.attributes(sqs, url, "QueueArn") == {"QueueArn": h.queue_arn(name)}


def test_queue_url_uses_localhost_request_host(nimbus, sqs_protocol):
    client = h.make_client(f"http://localhost:{nimbus.port}")
    name = h.queue_name("host")
    url = client.create_queue(QueueName=name)["QueueUrl"]
    assert url == f"http://localhost:{nimbus.port}/{h.ACCOUNT}/{name}"
    client.delete_queue(QueueUrl=url)


def test_create_fifo_queue(sqs):
    name = h.queue_name("fifo", fifo=True)
    url = sqs.create_queue(QueueName=name, Attributes={"FifoQueue": "true"})["QueueUrl"]
    assert h.name_of(url) == name
    attrs = h.attributes(sqs, url)
    assert attrs["FifoQueue"] == "true"
    assert attrs["ContentBasedDeduplication"] == "false"
    assert attrs["DeduplicationScope"] == "queue"
    assert attrs["FifoThroughputLimit"] == "perQueue"
    assert attrs["QueueArn"] == h.queue_arn(name)


def test_fifo_name_without_fifo_attribute_is_rejected(sqs):
    with raises_aws(h.INVALID_PARAMETER_VALUE):
        sqs.create_queue(QueueName=h.queue_name("nofifoattr", fifo=True))


def test_fifo_attribute_without_fifo_suffix_is_rejected(sqs):
    with raises_aws(h.INVALID_PARAMETER_VALUE):
        sqs.create_queue(QueueName=h.queue_name("nosuffix"), Attributes={"FifoQueue": "true"})


def test_fifo_only_attribute_on_standard_queue_is_rejected(sqs):
    with raises_aws(h.INVALID_ATTRIBUTE_NAME):
        sqs.create_queue(QueueName=h.queue_name("std"),
                         Attributes={"ContentBasedDeduplication": "true"})


def test_high_throughput_fifo_attributes_accepted(sqs, make_queue):
    url = make_queue(fifo=True, DeduplicationScope="messageGroup",
                     FifoThroughputLimit="perMessageGroupId")
    attrs = h.attributes(sqs, url, "DeduplicationScope", "FifoThroughputLimit")
    assert attrs == {"DeduplicationScope": "messageGroup",
                     "FifoThroughputLimit": "perMessageGroupId"}


@pytest.mark.parametrize("name", [
    "a" * 80,
    "Az09_-" * 13 + "xy",  # 80 chars of every allowed class
], ids=["80-chars", "all-classes"])
def test_valid_names(sqs, name):
    name = name[:64] + uuid.uuid4().hex[:16]  # unique, still 80 chars
    assert len(name) == 80
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    assert h.name_of(url) == name
    sqs.delete_queue(QueueUrl=url)


def test_fifo_name_of_80_chars_including_suffix(sqs):
    name = "f" * 59 + uuid.uuid4().hex[:16] + ".fifo"
    assert len(name) == 80
    url = sqs.create_queue(QueueName=name, Attributes={"FifoQueue": "true"})["QueueUrl"]
    assert h.name_of(url) == name
    sqs.delete_queue(QueueUrl=url)


@pytest.mark.parametrize("name,attrs", [
    ("a" * 81, {}),
    ("f" * 76 + ".fifo", {"FifoQueue": "true"}),  # 81 with the suffix
    ("has.dot", {}),
    ("has space", {}),
    ("slash/name", {}),
    ("star*", {}),
    ("ünicode", {}),
    ("double.fifo.fifo", {"FifoQueue": "true"}),
    (".fifo", {"FifoQueue": "true"}),
], ids=["81-chars", "81-chars-fifo", "dot", "space", "slash", "star", "non-ascii",
        "double-suffix", "only-suffix"])
def test_invalid_names(sqs, name, attrs):
    with raises_aws(h.INVALID_PARAMETER_VALUE):
        sqs.create_queue(QueueName=name, Attributes=attrs)


def test_create_queue_without_name_is_missing_parameter(sqs):
    with raises_aws(h.MISSING_PARAMETER):
        sqs.create_queue()


def test_create_queue_is_idempotent_with_same_attributes(sqs, make_queue):
    url = make_queue(VisibilityTimeout=45, DelaySeconds=2)
    name = h.name_of(url)
    again = sqs.create_queue(QueueName=name,
                             Attributes={"VisibilityTimeout": "45", "DelaySeconds": "2"})
    assert again["QueueUrl"] == url
    # The same call without attributes on a queue created without attributes, too.
    plain = make_queue()
    assert sqs.create_queue(QueueName=h.name_of(plain))["QueueUrl"] == plain


def test_create_queue_with_default_value_given_explicitly_is_idempotent(sqs, queue):
    again = sqs.create_queue(QueueName=h.name_of(queue), Attributes={"VisibilityTimeout": "30"})
    assert again["QueueUrl"] == queue


def test_create_queue_with_different_attributes_is_queue_already_exists(sqs, make_queue):
    url = make_queue(VisibilityTimeout=45)
    with raises_aws(h.QUEUE_ALREADY_EXISTS) as info:
        sqs.create_queue(QueueName=h.name_of(url), Attributes={"VisibilityTimeout": "46"})
    assert isinstance(info.value, sqs.exceptions.QueueNameExists)
    assert h.attributes(sqs, url, "VisibilityTimeout") == {"VisibilityTimeout": "45"}


# ----------------------------------------------------------------------------- GetQueueUrl


def test_get_queue_url(sqs, queue):
    assert sqs.get_queue_url(QueueName=h.name_of(queue))["QueueUrl"] == queue


def test_get_queue_url_of_missing_queue(sqs):
    with raises_aws(h.NON_EXISTENT_QUEUE) as info:
        sqs.get_queue_url(QueueName=h.queue_name("missing"))
    assert isinstance(info.value, sqs.exceptions.QueueDoesNotExist)


def test_operations_on_missing_queue(nimbus, sqs):
    url = h.queue_url(nimbus.url, h.queue_name("missing"))
    for call in (lambda: sqs.send_message(QueueUrl=url, MessageBody="x"),
                 lambda: sqs.receive_message(QueueUrl=url),
                 lambda: sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"]),
                 lambda: sqs.delete_queue(QueueUrl=url),
                 lambda: sqs.purge_queue(QueueUrl=url)):
        with raises_aws(h.NON_EXISTENT_QUEUE) as info:
            call()
        assert isinstance(info.value, sqs.exceptions.QueueDoesNotExist)


def test_queue_url_host_is_not_required_to_match(sqs, queue):
    """A queue is resolved from its URL's path (account + name); the host may be anything."""
    foreign = "http://sqs.us-east-1.localhost.localstack.cloud:4566/" + queue.split("/", 3)[3]
    sqs.send_message(QueueUrl=foreign, MessageBody="via foreign host")
    assert [m["Body"] for m in h.receive(sqs, queue, WaitTimeSeconds=1)] == ["via foreign host"]


# ------------------------------------------------------------------------------- ListQueues


def test_list_queues_with_prefix(sqs, make_queue):
    prefix = h.queue_name("lst")
    urls = sorted(make_queue(prefix=f"{prefix}-{i}") for i in range(3))
    other = make_queue(prefix=h.queue_name("lsu"))
    listed = sqs.list_queues(QueueNamePrefix=prefix).get("QueueUrls", [])
    assert sorted(listed) == urls
    assert other in sqs.list_queues().get("QueueUrls", [])
    assert "QueueUrls" not in sqs.list_queues(QueueNamePrefix=h.queue_name("none"))


def test_list_queues_pagination(sqs, make_queue):
    prefix = h.queue_name("page")
    urls = sorted(make_queue(prefix=f"{prefix}-{i}") for i in range(5))
    seen = []
    resp = sqs.list_queues(QueueNamePrefix=prefix, MaxResults=2)
    pages = 0
    while True:
        pages += 1
        page = resp.get("QueueUrls", [])
        assert len(page) <= 2
        seen += page
        if not resp.get("NextToken"):
            break
        assert pages < 10, "pagination does not end"
        resp = sqs.list_queues(QueueNamePrefix=prefix, MaxResults=2, NextToken=resp["NextToken"])
    assert pages == 3
    assert sorted(seen) == urls
    # Exactly one page: no NextToken.
    assert "NextToken" not in sqs.list_queues(QueueNamePrefix=prefix, MaxResults=5)
    assert "NextToken" not in sqs.list_queues(QueueNamePrefix=prefix)


@pytest.mark.parametrize("max_results", [0, 1001])
def test_list_queues_max_results_out_of_range(sqs, max_results):
    with raises_aws(h.INVALID_PARAMETER_VALUE):
        sqs.list_queues(MaxResults=max_results)


# ------------------------------------------------------------------------------- attributes


def test_default_attributes(sqs, queue):
    before = int(time.time())
    attrs = h.attributes(sqs, queue)
    assert set(attrs) == STANDARD_ALL_KEYS, attrs
    assert {k: attrs[k] for k in h.DEFAULTS} == h.DEFAULTS
    assert attrs["QueueArn"] == h.queue_arn(h.name_of(queue))
    assert attrs["SqsManagedSseEnabled"] == "true"
    for key in ("ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
                "ApproximateNumberOfMessagesDelayed"):
        assert attrs[key] == "0", key
    # Timestamps are epoch seconds.
    assert before - 60 <= int(attrs["CreatedTimestamp"]) <= before + 5
    assert int(attrs["CreatedTimestamp"]) <= int(attrs["LastModifiedTimestamp"]) <= before + 5


def test_default_attributes_fifo(sqs, fifo_queue):
    attrs = h.attributes(sqs, fifo_queue)
    assert set(attrs) == STANDARD_ALL_KEYS | FIFO_EXTRA_KEYS, attrs
    assert {k: attrs[k] for k in h.DEFAULTS} == h.DEFAULTS


def test_get_specific_attributes(sqs, queue):
    attrs = h.attributes(sqs, queue, "VisibilityTimeout", "DelaySeconds")
    assert attrs == {"VisibilityTimeout": "30", "DelaySeconds": "0"}


def test_get_attributes_without_names_returns_none(sqs, queue):
    assert "Attributes" not in sqs.get_queue_attributes(QueueUrl=queue)


def test_create_with_attributes_and_set_attributes(sqs, make_queue):
    url = make_queue(VisibilityTimeout=5, MessageRetentionPeriod=60, DelaySeconds=1,
                     ReceiveMessageWaitTimeSeconds=2, MaximumMessageSize=1024)
    assert h.attributes(sqs, url, "VisibilityTimeout", "MessageRetentionPeriod", "DelaySeconds",
                        "ReceiveMessageWaitTimeSeconds", "MaximumMessageSize") == {
        "VisibilityTimeout": "5", "MessageRetentionPeriod": "60", "DelaySeconds": "1",
        "ReceiveMessageWaitTimeSeconds": "2", "MaximumMessageSize": "1024"}
    new = {"VisibilityTimeout": "43200", "MessageRetentionPeriod": "1209600",
           "DelaySeconds": "900", "ReceiveMessageWaitTimeSeconds": "20",
           "MaximumMessageSize": str(h.MAX_MESSAGE_SIZE_LIMIT)}
    sqs.set_queue_attributes(QueueUrl=url, Attributes=new)
    assert h.attributes(sqs, url, *new) == new


def test_set_attributes_lower_bounds(sqs, queue):
    low = {"VisibilityTimeout": "0", "MessageRetentionPeriod": "60", "DelaySeconds": "0",
           "ReceiveMessageWaitTimeSeconds": "0", "MaximumMessageSize": "1024"}
    sqs.set_queue_attributes(QueueUrl=queue, Attributes=low)
    assert h.attributes(sqs, queue, *low) == low


OUT_OF_RANGE = [
    ("VisibilityTimeout", "-1"), ("VisibilityTimeout", "43201"), ("VisibilityTimeout", "abc"),
    ("MessageRetentionPeriod", "59"), ("MessageRetentionPeriod", "1209601"),
    ("DelaySeconds", "-1"), ("DelaySeconds", "901"),
    ("ReceiveMessageWaitTimeSeconds", "21"),
    ("MaximumMessageSize", "1023"), ("MaximumMessageSize", str(h.MAX_MESSAGE_SIZE_LIMIT + 1)),
]


@pytest.mark.parametrize("name,value", OUT_OF_RANGE)
def test_create_queue_attribute_out_of_range(sqs, name, value):
    with raises_aws(h.INVALID_ATTRIBUTE_VALUE):
        sqs.create_queue(QueueName=h.queue_name("range"), Attributes={name: value})


@pytest.mark.parametrize("name,value", OUT_OF_RANGE)
def test_set_queue_attribute_out_of_range(sqs, queue, name, value):
    with raises_aws(h.INVALID_ATTRIBUTE_VALUE):
        sqs.set_queue_attributes(QueueUrl=queue, Attributes={name: value})
    assert h.attributes(sqs, queue, *h.DEFAULTS) == h.DEFAULTS


def test_unknown_attribute_names(sqs, queue):
    with raises_aws(h.INVALID_ATTRIBUTE_NAME):
        sqs.create_queue(QueueName=h.queue_name("unk"), Attributes={"Bogus": "1"})
    with raises_aws(h.INVALID_ATTRIBUTE_NAME):
        sqs.set_queue_attributes(QueueUrl=queue, Attributes={"Bogus": "1"})
    with raises_aws(h.INVALID_ATTRIBUTE_NAME):
        sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["Bogus"])


def test_read_only_attribute_cannot_be_set(sqs, queue):
    with raises_aws(h.INVALID_ATTRIBUTE_NAME):
        sqs.set_queue_attributes(QueueUrl=queue, Attributes={"QueueArn": "arn:aws:sqs:x:y:z"})


def test_kms_attributes_are_echoed(sqs, make_queue):
    url = make_queue(KmsMasterKeyId="alias/aws/sqs", KmsDataKeyReusePeriodSeconds=600)
    assert h.attributes(sqs, url, "KmsMasterKeyId", "KmsDataKeyReusePeriodSeconds") == {
        "KmsMasterKeyId": "alias/aws/sqs", "KmsDataKeyReusePeriodSeconds": "600"}
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"KmsMasterKeyId": "alias/other"})
    assert h.attributes(sqs, url, "KmsMasterKeyId") == {"KmsMasterKeyId": "alias/other"}


def test_policy_round_trip(sqs, queue):
    arn = h.queue_arn(h.name_of(queue))
    policy = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage", "Resource": arn}]}
    sqs.set_queue_attributes(QueueUrl=queue, Attributes={"Policy": json.dumps(policy)})
    assert json.loads(h.attributes(sqs, queue, "Policy")["Policy"]) == policy


def test_redrive_allow_policy_round_trip(sqs, queue):
    policy = {"redrivePermission": "byQueue",
              "sourceQueueArns": [h.queue_arn(h.queue_name("src"))]}
    sqs.set_queue_attributes(QueueUrl=queue, Attributes={"RedriveAllowPolicy": json.dumps(policy)})
    got = json.loads(h.attributes(sqs, queue, "RedriveAllowPolicy")["RedriveAllowPolicy"])
    assert got == policy


def test_approximate_counts(sqs, queue):
    for i in range(3):
        sqs.send_message(QueueUrl=queue, MessageBody=f"m{i}")
    sqs.send_message(QueueUrl=queue, MessageBody="later", DelaySeconds=30)
    assert h.counts(sqs, queue) == (3, 0, 1)
    assert len(h.receive(sqs, queue, MaxNumberOfMessages=2, VisibilityTimeout=30)) == 2
    assert h.counts(sqs, queue) == (1, 2, 1)


# ------------------------------------------------------------------------------------- tags


def test_tags(sqs, make_queue):
    url = make_queue(tags={"team": "core", "env": "test"})
    assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"team": "core", "env": "test"}
    sqs.tag_queue(QueueUrl=url, Tags={"env": "prod", "owner": "me"})
    assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {
        "team": "core", "env": "prod", "owner": "me"}
    sqs.untag_queue(QueueUrl=url, TagKeys=["team", "owner", "not-there"])
    assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"env": "prod"}
    sqs.untag_queue(QueueUrl=url, TagKeys=["env"])
    assert sqs.list_queue_tags(QueueUrl=url).get("Tags", {}) == {}


def test_untagged_queue_has_no_tags(sqs, queue):
    assert sqs.list_queue_tags(QueueUrl=queue).get("Tags", {}) == {}


def test_tags_on_missing_queue(nimbus, sqs):
    with raises_aws(h.NON_EXISTENT_QUEUE):
        sqs.list_queue_tags(QueueUrl=h.queue_url(nimbus.url, h.queue_name("missing")))


# ------------------------------------------------------------------------ delete and purge


def test_delete_queue(sqs):
    name = h.queue_name("del")
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="x")
    sqs.delete_queue(QueueUrl=url)
    with raises_aws(h.NON_EXISTENT_QUEUE):
        sqs.get_queue_url(QueueName=name)
    with raises_aws(h.NON_EXISTENT_QUEUE):
        sqs.send_message(QueueUrl=url, MessageBody="x")
    assert url not in sqs.list_queues(QueueNamePrefix=name).get("QueueUrls", [])


def test_purge_queue(sqs, queue):
    for i in range(3):
        sqs.send_message(QueueUrl=queue, MessageBody=f"m{i}")
    sqs.send_message(QueueUrl=queue, MessageBody="delayed", DelaySeconds=1)
    assert len(h.receive(sqs, queue, VisibilityTimeout=1)) == 1  # one in flight
    sqs.purge_queue(QueueUrl=queue)
    assert h.counts(sqs, queue) == (0, 0, 0)
    time.sleep(1.2)  # past the delay and the visibility timeout: nothing comes back
    assert h.receive(sqs, queue, MaxNumberOfMessages=10) == []
    # The queue itself is intact.
    sqs.send_message(QueueUrl=queue, MessageBody="after")
    assert [m["Body"] for m in h.receive(sqs, queue)] == ["after"]


def test_purge_twice_within_60_seconds(sqs, queue):
    sqs.purge_queue(QueueUrl=queue)
    with raises_aws(h.PURGE_IN_PROGRESS, status=403) as info:
        sqs.purge_queue(QueueUrl=queue)
    assert isinstance(info.value, sqs.exceptions.PurgeQueueInProgress)


def test_recreate_within_60_seconds_of_delete(sqs):
    name = h.queue_name("recent")
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    sqs.delete_queue(QueueUrl=url)
    with raises_aws(h.QUEUE_DELETED_RECENTLY) as info:
        sqs.create_queue(QueueName=name)
    assert isinstance(info.value, sqs.exceptions.QueueDeletedRecently)


# ------------------------------------------------------------------------------- permissions


def statements(sqs, url):
    policy = h.attributes(sqs, url, "Policy").get("Policy")
    return {s["Sid"]: s for s in json.loads(policy)["Statement"]} if policy else {}


def test_add_and_remove_permission(sqs, queue):
    arn = h.queue_arn(h.name_of(queue))
    sqs.add_permission(QueueUrl=queue, Label="send-from-other", AWSAccountIds=["123456789012"],
                       Actions=["SendMessage", "ReceiveMessage"])
    sqs.add_permission(QueueUrl=queue, Label="second", AWSAccountIds=["210987654321"],
                       Actions=["DeleteMessage"])
    st = statements(sqs, queue)
    assert set(st) == {"send-from-other", "second"}
    first = st["send-from-other"]
    assert (first["Effect"], first["Resource"]) == ("Allow", arn)
    assert "arn:aws:iam::123456789012:root" in json.dumps(first["Principal"])
    assert "SQS:SendMessage" in json.dumps(first["Action"])
    assert "SQS:ReceiveMessage" in json.dumps(first["Action"])

    with raises_aws(h.INVALID_PARAMETER_VALUE):
        sqs.add_permission(QueueUrl=queue, Label="second", AWSAccountIds=["210987654321"],
                           Actions=["SendMessage"])
    sqs.remove_permission(QueueUrl=queue, Label="send-from-other")
    assert set(statements(sqs, queue)) == {"second"}
    with raises_aws(h.INVALID_PARAMETER_VALUE):
        sqs.remove_permission(QueueUrl=queue, Label="send-from-other")


# ---------------------------------------------------------------------------------- accounts


def test_queues_are_scoped_by_account(nimbus, sqs):
    other = h.make_client(nimbus.url, access_key="123456789012")
    name = h.queue_name("acct")
    url = other.create_queue(QueueName=name)["QueueUrl"]
    try:
        assert url == h.queue_url(nimbus.url, name, account="123456789012")
        assert h.attributes(other, url, "QueueArn") == {
            "QueueArn": h.queue_arn(name, account="123456789012")}
        with raises_aws(h.NON_EXISTENT_QUEUE):
            sqs.get_queue_url(QueueName=name)
        assert sqs.list_queues(QueueNamePrefix=name).get("QueueUrls", []) == []
    finally:
        other.delete_queue(QueueUrl=url)


def test_queues_are_scoped_by_region(nimbus, sqs):
    west = h.make_client(nimbus.url, region="eu-west-1")
    name = h.queue_name("region")
    url = west.create_queue(QueueName=name)["QueueUrl"]
    try:
        assert h.attributes(west, url, "QueueArn") == {
            "QueueArn": h.queue_arn(name, region="eu-west-1")}
        with raises_aws(h.NON_EXISTENT_QUEUE):
            sqs.get_queue_url(QueueName=name)
    finally:
        west.delete_queue(QueueUrl=url)
