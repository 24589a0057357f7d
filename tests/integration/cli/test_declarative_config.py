"""NIMBUS_CONFIG=<file.json|yaml>: resources created at startup, before "Ready.", so a stack
needs no init script. Topics and APIs are covered by the e2e stacks (tests/e2e)."""
from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

import boto3

import nimbus_support as ns

WORKER = '''
import json, os, boto3

def handler(event, context):
    sqs = boto3.client("sqs", endpoint_url=os.environ["AWS_ENDPOINT_URL"])
    out = sqs.get_queue_url(QueueName=os.environ["OUTBOX"])["QueueUrl"]
    for record in event["Records"]:
        sqs.send_message(QueueUrl=out, MessageBody=json.dumps({
            "seen": record["body"], "by": context.function_name,
            "greeting": os.environ.get("GREETING"), "memory": context.memory_limit_in_mb}))
    return {"handled": len(event["Records"])}
'''

YAML_CONFIG = '''
# A stack declared up front: no init scripts.
region: us-east-1
queues:
  - name: inbox-dlq
  - name: inbox
    attributes:
      VisibilityTimeout: 20          # numbers and booleans become AWS's strings
      ReceiveMessageWaitTimeSeconds: 0
    dead_letter: {queue: inbox-dlq, max_receive_count: 2}
  - name: outbox
  - name: "events.fifo"
    attributes: {FifoQueue: true, ContentBasedDeduplication: true}
    tags: {team: core}
functions:
  - path: ./worker                   # relative to this file; lambda.json read from the folder
    memory: 256                      # overrides lambda.json
    environment: {OUTBOX: outbox}
    events:
      - queue: inbox
        batch_size: 5
        report_failures: true
  - path: ./plain                    # no lambda.json: handler given, runtime inferred
    name: plain-fn
    handler: main.go
'''


def _stack(tmp_path: Path, config_text: str, name: str = "nimbus.yaml") -> Path:
    worker = tmp_path / "worker"
    worker.mkdir()
    (worker / "app.py").write_text(WORKER)
    (worker / "lambda.json").write_text(json.dumps({
        "name": "worker", "handler": "app.handler", "runtime": "python3.12", "timeout": 10,
        "memory": 128, "variables": {"GREETING": "from lambda.json"}}))
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "main.py").write_text("def go(event, context):\n    return {'plain': event}\n")
    path = tmp_path / name
    path.write_text(config_text)
    return path


def _receive(sqs, url, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        msgs = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1,
                                   MaxNumberOfMessages=10).get("Messages", [])
        if msgs:
            return msgs
    raise AssertionError("no message")


def test_yaml_config_creates_queues_functions_and_mappings(start_nimbus, tmp_path):
    config = _stack(tmp_path, YAML_CONFIG)
    server = start_nimbus(NIMBUS_CONFIG=str(config))
    out = server.stdout()
    # Everything exists before "Ready.".
    ready_at = out.index("Ready.")
    for line in ("Created queue inbox:", "Created queue events.fifo:",
                 "Created function worker (python3.12, app.handler)",
                 "Mapped queue inbox to function worker", "Created function plain-fn"):
        assert 0 <= out.find(line) < ready_at, out

    sqs = boto3.client("sqs", endpoint_url=server.url)
    inbox = sqs.get_queue_url(QueueName="inbox")["QueueUrl"]
    attrs = sqs.get_queue_attributes(QueueUrl=inbox, AttributeNames=["All"])["Attributes"]
    assert attrs["VisibilityTimeout"] == "20"
    assert json.loads(attrs["RedrivePolicy"]) == {
        "deadLetterTargetArn": "arn:aws:sqs:us-east-1:000000000000:inbox-dlq",
        "maxReceiveCount": 2}
    fifo = sqs.get_queue_url(QueueName="events.fifo")["QueueUrl"]
    fifo_attrs = sqs.get_queue_attributes(QueueUrl=fifo, AttributeNames=["All"])["Attributes"]
    assert fifo_attrs["FifoQueue"] == "true" and fifo_attrs["ContentBasedDeduplication"] == "true"
    assert sqs.list_queue_tags(QueueUrl=fifo)["Tags"] == {"team": "core"}

    lam = boto3.client("lambda", endpoint_url=server.url)
    fn = lam.get_function_configuration(FunctionName="worker")
    assert fn["MemorySize"] == 256 and fn["Timeout"] == 10 and fn["Handler"] == "app.handler"
    assert fn["Environment"]["Variables"] == {"GREETING": "from lambda.json", "OUTBOX": "outbox"}
    mappings = lam.list_event_source_mappings(FunctionName="worker")["EventSourceMappings"]
    assert [(m["EventSourceArn"], m["BatchSize"], m["FunctionResponseTypes"]) for m in mappings] == [
        ("arn:aws:sqs:us-east-1:000000000000:inbox", 5, ["ReportBatchItemFailures"])]
    plain = lam.invoke(FunctionName="plain-fn", Payload=b'{"x": 1}')
    assert json.loads(plain["Payload"].read()) == {"plain": {"x": 1}}
    assert lam.get_function_configuration(FunctionName="plain-fn")["Runtime"] == "python3.12"

    # The wiring fires: inbox → worker → outbox.
    sqs.send_message(QueueUrl=inbox, MessageBody="order-1")
    outbox = sqs.get_queue_url(QueueName="outbox")["QueueUrl"]
    (msg,) = _receive(sqs, outbox)
    assert json.loads(msg["Body"]) == {"seen": "order-1", "by": "worker",
                                       "greeting": "from lambda.json", "memory": "256"}


