"""HTTP APIs' first-class SQS integrations (IntegrationType AWS_PROXY with IntegrationSubtype
SQS-SendMessage, SQS-ReceiveMessage, SQS-DeleteMessage, SQS-PurgeQueue) through boto3 and the
AWS CLI: the control plane's checks of each subtype's request parameters, and invocations that
map the request into the SQS call and answer with SQS's response (messages checked in the
queue)."""
import hashlib
import json
import signal
import uuid

import boto3
import pytest
from botocore.exceptions import ClientError

import nimbus_support as ns
from apigw_helpers import as_json, call, client

ROLE = "arn:aws:iam::000000000000:role/apigw-sqs"


@pytest.fixture(scope="module")
def v2(nimbus):
    return client(nimbus, "apigatewayv2")


@pytest.fixture(scope="module")
def sqs(nimbus):
    return client(nimbus, "sqs")


@pytest.fixture
def api_id(v2):
    api_id = v2.create_api(Name="sqs-" + uuid.uuid4().hex[:6], ProtocolType="HTTP")["ApiId"]
    yield api_id
    v2.delete_api(ApiId=api_id)


@pytest.fixture
def queue(sqs):
    url = sqs.create_queue(QueueName="apigw-fc-" + uuid.uuid4().hex[:8])["QueueUrl"]
    yield url
    sqs.delete_queue(QueueUrl=url)


def bad_request(excinfo):
    err = excinfo.value.response
    assert err["ResponseMetadata"]["HTTPStatusCode"] == 400, err
    assert err["Error"]["Code"] == "BadRequestException", err
    return err["Error"]["Message"]


def sqs_integration(v2, api_id, subtype, params, **extra):
    return v2.create_integration(ApiId=api_id, IntegrationType="AWS_PROXY",
                                 IntegrationSubtype=subtype, RequestParameters=params, **extra)


REQUIRED = {
    "SQS-SendMessage": {"QueueUrl": "https://q", "MessageBody": "$request.body"},
    "SQS-ReceiveMessage": {"QueueUrl": "https://q"},
    "SQS-DeleteMessage": {"QueueUrl": "https://q", "ReceiptHandle": "$request.body.handle"},
    "SQS-PurgeQueue": {"QueueUrl": "https://q"},
}


@pytest.mark.parametrize("subtype", sorted(REQUIRED))
def test_each_subtype_requires_its_parameters(v2, api_id, subtype):
    required = REQUIRED[subtype]
    created = sqs_integration(v2, api_id, subtype, required, CredentialsArn=ROLE)
    assert created["IntegrationSubtype"] == subtype
    assert created["IntegrationType"] == "AWS_PROXY"
    assert created["PayloadFormatVersion"] == "1.0"  # the only version subtypes take
    assert created["CredentialsArn"] == ROLE
    assert created["RequestParameters"] == required
    assert "IntegrationUri" not in created
    for missing in required:
        params = {k: v for k, v in required.items() if k != missing}
        with pytest.raises(ClientError) as e:
            sqs_integration(v2, api_id, subtype, params)
        message = bad_request(e)
        assert missing in message and "Validation Result" in message, message


