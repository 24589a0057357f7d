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


# ------------------------------------------------------------------ temporary credentials (issue 8)

import base64  # noqa: E402
import datetime  # noqa: E402
import json  # noqa: E402
import uuid  # noqa: E402

from botocore.exceptions import ClientError  # noqa: E402


def _role(iam, max_session: int = 3600, trust: dict | None = None) -> str:
    name = f"r-{uuid.uuid4().hex[:10]}"
    doc = trust or {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::000000000000:root"},
        "Action": "sts:AssumeRole"}]}
    return iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(doc),
                           MaxSessionDuration=max_session)["Role"]["Arn"]


def _client(server, service, creds):
    import boto3
    from botocore.config import Config
    return boto3.session.Session(
        aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds.get("SessionToken"), region_name=ns.REGION,
    ).client(service, endpoint_url=server.url, config=Config(retries={"total_max_attempts": 1}))


def test_assume_role_returns_session_credentials(nimbus):
    iam = ns.boto3_client(nimbus, "iam")
    sts = ns.boto3_client(nimbus, "sts")
    arn = _role(iam)
    resp = sts.assume_role(RoleArn=arn, RoleSessionName="build-42", DurationSeconds=900)
    creds = resp["Credentials"]
    assert creds["AccessKeyId"].startswith("ASIA") and len(creds["AccessKeyId"]) == 20
    assert len(creds["SecretAccessKey"]) == 40 and creds["SessionToken"]
    remaining = (creds["Expiration"] - datetime.datetime.now(datetime.timezone.utc)).total_seconds()
    assert 880 <= remaining <= 905, remaining
    role_name = arn.split("/")[-1]
    assert resp["AssumedRoleUser"]["Arn"] == \
        f"arn:aws:sts::000000000000:assumed-role/{role_name}/build-42"
    assert resp["AssumedRoleUser"]["AssumedRoleId"].startswith("AROA")
    assert resp["AssumedRoleUser"]["AssumedRoleId"].endswith(":build-42")
    who = _client(nimbus, "sts", creds).get_caller_identity()
    assert who["Arn"] == resp["AssumedRoleUser"]["Arn"]
    assert who["UserId"] == resp["AssumedRoleUser"]["AssumedRoleId"]
    assert who["Account"] == "000000000000"


def test_assume_role_duration_limits(nimbus):
    iam = ns.boto3_client(nimbus, "iam")
    sts = ns.boto3_client(nimbus, "sts", validate=False)
    arn = _role(iam, max_session=7200)
    sts.assume_role(RoleArn=arn, RoleSessionName="s1", DurationSeconds=7200)
    for seconds, fragment in [(7201, "MaxSessionDuration"), (899, "durationSeconds"),
                              (43201, "durationSeconds")]:
        with pytest.raises(ClientError) as e:
            sts.assume_role(RoleArn=arn, RoleSessionName="s1", DurationSeconds=seconds)
        assert e.value.response["Error"]["Code"] == "ValidationError", seconds
        assert fragment in e.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as e:
        sts.assume_role(RoleArn=arn, RoleSessionName="x")
    assert e.value.response["Error"]["Code"] == "ValidationError"
    with pytest.raises(ClientError) as e:
        sts.assume_role(RoleArn="arn:aws:iam::000000000000:role/does-not-exist",
                        RoleSessionName="s1")
    assert e.value.response["Error"]["Code"] == "AccessDenied"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    with pytest.raises(ClientError) as e:
        sts.assume_role(RoleArn=arn, RoleSessionName="s1", Policy="{bad")
    assert e.value.response["Error"]["Code"] == "MalformedPolicyDocument"


