"""SNS → Lambda: a real python function subscribed to a topic receives AWS's `Records[].Sns`
event through an asynchronous invoke, and forwards it to an HTTP endpoint of the test."""
from __future__ import annotations

import io
import json
import zipfile

from sns_helpers import clients, create_queue, name, receive, subscriber, verify_signature

import nimbus_support as ns

ROLE = "arn:aws:iam::000000000000:role/lambda-role"

FORWARD_PY = """
import json, os, urllib.request

def handler(event, context):
    req = urllib.request.Request(os.environ["SINK"], data=json.dumps(event).encode(),
                                 headers={"x-amz-sns-message-type": "LambdaEvent"})
    urllib.request.urlopen(req, timeout=5).read()
    return {"ok": True}
"""


def zip_code(source: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("app.py", source)
    return buf.getvalue()


def test_lambda_receives_sns_event(nimbus):
    sns, _ = clients(nimbus)
    lam = ns.boto3_client(nimbus, "lambda")
    topic = sns.create_topic(Name=name())["TopicArn"]
    with subscriber() as sink:
        fn = name("fn")
        fn_arn = lam.create_function(FunctionName=fn, Runtime="python3.12", Role=ROLE,
                                     Handler="app.handler", Code={"ZipFile": zip_code(FORWARD_PY)},
                                     Environment={"Variables": {"SINK": sink.url}})["FunctionArn"]
        lam.get_waiter("function_active_v2").wait(FunctionName=fn,
                                                  WaiterConfig={"Delay": 1, "MaxAttempts": 10})
        sub = sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=fn_arn)["SubscriptionArn"]
        assert sub.startswith(topic + ":")
        out = sns.publish(TopicArn=topic, Message="to lambda",
                          MessageAttributes={"k": {"DataType": "String", "StringValue": "v"}})
        [req] = sink.wait("LambdaEvent", timeout=30)
        event = json.loads(req["body"])
        [record] = event["Records"]
        assert record["EventSource"] == "aws:sns"
        assert record["EventVersion"] == "1.0"
        assert record["EventSubscriptionArn"] == sub
        sns_part = record["Sns"]
        assert sns_part["Type"] == "Notification"
        assert sns_part["MessageId"] == out["MessageId"]
        assert sns_part["TopicArn"] == topic
        assert sns_part["Subject"] is None
        assert sns_part["Message"] == "to lambda"
        assert sns_part["MessageAttributes"] == {"k": {"Type": "String", "Value": "v"}}
        assert sns_part["UnsubscribeUrl"].startswith(nimbus.url)
        # The Lambda event spells the URLs "...Url"; the signature is the notification's.
        verify_signature(dict(sns_part, SigningCertURL=sns_part["SigningCertUrl"]))


def test_missing_function_dead_letters(nimbus):
    sns, sqs = clients(nimbus)
    topic = sns.create_topic(Name=name())["TopicArn"]
    dlq_url, dlq_arn = create_queue(sqs)
    sns.subscribe(TopicArn=topic, Protocol="lambda",
                  Endpoint="arn:aws:lambda:us-east-1:000000000000:function:" + name("missing"),
                  Attributes={"RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn})})
    sns.publish(TopicArn=topic, Message="nobody home")
    [msg] = receive(sqs, dlq_url, 1)
    assert json.loads(msg["Body"])["Message"] == "nobody home"
