"""API Gateway HTTP APIs (v2): control plane through boto3 and the CLI, and invocations with
payload 2.0 (checked field by field against AWS's documented example), response inference,
routing, stages, JWT and Lambda authorizers, CORS, OpenAPI import, HTTP proxying."""
import base64
import http.server
import json
import threading
import time
import uuid

import pytest
from botocore.exceptions import ClientError

import nimbus_support as ns
from apigw_helpers import as_json, call, client, host_of, python_function

V2_ECHO = """
import json
def handler(event, context):
    path = event.get('rawPath', event.get('path', ''))
    if path.endswith('/plain'):
        return {'hello': 'world'}
    if path.endswith('/text'):
        return 'just text'
    if path.endswith('/broken'):
        return {'statusCode': 'abc', 'weird': 1}
    answer = {'statusCode': 200, 'headers': {'content-type': 'application/json', 'x-v': '2'},
              'body': json.dumps(event)}
    if event.get('version') == '2.0':
        answer['cookies'] = ['a=1; Path=/', 'b=2; HttpOnly']  # a 2.0-only member
    return answer
"""

# AWS's documented payload format 2.0 members (HTTP API Lambda proxy input).
V2_KEYS = {"version", "routeKey", "rawPath", "rawQueryString", "cookies", "headers",
           "queryStringParameters", "requestContext", "body", "pathParameters",
           "isBase64Encoded", "stageVariables"}
V2_CONTEXT_KEYS = {"accountId", "apiId", "domainName", "domainPrefix", "http", "requestId",
                   "routeKey", "stage", "time", "timeEpoch"}


@pytest.fixture(scope="module")
def v2(nimbus):
    return client(nimbus, "apigatewayv2")


@pytest.fixture(scope="module")
def echo(nimbus):
    return python_function(nimbus, V2_ECHO)


def error_of(excinfo):
    err = excinfo.value.response
    return err["Error"]["Code"], err["ResponseMetadata"]["HTTPStatusCode"]


def test_control_plane_crud_and_errors(v2, echo):
    api = v2.create_api(Name="http-crud", ProtocolType="HTTP", Tags={"t": "1"})
    api_id = api["ApiId"]
    assert len(api_id) == 10
    assert api["RouteSelectionExpression"] == "$request.method $request.path"
    assert api["ApiEndpoint"].startswith("http://" + api_id + ".execute-api.")
    integ = v2.create_integration(ApiId=api_id, IntegrationType="AWS_PROXY", IntegrationUri=echo,
                                  PayloadFormatVersion="2.0")
    assert integ["PayloadFormatVersion"] == "2.0" and integ["IntegrationMethod"] == "POST"
    route = v2.create_route(ApiId=api_id, RouteKey="GET /items/{id}",
                            Target="integrations/" + integ["IntegrationId"])
    assert route["RouteKey"] == "GET /items/{id}" and route["AuthorizationType"] == "NONE"
    with pytest.raises(ClientError) as e:
        v2.create_route(ApiId=api_id, RouteKey="GET /items/{id}")
    assert error_of(e) == ("ConflictException", 409)
    with pytest.raises(ClientError) as e:
        v2.create_route(ApiId=api_id, RouteKey="FETCH /x")
    assert error_of(e) == ("BadRequestException", 400)
    with pytest.raises(ClientError) as e:
        v2.get_route(ApiId=api_id, RouteId="nope")
    assert error_of(e) == ("NotFoundException", 404)
    upd = v2.update_route(ApiId=api_id, RouteId=route["RouteId"], RouteKey="GET /things/{id}")
    assert upd["RouteKey"] == "GET /things/{id}"
    assert [r["RouteId"] for r in v2.get_routes(ApiId=api_id)["Items"]] == [route["RouteId"]]
    stage = v2.create_stage(ApiId=api_id, StageName="dev", StageVariables={"a": "b"})
    assert stage["StageVariables"] == {"a": "b"} and stage["AutoDeploy"] is False
    with pytest.raises(ClientError) as e:
        v2.create_stage(ApiId=api_id, StageName="dev")
    assert error_of(e) == ("ConflictException", 409)
    dep = v2.create_deployment(ApiId=api_id, StageName="dev", Description="d1")
    assert dep["DeploymentStatus"] == "DEPLOYED" and dep["AutoDeployed"] is False
    assert v2.get_stage(ApiId=api_id, StageName="dev")["DeploymentId"] == dep["DeploymentId"]
    cors = v2.update_api(ApiId=api_id, CorsConfiguration={"AllowOrigins": ["*"]})
    assert cors["CorsConfiguration"] == {"AllowOrigins": ["*"]}
    v2.delete_cors_configuration(ApiId=api_id)
    assert "CorsConfiguration" not in v2.get_api(ApiId=api_id)
    arn = f"arn:aws:apigateway:us-east-1::/apis/{api_id}"
    v2.tag_resource(ResourceArn=arn, Tags={"u": "2"})
    v2.untag_resource(ResourceArn=arn, TagKeys=["t"])
    assert v2.get_tags(ResourceArn=arn)["Tags"] == {"u": "2"}
    v2.delete_route(ApiId=api_id, RouteId=route["RouteId"])
    v2.delete_integration(ApiId=api_id, IntegrationId=integ["IntegrationId"])
    v2.delete_stage(ApiId=api_id, StageName="dev")
    for get, key, label in ((v2.get_stage, {"StageName": "dev"}, "Stage"),
                            (v2.get_route, {"RouteId": route["RouteId"]}, "Route")):
        with pytest.raises(ClientError) as e:
            get(ApiId=api_id, **key)
        assert error_of(e) == ("NotFoundException", 404)
        assert e.value.response["Error"]["Message"] == \
            f"Invalid {label} identifier specified {list(key.values())[0]}"
    v2.delete_api(ApiId=api_id)
    with pytest.raises(ClientError) as e:
        v2.get_api(ApiId=api_id)
    assert error_of(e) == ("NotFoundException", 404)


