"""SIGV4_VERIFY=1: real signers are accepted (boto3, CLI v1/v2, JS SDK v3, presigned URLs),
bad ones get AWS's errors in each protocol's shape."""
import json
import time
import urllib.request
from urllib.error import HTTPError

import pytest
from botocore.exceptions import ClientError

import iam_helpers as h
import nimbus_support as ns


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    yield from h.module_server(tmp_path_factory, "sigv4", SIGV4_VERIFY="1")


def code_of(exc_info):
    return (exc_info.value.response["Error"]["Code"],
            exc_info.value.response["ResponseMetadata"]["HTTPStatusCode"])


def test_root_test_key_and_account_keys_are_accepted(server):
    assert h.client(server, "sts").get_caller_identity()["Arn"] == "arn:aws:iam::000000000000:root"
    who = h.client(server, "sts", key="123456789012").get_caller_identity()
    assert who["Account"] == "123456789012"
    assert h.client(server, "sqs").list_queues()["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert "Functions" in h.client(server, "lambda").list_functions()


def test_wrong_secret_is_signature_does_not_match(server):
    with pytest.raises(ClientError) as e:
        h.client(server, "sts", secret="wrong").get_caller_identity()
    assert code_of(e) == ("SignatureDoesNotMatch", 403)
    assert "signature we calculated does not match" in e.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as e:
        h.client(server, "iam", secret="wrong").list_users()
    assert code_of(e) == ("SignatureDoesNotMatch", 403)
    # JSON and REST services answer with their exception names.
    with pytest.raises(ClientError) as e:
        h.client(server, "lambda", secret="wrong").list_functions()
    assert code_of(e) == ("InvalidSignatureException", 403)
    with pytest.raises(ClientError) as e:
        h.client(server, "logs", secret="wrong").describe_log_groups()
    assert code_of(e) == ("InvalidSignatureException", 403)


def test_unknown_key_is_invalid_client_token(server):
    with pytest.raises(ClientError) as e:
        h.client(server, "sts", key="AKIAIOSFODNN7EXAMPLE").get_caller_identity()
    assert code_of(e) == ("InvalidClientTokenId", 403)
    assert e.value.response["Error"]["Message"] == \
        "The security token included in the request is invalid."
    with pytest.raises(ClientError) as e:
        h.client(server, "lambda", key="AKIAIOSFODNN7EXAMPLE").list_functions()
    assert code_of(e) == ("UnrecognizedClientException", 403)


def test_issued_keys_authenticate_with_their_secret(server):
    iam = h.client(server, "iam")
    user, key = h.user_with_key(iam)
    who = h.creds_client(server, "sts", key).get_caller_identity()
    assert who["Arn"] == f"arn:aws:iam::000000000000:user/{user}"
    with pytest.raises(ClientError) as e:
        h.client(server, "sts", key=key["AccessKeyId"], secret="test").get_caller_identity()
    assert code_of(e) == ("SignatureDoesNotMatch", 403)
    iam.update_access_key(UserName=user, AccessKeyId=key["AccessKeyId"], Status="Inactive")
    with pytest.raises(ClientError) as e:
        h.creds_client(server, "sts", key).get_caller_identity()
    assert code_of(e) == ("InvalidClientTokenId", 403)


def test_session_credentials_need_their_token(server):
    iam = h.client(server, "iam")
    role = iam.create_role(RoleName=h.name("r"), AssumeRolePolicyDocument=h.trust(
        {"AWS": "arn:aws:iam::000000000000:root"}))["Role"]["Arn"]
    creds = h.client(server, "sts").assume_role(RoleArn=role, RoleSessionName="sess")["Credentials"]
    assert h.creds_client(server, "sts", creds).get_caller_identity()["Arn"].endswith("/sess")
    without = dict(creds)
    without.pop("SessionToken")
    with pytest.raises(ClientError) as e:
        h.creds_client(server, "sts", without).get_caller_identity()
    assert code_of(e) == ("InvalidClientTokenId", 403)


def test_cli_v1_v2_and_js_signers_are_accepted(server):
    assert ns.cli_v1(server, "sts", "get-caller-identity")["Account"] == "000000000000"
    assert ns.cli_v2(server, "sts", "get-caller-identity")["Account"] == "000000000000"
    queue = ns.cli_v2(server, "sqs", "create-queue", "--queue-name", h.name("q"))["QueueUrl"]
    ns.cli_v1(server, "sqs", "send-message", "--queue-url", queue, "--message-body", "hi")
    ns.cli_v2(server, "lambda", "list-functions")
    out = ns.node("call.mjs", server.url, "sqs", "SendMessage",
                  json.dumps({"QueueUrl": queue, "MessageBody": "from js"}))
    assert out["ok"], out
    out = ns.node("call.mjs", server.url, "lambda", "ListFunctions")
    assert out["ok"], out
    out = ns.node("call.mjs", server.url, "sts", "GetCallerIdentity",
                  env=ns.client_env(AWS_SECRET_ACCESS_KEY="wrong"))
    assert not out["ok"] and out["code"] == "SignatureDoesNotMatch" and out["status"] == 403
    # A CLI with a wrong secret fails too.
    proc = ns.run([str(ns.CLI_V2), "--endpoint-url", server.url, "sts", "get-caller-identity"],
                  env=ns.client_env(AWS_SECRET_ACCESS_KEY="wrong"))
    assert proc.returncode != 0 and "SignatureDoesNotMatch" in proc.stderr


def test_unsigned_requests(server):
    resp = ns.request(server, "POST", "/", "Action=GetCallerIdentity&Version=2011-06-15",
                      ns.form_headers())
    assert resp.status == 403, resp
    assert resp.query_error()["Code"] == "MissingAuthenticationToken"
    # AssumeRoleWithWebIdentity is modelled without auth: clients send it unsigned.
    iam = h.client(server, "iam")
    role = iam.create_role(RoleName=h.name("web"), AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                                                "Principal": {"Federated": "idp.example"},
                                                "Action": "sts:AssumeRoleWithWebIdentity"}]}))
    resp = ns.request(server, "POST", "/",
                      "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=" +
                      role["Role"]["Arn"] + "&RoleSessionName=web&WebIdentityToken=opaque-token",
                      ns.form_headers())
    assert resp.status == 200, resp


