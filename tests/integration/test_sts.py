"""STS GetCallerIdentity through every real client, and the account-from-access-key rule."""
import pytest

import nimbus_support as ns

DEFAULT = {"UserId": "000000000000", "Account": "000000000000",
           "Arn": "arn:aws:iam::000000000000:root"}


def identity(account: str) -> dict:
    return {"UserId": account, "Account": account, "Arn": f"arn:aws:iam::{account}:root"}


def test_cli_v1(nimbus):
    assert ns.cli_v1(nimbus, "sts", "get-caller-identity") == DEFAULT


def test_cli_v2(nimbus):
    assert ns.cli_v2(nimbus, "sts", "get-caller-identity") == DEFAULT


def test_boto3(nimbus):
    resp = ns.boto3_client(nimbus, "sts").get_caller_identity()
    assert resp["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert ns.UUID_RE.match(resp["ResponseMetadata"]["RequestId"])
    assert {k: resp[k] for k in DEFAULT} == DEFAULT


def test_debian_boto3(nimbus):
    out = ns.debian_boto3(nimbus, "sts", "get_caller_identity")
    assert out["ok"], out
    assert out["result"] == DEFAULT


def test_js_sdk_v3(nimbus):
    out = ns.node("sts_caller_identity.mjs", nimbus.url)
    assert out["ok"], out
    assert out["output"]["$metadata"]["httpStatusCode"] == 200
    assert {k: out["output"][k] for k in DEFAULT} == DEFAULT


def test_raw_query_response(nimbus):
    resp = ns.request(nimbus, "POST", "/", "Action=GetCallerIdentity&Version=2011-06-15",
                      ns.form_headers(), service="sts")
    assert resp.status == 200, resp
    ns.assert_request_id(resp)
    assert b"<GetCallerIdentityResponse" in resp.body
    assert b"<Account>000000000000</Account>" in resp.body


@pytest.mark.parametrize("key,account", [
    ("123456789012", "123456789012"),
    ("000011112222", "000011112222"),
    ("12345678901", "000000000000"),   # 11 digits
    ("1234567890123", "000000000000"),  # 13 digits
    ("AKIDEXAMPLE", "000000000000"),
])
def test_account_from_access_key_boto3(nimbus, key, account):
    resp = ns.boto3_client(nimbus, "sts", access_key=key).get_caller_identity()
    assert {k: resp[k] for k in DEFAULT} == identity(account)


def test_account_from_access_key_cli_v2(nimbus):
    env = ns.client_env(AWS_ACCESS_KEY_ID="123456789012")
    assert ns.cli_v2(nimbus, "sts", "get-caller-identity", env=env) == identity("123456789012")


def test_account_from_access_key_js(nimbus):
    out = ns.node("sts_caller_identity.mjs", nimbus.url,
                  env=ns.client_env(AWS_ACCESS_KEY_ID="123456789012"))
    assert out["ok"], out
    assert {k: out["output"][k] for k in DEFAULT} == identity("123456789012")
