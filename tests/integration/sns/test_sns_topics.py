"""SNS topics and subscriptions through boto3 and the AWS CLIs: CRUD, idempotency, pagination,
attributes, tags, permissions and AWS's error codes."""
from __future__ import annotations

import json

import nimbus_support as ns
from sns_helpers import ACCOUNT, REGION, clients, create_queue, name, raises_aws


def test_topic_lifecycle_and_attributes(nimbus):
    sns, _ = clients(nimbus)
    topic = name("topic")
    arn = sns.create_topic(Name=topic, Attributes={"DisplayName": "Orders"},
                           Tags=[{"Key": "team", "Value": "a"}])["TopicArn"]
    assert arn == f"arn:aws:sns:{REGION}:{ACCOUNT}:{topic}"
    # Idempotent with the same attributes; different ones are rejected.
    assert sns.create_topic(Name=topic, Attributes={"DisplayName": "Orders"})["TopicArn"] == arn
    with raises_aws("InvalidParameter", 400,
                    "Invalid parameter: Attributes Reason: Topic already exists with different "
                    "attributes"):
        sns.create_topic(Name=topic, Attributes={"DisplayName": "Other"})
    attrs = sns.get_topic_attributes(TopicArn=arn)["Attributes"]
    assert attrs["TopicArn"] == arn
    assert attrs["Owner"] == ACCOUNT
    assert attrs["DisplayName"] == "Orders"
    assert attrs["SubscriptionsConfirmed"] == "0"
    assert json.loads(attrs["Policy"])["Statement"][0]["Resource"] == arn
    policy = json.loads(attrs["EffectiveDeliveryPolicy"])
    assert policy["http"]["defaultHealthyRetryPolicy"]["numRetries"] == 3
    assert policy["http"]["defaultHealthyRetryPolicy"]["minDelayTarget"] == 20

    sns.set_topic_attributes(TopicArn=arn, AttributeName="DisplayName", AttributeValue="New")
    sns.set_topic_attributes(TopicArn=arn, AttributeName="SignatureVersion", AttributeValue="2")
    attrs = sns.get_topic_attributes(TopicArn=arn)["Attributes"]
    assert attrs["DisplayName"] == "New" and attrs["SignatureVersion"] == "2"
    with raises_aws("InvalidParameter", 400, "Invalid parameter: AttributeName"):
        sns.set_topic_attributes(TopicArn=arn, AttributeName="Bogus", AttributeValue="x")

    assert sns.list_tags_for_resource(ResourceArn=arn)["Tags"] == [{"Key": "team", "Value": "a"}]
    sns.tag_resource(ResourceArn=arn, Tags=[{"Key": "env", "Value": "dev"}])
    sns.untag_resource(ResourceArn=arn, TagKeys=["team"])
    assert sns.list_tags_for_resource(ResourceArn=arn)["Tags"] == [{"Key": "env", "Value": "dev"}]

    sns.add_permission(TopicArn=arn, Label="pub", AWSAccountId=["111122223333"],
                       ActionName=["Publish"])
    statements = json.loads(sns.get_topic_attributes(TopicArn=arn)["Attributes"]["Policy"])["Statement"]
    assert any(s["Sid"] == "pub" and s["Action"] == "SNS:Publish" for s in statements)
    sns.remove_permission(TopicArn=arn, Label="pub")
    statements = json.loads(sns.get_topic_attributes(TopicArn=arn)["Attributes"]["Policy"])["Statement"]
    assert not any(s["Sid"] == "pub" for s in statements)

    sns.delete_topic(TopicArn=arn)
    sns.delete_topic(TopicArn=arn)  # AWS: deleting twice succeeds
    with raises_aws("NotFound", 404, "Topic does not exist"):
        sns.get_topic_attributes(TopicArn=arn)


def test_fifo_topics(nimbus):
    sns, _ = clients(nimbus)
    topic = name("f") + ".fifo"
    arn = sns.create_topic(Name=topic, Attributes={"FifoTopic": "true",
                                                   "ContentBasedDeduplication": "true"})["TopicArn"]
    attrs = sns.get_topic_attributes(TopicArn=arn)["Attributes"]
    assert attrs["FifoTopic"] == "true" and attrs["ContentBasedDeduplication"] == "true"
    with raises_aws("InvalidParameter", 400):
        sns.create_topic(Name=name("f"), Attributes={"FifoTopic": "true"})
    with raises_aws("InvalidParameter", 400, "Invalid parameter: Topic Name"):
        sns.create_topic(Name="bad name!")


