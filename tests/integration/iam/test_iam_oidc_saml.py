"""IAM OpenID Connect and SAML providers through boto3, and STS AssumeRoleWithSAML /
AssumeRoleWithWebIdentity against registered providers, on the shared server."""
import base64
import datetime as dt
import json
import time
import uuid

import pytest
from botocore.exceptions import ClientError

import iam_helpers as h
import nimbus_support as ns
import saml_fixtures as saml

THUMB = "9e99a48a9960b14926bb7f3b02e22da2b0ab7280"


@pytest.fixture(scope="module")
def iam(nimbus):
    return ns.boto3_client(nimbus, "iam")


@pytest.fixture(scope="module")
def sts(nimbus):
    return ns.boto3_client(nimbus, "sts")


def error(exc_info) -> tuple[str, int]:
    e = exc_info.value.response
    return e["Error"]["Code"], e["ResponseMetadata"]["HTTPStatusCode"]


def host() -> str:
    return f"oidc-{uuid.uuid4().hex[:8]}.example.com"


def test_oidc_provider_lifecycle(iam):
    h_ = host()
    created = iam.create_open_id_connect_provider(
        Url=f"https://{h_}/", ClientIDList=["sts.amazonaws.com", "sts.amazonaws.com"],
        ThumbprintList=[THUMB], Tags=[{"Key": "team", "Value": "ci"}])
    arn = created["OpenIDConnectProviderArn"]
    assert arn == f"arn:aws:iam::{h.ACCOUNT}:oidc-provider/{h_}"
    assert created["Tags"] == [{"Key": "team", "Value": "ci"}]
    got = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    assert got["Url"] == h_
    assert got["ClientIDList"] == ["sts.amazonaws.com"]
    assert got["ThumbprintList"] == [THUMB]
    assert abs(got["CreateDate"].timestamp() - time.time()) < 60
    assert got["Tags"] == [{"Key": "team", "Value": "ci"}]
    assert {"Arn": arn} in iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]

    with pytest.raises(ClientError) as e:
        iam.create_open_id_connect_provider(Url=f"https://{h_}", ThumbprintList=[THUMB])
    assert error(e) == ("EntityAlreadyExists", 409)

    iam.add_client_id_to_open_id_connect_provider(OpenIDConnectProviderArn=arn, ClientID="web")
    iam.add_client_id_to_open_id_connect_provider(OpenIDConnectProviderArn=arn, ClientID="web")
    iam.remove_client_id_from_open_id_connect_provider(OpenIDConnectProviderArn=arn,
                                                       ClientID="sts.amazonaws.com")
    second = "a" * 40
    iam.update_open_id_connect_provider_thumbprint(OpenIDConnectProviderArn=arn,
                                                   ThumbprintList=[THUMB, second])
    got = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    assert got["ClientIDList"] == ["web"] and got["ThumbprintList"] == [THUMB, second]

    iam.tag_open_id_connect_provider(OpenIDConnectProviderArn=arn,
                                     Tags=[{"Key": "env", "Value": "prod"}])
    iam.untag_open_id_connect_provider(OpenIDConnectProviderArn=arn, TagKeys=["team"])
    tags = iam.list_open_id_connect_provider_tags(OpenIDConnectProviderArn=arn)
    assert tags["Tags"] == [{"Key": "env", "Value": "prod"}] and tags["IsTruncated"] is False

    iam.delete_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    with pytest.raises(ClientError) as e:
        iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    assert error(e) == ("NoSuchEntity", 404)
    assert {"Arn": arn} not in iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]


def test_oidc_provider_validation(iam):
    for bad in ("http://example.com", "https://", "example.com"):
        with pytest.raises(ClientError) as e:
            iam.create_open_id_connect_provider(Url=bad, ThumbprintList=[THUMB])
        assert error(e) == ("InvalidInput", 400), bad
    with pytest.raises(ClientError) as e:
        iam.create_open_id_connect_provider(Url=f"https://{host()}", ThumbprintList=[THUMB] * 6)
    assert error(e) == ("InvalidInput", 400)
    with pytest.raises(ClientError) as e:
        iam.create_open_id_connect_provider(Url=f"https://{host()}", ThumbprintList=["z" * 40])
    assert error(e) == ("InvalidInput", 400)
    # AWS no longer requires thumbprints.
    arn = iam.create_open_id_connect_provider(Url=f"https://{host()}/path")[
        "OpenIDConnectProviderArn"]
    assert arn.endswith("/path")
    assert iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)["ThumbprintList"] == []
    with pytest.raises(ClientError) as e:
        iam.get_open_id_connect_provider(
            OpenIDConnectProviderArn=f"arn:aws:iam::{h.ACCOUNT}:oidc-provider/nope.example.com")
    assert error(e) == ("NoSuchEntity", 404)
    with pytest.raises(ClientError) as e:
        iam.get_open_id_connect_provider(OpenIDConnectProviderArn="arn:aws:iam::bad:role/x/y/z")
    assert error(e) == ("InvalidInput", 400)
    with pytest.raises(ClientError) as e:
        iam.add_client_id_to_open_id_connect_provider(
            OpenIDConnectProviderArn=f"arn:aws:iam::{h.ACCOUNT}:oidc-provider/nope.example.com",
            ClientID="x")
    assert error(e) == ("NoSuchEntity", 404)


