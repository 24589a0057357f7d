"""A matrix of filter policies, on message attributes and on the message body, each checked by
publishing matching and non-matching messages to a topic whose one SQS subscription carries the
policy; and the InvalidParameter errors invalid policies get."""
from __future__ import annotations

import json

import pytest

from sns_helpers import clients, create_queue, name, raises_aws, receive

S = lambda v: {"DataType": "String", "StringValue": v}  # noqa: E731
N = lambda v: {"DataType": "Number", "StringValue": str(v)}  # noqa: E731
A = lambda v: {"DataType": "String.Array", "StringValue": json.dumps(v)}  # noqa: E731

# (policy, [(attributes, should match)])
ATTRIBUTE_CASES = [
    ({"store": ["example_corp"]},
     [({"store": S("example_corp")}, True), ({"store": S("other")}, False), ({}, False)]),
    ({"price": [100, 200]},
     [({"price": N(100)}, True), ({"price": N("200.0")}, True), ({"price": N(150)}, False),
      ({"price": S("100")}, False)]),
    ({"event": [{"prefix": "order-"}]},
     [({"event": S("order-placed")}, True), ({"event": S("refund")}, False)]),
    ({"file": [{"suffix": ".png"}]},
     [({"file": S("a.png")}, True), ({"file": S("a.jpg")}, False)]),
    ({"color": [{"equals-ignore-case": "RED"}]},
     [({"color": S("rEd")}, True), ({"color": S("blue")}, False)]),
    ({"color": [{"anything-but": ["red", "blue"]}]},
     [({"color": S("green")}, True), ({"color": S("red")}, False), ({}, False)]),
    ({"env": [{"anything-but": {"prefix": "test"}}]},
     [({"env": S("prod")}, True), ({"env": S("testing")}, False)]),
    ({"amount": [{"numeric": [">", 0, "<=", 100]}]},
     [({"amount": N(100)}, True), ({"amount": N("0.5")}, True), ({"amount": N(0)}, False),
      ({"amount": N(101)}, False)]),
    ({"amount": [{"numeric": ["=", 5]}]},
     [({"amount": N("5.0")}, True), ({"amount": N(6)}, False)]),
    ({"trace": [{"exists": True}]},
     [({"trace": S("x")}, True), ({"other": S("x")}, False)]),
    ({"trace": [{"exists": False}]},
     [({"other": S("x")}, True), ({"trace": S("x")}, False)]),
    ({"ip": [{"cidr": "10.0.0.0/24"}]},
     [({"ip": S("10.0.0.9")}, True), ({"ip": S("10.0.1.9")}, False)]),
    ({"tags": ["b"]},
     [({"tags": A(["a", "b"])}, True), ({"tags": A(["c"])}, False)]),
    ({"$or": [{"a": ["1"]}, {"b": ["2"]}], "c": ["3"]},
     [({"a": S("1"), "c": S("3")}, True), ({"b": S("2"), "c": S("3")}, True),
      ({"a": S("1")}, False)]),
    ({"store": ["x"], "event": ["y", "z"]},
     [({"store": S("x"), "event": S("z")}, True), ({"store": S("x"), "event": S("w")}, False)]),
]

BODY_CASES = [
    ({"order": {"status": ["paid"], "total": [{"numeric": [">=", 10]}]}},
     [({"order": {"status": "paid", "total": 12}}, True),
      ({"order": {"status": "paid", "total": 2}}, False),
      ({"order": {"status": "open", "total": 12}}, False)]),
    ({"items": {"sku": [{"prefix": "A-"}]}},
     [({"items": [{"sku": "B-1"}, {"sku": "A-2"}]}, True), ({"items": [{"sku": "B-1"}]}, False)]),
    ({"flag": [True], "gone": [{"exists": False}]},
     [({"flag": True}, True), ({"flag": False}, False), ({"flag": True, "gone": 1}, False)]),
]


