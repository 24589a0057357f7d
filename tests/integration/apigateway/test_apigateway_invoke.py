"""REST API (v1) invocations on the edge port: the three URL forms, routing, Lambda proxy
events and responses, MOCK, API keys, authorizers, request validation, and the two stories of
the issue (echo; inbox → SQS → Lambda → outbox)."""
import json
import os
import time
import uuid

import pytest

from apigw_helpers import (as_json, call, client, host_of, lambda_uri, python_function,
                           rest_api_with_proxy, wait_for)

ECHO = """
import json
def handler(event, context):
    body = event.get('body')
    status = 200
    if body:
        try:
            status = int(json.loads(body).get('status', 200))
        except Exception:
            pass
    if event['path'].endswith('/malformed'):
        return {'statusCode': 200, 'body': 'x', 'unexpected': True}
    if event['path'].endswith('/raise'):
        raise RuntimeError('boom')
    return {
        'statusCode': status,
        'headers': {'Content-Type': 'application/json', 'X-Echo': 'yes'},
        'multiValueHeaders': {'X-Multi': ['a', 'b']},
        'body': json.dumps({'event': event}),
    }
"""

# AWS's documented payload 1.0 members (REST API Lambda proxy input format).
V1_KEYS = {"resource", "path", "httpMethod", "headers", "multiValueHeaders",
           "queryStringParameters", "multiValueQueryStringParameters", "pathParameters",
           "stageVariables", "requestContext", "body", "isBase64Encoded"}
V1_CONTEXT_KEYS = {"resourceId", "resourcePath", "httpMethod", "extendedRequestId",
                   "requestTime", "path", "accountId", "protocol", "stage", "domainPrefix",
                   "requestTimeEpoch", "requestId", "identity", "domainName", "apiId"}


@pytest.fixture(scope="module")
def apigw(nimbus):
    return client(nimbus, "apigateway")


@pytest.fixture(scope="module")
def echo_arn(nimbus):
    return python_function(nimbus, ECHO)


@pytest.fixture(scope="module")
def echo_api(apigw, echo_arn):
    api_id, _ = rest_api_with_proxy(apigw, echo_arn, stage="test")
    return api_id


def test_echo_story_through_all_three_url_forms(nimbus, echo_api):
    forms = [
        ("/test/orders/7?x=1&x=2&y=3", host_of(echo_api, nimbus.port)),
        (f"/restapis/{echo_api}/test/_user_request_/orders/7?x=1&x=2&y=3", None),
        (f"/_aws/execute-api/{echo_api}/test/orders/7?x=1&x=2&y=3", None),
    ]
    for path, host in forms:
        status, headers, body = call(nimbus, path, "POST", json.dumps({"status": 201, "n": 1}),
                                     {"Content-Type": "application/json",
                                      "User-Agent": "echo-test"}, host=host)
        assert status == 201, body
        assert headers["X-Echo"] == "yes"
        assert headers["X-Multi"] == "a, b"
        event = as_json(body)["event"]
        assert set(event) == V1_KEYS
        assert event["resource"] == "/{proxy+}"
        assert event["path"] == "/orders/7"
        assert event["httpMethod"] == "POST"
        assert event["pathParameters"] == {"proxy": "orders/7"}
        assert event["queryStringParameters"] == {"x": "2", "y": "3"}
        assert event["multiValueQueryStringParameters"] == {"x": ["1", "2"], "y": ["3"]}
        assert event["headers"]["Content-Type"] == "application/json"
        assert event["multiValueHeaders"]["User-Agent"] == ["echo-test"]
        assert event["stageVariables"] is None
        assert json.loads(event["body"]) == {"status": 201, "n": 1}
        assert event["isBase64Encoded"] is False
        ctx = event["requestContext"]
        assert V1_CONTEXT_KEYS <= set(ctx)
        assert ctx["apiId"] == echo_api and ctx["stage"] == "test"
        assert ctx["path"] == "/test/orders/7"
        assert ctx["resourcePath"] == "/{proxy+}" and ctx["httpMethod"] == "POST"
        assert ctx["accountId"] == "000000000000" and ctx["protocol"] == "HTTP/1.1"
        assert ctx["identity"]["sourceIp"] == "127.0.0.1"
        assert ctx["identity"]["userAgent"] == "echo-test"
        assert ctx["identity"]["user"] is None
        assert isinstance(ctx["requestTimeEpoch"], int)
        assert headers["x-amzn-RequestId"] == ctx["requestId"]
        assert headers["x-amz-apigw-id"]


