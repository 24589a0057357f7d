"""The credential report (real CSV of AWS's columns) and GetContextKeysFor*Policy, through
boto3 on a private server (the report is account-wide), plus AWS CLI v1/v2 smoke."""
import csv
import io
import json
import time

import pytest
from botocore.exceptions import ClientError

import iam_helpers as h
import nimbus_support as ns
import qr_decode
import saml_fixtures as saml

COLUMNS = [
    "user", "arn", "user_creation_time", "password_enabled", "password_last_used",
    "password_last_changed", "password_next_rotation", "mfa_active", "access_key_1_active",
    "access_key_1_last_rotated", "access_key_1_last_used_date", "access_key_1_last_used_region",
    "access_key_1_last_used_service", "access_key_2_active", "access_key_2_last_rotated",
    "access_key_2_last_used_date", "access_key_2_last_used_region",
    "access_key_2_last_used_service", "cert_1_active", "cert_1_last_rotated", "cert_2_active",
    "cert_2_last_rotated"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    yield from h.module_server(tmp_path_factory, "reports")


def error(exc_info) -> tuple[str, int]:
    e = exc_info.value.response
    return e["Error"]["Code"], e["ResponseMetadata"]["HTTPStatusCode"]


def test_credential_report(server):
    iam = h.client(server, "iam")
    with pytest.raises(ClientError) as e:
        iam.get_credential_report()
    assert error(e) == ("ReportNotPresent", 410)

    plain, with_all = h.name("plain"), h.name("full")
    iam.create_user(UserName=plain)
    iam.create_user(UserName=with_all)
    iam.update_account_password_policy(MinimumPasswordLength=8, MaxPasswordAge=30)
    iam.create_login_profile(UserName=with_all, Password="Sup3r-secret!")
    k1 = iam.create_access_key(UserName=with_all)["AccessKey"]
    k2 = iam.create_access_key(UserName=with_all)["AccessKey"]
    iam.update_access_key(UserName=with_all, AccessKeyId=k2["AccessKeyId"], Status="Inactive")

    assert iam.generate_credential_report()["State"] == "STARTED"
    assert iam.generate_credential_report()["State"] == "COMPLETE"
    got = iam.get_credential_report()
    assert got["ReportFormat"] == "text/csv"
    assert abs(got["GeneratedTime"].timestamp() - time.time()) < 60
    text = got["Content"].decode()
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == COLUMNS
    by_user = {r[0]: dict(zip(COLUMNS, r)) for r in rows[1:]}
    root = by_user["<root_account>"]
    assert root["arn"] == f"arn:aws:iam::{h.ACCOUNT}:root"
    assert root["password_enabled"] == "not_supported"

    p = by_user[plain]
    assert p["arn"] == f"arn:aws:iam::{h.ACCOUNT}:user/{plain}"
    assert p["user_creation_time"].endswith("+00:00")
    assert (p["password_enabled"], p["password_last_used"], p["mfa_active"],
            p["access_key_1_active"], p["access_key_1_last_rotated"],
            p["cert_1_active"]) == ("false", "N/A", "false", "false", "N/A", "false")

    f = by_user[with_all]
    assert f["password_enabled"] == "true" and f["password_last_used"] == "no_information"
    assert f["password_last_changed"].endswith("+00:00")
    assert f["password_next_rotation"] > f["password_last_changed"]
    assert f["access_key_1_active"] == "true" and f["access_key_2_active"] == "false"
    assert f["access_key_1_last_rotated"] == k1["CreateDate"].strftime("%Y-%m-%dT%H:%M:%S+00:00")
    assert f["access_key_1_last_used_date"] == "N/A"

    # The CLIs read the same report (Content is a blob: base64 on the wire).
    for run in (ns.cli_v1, ns.cli_v2):
        out = run(server, "iam", "get-credential-report")
        assert out["ReportFormat"] == "text/csv"
        import base64
        assert base64.b64decode(out["Content"]).decode() == text


POLICY_A = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Action": "s3:*",
    "Resource": "arn:aws:s3:::bucket/${aws:username}/*",
    "Condition": {"StringEquals": {"aws:RequestedRegion": "us-east-1"},
                  "Bool": {"aws:MultiFactorAuthPresent": "true"}}}]})
POLICY_B = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Deny", "Action": "ec2:*", "Resource": "*",
    "Condition": {"StringNotEquals": {"ec2:InstanceType": ["t3.micro"],
                                      "aws:requestedregion": "eu-west-1"}}}]})


