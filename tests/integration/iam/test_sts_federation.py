"""STS GetFederationToken: federated-user sessions, their identity, and (with ENFORCE_IAM=1)
their permissions: the creator's policies intersected with the session policies."""
import json
import time

import pytest
from botocore.exceptions import ClientError

import iam_helpers as h
import nimbus_support as ns


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    yield from h.module_server(tmp_path_factory, "federation", ENFORCE_IAM="1")


def error(exc_info) -> tuple[str, int]:
    e = exc_info.value.response
    return e["Error"]["Code"], e["ResponseMetadata"]["HTTPStatusCode"]


def test_federation_token_identity(nimbus):
    sts = ns.boto3_client(nimbus, "sts")
    out = sts.get_federation_token(Name="bob", Policy=h.allow("s3:*"))
    assert out["FederatedUser"] == {
        "Arn": f"arn:aws:sts::{h.ACCOUNT}:federated-user/bob",
        "FederatedUserId": f"{h.ACCOUNT}:bob"}
    creds = out["Credentials"]
    assert creds["AccessKeyId"].startswith("ASIA") and creds["SessionToken"]
    # Root credentials: at most an hour.
    assert creds["Expiration"].timestamp() - time.time() <= 3601
    assert 0 <= out["PackedPolicySize"] <= 100
    who = h.creds_client(nimbus, "sts", creds).get_caller_identity()
    assert who == {**who, "Arn": out["FederatedUser"]["Arn"], "UserId": f"{h.ACCOUNT}:bob",
                   "Account": h.ACCOUNT}

    iam = ns.boto3_client(nimbus, "iam")
    user, key = h.user_with_key(iam)
    mine = h.creds_client(nimbus, "sts", key).get_federation_token(Name="carol",
                                                                   DurationSeconds=129600)
    left = mine["Credentials"]["Expiration"].timestamp() - time.time()
    assert 129500 < left <= 129601
    assert "PackedPolicySize" not in mine


def test_federation_token_validation(nimbus):
    sts = ns.boto3_client(nimbus, "sts")
    for kw in ({"Name": "bad name"}, {"Name": "x" * 33}, {"Name": "ok", "DurationSeconds": 129601},
               {"Name": "ok", "Policy": "{not json"}):
        with pytest.raises(ClientError) as e:
            sts.get_federation_token(**kw)
        code = "MalformedPolicyDocument" if "Policy" in kw else "ValidationError"
        assert error(e) == (code, 400), kw
    with pytest.raises(ClientError) as e:
        sts.get_federation_token(Name="ok", PolicyArns=[
            {"arn": f"arn:aws:iam::{h.ACCOUNT}:policy/does-not-exist"}])
    assert error(e)[0] == "InvalidParameterValue"
    # Session credentials cannot federate.
    fed = sts.get_federation_token(Name="first", Policy=h.allow("sts:*"))["Credentials"]
    with pytest.raises(ClientError) as e:
        h.creds_client(nimbus, "sts", fed).get_federation_token(Name="second")
    assert error(e) == ("AccessDenied", 403)


def test_federated_permissions_are_the_intersection(server):
    iam = h.client(server, "iam")
    sqs_root = h.client(server, "sqs")
    url = sqs_root.create_queue(QueueName=h.name("fed"))["QueueUrl"]
    user, key = h.user_with_key(iam, h.allow(["sqs:ListQueues", "sqs:GetQueueUrl",
                                              "sts:GetFederationToken"]))
    sts = h.creds_client(server, "sts", key)

    # Without session policies a federated user may do nothing.
    bare = sts.get_federation_token(Name="bare")["Credentials"]
    with pytest.raises(ClientError) as e:
        h.creds_client(server, "sqs", bare).list_queues()
    assert error(e)[1] == 403

    # The session policy allows everything SQS; the user only ListQueues/GetQueueUrl.
    wide = sts.get_federation_token(Name="wide", Policy=h.allow("sqs:*"))["Credentials"]
    sqs = h.creds_client(server, "sqs", wide)
    assert url in sqs.list_queues().get("QueueUrls", [])
    with pytest.raises(ClientError) as e:
        sqs.send_message(QueueUrl=url, MessageBody="x")
    assert error(e)[1] == 403
    assert f"federated-user/wide is not authorized" in e.value.response["Error"]["Message"]

    # The session policy narrows: GetQueueUrl only.
    narrow = sts.get_federation_token(Name="narrow", Policy=h.allow("sqs:GetQueueUrl"))[
        "Credentials"]
    sqs = h.creds_client(server, "sqs", narrow)
    sqs.get_queue_url(QueueName=url.rsplit("/", 1)[1])
    with pytest.raises(ClientError) as e:
        sqs.list_queues()
    assert error(e)[1] == 403

    # A managed policy as session policy works the same way.
    arn = iam.create_policy(PolicyName=h.name("p"), PolicyDocument=h.allow("sqs:ListQueues"))[
        "Policy"]["Arn"]
    managed = sts.get_federation_token(Name="managed", PolicyArns=[{"arn": arn}])["Credentials"]
    assert url in h.creds_client(server, "sqs", managed).list_queues().get("QueueUrls", [])

    # The root's federated users get exactly their session policy.
    root_fed = h.client(server, "sts").get_federation_token(
        Name="rootfed", Policy=h.allow("sqs:SendMessage"))["Credentials"]
    h.creds_client(server, "sqs", root_fed).send_message(QueueUrl=url, MessageBody="x")
    with pytest.raises(ClientError) as e:
        h.creds_client(server, "sqs", root_fed).list_queues()
    assert error(e)[1] == 403
    who = h.creds_client(server, "sts", root_fed).get_caller_identity()
    assert who["Arn"] == f"arn:aws:sts::{h.ACCOUNT}:federated-user/rootfed"

    # A user without sts:GetFederationToken may not federate.
    _, key2 = h.user_with_key(iam, h.allow("sqs:ListQueues"))
    with pytest.raises(ClientError) as e:
        h.creds_client(server, "sts", key2).get_federation_token(Name="nope")
    assert error(e)[1] == 403