def test_parameter_names_sources_type_and_version_are_checked(v2, api_id):
    base = REQUIRED["SQS-SendMessage"]
    with pytest.raises(ClientError) as e:
        sqs_integration(v2, api_id, "SQS-SendMessage", {**base, "ReceiptHandle": "x"})
    assert "ReceiptHandle" in bad_request(e)
    with pytest.raises(ClientError) as e:
        sqs_integration(v2, api_id, "SQS-SendMessage", {**base, "MessageBody": "$request.cookie.a"})
    assert bad_request(e) == ("Invalid selection expression specified: Validation Result: "
                              "warnings : [], errors : [Invalid source: $request.cookie.a "
                              "specified for destination: MessageBody]")
    with pytest.raises(ClientError) as e:  # AWS refuses JSON text as a static value
        sqs_integration(v2, api_id, "SQS-SendMessage", {
            **base, "MessageAttributes": '{"a":{"DataType":"String","StringValue":"v"}}'})
    assert bad_request(e) == (
        'Invalid selection expression specified: Validation Result: warnings : [], errors : '
        '[Invalid source: {"a":{"DataType":"String","StringValue":"v"}} specified for '
        'destination: MessageAttributes]')
    with pytest.raises(ClientError) as e:
        sqs_integration(v2, api_id, "SQS-SendMessage", base, PayloadFormatVersion="2.0")
    assert "1.0" in bad_request(e)
    with pytest.raises(ClientError) as e:
        v2.create_integration(ApiId=api_id, IntegrationType="HTTP_PROXY",
                              IntegrationSubtype="SQS-SendMessage",
                              IntegrationUri="https://example.com", RequestParameters=base)
    bad_request(e)
    with pytest.raises(ClientError) as e:
        sqs_integration(v2, api_id, "SQS-Nope", base)
    bad_request(e)
    # Every source kind AWS documents is accepted.
    ok = sqs_integration(v2, api_id, "SQS-SendMessage", {
        "QueueUrl": "$stageVariables.queue", "MessageBody": "$request.body.a.b",
        "MessageGroupId": "$request.header.x-group", "DelaySeconds": "$request.querystring.d",
        "MessageDeduplicationId": "$context.requestId", "MessageAttributes": "$request.path.p",
        "Region": "us-east-1"})
    # A rejected update leaves the integration as it was.
    with pytest.raises(ClientError) as e:
        v2.update_integration(ApiId=api_id, IntegrationId=ok["IntegrationId"],
                              RequestParameters={"QueueUrl": "https://q"})
    assert "MessageBody" in bad_request(e)
    with pytest.raises(ClientError) as e:
        v2.update_integration(ApiId=api_id, IntegrationId=ok["IntegrationId"],
                              PayloadFormatVersion="2.0")
    bad_request(e)
    got = v2.get_integration(ApiId=api_id, IntegrationId=ok["IntegrationId"])
    assert got["PayloadFormatVersion"] == "1.0"
    assert got["RequestParameters"]["MessageBody"] == "$request.body.a.b"
    upd = v2.update_integration(ApiId=api_id, IntegrationId=ok["IntegrationId"],
                                RequestParameters={"QueueUrl": "https://q2", "MessageBody": "static"})
    assert upd["RequestParameters"] == {"QueueUrl": "https://q2", "MessageBody": "static"}


def deploy(v2, api_id, **stage):
    v2.create_stage(ApiId=api_id, StageName="$default", AutoDeploy=True, **stage)


def route(v2, api_id, key, integration):
    v2.create_route(ApiId=api_id, RouteKey=key, Target="integrations/" + integration["IntegrationId"])


def test_send_message_maps_the_request_into_the_queue(nimbus, v2, sqs, api_id, queue):
    integ = sqs_integration(v2, api_id, "SQS-SendMessage", {
        "QueueUrl": "$stageVariables.queue", "MessageBody": "$request.body.order",
        "MessageAttributes": "$request.body.meta", "DelaySeconds": "$request.querystring.delay"},
        CredentialsArn=ROLE)
    route(v2, api_id, "POST /orders", integ)
    deploy(v2, api_id, StageVariables={"queue": queue})
    body = {"order": {"id": 7, "items": ["a"]}, "meta": {"kind": {"DataType": "String",
                                                                  "StringValue": "order"}}}
    status, headers, raw = call(nimbus, f"/_aws/execute-api/{api_id}/orders?delay=0", "POST",
                                json.dumps(body), {"Content-Type": "application/json"})
    assert status == 200, raw
    assert headers["Content-Type"] == "application/json"
    answer = as_json(raw)["SendMessageResponse"]
    result = answer["SendMessageResult"]
    assert answer["ResponseMetadata"]["RequestId"] == headers["Apigw-Requestid"]
    # Every SendMessageResult member is named, absent ones null, as in AWS's JSON form.
    assert result["SequenceNumber"] is None and result["MD5OfMessageSystemAttributes"] is None
    sent_body = '{"id":7,"items":["a"]}'  # a JSON member is passed as its JSON text
    assert result["MD5OfMessageBody"] == hashlib.md5(sent_body.encode()).hexdigest()
    msgs = sqs.receive_message(QueueUrl=queue, MessageAttributeNames=["All"],
                               WaitTimeSeconds=1)["Messages"]
    assert [(m["MessageId"], m["Body"]) for m in msgs] == [(result["MessageId"], sent_body)]
    assert msgs[0]["MessageAttributes"] == {"kind": {"DataType": "String", "StringValue": "order"}}