def test_get_without_body_has_null_collections(nimbus, echo_api):
    status, _, body = call(nimbus, f"/_aws/execute-api/{echo_api}/test/plain")
    assert status == 200
    event = as_json(body)["event"]
    assert event["body"] is None
    assert event["queryStringParameters"] is None
    assert event["multiValueQueryStringParameters"] is None


def test_malformed_or_failing_lambda_is_502(nimbus, echo_api):
    for path in ("malformed", "raise"):
        status, _, body = call(nimbus, f"/_aws/execute-api/{echo_api}/test/{path}")
        assert status == 502
        assert as_json(body) == {"message": "Internal server error"}


def test_unknown_route_stage_and_api(nimbus, apigw, echo_arn):
    api_id, _ = rest_api_with_proxy(apigw, echo_arn, path_part="only", method="GET",
                                    stage="dev")
    status, headers, body = call(nimbus, f"/_aws/execute-api/{api_id}/dev/other")
    assert status == 403 and as_json(body) == {"message": "Missing Authentication Token"}
    assert headers["x-amzn-ErrorType"] == "MissingAuthenticationTokenException"
    status, _, _ = call(nimbus, f"/_aws/execute-api/{api_id}/dev/only", "POST")
    assert status == 403
    status, _, _ = call(nimbus, "/dev/only", host=host_of("nosuchapi0", nimbus.port))
    assert status == 403
    status, _, _ = call(nimbus, f"/_aws/execute-api/{api_id}/nostage/only")
    assert status in (403, 404)


ROUTER = """
import json
def handler(event, context):
    return {'statusCode': 200, 'body': json.dumps({
        'resource': event['resource'], 'params': event['pathParameters'],
        'method': event['httpMethod'], 'stageVariables': event['stageVariables']})}
"""


def test_most_specific_resource_wins(nimbus, apigw):
    arn = python_function(nimbus, ROUTER)
    api = apigw.create_rest_api(name="routing")
    api_id, root = api["id"], api["rootResourceId"]

    def add(parent, part, methods=("GET",)):
        res = apigw.create_resource(restApiId=api_id, parentId=parent, pathPart=part)
        for m in methods:
            apigw.put_method(restApiId=api_id, resourceId=res["id"], httpMethod=m,
                             authorizationType="NONE")
            apigw.put_integration(restApiId=api_id, resourceId=res["id"], httpMethod=m,
                                  type="AWS_PROXY", integrationHttpMethod="POST",
                                  uri=lambda_uri(arn))
        return res["id"]

    items = add(root, "items")
    add(items, "{id}", ("GET", "ANY"))
    add(items, "special")
    add(root, "{proxy+}", ("ANY",))
    apigw.create_deployment(restApiId=api_id, stageName="v1", variables={"color": "blue"})

    def route(path, method="GET"):
        status, _, body = call(nimbus, f"/_aws/execute-api/{api_id}/v1{path}", method)
        assert status == 200, body
        return as_json(body)

    assert route("/items")["resource"] == "/items"
    assert route("/items/special")["resource"] == "/items/special"
    hit = route("/items/42")
    assert hit["resource"] == "/items/{id}" and hit["params"] == {"id": "42"}
    assert hit["stageVariables"] == {"color": "blue"}
    assert route("/items/42", "DELETE")["resource"] == "/items/{id}"  # ANY
    greedy = route("/a/b/c", "PUT")
    assert greedy["resource"] == "/{proxy+}" and greedy["params"] == {"proxy": "a/b/c"}
    assert route("/items/42/more")["resource"] == "/{proxy+}"
    # A deployment is a snapshot: a new method shows only after the next deployment.
    add(root, "late")
    assert route("/late")["resource"] == "/{proxy+}"
    apigw.create_deployment(restApiId=api_id, stageName="v1")
    assert route("/late")["resource"] == "/late"


