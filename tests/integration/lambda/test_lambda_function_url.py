"""Function URLs served on the edge port, and GetFunction's Code.Location download."""
import io
import json
import urllib.error
import urllib.request
import uuid
import zipfile

import boto3
import pytest

HANDLER = """
import json
def handler(event, context):
    if event['rawPath'] == '/raw':
        return {'plain': True}
    if event['rawPath'] == '/boom':
        raise RuntimeError('boom')
    return {
        'statusCode': 201,
        'headers': {'x-path': event['rawPath'], 'content-type': 'application/json'},
        'cookies': ['session=abc'],
        'body': json.dumps({
            'query': event.get('queryStringParameters'),
            'method': event['requestContext']['http']['method'],
            'body': event.get('body'),
            'version': event['version'],
            'cookies': event.get('cookies'),
        }),
    }
"""


def zip_of(files):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, content in files.items():
            z.writestr(name, content)
    return buf.getvalue()


@pytest.fixture
def client(nimbus):
    return boto3.client("lambda", endpoint_url=nimbus.url, region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test")


@pytest.fixture
def url_host(client):
    name = "url-" + uuid.uuid4().hex[:8]
    client.create_function(FunctionName=name, Runtime="python3.12", Handler="app.handler",
                           Role="arn:aws:iam::000000000000:role/r",
                           Code={"ZipFile": zip_of({"app.py": HANDLER})})
    client.get_waiter("function_active_v2").wait(FunctionName=name)
    url = client.create_function_url_config(FunctionName=name, AuthType="NONE",
                                            Cors={"AllowOrigins": ["*"]})["FunctionUrl"]
    assert ".lambda-url.us-east-1." in url
    return url.split("//")[1].split("/")[0]


def call(nimbus, host, path, method="GET", body=None, headers=None):
    req = urllib.request.Request(nimbus.url + path, data=body, method=method,
                                 headers={"Host": host, **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=15) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def test_request_becomes_payload_2_event_and_response_maps_back(nimbus, url_host):
    status, headers, body = call(nimbus, url_host, "/items/1?color=blue", "POST", b'{"a":1}',
                                 {"Content-Type": "application/json", "Cookie": "c1=v1; c2=v2",
                                  "Origin": "http://example.com"})
    assert status == 201
    assert headers["x-path"] == "/items/1"
    assert headers["Set-Cookie"] == "session=abc"
    assert headers["Access-Control-Allow-Origin"] == "*"
    doc = json.loads(body)
    assert doc == {"query": {"color": "blue"}, "method": "POST", "body": '{"a":1}',
                   "version": "2.0", "cookies": ["c1=v1", "c2=v2"]}


def test_result_without_status_code_is_a_json_200(nimbus, url_host):
    status, headers, body = call(nimbus, url_host, "/raw")
    assert status == 200
    assert headers["Content-Type"] == "application/json"
    assert json.loads(body) == {"plain": True}


def test_function_error_is_502(nimbus, url_host):
    status, _, _ = call(nimbus, url_host, "/boom")
    assert status == 502


def test_unknown_url_is_403(nimbus):
    status, _, _ = call(nimbus, "0" * 32 + ".lambda-url.us-east-1.localhost", "/")
    assert status == 403


def test_code_location_downloads_the_zip(nimbus, client):
    name = "dl-" + uuid.uuid4().hex[:8]
    package = zip_of({"app.py": "def handler(e, c):\n    return 1\n"})
    client.create_function(FunctionName=name, Runtime="python3.12", Handler="app.handler",
                           Role="arn:aws:iam::000000000000:role/r", Code={"ZipFile": package})
    location = client.get_function(FunctionName=name)["Code"]["Location"]
    path = "/" + location.split("/", 3)[3]
    with urllib.request.urlopen(nimbus.url + path, timeout=10) as r:
        assert r.status == 200
        assert r.read() == package
