"""LocalStack compatibility of `nimbus start`: its settings (with their LOCALSTACK_ prefix and
the legacy EDGE_PORT), unknown ones ignored with a debug line, SERVICES, the
localhost.localstack.cloud host forms, and awslocal-style clients (AWS_ENDPOINT_URL)."""
from __future__ import annotations

import json
import os
import socket

import boto3
import pytest
from botocore.exceptions import ClientError

import nimbus_support as ns


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unknown_localstack_settings_are_ignored_with_a_debug_line(start_nimbus):
    server = start_nimbus(DEBUG="1", LAMBDA_EXECUTOR="docker", DOCKER_HOST="unix:///x.sock",
                          LOCALSTACK_AUTH_TOKEN="ls-xyz", EAGER_SERVICE_LOADING="1",
                          SQS_ENDPOINT_STRATEGY="standard")
    err = server.stderr()
    for name in ("LAMBDA_EXECUTOR", "DOCKER_HOST", "LOCALSTACK_AUTH_TOKEN",
                 "EAGER_SERVICE_LOADING"):
        assert f"nimbus: debug: {name} is not a Nimbus setting; ignored" in err, err
    # Settings Nimbus reads are not reported.
    assert "SQS_ENDPOINT_STRATEGY is not" not in err and "DEBUG is not" not in err
    quiet = start_nimbus(LAMBDA_EXECUTOR="docker")
    assert "LAMBDA_EXECUTOR" not in quiet.stderr()


def test_edge_port_and_localstack_prefix(start_nimbus, tmp_path):
    port = _free_port()
    # EDGE_PORT (LocalStack's pre-3.0 port setting) applies when GATEWAY_LISTEN is unset.
    server = start_nimbus(GATEWAY_LISTEN="", EDGE_PORT=str(port))
    assert server.listeners == [("0.0.0.0", port)]
    server.stop()
    # LOCALSTACK_<NAME> stands for <NAME>; LS_LOG=debug turns DEBUG on.
    data = tmp_path / "ls-data"
    server = start_nimbus(LOCALSTACK_PERSISTENCE="1", LOCALSTACK_DATA_DIR=str(data),
                          LS_LOG="debug", DATA_DIR="")
    sqs = boto3.client("sqs", endpoint_url=server.url)
    sqs.create_queue(QueueName="persisted")
    assert "request sqs CreateQueue 200" in server.stderr()
    server.stop()
    assert (data / "state").is_dir()
    server = start_nimbus(LOCALSTACK_PERSISTENCE="1", LOCALSTACK_DATA_DIR=str(data), DATA_DIR="")
    urls = boto3.client("sqs", endpoint_url=server.url).list_queues()["QueueUrls"]
    assert [u.rsplit("/", 1)[1] for u in urls] == ["persisted"]


def test_services_limits_the_apis_served(start_nimbus):
    server = start_nimbus(SERVICES="lambda, logs")
    lam = boto3.client("lambda", endpoint_url=server.url)
    assert lam.list_functions()["Functions"] == []
    sqs = boto3.client("sqs", endpoint_url=server.url)
    with pytest.raises(ClientError) as e:
        sqs.list_queues()
    err = e.value.response
    assert err["ResponseMetadata"]["HTTPStatusCode"] == 501
    assert err["Error"]["Code"] == "InternalFailure"
    assert err["Error"]["Message"] == (
        "Service 'sqs' is not enabled. Please check your 'SERVICES' configuration variable.")
    # The same error through the query protocol (CLI v1 speaks JSON too; a raw form post).
    resp = ns.request(server, "POST", "/", "Action=ListQueues&Version=2012-11-05",
                      ns.form_headers(), service="sqs")
    assert resp.status == 501
    assert resp.query_error()["Code"] == "InternalFailure"
    proc = ns.run([str(ns.CLI_V1), "--endpoint-url", server.url, "sns", "list-topics"])
    assert proc.returncode != 0 and "Service 'sns' is not enabled" in proc.stderr
    # Health says so, in LocalStack's terms.
    for path in ("/_localstack/health", "/_nimbus/health"):
        resp = ns.request(server, "GET", path)
        assert resp.status == 200
        services = resp.json()["services"]
        assert services["lambda"] == "running" and services["logs"] == "available"
        assert services["sqs"] == services["sns"] == services["apigateway"] == "disabled"
    # Without SERVICES nothing is disabled.
    plain = start_nimbus()
    services = ns.request(plain, "GET", "/_localstack/health").json()["services"]
    assert "disabled" not in services.values() and services["sqs"] == "available"


