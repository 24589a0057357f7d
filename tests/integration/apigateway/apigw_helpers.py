"""Shared helpers for the API Gateway suites: clients, Lambda functions from inline code, and
raw HTTP calls to execute-api URLs."""
import io
import json
import time
import urllib.error
import urllib.request
import uuid
import zipfile

import boto3

ROLE = "arn:aws:iam::000000000000:role/apigw-test"


def client(nimbus, service):
    return boto3.client(service, endpoint_url=nimbus.url, region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test")


def zip_of(files):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, content in files.items():
            info = zipfile.ZipInfo(name)
            info.external_attr = 0o755 << 16
            z.writestr(info, content)
    return buf.getvalue()


def python_function(nimbus, code, name=None, env=None):
    """A python3.12 function whose app.py is `code`; returns its ARN once Active."""
    lam = client(nimbus, "lambda")
    name = name or "apigw-" + uuid.uuid4().hex[:8]
    kwargs = {}
    if env:
        kwargs["Environment"] = {"Variables": env}
    arn = lam.create_function(FunctionName=name, Runtime="python3.12", Handler="app.handler",
                              Role=ROLE, Code={"ZipFile": zip_of({"app.py": code})},
                              Timeout=30, **kwargs)["FunctionArn"]
    lam.get_waiter("function_active_v2").wait(FunctionName=name)
    return arn


def lambda_uri(function_arn, region="us-east-1"):
    return (f"arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/"
            f"{function_arn}/invocations")


def call(nimbus, path, method="GET", body=None, headers=None, host=None, timeout=30):
    """(status, headers, body bytes) of a request to the edge port."""
    if isinstance(body, str):
        body = body.encode()
    hdrs = dict(headers or {})
    if host:
        hdrs["Host"] = host
    req = urllib.request.Request(nimbus.url + path, data=body, method=method, headers=hdrs)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def host_of(api_id, port):
    return f"{api_id}.execute-api.localhost.localstack.cloud:{port}"


def wait_for(predicate, timeout=20, interval=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError("condition not met in time")


def rest_api_with_proxy(apigw, function_arn, path_part="{proxy+}", method="ANY",
                        stage="test", name=None):
    """A REST API whose /<path_part> resource proxies `method` to the function; deployed."""
    api = apigw.create_rest_api(name=name or "api-" + uuid.uuid4().hex[:6])
    root = api["rootResourceId"]
    res = apigw.create_resource(restApiId=api["id"], parentId=root, pathPart=path_part)
    apigw.put_method(restApiId=api["id"], resourceId=res["id"], httpMethod=method,
                     authorizationType="NONE")
    apigw.put_integration(restApiId=api["id"], resourceId=res["id"], httpMethod=method,
                          type="AWS_PROXY", integrationHttpMethod="POST",
                          uri=lambda_uri(function_arn))
    apigw.create_deployment(restApiId=api["id"], stageName=stage)
    return api["id"], res["id"]


def as_json(body):
    return json.loads(body.decode() if isinstance(body, bytes) else body)


def go_echo_zip():
    """fixtures/go_echo built as a `provided` runtime bootstrap (aws-lambda-go from the module
    cache scripts/setup.sh fills), zipped."""
    import os
    import shutil
    import subprocess
    import tempfile
    from pathlib import Path
    go = shutil.which("go") or "/usr/local/go/bin/go"
    assert Path(go).exists(), "go is not installed (scripts/setup.sh installs it)"
    out = Path(tempfile.mkdtemp(prefix="apigw-go-")) / "bootstrap"
    env = {**os.environ, "CGO_ENABLED": "0", "GOFLAGS": "-buildvcs=false"}
    proc = subprocess.run([go, "build", "-o", str(out), "."],
                          cwd=Path(__file__).parent / "fixtures" / "go_echo", env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    data = zip_of({"bootstrap": out.read_bytes()})
    shutil.rmtree(out.parent, ignore_errors=True)
    return data