def test_cli_creates_and_lists_http_apis(nimbus):
    api = ns.cli_v2(nimbus, "apigatewayv2", "create-api", "--name", "cli-http",
                    "--protocol-type", "HTTP")
    listed = ns.cli_v1(nimbus, "apigatewayv2", "get-apis")
    assert api["ApiId"] in {a["ApiId"] for a in listed["Items"]}
    ns.cli_v2(nimbus, "apigatewayv2", "delete-api", "--api-id", api["ApiId"])


def test_quick_create_payload_2_event_field_by_field(nimbus, v2, echo):
    api = v2.create_api(Name="quick", ProtocolType="HTTP", Target=echo)
    api_id = api["ApiId"]
    stage = v2.get_stage(ApiId=api_id, StageName="$default")
    assert stage["AutoDeploy"] is True and stage["DeploymentId"]
    status, headers, body = call(
        nimbus, "/my/path?parameter1=value1&parameter1=value2&parameter2=value", "POST",
        "Hello from Lambda", {"Content-Type": "text/plain", "Cookie": "cookie1; cookie2",
                              "Header1": "value1", "User-Agent": "agent/1"},
        host=host_of(api_id, nimbus.port))
    assert status == 200, body
    assert headers["x-v"] == "2"
    assert headers.get_all("Set-Cookie") == ["a=1; Path=/", "b=2; HttpOnly"]  # one field each
    event = as_json(body)
    assert set(event) <= V2_KEYS
    assert event["version"] == "2.0"
    assert event["routeKey"] == "$default"
    assert event["rawPath"] == "/my/path"
    assert event["rawQueryString"] == "parameter1=value1&parameter1=value2&parameter2=value"
    assert event["cookies"] == ["cookie1", "cookie2"]
    assert event["headers"]["header1"] == "value1"
    assert "cookie" not in event["headers"]
    assert event["queryStringParameters"] == {"parameter1": "value1,value2",
                                              "parameter2": "value"}
    assert event["body"] == "Hello from Lambda"
    assert event["isBase64Encoded"] is False
    assert "pathParameters" not in event and "stageVariables" not in event
    ctx = event["requestContext"]
    assert set(ctx) == V2_CONTEXT_KEYS
    assert ctx["accountId"] == "000000000000" and ctx["apiId"] == api_id
    assert ctx["domainName"] == f"{api_id}.execute-api.localhost.localstack.cloud"
    assert ctx["domainPrefix"] == api_id
    assert ctx["http"] == {"method": "POST", "path": "/my/path", "protocol": "HTTP/1.1",
                           "sourceIp": "127.0.0.1", "userAgent": "agent/1"}
    assert ctx["routeKey"] == "$default" and ctx["stage"] == "$default"
    assert time.strptime(ctx["time"], "%d/%b/%Y:%H:%M:%S +0000")
    assert abs(ctx["timeEpoch"] / 1000 - time.time()) < 60
    # The client address: the TCP peer, or the first X-Forwarded-For hop.
    _, _, body = call(nimbus, "/ip", host=host_of(api_id, nimbus.port),
                      headers={"X-Forwarded-For": "203.0.113.7, 10.0.0.1"})
    assert as_json(body)["requestContext"]["http"]["sourceIp"] == "203.0.113.7"
    # A binary body arrives base64-encoded.
    status, _, body = call(nimbus, "/bin", "POST", b"\x00\x01\xff",
                           {"Content-Type": "application/octet-stream"},
                           host=host_of(api_id, nimbus.port))
    event = as_json(body)
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == b"\x00\x01\xff"