def test_list_topics_paginates(nimbus):
    sns, _ = clients(nimbus)
    prefix = name("page")
    created = {sns.create_topic(Name=f"{prefix}-{i}")["TopicArn"] for i in range(105)}
    first = sns.list_topics()
    assert len(first["Topics"]) == 100 and "NextToken" in first
    seen = set()
    for page in sns.get_paginator("list_topics").paginate():
        seen.update(t["TopicArn"] for t in page["Topics"])
    assert created <= seen
    for arn in created:
        sns.delete_topic(TopicArn=arn)


def test_subscriptions_crud_and_errors(nimbus):
    sns, sqs = clients(nimbus)
    arn = sns.create_topic(Name=name())["TopicArn"]
    _, queue_arn = create_queue(sqs)
    sub = sns.subscribe(TopicArn=arn, Protocol="sqs", Endpoint=queue_arn)["SubscriptionArn"]
    assert sub.startswith(arn + ":")
    # The same endpoint again: the same subscription.
    assert sns.subscribe(TopicArn=arn, Protocol="sqs", Endpoint=queue_arn)["SubscriptionArn"] == sub
    email = sns.subscribe(TopicArn=arn, Protocol="email", Endpoint="dev@example.com")
    assert email["SubscriptionArn"] == "pending confirmation"
    sms = sns.subscribe(TopicArn=arn, Protocol="sms", Endpoint="+15555550100",
                        ReturnSubscriptionArn=True)["SubscriptionArn"]
    assert sms.startswith(arn + ":")

    listed = sns.list_subscriptions_by_topic(TopicArn=arn)["Subscriptions"]
    by_protocol = {s["Protocol"]: s for s in listed}
    assert by_protocol["sqs"]["SubscriptionArn"] == sub
    assert by_protocol["email"]["SubscriptionArn"] == "PendingConfirmation"
    assert by_protocol["sqs"]["Owner"] == ACCOUNT and by_protocol["sqs"]["Endpoint"] == queue_arn
    assert any(s["SubscriptionArn"] == sub for s in sns.list_subscriptions()["Subscriptions"])

    attrs = sns.get_subscription_attributes(SubscriptionArn=sub)["Attributes"]
    assert attrs["PendingConfirmation"] == "false"
    assert attrs["RawMessageDelivery"] == "false"
    assert attrs["TopicArn"] == arn and attrs["Protocol"] == "sqs"
    topic_attrs = sns.get_topic_attributes(TopicArn=arn)["Attributes"]
    assert topic_attrs["SubscriptionsConfirmed"] == "2"
    assert topic_attrs["SubscriptionsPending"] == "1"

    sns.set_subscription_attributes(SubscriptionArn=sub, AttributeName="RawMessageDelivery",
                                    AttributeValue="true")
    sns.set_subscription_attributes(SubscriptionArn=sub, AttributeName="FilterPolicy",
                                    AttributeValue=json.dumps({"a": ["b"]}))
    attrs = sns.get_subscription_attributes(SubscriptionArn=sub)["Attributes"]
    assert attrs["RawMessageDelivery"] == "true"
    assert json.loads(attrs["FilterPolicy"]) == {"a": ["b"]}
    assert attrs["FilterPolicyScope"] == "MessageAttributes"

    with raises_aws("InvalidParameter", 400, "Invalid parameter: AttributeName"):
        sns.set_subscription_attributes(SubscriptionArn=sub, AttributeName="Nope",
                                        AttributeValue="x")
    with raises_aws("InvalidParameter", 400,
                    "Invalid parameter: RawMessageDelivery: Invalid value [maybe]. Must be true "
                    "or false."):
        sns.set_subscription_attributes(SubscriptionArn=sub, AttributeName="RawMessageDelivery",
                                        AttributeValue="maybe")
    with raises_aws("InvalidParameter", 400,
                    "Invalid parameter: Amazon SNS does not support this protocol string: smoke"):
        sns.subscribe(TopicArn=arn, Protocol="smoke", Endpoint="x")
    with raises_aws("InvalidParameter", 400,
                    "Invalid parameter: Endpoint must match the specified protocol"):
        sns.subscribe(TopicArn=arn, Protocol="https", Endpoint="http://127.0.0.1:1/")
    with raises_aws("InvalidParameter", 400, "Invalid parameter: SQS endpoint ARN"):
        sns.subscribe(TopicArn=arn, Protocol="sqs", Endpoint="not-an-arn")
    with raises_aws("NotFound", 404, "Topic does not exist"):
        sns.subscribe(TopicArn=arn + "-missing", Protocol="sqs", Endpoint=queue_arn)
    with raises_aws("InvalidParameter", 400, "Invalid parameter: TopicArn"):
        sns.subscribe(TopicArn="nope", Protocol="sqs", Endpoint=queue_arn)
    _, fifo_arn = create_queue(sqs, fifo=True)
    with raises_aws("InvalidParameter", 400):
        sns.subscribe(TopicArn=arn, Protocol="sqs", Endpoint=fifo_arn)

    sns.unsubscribe(SubscriptionArn=sub)
    sns.unsubscribe(SubscriptionArn=sub)  # idempotent
    with raises_aws("NotFound", 404, "Subscription does not exist"):
        sns.get_subscription_attributes(SubscriptionArn=sub)
    sns.delete_topic(TopicArn=arn)
    assert not any(s["TopicArn"] == arn for s in sns.list_subscriptions()["Subscriptions"])


