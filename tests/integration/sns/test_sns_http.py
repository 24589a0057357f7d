"""SNS → HTTP(S): the subscription handshake (confirmed by a GET of SubscribeURL), signed
notifications verified with the `cryptography` library against the certificate fetched from
SigningCertURL, retries per DeliveryPolicy while the endpoint answers 500, dead-lettering, raw
delivery, UnsubscribeURL and SNS_AUTO_CONFIRM."""
from __future__ import annotations

import json
import time
import urllib.request

import pytest

from sns_helpers import (clients, create_queue, name, raises_aws, receive, subscriber,
                         verify_signature, wait_for)

FAST_RETRIES = json.dumps({"healthyRetryPolicy": {
    "numRetries": 3, "numNoDelayRetries": 2, "minDelayTarget": 1, "maxDelayTarget": 1,
    "numMinDelayRetries": 0, "numMaxDelayRetries": 0, "backoffFunction": "linear"}})


def subscribe_and_confirm(sns, topic, hook, **attributes):
    out = sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=hook.url, Attributes=attributes)
    assert out["SubscriptionArn"] == "pending confirmation"
    [req] = hook.wait("SubscriptionConfirmation")
    return req


@pytest.mark.parametrize("version", ["1", "2"])
def test_handshake_and_signed_notification(nimbus, version):
    sns, _ = clients(nimbus)
    topic = sns.create_topic(Name=name(), Attributes={"SignatureVersion": version})["TopicArn"]
    with subscriber() as hook:
        req = subscribe_and_confirm(sns, topic, hook)
        headers = req["headers"]
        assert headers["x-amz-sns-topic-arn"] == topic
        assert "x-amz-sns-subscription-arn" not in headers
        assert headers["content-type"] == "text/plain; charset=UTF-8"
        assert headers["user-agent"] == "Amazon Simple Notification Service Agent"
        conf = json.loads(req["body"])
        assert conf["Type"] == "SubscriptionConfirmation"
        assert conf["TopicArn"] == topic and conf["Token"]
        assert conf["SignatureVersion"] == version
        assert "You have chosen to subscribe to the topic " + topic in conf["Message"]
        verify_signature(conf)

        # Not confirmed yet: listed as pending, nothing delivered.
        [pending] = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
        assert pending["SubscriptionArn"] == "PendingConfirmation"
        sns.publish(TopicArn=topic, Message="too early")

        # The subscriber confirms with a plain, unsigned GET of SubscribeURL.
        with urllib.request.urlopen(conf["SubscribeURL"], timeout=5) as resp:
            xml = resp.read().decode()
        assert "<ConfirmSubscriptionResult>" in xml
        [sub] = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
        assert sub["SubscriptionArn"].startswith(topic + ":") and sub["SubscriptionArn"] in xml
        attrs = sns.get_subscription_attributes(SubscriptionArn=sub["SubscriptionArn"])["Attributes"]
        assert attrs["PendingConfirmation"] == "false"
        assert json.loads(attrs["EffectiveDeliveryPolicy"])["healthyRetryPolicy"]["numRetries"] == 3

        out = sns.publish(TopicArn=topic, Message="hello http", Subject="s",
                          MessageAttributes={"k": {"DataType": "String", "StringValue": "v"}})
        [note] = hook.wait("Notification")
        assert note["headers"]["x-amz-sns-message-id"] == out["MessageId"]
        assert note["headers"]["x-amz-sns-subscription-arn"] == sub["SubscriptionArn"]
        body = json.loads(note["body"])
        assert body["Message"] == "hello http" and body["Subject"] == "s"
        assert body["MessageAttributes"] == {"k": {"Type": "String", "Value": "v"}}
        verify_signature(body)
        tampered = dict(body, Message="forged")
        with pytest.raises(Exception):
            verify_signature(tampered)
        assert len(hook.of_type("Notification")) == 1  # "too early" was never delivered

        # UnsubscribeURL works as a plain GET too, and the endpoint is told.
        with urllib.request.urlopen(body["UnsubscribeURL"], timeout=5) as resp:
            assert resp.status == 200
        hook.wait("UnsubscribeConfirmation")
        assert sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"] == []


def test_retries_while_endpoint_answers_500_then_dead_letter(nimbus):
    sns, sqs = clients(nimbus)
    topic = sns.create_topic(Name=name())["TopicArn"]
    dlq_url, dlq_arn = create_queue(sqs)
    # Confirmations succeed; every notification attempt answers 500.
    with subscriber(status=lambda n: 200 if n == 1 else 500) as hook:
        req = subscribe_and_confirm(sns, topic, hook)
        urllib.request.urlopen(json.loads(req["body"])["SubscribeURL"], timeout=5).read()
        [sub] = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
        arn = sub["SubscriptionArn"]
        sns.set_subscription_attributes(SubscriptionArn=arn, AttributeName="DeliveryPolicy",
                                        AttributeValue=FAST_RETRIES)
        sns.set_subscription_attributes(SubscriptionArn=arn, AttributeName="RedrivePolicy",
                                        AttributeValue=json.dumps({"deadLetterTargetArn": dlq_arn}))
        sns.publish(TopicArn=topic, Message="retry me")
        attempts = hook.wait("Notification", count=4, timeout=10)
        ids = {a["headers"]["x-amz-sns-message-id"] for a in attempts}
        assert len(ids) == 1  # one message, the first attempt and three retries
        # Two immediate retries, then one after minDelayTarget (1 s).
        assert attempts[3]["time"] - attempts[2]["time"] >= 0.9
        [dead] = receive(sqs, dlq_url, 1, timeout=5)
        assert json.loads(dead["Body"])["Message"] == "retry me"
        time.sleep(0.3)
        assert len(hook.of_type("Notification")) == 4