def test_localhost_localstack_cloud_host_forms(nimbus):
    sqs = boto3.client("sqs", endpoint_url=nimbus.url)
    url = sqs.create_queue(QueueName="host-forms")["QueueUrl"]
    body = "Action=GetQueueUrl&QueueName=host-forms&Version=2012-11-05"
    for host in (f"localhost.localstack.cloud:{nimbus.port}",
                 f"sqs.us-east-1.localhost.localstack.cloud:{nimbus.port}",
                 "localhost.localstack.cloud"):
        resp = ns.request(nimbus, "POST", "/", body, {**ns.form_headers(), "Host": host},
                          service="sqs")
        assert resp.status == 200, (host, resp)
    # Queue URLs in LocalStack's host forms name the queue wherever they are accepted.
    for queue_url in (f"http://sqs.us-east-1.localhost.localstack.cloud:{nimbus.port}"
                      f"/000000000000/host-forms",
                      f"http://localhost.localstack.cloud:{nimbus.port}/000000000000/host-forms",
                      url):
        sqs.send_message(QueueUrl=queue_url, MessageBody="hi")
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
    assert attrs["Attributes"]["ApproximateNumberOfMessages"] == "3"
    # Path-style posts to the queue URL itself under that host (old SDKs).
    resp = ns.request(nimbus, "POST", "/000000000000/host-forms",
                      "Action=GetQueueAttributes&AttributeName.1=QueueArn&Version=2012-11-05",
                      {**ns.form_headers(), "Host": f"localhost.localstack.cloud:{nimbus.port}"},
                      service="sqs")
    assert resp.status == 200 and b"arn:aws:sqs:us-east-1:000000000000:host-forms" in resp.body


def test_awslocal_style_endpoint_from_the_environment(nimbus):
    env = ns.client_env(AWS_ENDPOINT_URL=nimbus.url, DISABLE_DEPRECATION_NOTICE="1")
    # awslocal (LocalStack's wrapper around CLI v1) reads AWS_ENDPOINT_URL.
    awslocal = ns.REPO / ".venv" / "bin" / "awslocal"
    proc = ns.run([str(awslocal), "sqs", "create-queue", "--queue-name", "awslocal-v1"], env=env)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["QueueUrl"].endswith("/000000000000/awslocal-v1")
    proc = ns.run([str(awslocal), "sqs", "list-queues"], env=env)
    assert proc.returncode == 0 and "awslocal-v1" in proc.stdout, proc.stderr
    # ... and LOCALSTACK_HOST when AWS_ENDPOINT_URL is unset.
    proc = ns.run([str(awslocal), "sqs", "get-queue-url", "--queue-name", "awslocal-v1"],
                  env=ns.client_env(LOCALSTACK_HOST=f"127.0.0.1:{nimbus.port}",
                                    DISABLE_DEPRECATION_NOTICE="1"))
    assert proc.returncode == 0, proc.stderr
    # CLI v1 itself with no --endpoint-url (its SQS commands keep a legacy endpoint of their
    # own; the other services follow AWS_ENDPOINT_URL).
    proc = ns.run([str(ns.CLI_V1), "sts", "get-caller-identity"], env=env)
    assert proc.returncode == 0 and json.loads(proc.stdout)["Account"] == "000000000000"
    proc = ns.run([str(ns.CLI_V1), "lambda", "list-functions"], env=env)
    assert proc.returncode == 0 and "Functions" in json.loads(proc.stdout), proc.stderr
    # boto3 (1.43) with no endpoint_url.
    old = os.environ.get("AWS_ENDPOINT_URL")
    os.environ["AWS_ENDPOINT_URL"] = nimbus.url
    try:
        assert boto3.__version__.startswith("1.43")
        sqs = boto3.client("sqs")
        url = sqs.get_queue_url(QueueName="awslocal-v1")["QueueUrl"]
        sqs.send_message(QueueUrl=url, MessageBody="from boto3")
        msgs = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1)["Messages"]
        assert msgs[0]["Body"] == "from boto3"
        assert boto3.client("sts").get_caller_identity()["Account"] == "000000000000"
    finally:
        if old is None:
            del os.environ["AWS_ENDPOINT_URL"]
        else:
            os.environ["AWS_ENDPOINT_URL"] = old