def test_variables_are_expanded(start_nimbus, tmp_path):
    config = tmp_path / "vars.yaml"
    config.write_text("queues:\n  - name: ${QUEUE_NAME}\n  - name: ${OTHER:-fallback-q}\n"
                      "    tags: {note: cost$$free}\n")
    server = start_nimbus(NIMBUS_CONFIG=str(config), QUEUE_NAME="from-env")
    sqs = boto3.client("sqs", endpoint_url=server.url)
    names = sorted(u.rsplit("/", 1)[1] for u in sqs.list_queues()["QueueUrls"])
    assert names == ["fallback-q", "from-env"]
    url = sqs.get_queue_url(QueueName="fallback-q")["QueueUrl"]
    assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"note": "cost$free"}


def test_json_config(start_nimbus, tmp_path):
    doc = {"region": "eu-central-1", "account": "111122223333",
           "queues": [{"name": "jobs", "attributes": {"DelaySeconds": 1}}],
           "functions": [{"path": str(tmp_path / "plain"), "name": "p", "handler": "main.go"}]}
    config = _stack(tmp_path, json.dumps(doc), name="stack.json")
    server = start_nimbus(NIMBUS_CONFIG=str(config))
    sqs = boto3.client("sqs", endpoint_url=server.url, region_name="eu-central-1",
                       aws_access_key_id="111122223333", aws_secret_access_key="test")
    url = sqs.get_queue_url(QueueName="jobs")["QueueUrl"]
    assert "/111122223333/jobs" in url
    assert sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["DelaySeconds"])[
        "Attributes"]["DelaySeconds"] == "1"
    lam = boto3.client("lambda", endpoint_url=server.url, region_name="eu-central-1",
                       aws_access_key_id="111122223333", aws_secret_access_key="test")
    assert lam.get_function(FunctionName="p")["Configuration"]["FunctionArn"] == (
        "arn:aws:lambda:eu-central-1:111122223333:function:p")


def _run_expecting_exit(tmp_path: Path, config: Path, timeout: float = 15):
    env = {**os.environ, "GATEWAY_LISTEN": "127.0.0.1:0", "DATA_DIR": str(tmp_path / "data"),
           "NIMBUS_CONFIG": str(config)}
    return subprocess.run([str(ns.nimbus_bin()), "start"], env=env, capture_output=True,
                          text=True, timeout=timeout, stdin=subprocess.DEVNULL)


