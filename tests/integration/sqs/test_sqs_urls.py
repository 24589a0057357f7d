"""Queue URL forms per SQS_ENDPOINT_STRATEGY and host (private servers), and that every form
works as a QueueUrl when the client talks to an explicit endpoint."""
import pytest

import sqs_helpers as h

LS_HOST = "localhost.localstack.cloud:4566"

# strategy -> region -> expected URL prefix (before /<name>); wire notes §3.2
STRATEGIES = {
    "standard": {
        "us-east-1": f"http://sqs.us-east-1.{LS_HOST}/{h.ACCOUNT}",
        "eu-west-1": f"http://sqs.eu-west-1.{LS_HOST}/{h.ACCOUNT}",
    },
    "domain": {
        "us-east-1": f"http://queue.{LS_HOST}/{h.ACCOUNT}",
        "eu-west-1": f"http://eu-west-1.queue.{LS_HOST}/{h.ACCOUNT}",
    },
    "path": {
        "us-east-1": f"http://{LS_HOST}/queue/us-east-1/{h.ACCOUNT}",
        "eu-west-1": f"http://{LS_HOST}/queue/eu-west-1/{h.ACCOUNT}",
    },
    "off": {
        "us-east-1": f"http://{LS_HOST}/{h.ACCOUNT}",
        "eu-west-1": f"http://{LS_HOST}/{h.ACCOUNT}",
    },
}


def check_url_form(server, region: str, expected_prefix: str):
    client = h.make_client(server.url, region=region)
    name = h.queue_name("url")
    url = client.create_queue(QueueName=name)["QueueUrl"]
    assert url == f"{expected_prefix}/{name}"
    assert client.get_queue_url(QueueName=name)["QueueUrl"] == url
    assert client.list_queues(QueueNamePrefix=name).get("QueueUrls") == [url]
    # The URL resolves (by its path) although its host is not the endpoint the client uses.
    sent = client.send_message(QueueUrl=url, MessageBody="hello")
    msgs = h.receive(client, url, WaitTimeSeconds=1)
    assert [(m["MessageId"], m["Body"]) for m in msgs] == [(sent["MessageId"], "hello")]
    assert h.attributes(client, url, "QueueArn") == {"QueueArn": h.queue_arn(name, region=region)}
    client.delete_queue(QueueUrl=url)
    with h.raises_aws(h.NON_EXISTENT_QUEUE):
        client.get_queue_url(QueueName=name)


@pytest.mark.parametrize("strategy", sorted(STRATEGIES))
def test_endpoint_strategy(sqs_protocol, start_nimbus, strategy):
    server = start_nimbus(SQS_ENDPOINT_STRATEGY=strategy, LOCALSTACK_HOST=LS_HOST)
    for region, prefix in STRATEGIES[strategy].items():
        check_url_form(server, region, prefix)


def test_default_strategy_is_standard(sqs_protocol, start_nimbus):
    server = start_nimbus(LOCALSTACK_HOST=LS_HOST)
    check_url_form(server, "us-east-1", STRATEGIES["standard"]["us-east-1"])


def test_nimbus_host_sets_the_host(sqs_protocol, start_nimbus):
    server = start_nimbus(NIMBUS_HOST=LS_HOST, SQS_ENDPOINT_STRATEGY="standard")
    check_url_form(server, "us-east-1", STRATEGIES["standard"]["us-east-1"])


def test_localhost_host_gives_the_path_form(sqs_protocol, start_nimbus):
    """`http://localhost:4566/<account>/<name>`: the issue's first URL form."""
    server = start_nimbus(LOCALSTACK_HOST="localhost:4566")
    check_url_form(server, "us-east-1", f"http://localhost:4566/{h.ACCOUNT}")
