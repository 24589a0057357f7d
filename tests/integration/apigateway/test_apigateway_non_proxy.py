"""Non-proxy integrations with mapping templates (VTL): AWS → Lambda with integration responses
chosen by selectionPattern on the error message, and HTTP with parameter mapping and responses
chosen by the backend's status."""
import http.server
import json
import threading

import pytest

from apigw_helpers import as_json, call, client, lambda_uri, python_function

CALCULATOR = """
def handler(event, context):
    if event.get('op') == 'div' and event['b'] == 0:
        raise ValueError('BadInput: division by zero')
    if event.get('op') == 'crash':
        raise RuntimeError('Internal: crashed')
    ops = {'add': event['a'] + event['b'], 'div': event['a'] / max(event['b'], 1)}
    return {'result': ops[event['op']], 'caller': event['caller'], 'stage': event['stage']}
"""


@pytest.fixture(scope="module")
def apigw(nimbus):
    return client(nimbus, "apigateway")


def test_aws_lambda_integration_with_templates_and_selection_patterns(nimbus, apigw):
    fn = python_function(nimbus, CALCULATOR)
    api = apigw.create_rest_api(name="calc")
    api_id, root = api["id"], api["rootResourceId"]
    res = apigw.create_resource(restApiId=api_id, parentId=root, pathPart="{op}")
    apigw.put_method(restApiId=api_id, resourceId=res["id"], httpMethod="POST",
                     authorizationType="NONE")
    template = """#set($body = $input.path('$'))
{
  "op": "$input.params('op')",
  "a": $body.a,
  "b": $body.b,
  "caller": "$util.escapeJavaScript($input.params('X-Caller'))",
  "stage": "$context.stage"
}"""
    apigw.put_integration(restApiId=api_id, resourceId=res["id"], httpMethod="POST", type="AWS",
                          integrationHttpMethod="POST", uri=lambda_uri(fn),
                          requestTemplates={"application/json": template})
    for status in ("200", "400", "500"):
        apigw.put_method_response(restApiId=api_id, resourceId=res["id"], httpMethod="POST",
                                  statusCode=status)
    apigw.put_integration_response(
        restApiId=api_id, resourceId=res["id"], httpMethod="POST", statusCode="200",
        responseTemplates={"application/json":
                           '{"answer": $input.json(\'$.result\'), "who": "$util.escapeJavaScript($input.path(\'$.caller\'))"}'})
    apigw.put_integration_response(
        restApiId=api_id, resourceId=res["id"], httpMethod="POST", statusCode="400",
        selectionPattern="BadInput:.*",
        responseTemplates={"application/json":
                           '{"error": "$util.escapeJavaScript($input.path(\'$.errorMessage\'))"}'})
    apigw.put_integration_response(
        restApiId=api_id, resourceId=res["id"], httpMethod="POST", statusCode="500",
        selectionPattern="Internal:.*")
    apigw.create_deployment(restApiId=api_id, stageName="calc")
    base = f"/_aws/execute-api/{api_id}/calc"
    headers = {"Content-Type": "application/json", "X-Caller": 'me "quoted"'}
    status, _, body = call(nimbus, base + "/add", "POST", json.dumps({"a": 2, "b": 3}), headers)
    assert status == 200, body
    assert as_json(body) == {"answer": 5, "who": 'me "quoted"'}
    status, _, body = call(nimbus, base + "/div", "POST", json.dumps({"a": 1, "b": 0}), headers)
    assert status == 400, body
    assert as_json(body) == {"error": "BadInput: division by zero"}
    status, _, body = call(nimbus, base + "/crash", "POST", json.dumps({"a": 1, "b": 1}),
                           headers | {"X-Op": "x"})
    assert status == 500
    assert as_json(body)["errorMessage"] == "Internal: crashed"  # passthrough, no template
    # A body the request template cannot read as JSON is the client's error, as with AWS.
    status, _, body = call(nimbus, base + "/add", "POST", "{not json", headers)
    assert status == 400, body
    assert as_json(body)["message"].startswith("Could not parse request body into json")