def test_bad_config_stops_startup(tmp_path):
    cases = [
        ("typo.yaml", "queues:\n  - name: a\n    atributes: {}\n",
         'queues[0]: unknown key "atributes"', 2),
        ("syntax.yaml", "queues:\n  - name: a\n   - name: b\n", "at line 3", 2),
        ("top.yaml", "queue:\n  - name: a\n", 'top level: unknown key "queue"', 2),
        ("syntax.json", '{"queues": [}', "NIMBUS_CONFIG", 2),
        ("missing.yaml", None, "cannot read", 2),
        ("unset.yaml", "queues:\n  - name: ${NIMBUS_TEST_UNSET_VARIABLE}\n",
         "${NIMBUS_TEST_UNSET_VARIABLE} is not set", 2),
        # Valid syntax, rejected by the service: startup fails, nothing half-ready.
        ("invalid-name.yaml", "queues:\n  - name: 'no spaces allowed'\n",
         "queues[0] no spaces allowed: CreateQueue: InvalidParameterValue", 1),
        ("no-handler.yaml", "functions:\n  - path: /nonexistent/fn\n    name: f\n",
         "functions[0] f: CreateFunction:", 1),
    ]
    for name, text, message, code in cases:
        path = tmp_path / name
        if text is not None:
            path.write_text(text)
        proc = _run_expecting_exit(tmp_path, path)
        assert proc.returncode == code, (name, proc.returncode, proc.stdout, proc.stderr)
        assert message in proc.stderr, (name, proc.stderr)
        assert "Ready." not in proc.stdout, name


HTTP_API_CONFIG = '''
queues:
  - name: api-inbox
functions:
  - path: ./echo
    handler: app.handler
apis:
  - name: http-api
    type: http
    routes:
      - {route: "POST /echo", function: echo}
  - name: rest-api
    type: rest
    stage: test
    routes:
      - {route: "POST /v1/echo", function: echo}
      - {route: "POST /v1/enqueue", queue: api-inbox}
'''


def test_apis_route_to_functions_and_queues(start_nimbus, tmp_path):
    config = _stack(tmp_path, HTTP_API_CONFIG)
    (tmp_path / "echo").mkdir()
    (tmp_path / "echo" / "app.py").write_text(
        "import json\n"
        "def handler(event, context):\n"
        "    return {'statusCode': 200, 'body': json.dumps({'plain': event})}\n")
    server = start_nimbus(NIMBUS_CONFIG=str(config))
    v2 = boto3.client("apigatewayv2", endpoint_url=server.url)
    (api,) = [a for a in v2.get_apis()["Items"] if a["Name"] == "http-api"]
    assert api["ProtocolType"] == "HTTP"
    routes = sorted(r["RouteKey"] for r in v2.get_routes(ApiId=api["ApiId"])["Items"])
    assert routes == ["POST /echo"]
    assert [s["StageName"] for s in v2.get_stages(ApiId=api["ApiId"])["Items"]] == ["$default"]
    host = f"{api['ApiId']}.execute-api.localhost.localstack.cloud:{server.port}"
    resp = ns.request(server, "POST", "/echo", b'{"hello": "v2"}',
                      {"Host": host, "Content-Type": "application/json"})
    assert resp.status == 200, resp
    event = resp.json()["plain"]
    assert event["version"] == "2.0" and event["routeKey"] == "POST /echo"
    assert event["body"] == '{"hello": "v2"}'

    v1 = boto3.client("apigateway", endpoint_url=server.url)
    (rest,) = [a for a in v1.get_rest_apis()["items"] if a["name"] == "rest-api"]
    resp = ns.request(server, "POST", f"/restapis/{rest['id']}/test/_user_request_/v1/echo",
                      b'{"hello": "v1"}', {"Content-Type": "application/json"})
    assert resp.status == 200, resp
    event = resp.json()["plain"]
    assert event["resource"] == "/v1/echo" and event["httpMethod"] == "POST"
    resp = ns.request(server, "POST", f"/restapis/{rest['id']}/test/_user_request_/v1/enqueue",
                      b'{"via": "v1"}', {"Content-Type": "application/json"})
    assert resp.status == 200, resp

    sqs = boto3.client("sqs", endpoint_url=server.url)
    url = sqs.get_queue_url(QueueName="api-inbox")["QueueUrl"]
    bodies = []
    for _ in range(10):
        for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                     WaitTimeSeconds=1).get("Messages", []):
            bodies.append(m["Body"])
        if bodies:
            break
    assert bodies == ['{"via": "v1"}']