def test_receive_delete_and_purge_through_the_api(nimbus, v2, sqs, api_id, queue):
    route(v2, api_id, "GET /messages", sqs_integration(v2, api_id, "SQS-ReceiveMessage", {
        "QueueUrl": queue, "MaxNumberOfMessages": "$request.querystring.max",
        "VisibilityTimeout": "0", "AttributeNames": "$request.header.x-attributes"}))
    route(v2, api_id, "DELETE /messages", sqs_integration(v2, api_id, "SQS-DeleteMessage", {
        "QueueUrl": queue, "ReceiptHandle": "$request.header.x-receipt"}))
    route(v2, api_id, "POST /purge", sqs_integration(v2, api_id, "SQS-PurgeQueue",
                                                     {"QueueUrl": queue}))
    deploy(v2, api_id)
    for i in range(3):
        sqs.send_message(QueueUrl=queue, MessageBody=f"m{i}")
    status, _, raw = call(nimbus, f"/_aws/execute-api/{api_id}/messages?max=2", "GET",
                          headers={"X-Attributes": "SentTimestamp,ApproximateReceiveCount"})
    assert status == 200, raw
    msgs = as_json(raw)["ReceiveMessageResponse"]["ReceiveMessageResult"]["Messages"]
    assert len(msgs) == 2
    assert set(msgs[0]["Attributes"]) == {"SentTimestamp", "ApproximateReceiveCount"}
    status, _, raw = call(nimbus, f"/_aws/execute-api/{api_id}/messages", "DELETE",
                          headers={"X-Receipt": msgs[0]["ReceiptHandle"]})
    assert status == 200, raw
    assert set(as_json(raw)["DeleteMessageResponse"]) == {"ResponseMetadata"}
    left = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["ApproximateNumberOfMessages"])
    assert left["Attributes"]["ApproximateNumberOfMessages"] == "2"
    status, _, raw = call(nimbus, f"/_aws/execute-api/{api_id}/purge", "POST")
    assert status == 200, raw
    assert "PurgeQueueResponse" in as_json(raw)
    left = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["ApproximateNumberOfMessages"])
    assert left["Attributes"]["ApproximateNumberOfMessages"] == "0"


def test_sqs_errors_keep_sqs_status_and_query_code(nimbus, v2, api_id, queue):
    route(v2, api_id, "POST /nowhere", sqs_integration(v2, api_id, "SQS-SendMessage", {
        "QueueUrl": queue + "-missing", "MessageBody": "$request.body"}))
    route(v2, api_id, "POST /bad", sqs_integration(v2, api_id, "SQS-SendMessage", {
        "QueueUrl": queue, "MessageBody": "$request.body", "DelaySeconds": "$request.querystring.d"}))
    route(v2, api_id, "POST /unmapped", sqs_integration(v2, api_id, "SQS-SendMessage", {
        "QueueUrl": queue, "MessageBody": "$request.header.x-absent"}))
    route(v2, api_id, "POST /attrs", sqs_integration(v2, api_id, "SQS-SendMessage", {
        "QueueUrl": queue, "MessageBody": "x", "MessageAttributes": "$request.body.meta"}))
    deploy(v2, api_id)
    # A mapped value SQS cannot take (attributes that are not a JSON map) fails the
    # integration in API Gateway itself, before SQS: 500.
    status, _, raw = call(nimbus, f"/_aws/execute-api/{api_id}/attrs", "POST", '{"meta": "plain"}',
                          {"Content-Type": "application/json"})
    assert (status, as_json(raw)) == (500, {"message": "Internal Server Error"})
    status, _, raw = call(nimbus, f"/_aws/execute-api/{api_id}/nowhere", "POST", "x")
    err = as_json(raw)["ErrorResponse"]
    assert status == 400
    assert err["Error"]["Code"] == "AWS.SimpleQueueService.NonExistentQueue"
    assert err["Error"]["Type"] == "Sender"
    for delay in ("1000", "soon"):  # out of SQS's range; not a number (SQS gets the text)
        status, _, raw = call(nimbus, f"/_aws/execute-api/{api_id}/bad?d={delay}", "POST", "x")
        assert (status, as_json(raw)["ErrorResponse"]["Error"]["Code"]) == (
            400, "InvalidParameterValue"), raw
    status, _, raw = call(nimbus, f"/_aws/execute-api/{api_id}/unmapped", "POST", "x")
    assert (status, as_json(raw)["ErrorResponse"]["Error"]["Code"]) == (400, "MissingParameter")