def test_assume_role_chain(nimbus):
    iam = ns.boto3_client(nimbus, "iam")
    sts = ns.boto3_client(nimbus, "sts")
    first = _role(iam, max_session=43200)
    second = _role(iam, max_session=43200)
    c1 = sts.assume_role(RoleArn=first, RoleSessionName="hop1")["Credentials"]
    sts1 = _client(nimbus, "sts", c1)
    # AWS: a session assumed by a role session is limited to one hour.
    with pytest.raises(ClientError) as e:
        sts1.assume_role(RoleArn=second, RoleSessionName="hop2", DurationSeconds=7200)
    assert "role chaining" in e.value.response["Error"]["Message"]
    c2 = sts1.assume_role(RoleArn=second, RoleSessionName="hop2", DurationSeconds=3600)
    who = _client(nimbus, "sts", c2["Credentials"]).get_caller_identity()
    assert who["Arn"].endswith(f"assumed-role/{second.split('/')[-1]}/hop2")
    with pytest.raises(ClientError) as e:
        _client(nimbus, "sts", c2["Credentials"]).get_session_token()
    assert e.value.response["Error"]["Code"] == "AccessDenied"


def test_assume_role_cli_v2_and_js(nimbus):
    iam = ns.boto3_client(nimbus, "iam")
    arn = _role(iam)
    out = ns.cli_v2(nimbus, "sts", "assume-role", "--role-arn", arn, "--role-session-name", "cli")
    creds = out["Credentials"]
    env = ns.client_env(AWS_ACCESS_KEY_ID=creds["AccessKeyId"],
                        AWS_SECRET_ACCESS_KEY=creds["SecretAccessKey"],
                        AWS_SESSION_TOKEN=creds["SessionToken"])
    who = ns.cli_v1(nimbus, "sts", "get-caller-identity", env=env)
    assert who["Arn"].endswith("/cli")
    js = ns.node("call.mjs", nimbus.url, "sts", "AssumeRole",
                 json.dumps({"RoleArn": arn, "RoleSessionName": "js"}))
    assert js["ok"], js
    assert js["output"]["AssumedRoleUser"]["Arn"].endswith("/js")


def test_web_identity_session_token_and_key_info(nimbus):
    iam = ns.boto3_client(nimbus, "iam")
    arn = _role(iam, trust={"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Federated": "accounts.example.com"},
        "Action": "sts:AssumeRoleWithWebIdentity"}]})

    def b64(d):
        return base64.urlsafe_b64encode(json.dumps(d).encode()).decode().rstrip("=")
    token = ".".join([b64({"alg": "none"}), b64({"sub": "user-7", "aud": "app",
                                                 "iss": "accounts.example.com"}), "sig"])
    sts = ns.boto3_client(nimbus, "sts")
    resp = sts.assume_role_with_web_identity(RoleArn=arn, RoleSessionName="web",
                                             WebIdentityToken=token)
    assert resp["SubjectFromWebIdentityToken"] == "user-7"
    assert resp["Audience"] == "app" and resp["Provider"] == "accounts.example.com"
    assert resp["Credentials"]["AccessKeyId"].startswith("ASIA")

    user = f"u-{uuid.uuid4().hex[:8]}"
    iam.create_user(UserName=user)
    key = iam.create_access_key(UserName=user)["AccessKey"]
    session = _client(nimbus, "sts", key).get_session_token(DurationSeconds=900)["Credentials"]
    assert session["AccessKeyId"].startswith("ASIA")
    who = _client(nimbus, "sts", session).get_caller_identity()
    assert who["Arn"] == f"arn:aws:iam::000000000000:user/{user}"
    assert sts.get_access_key_info(AccessKeyId=key["AccessKeyId"])["Account"] == "000000000000"
    message = base64.b64encode(json.dumps({"allowed": False}).encode()).decode()
    decoded = sts.decode_authorization_message(EncodedMessage=message)["DecodedMessage"]
    assert json.loads(decoded) == {"allowed": False}
    with pytest.raises(ClientError) as e:
        sts.decode_authorization_message(EncodedMessage="not-a-message")
    assert e.value.response["Error"]["Code"] == "InvalidAuthorizationMessageException"