def _jwt(claims: dict) -> str:
    def b64(d):
        return base64.urlsafe_b64encode(json.dumps(d).encode()).decode().rstrip("=")
    return ".".join([b64({"alg": "RS256", "typ": "JWT"}), b64(claims), "sig"])


def test_web_identity_with_registered_provider(iam, sts):
    h_ = host()
    arn = iam.create_open_id_connect_provider(Url=f"https://{h_}", ClientIDList=["my-app"])[
        "OpenIDConnectProviderArn"]
    role = iam.create_role(RoleName=h.name("oidc"), AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Federated": arn},
            "Action": "sts:AssumeRoleWithWebIdentity"}]}))["Role"]
    claims = {"iss": f"https://{h_}", "sub": "user-1", "aud": "my-app",
              "exp": int(time.time()) + 600}
    ok = sts.assume_role_with_web_identity(RoleArn=role["Arn"], RoleSessionName="s1",
                                           WebIdentityToken=_jwt(claims))
    assert ok["SubjectFromWebIdentityToken"] == "user-1" and ok["Audience"] == "my-app"
    assert ok["AssumedRoleUser"]["Arn"].endswith(f":assumed-role/{role['RoleName']}/s1")
    with pytest.raises(ClientError) as e:
        sts.assume_role_with_web_identity(RoleArn=role["Arn"], RoleSessionName="s1",
                                          WebIdentityToken=_jwt({**claims, "aud": "other"}))
    assert error(e) == ("InvalidIdentityToken", 400)
    with pytest.raises(ClientError) as e:
        sts.assume_role_with_web_identity(
            RoleArn=role["Arn"], RoleSessionName="s1",
            WebIdentityToken=_jwt({**claims, "exp": int(time.time()) - 10}))
    assert error(e) == ("ExpiredTokenException", 400)


def saml_provider(iam, **kw) -> tuple[str, str]:
    name = h.name("idp")
    arn = iam.create_saml_provider(Name=name, SAMLMetadataDocument=saml.metadata(**kw))[
        "SAMLProviderArn"]
    return name, arn


def test_saml_provider_lifecycle(iam):
    name = h.name("idp")
    created = iam.create_saml_provider(Name=name, SAMLMetadataDocument=saml.metadata(),
                                       Tags=[{"Key": "k", "Value": "v"}])
    arn = created["SAMLProviderArn"]
    assert arn == f"arn:aws:iam::{h.ACCOUNT}:saml-provider/{name}"
    assert created["Tags"] == [{"Key": "k", "Value": "v"}]
    got = iam.get_saml_provider(SAMLProviderArn=arn)
    assert got["SAMLMetadataDocument"] == saml.metadata()
    assert got["ValidUntil"] == dt.datetime(2049, 12, 31, 23, 59, 59, tzinfo=dt.timezone.utc)
    assert abs(got["CreateDate"].timestamp() - time.time()) < 60
    assert len(got["SAMLProviderUUID"]) >= 22 and got["AssertionEncryptionMode"] == "Allowed"
    listed = {p["Arn"]: p for p in iam.list_saml_providers()["SAMLProviderList"]}
    assert listed[arn]["ValidUntil"] == got["ValidUntil"]

    with pytest.raises(ClientError) as e:
        iam.create_saml_provider(Name=name, SAMLMetadataDocument=saml.metadata())
    assert error(e) == ("EntityAlreadyExists", 409)

    updated = iam.update_saml_provider(SAMLProviderArn=arn, SAMLMetadataDocument=saml.metadata(
        valid_until="2040-01-01T00:00:00.000Z"))
    assert updated["SAMLProviderArn"] == arn
    assert iam.get_saml_provider(SAMLProviderArn=arn)["ValidUntil"].year == 2040

    iam.tag_saml_provider(SAMLProviderArn=arn, Tags=[{"Key": "k2", "Value": "v2"}])
    iam.untag_saml_provider(SAMLProviderArn=arn, TagKeys=["k"])
    assert iam.list_saml_provider_tags(SAMLProviderArn=arn)["Tags"] == [
        {"Key": "k2", "Value": "v2"}]

    iam.delete_saml_provider(SAMLProviderArn=arn)
    with pytest.raises(ClientError) as e:
        iam.get_saml_provider(SAMLProviderArn=arn)
    assert error(e) == ("NoSuchEntity", 404)
    with pytest.raises(ClientError) as e:
        iam.delete_saml_provider(SAMLProviderArn=arn)
    assert error(e) == ("NoSuchEntity", 404)