class _Backend(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        code = 404 if "missing" in self.path else 200
        payload = json.dumps({"path": self.path, "auth": self.headers.get("X-Backend-Key"),
                              "items": [{"n": 1}, {"n": 2}]}).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-Trace", "t-1")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def backend():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Backend)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_http_integration_with_mapping(nimbus, apigw, backend):
    api = apigw.create_rest_api(name="http-mapped")
    api_id, root = api["id"], api["rootResourceId"]
    res = apigw.create_resource(restApiId=api_id, parentId=root, pathPart="{name}")
    apigw.put_method(restApiId=api_id, resourceId=res["id"], httpMethod="GET",
                     authorizationType="NONE",
                     requestParameters={"method.request.path.name": True,
                                        "method.request.querystring.limit": False})
    apigw.put_integration(
        restApiId=api_id, resourceId=res["id"], httpMethod="GET", type="HTTP",
        integrationHttpMethod="GET", uri=backend + "/things/{thing}",
        requestParameters={"integration.request.path.thing": "method.request.path.name",
                           "integration.request.querystring.max": "method.request.querystring.limit",
                           "integration.request.header.X-Backend-Key": "stageVariables.key"})
    apigw.put_method_response(restApiId=api_id, resourceId=res["id"], httpMethod="GET",
                              statusCode="200",
                              responseParameters={"method.response.header.X-Trace": False})
    apigw.put_method_response(restApiId=api_id, resourceId=res["id"], httpMethod="GET",
                              statusCode="404")
    apigw.put_integration_response(
        restApiId=api_id, resourceId=res["id"], httpMethod="GET", statusCode="200",
        responseParameters={"method.response.header.X-Trace": "integration.response.header.X-Trace"},
        responseTemplates={"application/json": """#set($root = $input.path('$'))
{"path": "$root.path", "key": "$root.auth", "count": $root.items.size(), "ns": [#foreach($i in $root.items)$i.n#if($foreach.hasNext),#end#end]}"""})
    apigw.put_integration_response(restApiId=api_id, resourceId=res["id"], httpMethod="GET",
                                   statusCode="404", selectionPattern="4\\d\\d",
                                   responseTemplates={"application/json": '{"found": false}'})
    apigw.create_deployment(restApiId=api_id, stageName="h", variables={"key": "sekret"})
    status, headers, body = call(nimbus, f"/_aws/execute-api/{api_id}/h/widget?limit=5")
    assert status == 200, body
    assert headers["X-Trace"] == "t-1"
    assert as_json(body) == {"path": "/things/widget?max=5", "key": "sekret", "count": 2,
                             "ns": [1, 2]}
    status, _, body = call(nimbus, f"/_aws/execute-api/{api_id}/h/missing")
    assert status == 404 and as_json(body) == {"found": False}


RECORDER = """
import json
def handler(event, context):
    with open('/tmp/apigw-async-' + event['tag'], 'w') as f:
        json.dump(event, f)
    return {'done': True}
"""


def test_asynchronous_lambda_invocation_through_x_amz_invocation_type(nimbus, apigw):
    import os
    import uuid
    from apigw_helpers import wait_for
    fn = python_function(nimbus, RECORDER)
    api = apigw.create_rest_api(name="async")
    api_id, root = api["id"], api["rootResourceId"]
    apigw.put_method(restApiId=api_id, resourceId=root, httpMethod="POST",
                     authorizationType="NONE")
    apigw.put_integration(restApiId=api_id, resourceId=root, httpMethod="POST", type="AWS",
                          integrationHttpMethod="POST", uri=lambda_uri(fn),
                          requestParameters={"integration.request.header.X-Amz-Invocation-Type":
                                             "'Event'"})
    apigw.put_method_response(restApiId=api_id, resourceId=root, httpMethod="POST",
                              statusCode="202")
    apigw.put_integration_response(restApiId=api_id, resourceId=root, httpMethod="POST",
                                   statusCode="202",
                                   responseTemplates={"application/json": '{"queued": true}'})
    apigw.create_deployment(restApiId=api_id, stageName="a")
    tag = uuid.uuid4().hex
    status, _, body = call(nimbus, f"/_aws/execute-api/{api_id}/a/", "POST",
                           json.dumps({"tag": tag}), {"Content-Type": "application/json"})
    assert status == 202 and as_json(body) == {"queued": True}
    path = "/tmp/apigw-async-" + tag
    wait_for(lambda: os.path.exists(path) and os.path.getsize(path) > 0)
    with open(path) as f:
        assert json.load(f) == {"tag": tag}
    os.remove(path)