@pytest.mark.parametrize("cli", [ns.cli_v1, ns.cli_v2], ids=["cli-v1", "cli-v2"])
def test_cli_creates_a_send_message_integration(nimbus, sqs, api_id, queue, cli):
    out = cli(nimbus, "apigatewayv2", "create-integration", "--api-id", api_id,
                    "--integration-type", "AWS_PROXY", "--integration-subtype", "SQS-SendMessage",
                    "--payload-format-version", "1.0", "--credentials-arn", ROLE,
                    "--request-parameters",
                    json.dumps({"QueueUrl": queue, "MessageBody": "$request.body"}))
    assert (out["IntegrationSubtype"], out["PayloadFormatVersion"]) == ("SQS-SendMessage", "1.0")
    cli(nimbus, "apigatewayv2", "create-route", "--api-id", api_id, "--route-key", "POST /",
        "--target", "integrations/" + out["IntegrationId"])
    cli(nimbus, "apigatewayv2", "create-stage", "--api-id", api_id, "--stage-name", "$default",
        "--auto-deploy")
    status, _, raw = call(nimbus, f"/_aws/execute-api/{api_id}/", "POST", cli.__name__)
    assert status == 200, raw
    msgs = sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=1)["Messages"]
    assert [m["Body"] for m in msgs] == [cli.__name__]


def test_declared_http_api_queue_route_sends_to_the_queue(start_nimbus, tmp_path):
    # NIMBUS_CONFIG's `queue` route on an HTTP API is an SQS-SendMessage integration.
    config = tmp_path / "stack.json"
    config.write_text(json.dumps({
        "queues": [{"name": "declared-inbox"}],
        "apis": [{"name": "declared-http", "type": "http",
                  "routes": [{"route": "POST /inbox", "queue": "declared-inbox"}]}]}))
    server = start_nimbus(NIMBUS_CONFIG=str(config))
    v2 = client(server, "apigatewayv2")
    api = next(a for a in v2.get_apis()["Items"] if a["Name"] == "declared-http")
    integ = v2.get_integrations(ApiId=api["ApiId"])["Items"][0]
    assert (integ["IntegrationSubtype"], integ["PayloadFormatVersion"]) == ("SQS-SendMessage", "1.0")
    status, _, raw = call(server, f"/_aws/execute-api/{api['ApiId']}/inbox", "POST",
                          '{"order": 1}', {"Content-Type": "application/json"})
    assert status == 200, raw
    sqs = client(server, "sqs")
    url = sqs.get_queue_url(QueueName="declared-inbox")["QueueUrl"]
    msgs = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1)["Messages"]
    assert [m["Body"] for m in msgs] == ['{"order": 1}']
    assert msgs[0]["MessageId"] == as_json(raw)["SendMessageResponse"]["SendMessageResult"]["MessageId"]