def test_saml_metadata_validation(iam):
    not_xml = "x" * 1200
    not_entity = "<root>" + "<a>b</a>" * 200 + "</root>"
    broken = saml.metadata().replace("</md:EntityDescriptor>", "")
    for doc in (not_xml, not_entity, broken):
        with pytest.raises(ClientError) as e:
            iam.create_saml_provider(Name=h.name("bad"), SAMLMetadataDocument=doc)
        assert error(e) == ("InvalidInput", 400)
    with pytest.raises(ClientError) as e:
        iam.create_saml_provider(Name="bad name!", SAMLMetadataDocument=saml.metadata())
    assert error(e) == ("ValidationError", 400)
    name, arn = saml_provider(iam)
    with pytest.raises(ClientError) as e:
        iam.update_saml_provider(SAMLProviderArn=arn, SAMLMetadataDocument=not_xml)
    assert error(e) == ("InvalidInput", 400)
    # The failed update left the provider as it was.
    assert iam.get_saml_provider(SAMLProviderArn=arn)["SAMLMetadataDocument"] == saml.metadata()


def saml_role(iam, provider_arn: str, condition: dict | None = None) -> dict:
    stmt = {"Effect": "Allow", "Principal": {"Federated": provider_arn},
            "Action": "sts:AssumeRoleWithSAML"}
    if condition:
        stmt["Condition"] = condition
    return iam.create_role(RoleName=h.name("saml"), AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [stmt]}))["Role"]


def test_assume_role_with_saml(nimbus, iam, sts):
    name, provider = saml_provider(iam)
    role = saml_role(iam, provider, {"StringEquals": {"SAML:aud": saml.AUDIENCE}})
    assertion = saml.response([f"{role['Arn']},{provider}"], duration=1800)
    out = sts.assume_role_with_saml(RoleArn=role["Arn"], PrincipalArn=provider,
                                    SAMLAssertion=assertion)
    creds = out["Credentials"]
    assert creds["AccessKeyId"].startswith("ASIA")
    left = creds["Expiration"].timestamp() - time.time()
    assert 1700 < left <= 1801, left
    assert out["AssumedRoleUser"]["Arn"] == (
        f"arn:aws:sts::{h.ACCOUNT}:assumed-role/{role['RoleName']}/alice@example.com")
    assert out["AssumedRoleUser"]["AssumedRoleId"] == f"{role['RoleId']}:alice@example.com"
    assert out["Subject"] == "alice-1234" and out["SubjectType"] == "persistent"
    assert out["Issuer"] == saml.ISSUER and out["Audience"] == saml.AUDIENCE
    assert out["NameQualifier"] == saml.name_qualifier(saml.ISSUER, h.ACCOUNT, name)
    who = h.creds_client(nimbus, "sts", creds).get_caller_identity()
    assert who["Arn"] == out["AssumedRoleUser"]["Arn"]

    # Pairs may be listed provider first; other formats are returned as they are.
    fmt = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"
    out = sts.assume_role_with_saml(
        RoleArn=role["Arn"], PrincipalArn=provider, DurationSeconds=900,
        SAMLAssertion=saml.response([f"{provider},{role['Arn']}"], name_format=fmt))
    assert out["SubjectType"] == fmt
    assert out["Credentials"]["Expiration"].timestamp() - time.time() <= 901


def test_assume_role_with_saml_refusals(iam, sts):
    name, provider = saml_provider(iam)
    role = saml_role(iam, provider)
    pair = [f"{role['Arn']},{provider}"]

    def refused(**kw):
        params = {"RoleArn": role["Arn"], "PrincipalArn": provider,
                  "SAMLAssertion": saml.response(pair)}
        params.update(kw)
        with pytest.raises(ClientError) as e:
            sts.assume_role_with_saml(**params)
        return error(e)

    assert refused(SAMLAssertion="!!!not base64!!!") == ("InvalidIdentityToken", 400)
    assert refused(SAMLAssertion=base64.b64encode(b"<a><b></a>").decode()) == (
        "InvalidIdentityToken", 400)
    assert refused(PrincipalArn=f"arn:aws:iam::{h.ACCOUNT}:saml-provider/missing") == (
        "InvalidIdentityToken", 400)
    assert refused(SAMLAssertion=saml.response(pair, issuer="https://other.example.com")) == (
        "InvalidIdentityToken", 400)
    assert refused(SAMLAssertion=saml.response(pair, expires_in=-60)) == (
        "ExpiredTokenException", 400)
    # The assertion does not offer this role.
    other = saml_role(iam, provider)
    assert refused(RoleArn=other["Arn"]) == ("AccessDenied", 403)
    # The trust policy names another provider.
    _, provider2 = saml_provider(iam)
    stranger = saml_role(iam, provider2)
    assert refused(RoleArn=stranger["Arn"], SAMLAssertion=saml.response(
        [f"{stranger['Arn']},{provider}"])) == ("AccessDenied", 403)
    # A condition on a SAML key that does not hold.
    picky = saml_role(iam, provider, {"StringEquals": {"saml:sub": "bob"}})
    assert refused(RoleArn=picky["Arn"], SAMLAssertion=saml.response(
        [f"{picky['Arn']},{provider}"])) == ("AccessDenied", 403)
    out = sts.assume_role_with_saml(RoleArn=picky["Arn"], PrincipalArn=provider,
                                    SAMLAssertion=saml.response([f"{picky['Arn']},{provider}"],
                                                                subject="bob"))
    assert out["Subject"] == "bob"
    assert refused(DurationSeconds=7200) == ("ValidationError", 400)  # role max 3600