def test_mock_integration_with_templates_and_cors_preflight(nimbus, apigw):
    api = apigw.create_rest_api(name="mock")
    api_id, root = api["id"], api["rootResourceId"]
    res = apigw.create_resource(restApiId=api_id, parentId=root, pathPart="status")
    apigw.put_method(restApiId=api_id, resourceId=res["id"], httpMethod="GET",
                     authorizationType="NONE")
    apigw.put_integration(restApiId=api_id, resourceId=res["id"], httpMethod="GET", type="MOCK",
                          requestTemplates={"application/json": '{"statusCode": 200}'})
    apigw.put_method_response(restApiId=api_id, resourceId=res["id"], httpMethod="GET",
                              statusCode="200",
                              responseParameters={"method.response.header.X-Mock": False})
    apigw.put_integration_response(
        restApiId=api_id, resourceId=res["id"], httpMethod="GET", statusCode="200",
        responseParameters={"method.response.header.X-Mock": "'yes'"},
        responseTemplates={"application/json":
                           '{"ok": true, "stage": "$context.stage", "q": "$input.params(\'q\')"}'})
    # CORS the REST API way: OPTIONS answered by a MOCK integration.
    apigw.put_method(restApiId=api_id, resourceId=res["id"], httpMethod="OPTIONS",
                     authorizationType="NONE")
    apigw.put_integration(restApiId=api_id, resourceId=res["id"], httpMethod="OPTIONS",
                          type="MOCK", requestTemplates={"application/json": '{"statusCode": 200}'})
    apigw.put_method_response(restApiId=api_id, resourceId=res["id"], httpMethod="OPTIONS",
                              statusCode="200", responseParameters={
                                  "method.response.header.Access-Control-Allow-Origin": False,
                                  "method.response.header.Access-Control-Allow-Methods": False})
    apigw.put_integration_response(
        restApiId=api_id, resourceId=res["id"], httpMethod="OPTIONS", statusCode="200",
        responseParameters={
            "method.response.header.Access-Control-Allow-Origin": "'*'",
            "method.response.header.Access-Control-Allow-Methods": "'GET,OPTIONS'"})
    apigw.create_deployment(restApiId=api_id, stageName="s")
    status, headers, body = call(nimbus, "/s/status?q=hi", host=host_of(api_id, nimbus.port))
    assert status == 200, body
    assert headers["X-Mock"] == "yes"
    assert as_json(body) == {"ok": True, "stage": "s", "q": "hi"}
    status, headers, _ = call(nimbus, "/s/status", "OPTIONS", host=host_of(api_id, nimbus.port),
                              headers={"Origin": "http://x.example",
                                       "Access-Control-Request-Method": "GET"})
    assert status == 200
    assert headers["Access-Control-Allow-Origin"] == "*"
    assert headers["Access-Control-Allow-Methods"] == "GET,OPTIONS"


