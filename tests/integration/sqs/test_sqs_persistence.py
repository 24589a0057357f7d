"""PERSISTENCE=1: queues (attributes, tags) and messages survive a SIGTERM + restart on the same
DATA_DIR; deleted messages stay deleted; FIFO dedup and sequence state carry over."""
import signal

import sqs_helpers as h

ATTRS = {"k": {"DataType": "String", "StringValue": "v"},
         "b": {"DataType": "Binary", "BinaryValue": b"\x00\xff"}}


def restart(start_nimbus, server, data_dir):
    rc = server.stop(signal.SIGTERM, timeout=5)
    assert rc == 0, f"exit code {rc} after SIGTERM\n{server.stderr()[-2000:]}"
    return start_nimbus(PERSISTENCE="1", DATA_DIR=str(data_dir))


def test_queues_and_messages_survive_restart(sqs_protocol, start_nimbus, tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    server = start_nimbus(PERSISTENCE="1", DATA_DIR=str(data_dir))
    sqs = h.make_client(server.url)

    url = sqs.create_queue(QueueName=h.queue_name("persist"),
                           Attributes={"VisibilityTimeout": "17"},
                           tags={"team": "core"})["QueueUrl"]
    kept = sqs.send_message(QueueUrl=url, MessageBody="survives", MessageAttributes=ATTRS)
    gone = sqs.send_message(QueueUrl=url, MessageBody="deleted")
    both = h.receive(sqs, url, MaxNumberOfMessages=10, VisibilityTimeout=0)
    assert sorted(m["Body"] for m in both) == ["deleted", "survives"]
    [msg] = [m for m in both if m["MessageId"] == gone["MessageId"]]
    sqs.delete_message(QueueUrl=url, ReceiptHandle=msg["ReceiptHandle"])

    fifo = sqs.create_queue(QueueName=h.queue_name("persist", fifo=True),
                            Attributes={"FifoQueue": "true"})["QueueUrl"]
    f1 = sqs.send_message(QueueUrl=fifo, MessageBody="f1", MessageGroupId="g",
                          MessageDeduplicationId="d1")

    server = restart(start_nimbus, server, data_dir)
    sqs = h.make_client(server.url)
    name = h.name_of(url)

    assert sqs.get_queue_url(QueueName=name)["QueueUrl"] == h.queue_url(server.url, name)
    url = h.queue_url(server.url, name)  # the new server's port
    assert h.attributes(sqs, url, "VisibilityTimeout") == {"VisibilityTimeout": "17"}
    assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"team": "core"}
    msgs = h.receive(sqs, url, MaxNumberOfMessages=10, WaitTimeSeconds=1,
                     MessageAttributeNames=["All"], AttributeNames=["ApproximateReceiveCount"])
    assert [(m["MessageId"], m["Body"]) for m in msgs] == [(kept["MessageId"], "survives")]
    assert h.strip_attributes(msgs[0]["MessageAttributes"]) == ATTRS
    assert msgs[0]["Attributes"]["ApproximateReceiveCount"] == "2"
    sqs.delete_message(QueueUrl=url, ReceiptHandle=msgs[0]["ReceiptHandle"])

    fifo = h.queue_url(server.url, h.name_of(fifo))
    dup = sqs.send_message(QueueUrl=fifo, MessageBody="f1", MessageGroupId="g",
                           MessageDeduplicationId="d1")
    assert dup["MessageId"] == f1["MessageId"]
    f2 = sqs.send_message(QueueUrl=fifo, MessageBody="f2", MessageGroupId="g",
                          MessageDeduplicationId="d2")
    assert int(f2["SequenceNumber"]) > int(f1["SequenceNumber"])
    assert [m["Body"] for m in h.receive(sqs, fifo, MaxNumberOfMessages=10)] == ["f1", "f2"]

    # A second restart: the delete above is durable too.
    server = restart(start_nimbus, server, data_dir)
    sqs = h.make_client(server.url)
    url = h.queue_url(server.url, name)
    assert h.receive(sqs, url, MaxNumberOfMessages=10) == []
    assert h.counts(sqs, url) == (0, 0, 0)


def test_deleted_queue_stays_deleted(sqs_protocol, start_nimbus, tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    server = start_nimbus(PERSISTENCE="1", DATA_DIR=str(data_dir))
    sqs = h.make_client(server.url)
    name = h.queue_name("gone")
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="x")
    sqs.delete_queue(QueueUrl=url)

    server = restart(start_nimbus, server, data_dir)
    sqs = h.make_client(server.url)
    with h.raises_aws(h.NON_EXISTENT_QUEUE):
        sqs.get_queue_url(QueueName=name)


def test_without_persistence_state_is_lost(sqs_protocol, start_nimbus, tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    server = start_nimbus(DATA_DIR=str(data_dir))
    sqs = h.make_client(server.url)
    name = h.queue_name("volatile")
    sqs.create_queue(QueueName=name)
    rc = server.stop(signal.SIGTERM, timeout=5)
    assert rc == 0
    server = start_nimbus(DATA_DIR=str(data_dir))
    with h.raises_aws(h.NON_EXISTENT_QUEUE):
        h.make_client(server.url).get_queue_url(QueueName=name)
