"""API Gateway state across a restart (PERSISTENCE=1), and OpenAPI definitions in YAML."""
import json
import signal

from apigw_helpers import as_json, call, client

MOCK_YAML = """
openapi: 3.0.1
info:
  title: yaml-api
  version: "1.0"
paths:
  /ping:
    get:
      responses:
        "200":
          description: pong
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates:
          application/json: '{"statusCode": 200}'
        responses:
          default:
            statusCode: "200"
            responseTemplates:
              application/json: '{"pong": true, "stage": "$context.stage"}'
"""


def test_import_yaml_definition(nimbus):
    apigw = client(nimbus, "apigateway")
    api = apigw.import_rest_api(body=MOCK_YAML.encode())
    assert api["name"] == "yaml-api"
    apigw.create_deployment(restApiId=api["id"], stageName="y")
    status, _, body = call(nimbus, f"/_aws/execute-api/{api['id']}/y/ping")
    assert status == 200 and as_json(body) == {"pong": True, "stage": "y"}
    bad = None
    try:
        apigw.import_rest_api(body=b"paths: [unclosed")
    except apigw.exceptions.BadRequestException as e:
        bad = e
    assert bad is not None


def test_apis_survive_a_restart(start_nimbus, tmp_path):
    data = str(tmp_path / "state")
    first = start_nimbus(PERSISTENCE="1", DATA_DIR=data)
    apigw = client(first, "apigateway")
    v2 = client(first, "apigatewayv2")
    api = apigw.import_rest_api(body=MOCK_YAML.encode())
    apigw.create_deployment(restApiId=api["id"], stageName="keep")
    key = apigw.create_api_key(name="kept", enabled=True)
    http_api = v2.create_api(Name="kept-http", ProtocolType="HTTP")
    assert first.stop(signal.SIGTERM, timeout=5) == 0

    second = start_nimbus(PERSISTENCE="1", DATA_DIR=data)
    apigw = client(second, "apigateway")
    v2 = client(second, "apigatewayv2")
    assert apigw.get_rest_api(restApiId=api["id"])["name"] == "yaml-api"
    assert apigw.get_api_key(apiKey=key["id"])["name"] == "kept"
    assert v2.get_api(ApiId=http_api["ApiId"])["Name"] == "kept-http"
    status, _, body = call(second, f"/_aws/execute-api/{api['id']}/keep/ping")
    assert status == 200 and json.loads(body)["pong"] is True