def test_cli_v2_and_v1(nimbus):
    topic = name("cli")
    arn = ns.cli_v2(nimbus, "sns", "create-topic", "--name", topic)["TopicArn"]
    assert arn.endswith(":" + topic)
    listed = ns.cli_v1(nimbus, "sns", "list-topics")["Topics"]
    assert {"TopicArn": arn} in listed
    ns.cli_v2(nimbus, "sns", "set-topic-attributes", "--topic-arn", arn, "--attribute-name",
              "DisplayName", "--attribute-value", "cli")
    attrs = ns.cli_v1(nimbus, "sns", "get-topic-attributes", "--topic-arn", arn)["Attributes"]
    assert attrs["DisplayName"] == "cli"
    out = ns.cli_v2(nimbus, "sns", "publish", "--topic-arn", arn, "--message", "hi",
                    "--message-attributes",
                    '{"k":{"DataType":"String","StringValue":"v"}}')
    assert ns.UUID_RE.match(out["MessageId"])
    proc = ns.run([str(ns.CLI_V2), "--endpoint-url", nimbus.url, "sns", "get-topic-attributes",
                   "--topic-arn", arn + "x"], env=ns.client_env())
    assert proc.returncode != 0 and "NotFound" in proc.stderr
    ns.cli_v1(nimbus, "sns", "delete-topic", "--topic-arn", arn)