def test_response_inference_and_errors(nimbus, v2, echo):
    api_id = v2.create_api(Name="infer", ProtocolType="HTTP", Target=echo)["ApiId"]
    status, headers, body = call(nimbus, f"/_aws/execute-api/{api_id}/plain")
    assert status == 200 and headers["Content-Type"] == "application/json"
    assert as_json(body) == {"hello": "world"}
    status, _, body = call(nimbus, f"/_aws/execute-api/{api_id}/text")
    assert status == 200 and body == b"just text"
    status, _, body = call(nimbus, f"/_aws/execute-api/{api_id}/broken")
    assert status == 500 and as_json(body) == {"message": "Internal Server Error"}


def test_routes_stages_and_payload_1_on_http_apis(nimbus, v2, echo):
    api_id = v2.create_api(Name="routes", ProtocolType="HTTP")["ApiId"]
    i2 = v2.create_integration(ApiId=api_id, IntegrationType="AWS_PROXY", IntegrationUri=echo,
                               PayloadFormatVersion="2.0")["IntegrationId"]
    i1 = v2.create_integration(ApiId=api_id, IntegrationType="AWS_PROXY", IntegrationUri=echo,
                               PayloadFormatVersion="1.0")["IntegrationId"]
    v2.create_route(ApiId=api_id, RouteKey="GET /items/{id}", Target="integrations/" + i2)
    v2.create_route(ApiId=api_id, RouteKey="ANY /{proxy+}", Target="integrations/" + i2)
    v2.create_route(ApiId=api_id, RouteKey="POST /v1style", Target="integrations/" + i1)
    v2.create_stage(ApiId=api_id, StageName="dev", AutoDeploy=True,
                    StageVariables={"env": "dev"})
    base = f"/_aws/execute-api/{api_id}/dev"
    status, _, body = call(nimbus, base + "/items/9")
    event = as_json(body)
    assert status == 200 and event["routeKey"] == "GET /items/{id}"
    assert event["pathParameters"] == {"id": "9"}
    assert event["stageVariables"] == {"env": "dev"}
    assert event["rawPath"] == "/dev/items/9"
    assert event["requestContext"]["stage"] == "dev"
    event = as_json(call(nimbus, base + "/items/9/x", "DELETE")[2])
    assert event["routeKey"] == "ANY /{proxy+}"
    assert event["pathParameters"] == {"proxy": "items/9/x"}
    status, _, body = call(nimbus, base + "/v1style?a=1", "POST", "{}")
    event = as_json(body)
    assert status == 200 and event["version"] == "1.0"
    assert event["httpMethod"] == "POST" and event["multiValueQueryStringParameters"] == {
        "a": ["1"]}
    # Auto-deploy: a new route serves at once; without a $default route an unknown path is 404.
    v2.delete_route(ApiId=api_id, RouteId=[r for r in v2.get_routes(ApiId=api_id)["Items"]
                                           if r["RouteKey"] == "ANY /{proxy+}"][0]["RouteId"])
    status, _, body = call(nimbus, base + "/nothing")
    assert status == 404 and as_json(body) == {"message": "Not Found"}


def jwt(claims):
    def b64(d):
        return base64.urlsafe_b64encode(json.dumps(d).encode()).rstrip(b"=").decode()
    return f"{b64({'alg': 'RS256', 'typ': 'JWT'})}.{b64(claims)}.c2ln"


