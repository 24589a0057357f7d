"""SNS → SQS deliveries: AWS's notification envelope (signed), raw delivery with attributes,
MessageStructure=json, PublishBatch, FIFO topics to FIFO queues, and dead-letter queues."""
from __future__ import annotations

import base64
import json

import nimbus_support as ns
from sns_helpers import clients, create_queue, name, receive, verify_signature


def subscribe_queue(sns, sqs, topic_arn, fifo=False, **attributes):
    url, arn = create_queue(sqs, fifo=fifo)
    sub = sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=arn,
                        Attributes=attributes)["SubscriptionArn"]
    return url, sub


def test_envelope_is_aws_shaped_and_signed(nimbus):
    sns, sqs = clients(nimbus)
    topic = sns.create_topic(Name=name())["TopicArn"]
    url, sub = subscribe_queue(sns, sqs, topic)
    out = sns.publish(TopicArn=topic, Message="hello", Subject="greeting",
                      MessageAttributes={"color": {"DataType": "String", "StringValue": "red"},
                                         "n": {"DataType": "Number", "StringValue": "7"},
                                         "b": {"DataType": "Binary", "BinaryValue": b"\x00\x01"}})
    [msg] = receive(sqs, url, 1)
    body = json.loads(msg["Body"])
    assert body["Type"] == "Notification"
    assert body["MessageId"] == out["MessageId"]
    assert body["TopicArn"] == topic
    assert body["Subject"] == "greeting"
    assert body["Message"] == "hello"
    assert body["Timestamp"].endswith("Z") and len(body["Timestamp"]) == 24
    assert body["SignatureVersion"] == "1"
    assert body["SigningCertURL"].startswith(nimbus.url + "/")
    assert body["UnsubscribeURL"].startswith(nimbus.url + "/?Action=Unsubscribe")
    assert sub in body["UnsubscribeURL"]
    assert body["MessageAttributes"] == {
        "b": {"Type": "Binary", "Value": base64.b64encode(b"\x00\x01").decode()},
        "color": {"Type": "String", "Value": "red"},
        "n": {"Type": "Number", "Value": "7"},
    }
    assert "MessageAttributes" not in msg  # the envelope carries them, not SQS
    verify_signature(body)
    # AWS lays the document out with " : " separators.
    assert msg["Body"].startswith('{\n  "Type" : "Notification",\n')


def test_raw_delivery_keeps_attributes(nimbus):
    sns, sqs = clients(nimbus)
    topic = sns.create_topic(Name=name())["TopicArn"]
    url, _ = subscribe_queue(sns, sqs, topic, RawMessageDelivery="true")
    sns.publish(TopicArn=topic, Message="raw body",
                MessageAttributes={"color": {"DataType": "String", "StringValue": "red"},
                                   "b": {"DataType": "Binary", "BinaryValue": b"\x02"}})
    [msg] = receive(sqs, url, 1)
    assert msg["Body"] == "raw body"
    assert msg["MessageAttributes"]["color"] == {"StringValue": "red", "DataType": "String"}
    assert msg["MessageAttributes"]["b"] == {"BinaryValue": b"\x02", "DataType": "Binary"}


def test_message_structure_json_and_batch(nimbus):
    sns, sqs = clients(nimbus)
    topic = sns.create_topic(Name=name())["TopicArn"]
    url, _ = subscribe_queue(sns, sqs, topic)
    sns.publish(TopicArn=topic, MessageStructure="json",
                Message=json.dumps({"default": "d", "sqs": "for sqs", "http": "for http"}))
    [msg] = receive(sqs, url, 1)
    assert json.loads(msg["Body"])["Message"] == "for sqs"
    verify_signature(json.loads(msg["Body"]))

    out = sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=[
        {"Id": f"e{i}", "Message": f"m{i}"} for i in range(10)])
    assert [e["Id"] for e in out["Successful"]] == [f"e{i}" for i in range(10)]
    assert out["Failed"] == []
    got = receive(sqs, url, 10)
    assert sorted(json.loads(m["Body"])["Message"] for m in got) == sorted(f"m{i}" for i in range(10))


def test_fifo_topic_to_fifo_queue_keeps_order_and_dedup(nimbus):
    sns, sqs = clients(nimbus)
    topic = sns.create_topic(Name=name("f") + ".fifo", Attributes={"FifoTopic": "true"})["TopicArn"]
    url, _ = subscribe_queue(sns, sqs, topic, fifo=True, RawMessageDelivery="true")
    seqs = []
    for i in range(20):
        out = sns.publish(TopicArn=topic, Message=f"m{i}", MessageGroupId="g1",
                          MessageDeduplicationId=f"d{i}")
        seqs.append(int(out["SequenceNumber"]))
    dup = sns.publish(TopicArn=topic, Message="m0 again", MessageGroupId="g1",
                      MessageDeduplicationId="d0")
    assert int(dup["SequenceNumber"]) == seqs[0]
    assert seqs == sorted(seqs)
    got = receive(sqs, url, 21, timeout=5)
    assert [m["Body"] for m in got] == [f"m{i}" for i in range(20)]
    assert all(m["Attributes"]["MessageGroupId"] == "g1" for m in got)
    assert [m["Attributes"]["MessageDeduplicationId"] for m in got] == [f"d{i}" for i in range(20)]

    batch = sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=[
        {"Id": f"b{i}", "Message": f"b{i}", "MessageGroupId": "g2",
         "MessageDeduplicationId": f"bd{i}"} for i in range(3)])
    assert all("SequenceNumber" in e for e in batch["Successful"])
    assert [m["Body"] for m in receive(sqs, url, 3)] == ["b0", "b1", "b2"]


def test_missing_queue_goes_to_subscription_dlq(nimbus):
    sns, sqs = clients(nimbus)
    topic = sns.create_topic(Name=name())["TopicArn"]
    dlq_url, dlq_arn = create_queue(sqs)
    url, queue_arn = create_queue(sqs)
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn,
                  Attributes={"RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn})})
    sqs.delete_queue(QueueUrl=url)
    sns.publish(TopicArn=topic, Message="lost?")
    [msg] = receive(sqs, dlq_url, 1)
    assert json.loads(msg["Body"])["Message"] == "lost?"


def test_debian_boto3_query_client(nimbus):
    """Debian's older boto3 speaks the same query protocol; the answers must parse there too."""
    sns, sqs = clients(nimbus)
    topic = sns.create_topic(Name=name())["TopicArn"]
    url, _ = subscribe_queue(sns, sqs, topic)
    out = ns.debian_boto3(nimbus, "sns", "publish", {"TopicArn": topic, "Message": "old"})
    assert ns.UUID_RE.match(out["result"]["MessageId"])
    [msg] = receive(sqs, url, 1)
    assert json.loads(msg["Body"])["Message"] == "old"


def test_urls_use_localstack_host(start_nimbus):
    server = start_nimbus(LOCALSTACK_HOST="nimbus.example.test:4566")
    sns, sqs = clients(server)
    topic = sns.create_topic(Name=name())["TopicArn"]
    url, _ = subscribe_queue(sns, sqs, topic)
    sns.publish(TopicArn=topic, Message="where am I")
    [msg] = receive(sqs, url, 1)
    body = json.loads(msg["Body"])
    assert body["SigningCertURL"].startswith("http://nimbus.example.test:4566/_aws/sns/")
    assert body["UnsubscribeURL"].startswith("http://nimbus.example.test:4566/?Action=Unsubscribe")