def test_publish_validation(nimbus):
    sns, _ = clients(nimbus)
    arn = sns.create_topic(Name=name())["TopicArn"]
    with raises_aws("InvalidParameter", 400, "Invalid parameter: Empty message"):
        sns.publish(TopicArn=arn, Message="")
    with raises_aws("InvalidParameter", 400, "Invalid parameter: Subject"):
        sns.publish(TopicArn=arn, Message="x", Subject="")
    with raises_aws("InvalidParameter", 400, "Invalid parameter: Message too long"):
        sns.publish(TopicArn=arn, Message="x" * 262145)
    with raises_aws("InvalidParameter", 400,
                    "Invalid parameter: Message Structure - No default entry in JSON message body"):
        sns.publish(TopicArn=arn, Message=json.dumps({"sqs": "x"}), MessageStructure="json")
    with raises_aws("InvalidParameter", 400,
                    "Invalid parameter: Message Structure - JSON message body failed to parse"):
        sns.publish(TopicArn=arn, Message="{", MessageStructure="json")
    with raises_aws("ParameterValueInvalid", 400,
                    "The message attribute 'n' has an invalid message attribute type, the set of "
                    "supported type prefixes is Binary, Number, and String."):
        sns.publish(TopicArn=arn, Message="x",
                    MessageAttributes={"n": {"DataType": "Int", "StringValue": "1"}})
    with raises_aws("ParameterValueInvalid", 400,
                    "Invalid message attribute name starting with character '.' was found."):
        sns.publish(TopicArn=arn, Message="x",
                    MessageAttributes={".n": {"DataType": "String", "StringValue": "1"}})
    with raises_aws("NotFound", 404, "Topic does not exist"):
        sns.publish(TopicArn=arn + "x", Message="x")
    with raises_aws("InvalidParameter", 400,
                    "Invalid parameter: MessageDeduplicationId Reason: The request includes "
                    "MessageDeduplicationId parameter that is not valid for this topic type"):
        sns.publish(TopicArn=arn, Message="x", MessageDeduplicationId="d")
    fifo = sns.create_topic(Name=name("f") + ".fifo", Attributes={"FifoTopic": "true"})["TopicArn"]
    with raises_aws("InvalidParameter", 400,
                    "Invalid parameter: The MessageGroupId parameter is required for FIFO topics"):
        sns.publish(TopicArn=fifo, Message="x")
    with raises_aws("InvalidParameter", 400,
                    "Invalid parameter: The topic should either have ContentBasedDeduplication "
                    "enabled or MessageDeduplicationId provided explicitly"):
        sns.publish(TopicArn=fifo, Message="x", MessageGroupId="g")
    out = sns.publish(PhoneNumber="+15555550123", Message="sms")
    assert ns.UUID_RE.match(out["MessageId"])

    with raises_aws("TooManyEntriesInBatchRequest", 400):
        sns.publish_batch(TopicArn=arn, PublishBatchRequestEntries=[
            {"Id": str(i), "Message": "x"} for i in range(11)])
    with raises_aws("BatchEntryIdsNotDistinct", 400):
        sns.publish_batch(TopicArn=arn, PublishBatchRequestEntries=[
            {"Id": "a", "Message": "x"}, {"Id": "a", "Message": "y"}])
    with raises_aws("InvalidBatchEntryId", 400):
        sns.publish_batch(TopicArn=arn, PublishBatchRequestEntries=[{"Id": "a b", "Message": "x"}])


def test_cross_account_needs_topic_policy(nimbus):
    """Another account (a 12-digit access key) is refused by the default topic policy with
    AuthorizationError, and let in once AddPermission names it."""
    sns, _ = clients(nimbus)
    other = ns.boto3_client(nimbus, "sns", access_key="111122223333")
    arn = sns.create_topic(Name=name())["TopicArn"]
    with raises_aws("AuthorizationError", 403,
                    "User: arn:aws:iam::111122223333:root is not authorized to perform: "
                    f"SNS:Publish on resource: {arn}"):
        other.publish(TopicArn=arn, Message="x")
    with raises_aws("AuthorizationError", 403):
        other.get_topic_attributes(TopicArn=arn)
    sns.add_permission(TopicArn=arn, Label="partner", AWSAccountId=["111122223333"],
                       ActionName=["Publish", "GetTopicAttributes"])
    assert ns.UUID_RE.match(other.publish(TopicArn=arn, Message="x")["MessageId"])
    assert other.get_topic_attributes(TopicArn=arn)["Attributes"]["Owner"] == ACCOUNT
    with raises_aws("AuthorizationError", 403):
        other.delete_topic(TopicArn=arn)
    sns.delete_topic(TopicArn=arn)


def test_reset_clears_sns(start_nimbus):
    server = start_nimbus()
    sns, sqs = clients(server)
    arn = sns.create_topic(Name=name())["TopicArn"]
    _, queue_arn = create_queue(sqs)
    sns.subscribe(TopicArn=arn, Protocol="sqs", Endpoint=queue_arn)
    assert ns.request(server, "POST", "/_nimbus/reset").status == 200
    assert sns.list_topics()["Topics"] == []
    assert sns.list_subscriptions()["Subscriptions"] == []
    with raises_aws("NotFound", 404):
        sns.publish(TopicArn=arn, Message="x")