def test_jwt_authorizer(nimbus, v2, echo):
    api_id = v2.create_api(Name="jwt", ProtocolType="HTTP", Target=echo)["ApiId"]
    auth = v2.create_authorizer(ApiId=api_id, AuthorizerType="JWT", Name="j",
                                IdentitySource=["$request.header.Authorization"],
                                JwtConfiguration={"Issuer": "https://issuer.example",
                                                  "Audience": ["my-app"]})
    route = [r for r in v2.get_routes(ApiId=api_id)["Items"]][0]
    v2.update_route(ApiId=api_id, RouteId=route["RouteId"], AuthorizationType="JWT",
                    AuthorizerId=auth["AuthorizerId"], AuthorizationScopes=["read"])
    url = f"/_aws/execute-api/{api_id}/x"
    good = {"iss": "https://issuer.example", "aud": "my-app", "sub": "u1", "scope": "read write",
            "exp": int(time.time()) + 600}
    assert call(nimbus, url)[0] == 401
    status, _, body = call(nimbus, url, headers={"Authorization": "Bearer " + jwt(good)})
    assert status == 200, body
    authz = as_json(body)["requestContext"]["authorizer"]["jwt"]
    assert authz["claims"]["sub"] == "u1" and authz["scopes"] == ["read", "write"]
    assert call(nimbus, url, headers={"Authorization": jwt({**good, "aud": "other"})})[0] == 401
    assert call(nimbus, url, headers={"Authorization": jwt({**good, "exp": 1})})[0] == 401
    assert call(nimbus, url, headers={"Authorization": jwt({**good, "scope": "write"})})[0] == 403


SIMPLE_AUTH = """
def handler(event, context):
    ok = event['headers'].get('x-key') == 'open-sesame'
    return {'isAuthorized': ok, 'context': {'who': 'tester'}}
"""


def test_lambda_request_authorizer_simple_responses(nimbus, v2, echo):
    auth_fn = python_function(nimbus, SIMPLE_AUTH)
    api_id = v2.create_api(Name="lauth", ProtocolType="HTTP", Target=echo)["ApiId"]
    auth = v2.create_authorizer(ApiId=api_id, AuthorizerType="REQUEST", Name="l",
                                AuthorizerUri=f"arn:aws:apigateway:us-east-1:lambda:path/"
                                              f"2015-03-31/functions/{auth_fn}/invocations",
                                IdentitySource=["$request.header.x-key"],
                                AuthorizerPayloadFormatVersion="2.0",
                                EnableSimpleResponses=True)
    route = v2.get_routes(ApiId=api_id)["Items"][0]
    v2.update_route(ApiId=api_id, RouteId=route["RouteId"], AuthorizationType="CUSTOM",
                    AuthorizerId=auth["AuthorizerId"])
    url = f"/_aws/execute-api/{api_id}/y"
    assert call(nimbus, url)[0] == 401
    assert call(nimbus, url, headers={"x-key": "wrong"})[0] == 403
    status, _, body = call(nimbus, url, headers={"x-key": "open-sesame"})
    assert status == 200
    assert as_json(body)["requestContext"]["authorizer"] == {"lambda": {"who": "tester"}}