def test_openapi_import_and_export_carry_the_subtype(nimbus, v2, sqs, queue):
    def definition(params):
        return json.dumps({
            "openapi": "3.0.1", "info": {"title": "sqs-import", "version": "1"},
            "paths": {"/events": {"post": {
                "responses": {"default": {"description": "ok"}},
                "x-amazon-apigateway-integration": {
                    "type": "aws_proxy", "integrationSubtype": "SQS-SendMessage",
                    "credentials": ROLE, "payloadFormatVersion": "1.0",
                    "requestParameters": params}}}}})
    with pytest.raises(ClientError) as e:
        v2.import_api(Body=definition({"QueueUrl": queue}))
    assert "MessageBody" in bad_request(e)
    api_id = v2.import_api(Body=definition({"QueueUrl": queue, "MessageBody": "$request.body"}))["ApiId"]
    try:
        integ = v2.get_integrations(ApiId=api_id)["Items"][0]
        assert (integ["IntegrationSubtype"], integ["CredentialsArn"], integ["PayloadFormatVersion"]) == (
            "SQS-SendMessage", ROLE, "1.0")
        deploy(v2, api_id)
        status, _, raw = call(nimbus, f"/_aws/execute-api/{api_id}/events", "POST", "imported")
        assert status == 200, raw
        msgs = sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=1)["Messages"]
        assert [m["Body"] for m in msgs] == ["imported"]
        exported = json.loads(v2.export_api(ApiId=api_id, OutputType="JSON", Specification="OAS30",
                                            IncludeExtensions=True)["body"].read())
        x = exported["paths"]["/events"]["post"]["x-amazon-apigateway-integration"]
        assert x["integrationSubtype"] == "SQS-SendMessage" and "uri" not in x
        assert x["requestParameters"] == {"QueueUrl": queue, "MessageBody": "$request.body"}
        assert x["credentials"] == ROLE
    finally:
        v2.delete_api(ApiId=api_id)


def test_sqs_integration_survives_a_restart(start_nimbus, tmp_path):
    data = str(tmp_path / "state")
    first = start_nimbus(PERSISTENCE="1", DATA_DIR=data)
    v2 = client(first, "apigatewayv2")
    queue_url = client(first, "sqs").create_queue(QueueName="kept-fc")["QueueUrl"]
    api_id = v2.create_api(Name="kept-sqs", ProtocolType="HTTP")["ApiId"]
    route(v2, api_id, "POST /", sqs_integration(v2, api_id, "SQS-SendMessage", {
        "QueueUrl": queue_url, "MessageBody": "$request.body"}, CredentialsArn=ROLE))
    deploy(v2, api_id)
    assert first.stop(signal.SIGTERM, timeout=5) == 0

    second = start_nimbus(PERSISTENCE="1", DATA_DIR=data)
    integ = client(second, "apigatewayv2").get_integrations(ApiId=api_id)["Items"][0]
    assert integ["IntegrationSubtype"] == "SQS-SendMessage"
    assert integ["RequestParameters"] == {"QueueUrl": queue_url, "MessageBody": "$request.body"}
    status, _, raw = call(second, f"/_aws/execute-api/{api_id}/", "POST", "after restart")
    assert status == 200, raw
    msgs = client(second, "sqs").receive_message(QueueUrl=queue_url, WaitTimeSeconds=1)["Messages"]
    assert [m["Body"] for m in msgs] == ["after restart"]


def test_region_parameter_reaches_a_queue_in_another_region(nimbus, v2, api_id):
    sqs_eu = boto3.client("sqs", endpoint_url=nimbus.url, region_name="eu-west-1",
                          aws_access_key_id="test", aws_secret_access_key="test")
    url = sqs_eu.create_queue(QueueName="apigw-eu-" + uuid.uuid4().hex[:6])["QueueUrl"]
    try:
        route(v2, api_id, "POST /eu", sqs_integration(v2, api_id, "SQS-SendMessage", {
            "QueueUrl": url, "MessageBody": "$request.body", "Region": "$request.header.x-region"}))
        route(v2, api_id, "POST /home", sqs_integration(v2, api_id, "SQS-SendMessage", {
            "QueueUrl": url, "MessageBody": "$request.body"}))
        deploy(v2, api_id)
        status, _, raw = call(nimbus, f"/_aws/execute-api/{api_id}/eu", "POST", "to eu",
                              {"X-Region": "eu-west-1"})
        assert status == 200, raw
        # Without Region the call goes to the API's own region, where no such queue exists.
        status, _, raw = call(nimbus, f"/_aws/execute-api/{api_id}/home", "POST", "nowhere")
        assert status == 400
        assert as_json(raw)["ErrorResponse"]["Error"]["Code"] == "AWS.SimpleQueueService.NonExistentQueue"
        msgs = sqs_eu.receive_message(QueueUrl=url, WaitTimeSeconds=1)["Messages"]
        assert [m["Body"] for m in msgs] == ["to eu"]
    finally:
        sqs_eu.delete_queue(QueueUrl=url)