def test_api_key_required(nimbus, apigw, echo_arn):
    api = apigw.create_rest_api(name="keyed")
    api_id, root = api["id"], api["rootResourceId"]
    res = apigw.create_resource(restApiId=api_id, parentId=root, pathPart="secret")
    apigw.put_method(restApiId=api_id, resourceId=res["id"], httpMethod="GET",
                     authorizationType="NONE", apiKeyRequired=True)
    apigw.put_integration(restApiId=api_id, resourceId=res["id"], httpMethod="GET",
                          type="AWS_PROXY", integrationHttpMethod="POST", uri=lambda_uri(echo_arn))
    apigw.create_deployment(restApiId=api_id, stageName="p")
    key = apigw.create_api_key(name="k-" + uuid.uuid4().hex[:6], enabled=True)
    plan = apigw.create_usage_plan(name="plan", apiStages=[{"apiId": api_id, "stage": "p"}])
    url = f"/_aws/execute-api/{api_id}/p/secret"
    status, _, body = call(nimbus, url)
    assert status == 403 and as_json(body) == {"message": "Forbidden"}
    status, _, _ = call(nimbus, url, headers={"x-api-key": key["value"]})
    assert status == 403  # the key is in no usage plan yet
    apigw.create_usage_plan_key(usagePlanId=plan["id"], keyId=key["id"], keyType="API_KEY")
    status, _, body = call(nimbus, url, headers={"x-api-key": key["value"]})
    assert status == 200
    identity = as_json(body)["event"]["requestContext"]["identity"]
    assert identity["apiKey"] == key["value"] and identity["apiKeyId"] == key["id"]
    status, _, _ = call(nimbus, url, headers={"x-api-key": "wrong" * 5})
    assert status == 403
    # The plan's quota and throttle apply per key.
    apigw.update_usage_plan(usagePlanId=plan["id"], patchOperations=[
        {"op": "replace", "path": "/quota/limit", "value": "2"},
        {"op": "replace", "path": "/quota/period", "value": "DAY"}])
    codes = [call(nimbus, url, headers={"x-api-key": key["value"]})[0] for _ in range(3)]
    assert codes == [200, 200, 429]
    status, _, body = call(nimbus, url, headers={"x-api-key": key["value"]})
    assert status == 429 and as_json(body) == {"message": "Limit Exceeded"}
    throttled = apigw.create_usage_plan(name="slow", apiStages=[{"apiId": api_id, "stage": "p"}],
                                        throttle={"rateLimit": 0.01, "burstLimit": 1})
    other = apigw.create_api_key(name="k2-" + uuid.uuid4().hex[:6], enabled=True)
    apigw.create_usage_plan_key(usagePlanId=throttled["id"], keyId=other["id"],
                                keyType="API_KEY")
    assert call(nimbus, url, headers={"x-api-key": other["value"]})[0] == 200
    status, _, body = call(nimbus, url, headers={"x-api-key": other["value"]})
    assert status == 429 and as_json(body) == {"message": "Too Many Requests"}


AUTHORIZER = """
import json
def handler(event, context):
    with open('/tmp/apigw-auth-calls-' + context.function_name, 'a') as f:
        f.write(json.dumps(event) + '\\n')
    token = event.get('authorizationToken') or (event.get('headers') or {}).get('X-Token', '')
    if token == 'fail':
        raise Exception('Unauthorized')
    effect = 'Allow' if token.startswith('allow') else 'Deny'
    return {
        'principalId': 'user-' + token,
        'policyDocument': {'Version': '2012-10-17', 'Statement': [
            {'Action': 'execute-api:Invoke', 'Effect': effect,
             'Resource': event['methodArn'].rsplit('/', 2)[0] + '/*'}]},
        'context': {'tier': 'gold', 'n': 3, 'flag': True},
    }
"""


def authorizer_calls(name):
    try:
        with open("/tmp/apigw-auth-calls-" + name) as f:
            return [json.loads(line) for line in f]
    except FileNotFoundError:
        return []


