"""Helpers for the IAM/STS suites: private servers with SIGV4_VERIFY / ENFORCE_IAM, clients
with arbitrary credentials, and small policy builders."""
from __future__ import annotations

import json
import signal
import uuid
from pathlib import Path

import boto3
from botocore.config import Config

import nimbus_support as ns

ACCOUNT = "000000000000"
LAMBDA_TRUST = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
    "Action": "sts:AssumeRole"}]}


def name(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def client(server: ns.Server, service: str, key: str = "test", secret: str = "test",
           token: str | None = None, region: str = ns.REGION):
    return boto3.session.Session(
        aws_access_key_id=key, aws_secret_access_key=secret, aws_session_token=token,
        region_name=region,
    ).client(service, endpoint_url=server.url, config=Config(
        retries={"total_max_attempts": 1}, connect_timeout=5, read_timeout=30))


def creds_client(server: ns.Server, service: str, creds: dict):
    """A client from STS Credentials or an IAM AccessKey."""
    return client(server, service, creds["AccessKeyId"], creds["SecretAccessKey"],
                  creds.get("SessionToken"))


def allow(actions, resources="*", effect="Allow", **extra) -> str:
    stmt = {"Effect": effect, "Action": actions, "Resource": resources, **extra}
    return json.dumps({"Version": "2012-10-17", "Statement": [stmt]})


def trust(principal: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}]})


def user_with_key(iam, policy: str | None = None) -> tuple[str, dict]:
    """A new user (optionally with an inline policy) and one access key."""
    user = name("u")
    iam.create_user(UserName=user)
    if policy:
        iam.put_user_policy(UserName=user, PolicyName="p", PolicyDocument=policy)
    key = iam.create_access_key(UserName=user)["AccessKey"]
    return user, key


def env_for(creds: dict) -> dict[str, str]:
    env = ns.client_env(AWS_ACCESS_KEY_ID=creds["AccessKeyId"],
                        AWS_SECRET_ACCESS_KEY=creds["SecretAccessKey"])
    if creds.get("SessionToken"):
        env["AWS_SESSION_TOKEN"] = creds["SessionToken"]
    return env


def module_server(tmp_path_factory, label: str, **env: str):
    server = ns.Server(tmp_path_factory.mktemp(label), env=env).start()
    try:
        yield server
    finally:
        rc = server.stop(signal.SIGTERM, timeout=5)
        server.kill()
        assert rc == 0, f"exit {rc}\n{server.stderr()[-3000:]}"