def test_cors_configuration(nimbus, v2, echo):
    api_id = v2.create_api(Name="cors", ProtocolType="HTTP", Target=echo,
                           CorsConfiguration={"AllowOrigins": ["https://app.example"],
                                              "AllowMethods": ["GET", "POST"],
                                              "AllowHeaders": ["content-type"],
                                              "MaxAge": 300})["ApiId"]
    url = f"/_aws/execute-api/{api_id}/c"
    status, headers, _ = call(nimbus, url, "OPTIONS",
                              headers={"Origin": "https://app.example",
                                       "Access-Control-Request-Method": "POST"})
    assert status == 204
    assert headers["Access-Control-Allow-Origin"] == "https://app.example"
    assert headers["Access-Control-Allow-Methods"] == "GET,POST"
    assert headers["Access-Control-Allow-Headers"] == "content-type"
    assert headers["Access-Control-Max-Age"] == "300"
    status, headers, _ = call(nimbus, url, headers={"Origin": "https://app.example"})
    assert status == 200 and headers["Access-Control-Allow-Origin"] == "https://app.example"
    _, headers, _ = call(nimbus, url, headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in headers


def test_import_and_reimport(nimbus, v2, echo):
    definition = {
        "openapi": "3.0.1",
        "info": {"title": "imported-http", "version": "2"},
        "paths": {"/hello": {"get": {"x-amazon-apigateway-integration": {
            "type": "aws_proxy", "uri": echo, "payloadFormatVersion": "2.0",
            "httpMethod": "POST"}}}},
        "x-amazon-apigateway-cors": {"allowOrigins": ["*"]},
    }
    api = v2.import_api(Body=json.dumps(definition))
    assert api["Name"] == "imported-http" and api["CorsConfiguration"]["AllowOrigins"] == ["*"]
    routes = {r["RouteKey"] for r in v2.get_routes(ApiId=api["ApiId"])["Items"]}
    assert routes == {"GET /hello"}
    v2.create_stage(ApiId=api["ApiId"], StageName="$default", AutoDeploy=True)
    status, _, body = call(nimbus, f"/_aws/execute-api/{api['ApiId']}/hello")
    assert status == 200 and as_json(body)["routeKey"] == "GET /hello"
    definition["paths"] = {"/bye": definition["paths"]["/hello"]}
    v2.reimport_api(ApiId=api["ApiId"], Body=json.dumps(definition))
    routes = {r["RouteKey"] for r in v2.get_routes(ApiId=api["ApiId"])["Items"]}
    assert routes == {"GET /bye"}
    assert call(nimbus, f"/_aws/execute-api/{api['ApiId']}/bye")[0] == 200
    exported = json.loads(v2.export_api(ApiId=api["ApiId"], Specification="OAS30",
                                        OutputType="JSON")["body"].read())
    assert exported["info"]["title"] == "imported-http"
    x = exported["paths"]["/bye"]["get"]["x-amazon-apigateway-integration"]
    assert x["type"] == "aws_proxy" and x["uri"] == echo and x["payloadFormatVersion"] == "2.0"
    # The export imports again as the same API.
    again = v2.import_api(Body=json.dumps(exported))
    assert {r["RouteKey"] for r in v2.get_routes(ApiId=again["ApiId"])["Items"]} == {"GET /bye"}


class _Backend(http.server.BaseHTTPRequestHandler):
    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        payload = json.dumps({"method": self.command, "path": self.path,
                              "body": body.decode(), "x": self.headers.get("X-Custom")}).encode()
        self.send_response(202)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-Backend", "yes")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = _answer

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def backend():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Backend)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_http_proxy_integrations_v1_and_v2(nimbus, v2, backend):
    api_id = v2.create_api(Name="proxy", ProtocolType="HTTP")["ApiId"]
    integ = v2.create_integration(ApiId=api_id, IntegrationType="HTTP_PROXY",
                                  IntegrationUri=backend + "/backend/{proxy}",
                                  IntegrationMethod="ANY", PayloadFormatVersion="1.0")
    v2.create_route(ApiId=api_id, RouteKey="ANY /svc/{proxy+}",
                    Target="integrations/" + integ["IntegrationId"])
    v2.create_stage(ApiId=api_id, StageName="$default", AutoDeploy=True)
    status, headers, body = call(nimbus, f"/_aws/execute-api/{api_id}/svc/a/b?q=1", "POST",
                                 "payload", {"X-Custom": "c"})
    assert status == 202 and headers["X-Backend"] == "yes"
    assert as_json(body) == {"method": "POST", "path": "/backend/a/b?q=1", "body": "payload",
                             "x": "c"}
    apigw = client(nimbus, "apigateway")
    rest = apigw.create_rest_api(name="rest-proxy")
    res = apigw.create_resource(restApiId=rest["id"], parentId=rest["rootResourceId"],
                                pathPart="{proxy+}")
    apigw.put_method(restApiId=rest["id"], resourceId=res["id"], httpMethod="ANY",
                     authorizationType="NONE",
                     requestParameters={"method.request.path.proxy": True})
    apigw.put_integration(restApiId=rest["id"], resourceId=res["id"], httpMethod="ANY",
                          type="HTTP_PROXY", integrationHttpMethod="ANY",
                          uri=backend + "/rest/{proxy}",
                          requestParameters={"integration.request.path.proxy":
                                             "method.request.path.proxy"})
    apigw.create_deployment(restApiId=rest["id"], stageName="s")
    status, _, body = call(nimbus, f"/_aws/execute-api/{rest['id']}/s/x/y", "PUT", "z")
    assert status == 202
    assert as_json(body)["path"] == "/rest/x/y" and as_json(body)["body"] == "z"