@pytest.mark.parametrize("kind", ["TOKEN", "REQUEST"])
def test_lambda_authorizer_allows_denies_and_caches(nimbus, apigw, echo_arn, kind):
    name = "auth-" + uuid.uuid4().hex[:8]
    auth_arn = python_function(nimbus, AUTHORIZER, name=name)
    api = apigw.create_rest_api(name="authz")
    api_id, root = api["id"], api["rootResourceId"]
    source = ("method.request.header.Authorization" if kind == "TOKEN"
              else "method.request.header.X-Token")
    auth = apigw.create_authorizer(restApiId=api_id, name="a", type=kind,
                                   authorizerUri=lambda_uri(auth_arn), identitySource=source,
                                   authorizerResultTtlInSeconds=300)
    res = apigw.create_resource(restApiId=api_id, parentId=root, pathPart="private")
    apigw.put_method(restApiId=api_id, resourceId=res["id"], httpMethod="GET",
                     authorizationType="CUSTOM", authorizerId=auth["id"])
    apigw.put_integration(restApiId=api_id, resourceId=res["id"], httpMethod="GET",
                          type="AWS_PROXY", integrationHttpMethod="POST", uri=lambda_uri(echo_arn))
    apigw.create_deployment(restApiId=api_id, stageName="s")
    url = f"/_aws/execute-api/{api_id}/s/private"
    header = "Authorization" if kind == "TOKEN" else "X-Token"

    status, _, body = call(nimbus, url)
    assert status == 401 and as_json(body) == {"message": "Unauthorized"}
    status, _, body = call(nimbus, url, headers={header: "allow-1"})
    assert status == 200, body
    ctx = as_json(body)["event"]["requestContext"]["authorizer"]
    assert ctx["principalId"] == "user-allow-1"
    assert ctx["tier"] == "gold" and ctx["n"] == 3 and ctx["flag"] is True
    status, _, body = call(nimbus, url, headers={header: "deny-1"})
    assert status == 403
    assert as_json(body) == {
        "Message": "User is not authorized to access this resource with an explicit deny"}
    status, _, _ = call(nimbus, url, headers={header: "fail"})
    assert status == 401
    calls = authorizer_calls(name)
    assert calls[0]["type"] == kind
    assert calls[0]["methodArn"] == (
        f"arn:aws:execute-api:us-east-1:000000000000:{api_id}/s/GET/private")
    if kind == "TOKEN":
        assert calls[0]["authorizationToken"] == "allow-1"
    else:
        assert calls[0]["headers"]["X-Token"] == "allow-1"
    # Cached for the TTL: the same identity does not call the function again.
    before = len(authorizer_calls(name))
    assert call(nimbus, url, headers={header: "allow-1"})[0] == 200
    assert len(authorizer_calls(name)) == before
    apigw.flush_stage_authorizers_cache(restApiId=api_id, stageName="s")
    assert call(nimbus, url, headers={header: "allow-1"})[0] == 200
    assert len(authorizer_calls(name)) == before + 1
    os.remove("/tmp/apigw-auth-calls-" + name)


def test_request_validator_rejects_missing_parameters(nimbus, apigw, echo_arn):
    api = apigw.create_rest_api(name="validated")
    api_id, root = api["id"], api["rootResourceId"]
    validator = apigw.create_request_validator(restApiId=api_id, name="all",
                                               validateRequestParameters=True,
                                               validateRequestBody=True)
    apigw.create_model(restApiId=api_id, name="Order", contentType="application/json",
                       schema=json.dumps({"type": "object", "required": ["item"],
                                          "properties": {"item": {"type": "string"}}}))
    res = apigw.create_resource(restApiId=api_id, parentId=root, pathPart="orders")
    apigw.put_method(restApiId=api_id, resourceId=res["id"], httpMethod="POST",
                     authorizationType="NONE", requestValidatorId=validator["id"],
                     requestParameters={"method.request.querystring.store": True,
                                        "method.request.header.X-Client": True},
                     requestModels={"application/json": "Order"})
    apigw.put_integration(restApiId=api_id, resourceId=res["id"], httpMethod="POST",
                          type="AWS_PROXY", integrationHttpMethod="POST", uri=lambda_uri(echo_arn))
    apigw.create_deployment(restApiId=api_id, stageName="s")
    url = f"/_aws/execute-api/{api_id}/s/orders"
    good = json.dumps({"item": "book"})
    status, _, body = call(nimbus, url, "POST", good, {"Content-Type": "application/json"})
    assert status == 400
    assert as_json(body)["message"].startswith("Missing required request parameters: [")
    status, _, body = call(nimbus, url + "?store=1", "POST", json.dumps({"other": 1}),
                           {"Content-Type": "application/json", "X-Client": "c"})
    assert status == 400 and as_json(body) == {"message": "Invalid request body"}
    status, _, _ = call(nimbus, url + "?store=1", "POST", good,
                        {"Content-Type": "application/json", "X-Client": "c"})
    assert status == 200


PROCESSOR = """
import json, os, boto3
def handler(event, context):
    sqs = boto3.client('sqs')
    for record in event['Records']:
        body = json.loads(record['body'])
        body['processed'] = True
        sqs.send_message(QueueUrl=os.environ['OUTBOX_URL'], MessageBody=json.dumps(body))
    return {}
"""