def test_tampered_request_is_rejected(server):
    headers = ns.sign(server.url, "POST", "/", b"Action=ListUsers&Version=2010-05-08",
                      ns.form_headers(), "iam")
    resp = ns.request(server, "POST", "/", "Action=ListRoles&Version=2010-05-08", headers)
    assert resp.status == 403 and resp.query_error()["Code"] == "SignatureDoesNotMatch", resp
    resp = ns.request(server, "POST", "/", "Action=ListUsers&Version=2010-05-08", headers)
    assert resp.status == 200, resp
    incomplete = dict(headers)
    incomplete["Authorization"] = incomplete["Authorization"].split(", Signature=")[0]
    resp = ns.request(server, "POST", "/", "Action=ListUsers&Version=2010-05-08", incomplete)
    assert resp.status == 400 and resp.query_error()["Code"] == "IncompleteSignature", resp


def _presigned(server, expires: int, secret: str = "test") -> str:
    sts = h.client(server, "sts", secret=secret)
    # As `aws eks get-token` does: a GET URL (botocore signs POST unless told otherwise).
    return sts.generate_presigned_url("get_caller_identity", ExpiresIn=expires, HttpMethod="GET")


def test_presigned_url(server):
    with urllib.request.urlopen(_presigned(server, 60), timeout=10) as r:
        body = r.read()
    assert b"<Arn>arn:aws:iam::000000000000:root</Arn>" in body
    with pytest.raises(HTTPError) as e:
        urllib.request.urlopen(_presigned(server, 60, secret="wrong"), timeout=10)
    assert e.value.code == 403 and b"SignatureDoesNotMatch" in e.value.read()
    url = _presigned(server, 1)
    time.sleep(2.1)
    with pytest.raises(HTTPError) as e:
        urllib.request.urlopen(url, timeout=10)
    body = e.value.read()
    assert e.value.code == 403 and b"Signature expired" in body, body


def test_clock_skew_is_rejected(server):
    # A request signed 20 minutes ago: botocore signs with the current time, so sign by hand.
    import datetime
    from unittest import mock
    past = datetime.datetime.utcnow() - datetime.timedelta(minutes=20)

    class Past(datetime.datetime):
        @classmethod
        def utcnow(cls):
            return past

        @classmethod
        def now(cls, tz=None):
            return past.replace(tzinfo=tz) if tz else past
    with mock.patch("botocore.auth.datetime.datetime", Past):
        headers = ns.sign(server.url, "POST", "/", b"Action=GetCallerIdentity&Version=2011-06-15",
                          ns.form_headers(), "sts")
    resp = ns.request(server, "POST", "/", "Action=GetCallerIdentity&Version=2011-06-15", headers)
    assert resp.status == 403, resp
    err = resp.query_error()
    assert err["Code"] == "SignatureDoesNotMatch" and "Signature expired" in err["Message"]