def test_context_keys(server):
    iam = h.client(server, "iam")
    keys = iam.get_context_keys_for_custom_policy(PolicyInputList=[POLICY_A, POLICY_B])[
        "ContextKeyNames"]
    assert keys == ["aws:username", "aws:RequestedRegion", "aws:MultiFactorAuthPresent",
                    "ec2:InstanceType"]
    with pytest.raises(ClientError) as e:
        iam.get_context_keys_for_custom_policy(PolicyInputList=["{nope"])
    assert error(e) == ("InvalidInput", 400)

    user = h.name("ctx")
    iam.create_user(UserName=user)
    iam.put_user_policy(UserName=user, PolicyName="a", PolicyDocument=POLICY_A)
    group = h.name("g")
    iam.create_group(GroupName=group)
    iam.add_user_to_group(GroupName=group, UserName=user)
    arn = iam.create_policy(PolicyName=h.name("p"), PolicyDocument=POLICY_B)["Policy"]["Arn"]
    iam.attach_group_policy(GroupName=group, PolicyArn=arn)
    user_arn = f"arn:aws:iam::{h.ACCOUNT}:user/{user}"
    keys = iam.get_context_keys_for_principal_policy(PolicySourceArn=user_arn)["ContextKeyNames"]
    assert sorted(keys) == sorted(["aws:username", "aws:RequestedRegion",
                                   "aws:MultiFactorAuthPresent", "ec2:InstanceType"])
    extra = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "sqs:*", "Resource": "*",
        "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}]})
    keys = iam.get_context_keys_for_principal_policy(PolicySourceArn=user_arn,
                                                     PolicyInputList=[extra])["ContextKeyNames"]
    assert "aws:SourceIp" in keys
    with pytest.raises(ClientError) as e:
        iam.get_context_keys_for_principal_policy(
            PolicySourceArn=f"arn:aws:iam::{h.ACCOUNT}:user/nobody-here")
    assert error(e) == ("NoSuchEntity", 404)


@pytest.mark.parametrize("cli", ["cli_v1", "cli_v2"])
def test_cli_smoke(server, cli, tmp_path):
    run = getattr(ns, cli)
    host = f"{cli.replace('_', '')}-{h.name('x')}.example.com"
    arn = run(server, "iam", "create-open-id-connect-provider", "--url", f"https://{host}",
              "--client-id-list", "sts.amazonaws.com", "--thumbprint-list", "a" * 40)[
        "OpenIDConnectProviderArn"]
    assert arn.endswith(f":oidc-provider/{host}")
    got = run(server, "iam", "get-open-id-connect-provider", "--open-id-connect-provider-arn", arn)
    assert got["Url"] == host and got["ClientIDList"] == ["sts.amazonaws.com"]
    run(server, "iam", "update-account-password-policy", "--minimum-password-length", "10",
        "--require-numbers")
    policy = run(server, "iam", "get-account-password-policy")["PasswordPolicy"]
    assert policy["MinimumPasswordLength"] == 10 and policy["RequireNumbers"] is True
    # A file of our own: the CLI chmods its outfile to 0600 (never /dev/null).
    seed_path = tmp_path / "seed.txt"
    dev = run(server, "iam", "create-virtual-mfa-device", "--virtual-mfa-device-name",
              h.name(cli), "--outfile", str(seed_path), "--bootstrap-method", "Base32StringSeed")
    assert dev["VirtualMFADevice"]["SerialNumber"].startswith(f"arn:aws:iam::{h.ACCOUNT}:mfa/")
    assert len(seed_path.read_bytes()) >= 16  # the Base32 seed the CLI wrote
    fed = run(server, "sts", "get-federation-token", "--name", "clifed", "--policy",
              h.allow("s3:GetObject"))
    assert fed["FederatedUser"]["Arn"].endswith(":federated-user/clifed")

    # The CLI writes the QR code it receives to a file: a real PNG of the otpauth URI.
    png_path = tmp_path / "qr.png"
    dev = run(server, "iam", "create-virtual-mfa-device", "--virtual-mfa-device-name",
              h.name("qr"), "--outfile", str(png_path), "--bootstrap-method", "QRCodePNG")
    [uri] = qr_decode.decode(png_path.read_bytes())
    assert uri.startswith("otpauth://totp/Amazon%20Web%20Services:") and "secret=" in uri
    assert dev["VirtualMFADevice"]["SerialNumber"].split("/")[-1] in uri

    name = h.name("cliidp")
    provider = run(server, "iam", "create-saml-provider", "--name", name,
                   "--saml-metadata-document", saml.metadata())["SAMLProviderArn"]
    role = run(server, "iam", "create-role", "--role-name", h.name("clisaml"),
               "--assume-role-policy-document", json.dumps({
                   "Version": "2012-10-17", "Statement": [{
                       "Effect": "Allow", "Principal": {"Federated": provider},
                       "Action": "sts:AssumeRoleWithSAML"}]}))["Role"]
    out = run(server, "sts", "assume-role-with-saml", "--role-arn", role["Arn"],
              "--principal-arn", provider, "--saml-assertion",
              saml.response([f"{role['Arn']},{provider}"]))
    assert out["NameQualifier"] == saml.name_qualifier(saml.ISSUER, h.ACCOUNT, name)
    assert out["AssumedRoleUser"]["Arn"].endswith(f"/{role['RoleName']}/alice@example.com")