def test_recovers_when_endpoint_comes_back(nimbus):
    sns, _ = clients(nimbus)
    topic = sns.create_topic(Name=name())["TopicArn"]
    # Confirmation OK, first notification attempt 500, the retry 200.
    with subscriber(status=lambda n: 500 if n == 2 else 200) as hook:
        req = subscribe_and_confirm(sns, topic, hook, DeliveryPolicy=FAST_RETRIES)
        urllib.request.urlopen(json.loads(req["body"])["SubscribeURL"], timeout=5).read()
        sns.publish(TopicArn=topic, Message="eventually")
        attempts = hook.wait("Notification", count=2)
        assert attempts[0]["body"] == attempts[1]["body"]
        time.sleep(0.3)
        assert len(hook.of_type("Notification")) == 2


def test_raw_http_delivery(nimbus):
    sns, _ = clients(nimbus)
    topic = sns.create_topic(Name=name())["TopicArn"]
    with subscriber() as hook:
        req = subscribe_and_confirm(sns, topic, hook, RawMessageDelivery="true")
        urllib.request.urlopen(json.loads(req["body"])["SubscribeURL"], timeout=5).read()
        sns.publish(TopicArn=topic, Message="plain text")
        [note] = hook.wait("Notification")
        assert note["body"] == "plain text"
        assert note["headers"]["x-amz-sns-rawdelivery"] == "true"


def test_confirm_errors(nimbus):
    sns, _ = clients(nimbus)
    topic = sns.create_topic(Name=name())["TopicArn"]
    with raises_aws("InvalidParameter", 400, "Invalid parameter: Token"):
        sns.confirm_subscription(TopicArn=topic, Token="nope")
    with subscriber() as hook:
        req = subscribe_and_confirm(sns, topic, hook)
        token = json.loads(req["body"])["Token"]
        other = sns.create_topic(Name=name())["TopicArn"]
        with raises_aws("InvalidParameter", 400, "Invalid parameter: Topic"):
            sns.confirm_subscription(TopicArn=other, Token=token)
        arn = sns.confirm_subscription(TopicArn=topic, Token=token)["SubscriptionArn"]
        # Confirming again is harmless and answers the same ARN.
        assert sns.confirm_subscription(TopicArn=topic, Token=token)["SubscriptionArn"] == arn


def test_signing_cert_served(nimbus):
    sns, sqs = clients(nimbus)
    topic = sns.create_topic(Name=name())["TopicArn"]
    url, arn = create_queue(sqs)
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)
    sns.publish(TopicArn=topic, Message="x")
    [msg] = receive(sqs, url, 1)
    cert_url = json.loads(msg["Body"])["SigningCertURL"]
    pem = urllib.request.urlopen(cert_url, timeout=5).read().decode()
    assert pem.startswith("-----BEGIN CERTIFICATE-----")


def test_auto_confirm_and_persisted_key(start_nimbus, tmp_path):
    server = start_nimbus(SNS_AUTO_CONFIRM="1", PERSISTENCE="1")
    sns, _ = clients(server)
    topic = sns.create_topic(Name=name())["TopicArn"]
    with subscriber() as hook:
        arn = sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=hook.url)["SubscriptionArn"]
        assert arn.startswith(topic + ":")
        sns.publish(TopicArn=topic, Message="no handshake")
        [note] = hook.wait("Notification")
        assert hook.of_type("SubscriptionConfirmation") == []
        body = json.loads(note["body"])
        verify_signature(body)
        pem_before = urllib.request.urlopen(body["SigningCertURL"], timeout=5).read()
    # The key pair is generated once and kept in DATA_DIR: the same certificate after restart,
    # and the topic and subscription survive.
    server.stop()
    again = start_nimbus(SNS_AUTO_CONFIRM="1", PERSISTENCE="1",
                         DATA_DIR=str(server.workdir / "data"))
    pem_after = urllib.request.urlopen(f"{again.url}/_aws/sns/"
                                       + body["SigningCertURL"].rsplit("/", 1)[1], timeout=5).read()
    assert pem_after == pem_before
    sns2, _ = clients(again)
    assert sns2.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"][0]["SubscriptionArn"] == arn


def test_shutdown_does_not_wait_for_a_hung_endpoint(start_nimbus):
    """A subscriber that never answers must not hold up SIGTERM (the HTTP worker aborts)."""
    import signal
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    release = threading.Event()
    arrived = threading.Event()

    class Hang(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            arrived.set()
            release.wait(20)

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Hang)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        server = start_nimbus(SNS_AUTO_CONFIRM="1")
        sns, _ = clients(server)
        topic = sns.create_topic(Name=name())["TopicArn"]
        sns.subscribe(TopicArn=topic, Protocol="http",
                      Endpoint=f"http://127.0.0.1:{httpd.server_address[1]}/")
        sns.publish(TopicArn=topic, Message="into the void")
        assert arrived.wait(5)
        start = time.monotonic()
        rc = server.stop(signal.SIGTERM, timeout=5)
        assert rc == 0, server.stderr()[-2000:]
        assert time.monotonic() - start < 3
    finally:
        release.set()
        httpd.shutdown()
        httpd.server_close()