TOPICS_CONFIG = '''
queues:
  - name: audit
  - name: raw-audit
functions:
  - path: ./plain
    name: on-event
    handler: main.go
topics:
  - name: events
    attributes: {DisplayName: Events}
    tags: {team: core}
    subscriptions:
      - {protocol: sqs, endpoint: audit}
      - {protocol: sqs, endpoint: raw-audit, attributes: {RawMessageDelivery: true}}
      - {protocol: lambda, endpoint: on-event}
'''


def test_topics_and_subscriptions(start_nimbus, tmp_path):
    config = _stack(tmp_path, TOPICS_CONFIG)
    server = start_nimbus(NIMBUS_CONFIG=str(config))
    sns = boto3.client("sns", endpoint_url=server.url)
    arn = "arn:aws:sns:us-east-1:000000000000:events"
    assert sns.get_topic_attributes(TopicArn=arn)["Attributes"]["DisplayName"] == "Events"
    assert sns.list_tags_for_resource(ResourceArn=arn)["Tags"] == [{"Key": "team", "Value": "core"}]
    subs = sns.list_subscriptions_by_topic(TopicArn=arn)["Subscriptions"]
    assert sorted((s["Protocol"], s["Endpoint"]) for s in subs) == [
        ("lambda", "arn:aws:lambda:us-east-1:000000000000:function:on-event"),
        ("sqs", "arn:aws:sqs:us-east-1:000000000000:audit"),
        ("sqs", "arn:aws:sqs:us-east-1:000000000000:raw-audit")]
    sns.publish(TopicArn=arn, Message="hello subscribers")
    sqs = boto3.client("sqs", endpoint_url=server.url)
    (wrapped,) = _receive(sqs, sqs.get_queue_url(QueueName="audit")["QueueUrl"])
    envelope = json.loads(wrapped["Body"])
    assert envelope["Type"] == "Notification" and envelope["Message"] == "hello subscribers"
    (raw,) = _receive(sqs, sqs.get_queue_url(QueueName="raw-audit")["QueueUrl"])
    assert raw["Body"] == "hello subscribers"
    # The function was invoked with the SNS event (its log group exists once it ran).
    logs = boto3.client("logs", endpoint_url=server.url)
    deadline = time.monotonic() + 15
    while not logs.describe_log_groups(logGroupNamePrefix="/aws/lambda/on-event")["logGroups"]:
        assert time.monotonic() < deadline, "on-event never ran"
        time.sleep(0.1)


def test_restart_with_persistence_keeps_what_exists(start_nimbus, tmp_path):
    """PERSISTENCE=1 + the same NIMBUS_CONFIG on every start: the second start finds everything
    there and creates nothing twice."""
    config = _stack(tmp_path, YAML_CONFIG + """
  - path: ./echo
    handler: app.handler
apis:
  - name: http-api
    type: http
    routes:
      - {route: "POST /echo", function: echo}
  - name: rest-api
    type: rest
    routes:
      - {route: "POST /v1/enqueue", queue: inbox}
""")
    (tmp_path / "echo").mkdir()
    (tmp_path / "echo" / "app.py").write_text("def handler(e, c):\n    return {}\n")
    data = tmp_path / "state"
    env = dict(NIMBUS_CONFIG=str(config), PERSISTENCE="1", DATA_DIR=str(data))
    first = start_nimbus(**env)
    assert "Created REST API rest-api" in first.stdout()
    first.stop()
    second = start_nimbus(**env)
    out = second.stdout()
    assert "Function worker exists; kept" in out and "REST API rest-api exists; kept" in out
    assert "HTTP API http-api exists; kept" in out
    v1 = boto3.client("apigateway", endpoint_url=second.url)
    assert [a["name"] for a in v1.get_rest_apis()["items"]] == ["rest-api"]
    lam = boto3.client("lambda", endpoint_url=second.url)
    assert len(lam.list_event_source_mappings(FunctionName="worker")["EventSourceMappings"]) == 1
