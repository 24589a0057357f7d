"""Helpers for the Lambda control-plane suite (test_lambda_control_plane.py)."""
from __future__ import annotations

import base64
import contextlib
import hashlib
import io
import json
import uuid
import zipfile

import pytest
from botocore.exceptions import ClientError

import nimbus_support as ns

ACCOUNT = "000000000000"
REGION = ns.REGION
ROLE = f"arn:aws:iam::{ACCOUNT}:role/lambda-role"
ARN_PREFIX = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:"

ECHO_PY = """\
import json, os

def handler(event, context):
    out = os.environ.get("OUT_FILE")
    if out:
        with open(out, "a") as f:
            f.write(json.dumps(event) + "\\n")
    return {"event": event, "version": context.function_version,
            "tag": os.environ.get("TAG", "")}
"""


def name(prefix: str = "fn") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def make_zip(files: dict[str, str | bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for path, content in files.items():
            z.writestr(path, content)
    return buf.getvalue()


def sha256_b64(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


ECHO_ZIP = make_zip({"app.py": ECHO_PY})


def client(server):
    return ns.boto3_client(server, "lambda")


def create(lam, fn: str, zip_bytes: bytes = ECHO_ZIP, **kwargs) -> dict:
    params = dict(FunctionName=fn, Runtime="python3.12", Role=ROLE, Handler="app.handler",
                  Code={"ZipFile": zip_bytes})
    params.update(kwargs)
    return lam.create_function(**params)


def create_active(lam, fn: str, **kwargs) -> dict:
    out = create(lam, fn, **kwargs)
    lam.get_waiter("function_active_v2").wait(FunctionName=fn,
                                              WaiterConfig={"Delay": 1, "MaxAttempts": 10})
    return out


def cli(server, *args: str):
    """AWS CLI v2 with JSON output."""
    return ns.cli_v2(server, *args)


def cli_fail(server, *args: str) -> str:
    """Runs AWS CLI v2 expecting failure; returns its stderr."""
    proc = ns.run([str(ns.CLI_V2), "--endpoint-url", server.url, "--output", "json", *args])
    assert proc.returncode != 0, f"aws {args} unexpectedly succeeded:\n{proc.stdout}"
    return proc.stderr


@contextlib.contextmanager
def raises_aws(code: str, status: int, message: str | None = None):
    with pytest.raises(ClientError) as info:
        yield info
    err = info.value.response["Error"]
    assert err["Code"] == code, info.value.response
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == status, info.value.response
    if message is not None:
        assert err["Message"] == message, err


def payload_json(resp: dict):
    return json.loads(resp["Payload"].read())