def run_matrix(sns, sqs, policy, cases, scope):
    topic = sns.create_topic(Name=name("filter"))["TopicArn"]
    url, arn = create_queue(sqs)
    attrs = {"FilterPolicy": json.dumps(policy), "RawMessageDelivery": "true"}
    if scope == "MessageBody":
        attrs["FilterPolicyScope"] = "MessageBody"
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes=attrs)
    expected = []
    for i, (payload, match) in enumerate(cases):
        if scope == "MessageBody":
            body = json.dumps(dict(payload, case=i))
            sns.publish(TopicArn=topic, Message=body)
        else:
            body = f"case-{i}"
            sns.publish(TopicArn=topic, Message=body, **({"MessageAttributes": payload} if payload else {}))
        if match:
            expected.append(body)
    got = receive(sqs, url, len(expected), timeout=5)
    # A last marker message proves nothing else is still on its way.
    marker_url, marker_arn = create_queue(sqs)
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=marker_arn,
                  Attributes={"RawMessageDelivery": "true"})
    sns.publish(TopicArn=topic, Message="marker")
    assert [m["Body"] for m in receive(sqs, marker_url, 1)] == ["marker"]
    got += receive(sqs, url, 1, timeout=0.5)
    got = [m for m in got if m["Body"] != "marker"]  # policies may accept the marker too
    assert sorted(m["Body"] for m in got) == sorted(expected), (policy, cases)


@pytest.mark.parametrize("policy,cases", ATTRIBUTE_CASES, ids=lambda x: json.dumps(x)[:40])
def test_attribute_policies(nimbus, policy, cases):
    sns, sqs = clients(nimbus)
    run_matrix(sns, sqs, policy, cases, "MessageAttributes")


@pytest.mark.parametrize("policy,cases", BODY_CASES, ids=lambda x: json.dumps(x)[:40])
def test_body_policies(nimbus, policy, cases):
    sns, sqs = clients(nimbus)
    run_matrix(sns, sqs, policy, cases, "MessageBody")


INVALID = [
    ({"a": []}, "FilterPolicy: Empty arrays are not allowed"),
    ({"a": "x"}, 'FilterPolicy: "a" must be an object or an array'),
    ({f"k{i}": ["v"] for i in range(6)}, "FilterPolicy: Filter policy can not have more than 5 keys"),
    ({"a": [{"unknown": 1}]}, "FilterPolicy: Unrecognized match type unknown"),
    ({"a": [{"numeric": [">", 10, "<", 5]}]}, "FilterPolicy: Bottom must be less than top"),
    ({"a": [{"cidr": "10.0.0.0"}]}, "FilterPolicy: Malformed CIDR, one '/' required"),
    ({"a": {"b": ["c"]}}, "Filter policy scope MessageAttributes does not support nested filter policy"),
    ({k: [str(i) for i in range(6)] for k in "abcd"}, "FilterPolicy: Filter policy is too complex"),
]


@pytest.mark.parametrize("policy,message", INVALID, ids=lambda x: str(x)[:30])
def test_invalid_policies(nimbus, policy, message):
    sns, sqs = clients(nimbus)
    topic = sns.create_topic(Name=name())["TopicArn"]
    _, arn = create_queue(sqs)
    with raises_aws("InvalidParameter", 400, "Invalid parameter: Attributes Reason: " + message):
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn,
                      Attributes={"FilterPolicy": json.dumps(policy)})
    sub = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)["SubscriptionArn"]
    with raises_aws("InvalidParameter", 400, "Invalid parameter: " + message):
        sns.set_subscription_attributes(SubscriptionArn=sub, AttributeName="FilterPolicy",
                                        AttributeValue=json.dumps(policy))


def test_scope_change_revalidates(nimbus):
    sns, sqs = clients(nimbus)
    topic = sns.create_topic(Name=name())["TopicArn"]
    _, arn = create_queue(sqs)
    sub = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={
        "FilterPolicyScope": "MessageBody",
        "FilterPolicy": json.dumps({"a": {"b": ["c"]}})})["SubscriptionArn"]
    with raises_aws("InvalidParameter", 400):
        sns.set_subscription_attributes(SubscriptionArn=sub, AttributeName="FilterPolicyScope",
                                        AttributeValue="MessageAttributes")
    with raises_aws("InvalidParameter", 400,
                    "Invalid parameter: FilterPolicyScope: Invalid value [Elsewhere]. Please use "
                    "either MessageBody or MessageAttributes"):
        sns.set_subscription_attributes(SubscriptionArn=sub, AttributeName="FilterPolicyScope",
                                        AttributeValue="Elsewhere")