def test_saml_and_web_identity_under_enforcement(server):
    """AssumeRoleWithSAML is unsigned: with ENFORCE_IAM=1 the trust policy alone decides, and
    the session's permissions are the role's."""
    import saml_fixtures as saml
    iam = h.client(server, "iam")
    provider = iam.create_saml_provider(Name=h.name("idp"), SAMLMetadataDocument=saml.metadata())[
        "SAMLProviderArn"]
    role = iam.create_role(RoleName=h.name("samlrole"), AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Federated": provider},
            "Action": "sts:AssumeRoleWithSAML"}]}))["Role"]
    iam.put_role_policy(RoleName=role["RoleName"], PolicyName="list",
                        PolicyDocument=h.allow("sqs:ListQueues"))
    out = h.client(server, "sts").assume_role_with_saml(
        RoleArn=role["Arn"], PrincipalArn=provider,
        SAMLAssertion=saml.response([f"{role['Arn']},{provider}"], source_identity="alice"))
    assert out["SourceIdentity"] == "alice"
    sqs = h.creds_client(server, "sqs", out["Credentials"])
    sqs.list_queues()
    with pytest.raises(ClientError) as e:
        sqs.create_queue(QueueName=h.name("nope"))
    assert error(e)[1] == 403


def test_iam_permissions_name_the_new_entities(server):
    """With ENFORCE_IAM=1 the new IAM calls are authorized against their entities' ARNs."""
    iam = h.client(server, "iam")
    mine = iam.create_open_id_connect_provider(Url=f"https://{h.name('mine')}.example.com")[
        "OpenIDConnectProviderArn"]
    other = iam.create_open_id_connect_provider(Url=f"https://{h.name('other')}.example.com")[
        "OpenIDConnectProviderArn"]
    _, key = h.user_with_key(iam, h.allow("iam:GetOpenIDConnectProvider", mine))
    as_user = h.creds_client(server, "iam", key)
    as_user.get_open_id_connect_provider(OpenIDConnectProviderArn=mine)
    with pytest.raises(ClientError) as e:
        as_user.get_open_id_connect_provider(OpenIDConnectProviderArn=other)
    assert error(e)[1] == 403
    assert f"iam:GetOpenIDConnectProvider on resource: {other}" in \
        e.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as e:
        as_user.create_virtual_mfa_device(VirtualMFADeviceName="nope")
    assert f"on resource: arn:aws:iam::{h.ACCOUNT}:mfa/nope" in e.value.response["Error"]["Message"]


def test_federation_session_tags_are_principal_tags(server):
    iam = h.client(server, "iam")
    _, key = h.user_with_key(iam, h.allow(["sqs:ListQueues", "sts:GetFederationToken"]))
    policy = h.allow("sqs:ListQueues",
                     Condition={"StringEquals": {"aws:PrincipalTag/team": "blue"}})
    sts = h.creds_client(server, "sts", key)
    blue = sts.get_federation_token(Name="blue", Policy=policy,
                                    Tags=[{"Key": "team", "Value": "blue"}])["Credentials"]
    red = sts.get_federation_token(Name="red", Policy=policy,
                                   Tags=[{"Key": "team", "Value": "red"}])["Credentials"]
    h.creds_client(server, "sqs", blue).list_queues()
    with pytest.raises(ClientError) as e:
        h.creds_client(server, "sqs", red).list_queues()
    assert error(e)[1] == 403