READER = """
import json, os, boto3
def handler(event, context):
    sqs = boto3.client('sqs')
    got = sqs.receive_message(QueueUrl=os.environ['OUTBOX_URL'], WaitTimeSeconds=5,
                              MaxNumberOfMessages=1)
    messages = got.get('Messages', [])
    if not messages:
        return {'statusCode': 404, 'body': json.dumps({'message': 'empty'})}
    sqs.delete_message(QueueUrl=os.environ['OUTBOX_URL'],
                       ReceiptHandle=messages[0]['ReceiptHandle'])
    return {'statusCode': 200, 'headers': {'Content-Type': 'application/json'},
            'body': messages[0]['Body']}
"""


def test_inbox_outbox_story(nimbus, apigw):
    sqs = client(nimbus, "sqs")
    lam = client(nimbus, "lambda")
    suffix = uuid.uuid4().hex[:6]
    inbox = sqs.create_queue(QueueName="inbox-" + suffix)["QueueUrl"]
    outbox = sqs.create_queue(QueueName="outbox-" + suffix)["QueueUrl"]
    inbox_arn = sqs.get_queue_attributes(QueueUrl=inbox, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    processor = python_function(nimbus, PROCESSOR, env={"OUTBOX_URL": outbox})
    lam.create_event_source_mapping(EventSourceArn=inbox_arn, FunctionName=processor,
                                    BatchSize=1)
    reader = python_function(nimbus, READER, env={"OUTBOX_URL": outbox})

    api = apigw.create_rest_api(name="inbox-outbox")
    api_id, root = api["id"], api["rootResourceId"]
    inbox_res = apigw.create_resource(restApiId=api_id, parentId=root, pathPart="inbox")
    apigw.put_method(restApiId=api_id, resourceId=inbox_res["id"], httpMethod="POST",
                     authorizationType="NONE")
    apigw.put_integration(
        restApiId=api_id, resourceId=inbox_res["id"], httpMethod="POST", type="AWS",
        integrationHttpMethod="POST",
        uri=f"arn:aws:apigateway:us-east-1:sqs:path/000000000000/inbox-{suffix}",
        requestParameters={"integration.request.header.Content-Type":
                           "'application/x-www-form-urlencoded'"},
        requestTemplates={"application/json":
                          "Action=SendMessage&MessageBody=$util.urlEncode($input.body)"},
        passthroughBehavior="NEVER")
    apigw.put_method_response(restApiId=api_id, resourceId=inbox_res["id"], httpMethod="POST",
                              statusCode="200")
    apigw.put_integration_response(
        restApiId=api_id, resourceId=inbox_res["id"], httpMethod="POST", statusCode="200",
        responseTemplates={"application/json":
                           '{"messageId": "$input.path(\'$.SendMessageResponse.'
                           'SendMessageResult.MessageId\')"}'})
    outbox_res = apigw.create_resource(restApiId=api_id, parentId=root, pathPart="outbox")
    apigw.put_method(restApiId=api_id, resourceId=outbox_res["id"], httpMethod="GET",
                     authorizationType="NONE")
    apigw.put_integration(restApiId=api_id, resourceId=outbox_res["id"], httpMethod="GET",
                          type="AWS_PROXY", integrationHttpMethod="POST", uri=lambda_uri(reader))
    apigw.create_deployment(restApiId=api_id, stageName="prod")
    host = host_of(api_id, nimbus.port)

    order = {"order": 42, "item": "tea & cake"}
    status, _, body = call(nimbus, "/prod/inbox", "POST", json.dumps(order),
                           {"Content-Type": "application/json"}, host=host)
    assert status == 200, body
    message_id = as_json(body)["messageId"]
    assert len(message_id) == 36

    def fetch():
        status, _, body = call(nimbus, "/prod/outbox", host=host)
        return as_json(body) if status == 200 else None

    got = wait_for(fetch, timeout=40)
    assert got == {**order, "processed": True}
    # NEVER passthrough: a content type without a template is refused.
    status, _, body = call(nimbus, "/prod/inbox", "POST", "a=b",
                           {"Content-Type": "application/x-www-form-urlencoded"}, host=host)
    assert status == 415


def test_import_and_export_openapi(nimbus, apigw, echo_arn):
    definition = {
        "openapi": "3.0.1",
        "info": {"title": "imported", "version": "1.0"},
        "paths": {
            "/pets/{petId}": {
                "get": {
                    "parameters": [{"name": "petId", "in": "path", "required": True,
                                    "schema": {"type": "string"}}],
                    "responses": {"200": {"description": "ok"}},
                    "x-amazon-apigateway-integration": {
                        "type": "aws_proxy", "httpMethod": "POST",
                        "uri": lambda_uri(echo_arn)}},
            },
            "/health": {
                "get": {
                    "responses": {"200": {"description": "ok"}},
                    "x-amazon-apigateway-integration": {
                        "type": "mock",
                        "requestTemplates": {"application/json": '{"statusCode": 200}'},
                        "responses": {"default": {
                            "statusCode": "200",
                            "responseTemplates": {"application/json": '{"healthy": true}'}}}}},
            },
        },
        "components": {"schemas": {"Pet": {"type": "object"}}},
    }
    api = apigw.import_rest_api(body=json.dumps(definition).encode())
    assert api["name"] == "imported" and api["version"] == "1.0"
    paths = {r["path"] for r in apigw.get_resources(restApiId=api["id"])["items"]}
    assert paths == {"/", "/pets", "/pets/{petId}", "/health"}
    assert "Pet" in {m["name"] for m in apigw.get_models(restApiId=api["id"])["items"]}
    apigw.create_deployment(restApiId=api["id"], stageName="v1")
    status, _, body = call(nimbus, f"/_aws/execute-api/{api['id']}/v1/pets/7")
    assert status == 200
    assert as_json(body)["event"]["pathParameters"] == {"petId": "7"}
    status, _, body = call(nimbus, f"/_aws/execute-api/{api['id']}/v1/health")
    assert status == 200 and as_json(body) == {"healthy": True}
    exported = apigw.get_export(restApiId=api["id"], stageName="v1", exportType="oas30",
                                parameters={"extensions": "integrations"})
    doc = json.loads(exported["body"].read())
    assert doc["openapi"] == "3.0.1" and doc["info"]["title"] == "imported"
    assert doc["paths"]["/pets/{petId}"]["get"]["x-amazon-apigateway-integration"]["type"] == \
        "aws_proxy"
    swagger = json.loads(apigw.get_export(restApiId=api["id"], stageName="v1",
                                          exportType="swagger")["body"].read())
    assert swagger["swagger"] == "2.0" and swagger["basePath"] == "/v1"
    # PutRestApi overwrite replaces the resources.
    definition["paths"] = {"/only": definition["paths"]["/health"]}
    apigw.put_rest_api(restApiId=api["id"], mode="overwrite",
                       body=json.dumps(definition).encode())
    paths = {r["path"] for r in apigw.get_resources(restApiId=api["id"])["items"]}
    assert paths == {"/", "/only"}


def test_echo_story_with_a_go_provided_function(nimbus, apigw):
    from apigw_helpers import ROLE, go_echo_zip
    lam = client(nimbus, "lambda")
    name = "go-echo-" + uuid.uuid4().hex[:6]
    arn = lam.create_function(FunctionName=name, Runtime="provided.al2023", Handler="bootstrap",
                              Role=ROLE, Code={"ZipFile": go_echo_zip()})["FunctionArn"]
    lam.get_waiter("function_active_v2").wait(FunctionName=name)
    api_id, _ = rest_api_with_proxy(apigw, arn, stage="live")
    status, headers, body = call(nimbus, "/live/greet/you?status=202", "POST", "hello go",
                                 {"Content-Type": "text/plain"},
                                 host=host_of(api_id, nimbus.port))
    assert status == 202, body
    assert headers["X-Runtime"] == "go"
    assert as_json(body) == {"body": "hello go", "path": "/greet/you", "resource": "/{proxy+}",
                             "method": "POST", "stage": "live", "proxy": "greet/you"}


def test_gateway_responses_shape_api_gateway_errors(nimbus, apigw, echo_arn):
    api_id, res_id = rest_api_with_proxy(apigw, echo_arn, path_part="open", method="GET",
                                         stage="g")
    apigw.put_gateway_response(
        restApiId=api_id, responseType="DEFAULT_4XX",
        responseParameters={"gatewayresponse.header.Access-Control-Allow-Origin": "'*'"})
    apigw.put_gateway_response(
        restApiId=api_id, responseType="MISSING_AUTHENTICATION_TOKEN", statusCode="404",
        responseParameters={"gatewayresponse.header.X-Kind": "'missing'"},
        responseTemplates={"application/json":
                           '{"error": $context.error.messageString, '
                           '"type": "$context.error.responseType"}'})
    apigw.create_deployment(restApiId=api_id, stageName="g")
    status, headers, body = call(nimbus, f"/_aws/execute-api/{api_id}/g/nowhere")
    assert status == 404 and headers["X-Kind"] == "missing"
    assert as_json(body) == {"error": "Missing Authentication Token",
                             "type": "MISSING_AUTHENTICATION_TOKEN"}
    assert "x-nimbus-gateway-error" not in headers
    # Another 4xx takes DEFAULT_4XX: the CORS header is added, status and body kept.
    apigw.update_method(restApiId=api_id, resourceId=res_id, httpMethod="GET",
                        patchOperations=[{"op": "replace", "path": "/apiKeyRequired",
                                          "value": "true"}])
    apigw.create_deployment(restApiId=api_id, stageName="g")
    status, headers, body = call(nimbus, f"/_aws/execute-api/{api_id}/g/open")
    assert status == 403 and headers["Access-Control-Allow-Origin"] == "*"
    assert as_json(body) == {"message": "Forbidden"}
    # An integration's own answer is never rewritten.
    apigw.update_method(restApiId=api_id, resourceId=res_id, httpMethod="GET",
                        patchOperations=[{"op": "replace", "path": "/apiKeyRequired",
                                          "value": "false"}])
    apigw.create_deployment(restApiId=api_id, stageName="g")
    status, headers, _ = call(nimbus, f"/_aws/execute-api/{api_id}/g/open")
    assert status == 200 and "Access-Control-Allow-Origin" not in headers


BINARY = """
def handler(event, context):
    return {'statusCode': 200, 'headers': {'Content-Type': 'image/png'},
            'body': 'iVBORw0KGgo=', 'isBase64Encoded': True}
"""


def test_binary_responses_follow_binary_media_types(nimbus, apigw):
    arn = python_function(nimbus, BINARY)
    api_id, _ = rest_api_with_proxy(apigw, arn, stage="b")
    url = f"/_aws/execute-api/{api_id}/b/img"
    status, _, body = call(nimbus, url, headers={"Accept": "image/png"})
    assert status == 200 and body == b"iVBORw0KGgo="  # no binary media types: text
    apigw.update_rest_api(restApiId=api_id, patchOperations=[
        {"op": "add", "path": "/binaryMediaTypes/image~1png"}])
    apigw.create_deployment(restApiId=api_id, stageName="b")
    status, _, body = call(nimbus, url, headers={"Accept": "text/html, image/png"})
    assert status == 200 and body == b"\x89PNG\r\n\x1a\n"


def test_aws_iam_methods_need_a_signature(nimbus, apigw, echo_arn):
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
    api = apigw.create_rest_api(name="iam")
    res = apigw.create_resource(restApiId=api["id"], parentId=api["rootResourceId"],
                                pathPart="signed")
    apigw.put_method(restApiId=api["id"], resourceId=res["id"], httpMethod="GET",
                     authorizationType="AWS_IAM")
    apigw.put_integration(restApiId=api["id"], resourceId=res["id"], httpMethod="GET",
                          type="AWS_PROXY", integrationHttpMethod="POST", uri=lambda_uri(echo_arn))
    apigw.create_deployment(restApiId=api["id"], stageName="s")
    path = f"/_aws/execute-api/{api['id']}/s/signed"
    status, _, body = call(nimbus, path)
    assert status == 403 and as_json(body) == {"message": "Missing Authentication Token"}
    req = AWSRequest(method="GET", url=nimbus.url + path)
    SigV4Auth(Credentials("test", "test"), "execute-api", "us-east-1").add_auth(req)
    status, _, _ = call(nimbus, path, headers=dict(req.headers))
    assert status == 200
