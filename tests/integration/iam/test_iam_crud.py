"""IAM CRUD through boto3, AWS CLI v1 and v2 and raw query requests, against the shared
server (no verification, no enforcement)."""
import json
import urllib.parse

import pytest
from botocore.exceptions import ClientError

import iam_helpers as h
import nimbus_support as ns


@pytest.fixture(scope="module")
def iam(nimbus):
    return ns.boto3_client(nimbus, "iam")


def error(exc_info) -> tuple[str, int]:
    e = exc_info.value.response
    return e["Error"]["Code"], e["ResponseMetadata"]["HTTPStatusCode"]


def test_users_groups_and_membership(iam):
    user = h.name("user")
    created = iam.create_user(UserName=user, Path="/team/", Tags=[{"Key": "env", "Value": "dev"}])
    u = created["User"]
    assert u["UserName"] == user and u["Path"] == "/team/"
    assert u["UserId"].startswith("AIDA") and len(u["UserId"]) == 21
    assert u["Arn"] == f"arn:aws:iam::000000000000:user/team/{user}"
    with pytest.raises(ClientError) as e:
        iam.create_user(UserName=user.upper())  # names are case-insensitive
    assert error(e) == ("EntityAlreadyExists", 409)
    assert iam.get_user(UserName=user)["User"]["Tags"] == [{"Key": "env", "Value": "dev"}]
    group = h.name("group")
    iam.create_group(GroupName=group)
    iam.add_user_to_group(GroupName=group, UserName=user)
    assert [g["GroupName"] for g in iam.list_groups_for_user(UserName=user)["Groups"]] == [group]
    got = iam.get_group(GroupName=group)
    assert [x["UserName"] for x in got["Users"]] == [user]
    with pytest.raises(ClientError) as e:
        iam.delete_group(GroupName=group)
    assert error(e) == ("DeleteConflict", 409)
    with pytest.raises(ClientError) as e:
        iam.delete_user(UserName=user)
    assert error(e) == ("DeleteConflict", 409)
    iam.remove_user_from_group(GroupName=group, UserName=user)
    iam.delete_group(GroupName=group)
    renamed = user + "-x"
    iam.update_user(UserName=user, NewUserName=renamed, NewPath="/ops/")
    assert iam.get_user(UserName=renamed)["User"]["Arn"].endswith(f":user/ops/{renamed}")
    iam.tag_user(UserName=renamed, Tags=[{"Key": "team", "Value": "a"}])
    iam.untag_user(UserName=renamed, TagKeys=["env"])
    assert iam.list_user_tags(UserName=renamed)["Tags"] == [{"Key": "team", "Value": "a"}]
    iam.delete_user(UserName=renamed)
    with pytest.raises(ClientError) as e:
        iam.get_user(UserName=renamed)
    assert error(e) == ("NoSuchEntity", 404)
    assert "cannot be found" in e.value.response["Error"]["Message"]


def test_list_users_pagination(iam, nimbus):
    prefix = "/" + h.name("page") + "/"
    names = sorted(h.name("p") for _ in range(5))
    for n in names:
        iam.create_user(UserName=n, Path=prefix)
    seen, marker, pages = [], None, 0
    while True:
        kwargs = {"PathPrefix": prefix, "MaxItems": 2}
        if marker:
            kwargs["Marker"] = marker
        page = iam.list_users(**kwargs)
        pages += 1
        seen += [u["UserName"] for u in page["Users"]]
        if not page["IsTruncated"]:
            break
        marker = page["Marker"]
    assert pages == 3 and seen == names
    paginated = [u["UserName"] for p in iam.get_paginator("list_users").paginate(
        PathPrefix=prefix, PaginationConfig={"PageSize": 2}) for u in p["Users"]]
    assert paginated == names
    resp = ns.request(nimbus, "POST", "/", "Action=ListUsers&Version=2010-05-08&MaxItems=0",
                      ns.form_headers(), service="iam")
    assert resp.status == 400 and resp.query_error()["Code"] == "ValidationError", resp


def test_roles_trust_policy_is_url_encoded_on_the_wire(iam, nimbus):
    role = h.name("role")
    doc = json.dumps(h.LAMBDA_TRUST)
    r = iam.create_role(RoleName=role, AssumeRolePolicyDocument=doc, Description="d",
                        MaxSessionDuration=7200)["Role"]
    assert r["RoleId"].startswith("AROA")
    assert r["AssumeRolePolicyDocument"] == h.LAMBDA_TRUST  # botocore decodes it
    assert r["MaxSessionDuration"] == 7200
    raw = ns.request(nimbus, "POST", "/", f"Action=GetRole&Version=2010-05-08&RoleName={role}",
                     ns.form_headers(), service="iam")
    assert raw.status == 200, raw
    encoded = urllib.parse.quote(doc, safe="")
    assert f"<AssumeRolePolicyDocument>{encoded}</AssumeRolePolicyDocument>".encode() in raw.body
    iam.update_assume_role_policy(RoleName=role, PolicyDocument=h.trust({"AWS": "*"}))
    assert iam.get_role(RoleName=role)["Role"]["AssumeRolePolicyDocument"]["Statement"][0][
        "Principal"] == {"AWS": "*"}
    iam.update_role(RoleName=role, Description="new", MaxSessionDuration=3600)
    got = iam.get_role(RoleName=role)["Role"]
    assert got["Description"] == "new" and got["MaxSessionDuration"] == 3600
    with pytest.raises(ClientError) as e:
        ns.boto3_client(nimbus, "iam", validate=False).update_role(RoleName=role, MaxSessionDuration=100)
    assert error(e)[0] == "ValidationError"
    iam.tag_role(RoleName=role, Tags=[{"Key": "a", "Value": "1"}])
    assert iam.list_role_tags(RoleName=role)["Tags"] == [{"Key": "a", "Value": "1"}]
    assert role in [x["RoleName"] for x in iam.list_roles()["Roles"]]
    iam.delete_role(RoleName=role)


@pytest.mark.parametrize("doc,message", [
    ("{not json", "Syntax errors in policy."),
    (json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sqs:*"}]}),
     "Policy statement must contain resources."),
    (json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "SendMessage", "Resource": "*"}]}), "prefaced by a vendor"),
    (json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Permit", "Action": "sqs:*", "Resource": "*"}]}), "Invalid effect"),
])
def test_malformed_policy_documents(iam, doc, message):
    with pytest.raises(ClientError) as e:
        iam.create_policy(PolicyName=h.name("bad"), PolicyDocument=doc)
    assert error(e) == ("MalformedPolicyDocument", 400)
    assert message in e.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as e:
        iam.create_role(RoleName=h.name("r"), AssumeRolePolicyDocument=h.allow("sqs:*"))
    assert error(e) == ("MalformedPolicyDocument", 400)


def test_managed_policies_versions_and_attachments(iam):
    pname = h.name("pol")
    p = iam.create_policy(PolicyName=pname, PolicyDocument=h.allow("sqs:*"), Path="/app/",
                          Description="desc")["Policy"]
    arn = p["Arn"]
    assert arn == f"arn:aws:iam::000000000000:policy/app/{pname}"
    assert p["PolicyId"].startswith("ANPA") and p["DefaultVersionId"] == "v1"
    assert p["AttachmentCount"] == 0
    with pytest.raises(ClientError) as e:
        iam.create_policy(PolicyName=pname, PolicyDocument=h.allow("sqs:*"))
    assert error(e) == ("EntityAlreadyExists", 409)
    for i in range(2, 6):
        v = iam.create_policy_version(PolicyArn=arn, PolicyDocument=h.allow(f"sns:Op{i}"),
                                      SetAsDefault=(i == 3))["PolicyVersion"]
        assert v["VersionId"] == f"v{i}"
    with pytest.raises(ClientError) as e:
        iam.create_policy_version(PolicyArn=arn, PolicyDocument=h.allow("sqs:*"))
    assert error(e) == ("LimitExceeded", 409)
    assert iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"] == "v3"
    versions = iam.list_policy_versions(PolicyArn=arn)["Versions"]
    assert [v["VersionId"] for v in versions] == ["v5", "v4", "v3", "v2", "v1"]
    assert [v["IsDefaultVersion"] for v in versions] == [False, False, True, False, False]
    doc = iam.get_policy_version(PolicyArn=arn, VersionId="v3")["PolicyVersion"]["Document"]
    assert doc["Statement"][0]["Action"] == "sns:Op3"
    with pytest.raises(ClientError) as e:
        iam.delete_policy_version(PolicyArn=arn, VersionId="v3")
    assert error(e) == ("DeleteConflict", 409)
    iam.set_default_policy_version(PolicyArn=arn, VersionId="v5")
    for v in ("v1", "v2", "v3", "v4"):
        iam.delete_policy_version(PolicyArn=arn, VersionId=v)

    role = h.name("role")
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps(h.LAMBDA_TRUST))
    user = h.name("user")
    iam.create_user(UserName=user)
    group = h.name("group")
    iam.create_group(GroupName=group)
    iam.attach_role_policy(RoleName=role, PolicyArn=arn)
    iam.attach_user_policy(UserName=user, PolicyArn=arn)
    iam.attach_group_policy(GroupName=group, PolicyArn=arn)
    lambda_basic = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
    iam.attach_role_policy(RoleName=role, PolicyArn=lambda_basic)
    with pytest.raises(ClientError) as e:
        iam.attach_role_policy(RoleName=role, PolicyArn="arn:aws:iam::aws:policy/NoSuchThing")
    assert error(e) == ("NoSuchEntity", 404)
    attached = iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"]
    assert {a["PolicyArn"] for a in attached} == {arn, lambda_basic}
    assert iam.get_policy(PolicyArn=arn)["Policy"]["AttachmentCount"] == 3
    entities = iam.list_entities_for_policy(PolicyArn=arn)
    assert [r["RoleName"] for r in entities["PolicyRoles"]] == [role]
    assert [u["UserName"] for u in entities["PolicyUsers"]] == [user]
    assert [g["GroupName"] for g in entities["PolicyGroups"]] == [group]
    only_roles = iam.list_entities_for_policy(PolicyArn=arn, EntityFilter="Role")
    assert only_roles["PolicyUsers"] == [] and len(only_roles["PolicyRoles"]) == 1
    with pytest.raises(ClientError) as e:
        iam.delete_policy(PolicyArn=arn)
    assert error(e) == ("DeleteConflict", 409)
    with pytest.raises(ClientError) as e:
        iam.delete_role(RoleName=role)
    assert error(e) == ("DeleteConflict", 409)
    local = iam.list_policies(Scope="Local", OnlyAttached=True)["Policies"]
    assert arn in [x["Arn"] for x in local]
    aws = iam.list_policies(Scope="AWS")["Policies"]
    assert lambda_basic in [x["Arn"] for x in aws]
    aws_doc = iam.get_policy_version(PolicyArn=lambda_basic, VersionId="v1")["PolicyVersion"]
    assert "logs:PutLogEvents" in aws_doc["Document"]["Statement"][0]["Action"]
    iam.detach_role_policy(RoleName=role, PolicyArn=arn)
    iam.detach_role_policy(RoleName=role, PolicyArn=lambda_basic)
    iam.detach_user_policy(UserName=user, PolicyArn=arn)
    iam.detach_group_policy(GroupName=group, PolicyArn=arn)
    with pytest.raises(ClientError) as e:
        iam.detach_group_policy(GroupName=group, PolicyArn=arn)
    assert error(e) == ("NoSuchEntity", 404)
    iam.delete_policy(PolicyArn=arn)
    iam.delete_role(RoleName=role)


def test_inline_policies_for_users_groups_roles(iam):
    role = h.name("role")
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps(h.LAMBDA_TRUST))
    user = h.name("user")
    iam.create_user(UserName=user)
    group = h.name("group")
    iam.create_group(GroupName=group)
    doc = h.allow(["sqs:SendMessage"], "arn:aws:sqs:us-east-1:000000000000:q")
    iam.put_role_policy(RoleName=role, PolicyName="send", PolicyDocument=doc)
    iam.put_user_policy(UserName=user, PolicyName="send", PolicyDocument=doc)
    iam.put_group_policy(GroupName=group, PolicyName="send", PolicyDocument=doc)
    got = iam.get_role_policy(RoleName=role, PolicyName="send")
    assert got["PolicyDocument"] == json.loads(doc) and got["RoleName"] == role
    assert iam.get_user_policy(UserName=user, PolicyName="send")["PolicyDocument"] == json.loads(doc)
    assert iam.get_group_policy(GroupName=group, PolicyName="send")["PolicyDocument"] == json.loads(doc)
    assert iam.list_role_policies(RoleName=role)["PolicyNames"] == ["send"]
    assert iam.list_user_policies(UserName=user)["PolicyNames"] == ["send"]
    assert iam.list_group_policies(GroupName=group)["PolicyNames"] == ["send"]
    with pytest.raises(ClientError) as e:
        iam.put_role_policy(RoleName=role, PolicyName="bad", PolicyDocument="{}")
    assert error(e) == ("MalformedPolicyDocument", 400)
    with pytest.raises(ClientError) as e:
        iam.get_role_policy(RoleName=role, PolicyName="nope")
    assert error(e) == ("NoSuchEntity", 404)
    details = iam.get_account_authorization_details()
    role_detail = next(r for r in details["RoleDetailList"] if r["RoleName"] == role)
    assert role_detail["RolePolicyList"] == [{"PolicyName": "send", "PolicyDocument": json.loads(doc)}]
    assert role_detail["AssumeRolePolicyDocument"] == h.LAMBDA_TRUST
    user_detail = next(u for u in details["UserDetailList"] if u["UserName"] == user)
    assert user_detail["UserPolicyList"][0]["PolicyName"] == "send"
    only_groups = iam.get_account_authorization_details(Filter=["Group"])
    assert only_groups["UserDetailList"] == [] and only_groups["GroupDetailList"]
    iam.delete_role_policy(RoleName=role, PolicyName="send")
    iam.delete_user_policy(UserName=user, PolicyName="send")
    iam.delete_group_policy(GroupName=group, PolicyName="send")
    iam.delete_role(RoleName=role)
    iam.delete_user(UserName=user)
    iam.delete_group(GroupName=group)


def test_access_keys(iam, nimbus):
    user = h.name("user")
    iam.create_user(UserName=user)
    k1 = iam.create_access_key(UserName=user)["AccessKey"]
    assert k1["AccessKeyId"].startswith("AKIA") and len(k1["AccessKeyId"]) == 20
    assert len(k1["SecretAccessKey"]) == 40 and k1["Status"] == "Active"
    iam.create_access_key(UserName=user)
    with pytest.raises(ClientError) as e:
        iam.create_access_key(UserName=user)
    assert error(e) == ("LimitExceeded", 409)
    keys = iam.list_access_keys(UserName=user)["AccessKeyMetadata"]
    assert len(keys) == 2 and all("SecretAccessKey" not in k for k in keys)
    # The key identifies its user (no verification on this server, but the identity is known).
    sts = h.creds_client(nimbus, "sts", k1)
    assert sts.get_caller_identity()["Arn"] == f"arn:aws:iam::000000000000:user/{user}"
    assert h.creds_client(nimbus, "iam", k1).get_user()["User"]["UserName"] == user
    iam.update_access_key(UserName=user, AccessKeyId=k1["AccessKeyId"], Status="Inactive")
    assert {k["Status"] for k in iam.list_access_keys(UserName=user)["AccessKeyMetadata"]} == {
        "Active", "Inactive"}
    last = iam.get_access_key_last_used(AccessKeyId=k1["AccessKeyId"])
    assert last["UserName"] == user
    for k in keys:
        iam.delete_access_key(UserName=user, AccessKeyId=k["AccessKeyId"])
    with pytest.raises(ClientError) as e:
        iam.delete_access_key(UserName=user, AccessKeyId=k1["AccessKeyId"])
    assert error(e) == ("NoSuchEntity", 404)
    iam.delete_user(UserName=user)


def test_instance_profiles_and_service_linked_roles(iam):
    role = h.name("role")
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=h.trust({"Service": "ec2.amazonaws.com"}))
    profile = h.name("ip")
    ip = iam.create_instance_profile(InstanceProfileName=profile)["InstanceProfile"]
    assert ip["InstanceProfileId"].startswith("AIPA") and ip["Roles"] == []
    iam.add_role_to_instance_profile(InstanceProfileName=profile, RoleName=role)
    got = iam.get_instance_profile(InstanceProfileName=profile)["InstanceProfile"]
    assert [r["RoleName"] for r in got["Roles"]] == [role]
    assert [p["InstanceProfileName"] for p in
            iam.list_instance_profiles_for_role(RoleName=role)["InstanceProfiles"]] == [profile]
    with pytest.raises(ClientError) as e:
        iam.add_role_to_instance_profile(InstanceProfileName=profile, RoleName=role)
    assert error(e) == ("LimitExceeded", 409)
    with pytest.raises(ClientError) as e:
        iam.delete_instance_profile(InstanceProfileName=profile)
    assert error(e) == ("DeleteConflict", 409)
    iam.remove_role_from_instance_profile(InstanceProfileName=profile, RoleName=role)
    iam.delete_instance_profile(InstanceProfileName=profile)
    iam.delete_role(RoleName=role)

    slr = iam.create_service_linked_role(AWSServiceName="autoscaling.amazonaws.com")["Role"]
    assert slr["RoleName"] == "AWSServiceRoleForAutoscaling"
    assert slr["Path"] == "/aws-service-role/autoscaling.amazonaws.com/"
    with pytest.raises(ClientError) as e:
        iam.delete_role(RoleName=slr["RoleName"])
    assert error(e) == ("UnmodifiableEntity", 400)
    task = iam.delete_service_linked_role(RoleName=slr["RoleName"])["DeletionTaskId"]
    assert iam.get_service_linked_role_deletion_status(DeletionTaskId=task)["Status"] == "SUCCEEDED"


def test_simulation_uses_the_evaluator(iam):
    user = h.name("user")
    iam.create_user(UserName=user)
    iam.put_user_policy(UserName=user, PolicyName="p", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [
            {"Sid": "Send", "Effect": "Allow", "Action": "sqs:SendMessage",
             "Resource": "arn:aws:sqs:*:*:orders"},
            {"Sid": "NoDelete", "Effect": "Deny", "Action": "sqs:DeleteQueue", "Resource": "*"}]}))
    arn = iam.get_user(UserName=user)["User"]["Arn"]
    res = iam.simulate_principal_policy(
        PolicySourceArn=arn, ActionNames=["sqs:SendMessage", "sqs:DeleteQueue", "sqs:PurgeQueue"],
        ResourceArns=["arn:aws:sqs:us-east-1:000000000000:orders"])["EvaluationResults"]
    assert [r["EvalDecision"] for r in res] == ["allowed", "explicitDeny", "implicitDeny"]
    assert res[0]["MatchedStatements"][0]["SourcePolicyId"] == "p"
    assert res[0]["MatchedStatements"][0]["SourcePolicyType"] == "user"
    custom = iam.simulate_custom_policy(
        PolicyInputList=[h.allow("sns:Publish")],
        ActionNames=["sns:Publish", "sns:Subscribe"])["EvaluationResults"]
    assert [r["EvalDecision"] for r in custom] == ["allowed", "implicitDeny"]
    cond = iam.simulate_custom_policy(
        PolicyInputList=[json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": "sqs:*", "Resource": "*",
            "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}]})],
        ActionNames=["sqs:SendMessage"],
        ContextEntries=[{"ContextKeyName": "aws:SourceIp", "ContextKeyValues": ["10.2.3.4"],
                         "ContextKeyType": "ip"}])["EvaluationResults"]
    assert cond[0]["EvalDecision"] == "allowed"
    missing = iam.simulate_custom_policy(
        PolicyInputList=[json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": "sqs:*", "Resource": "*",
            "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}]})],
        ActionNames=["sqs:SendMessage"])["EvaluationResults"]
    assert missing[0]["EvalDecision"] == "implicitDeny"
    assert missing[0]["MissingContextValues"] == ["aws:SourceIp"]
    iam.delete_user_policy(UserName=user, PolicyName="p")
    iam.delete_user(UserName=user)


@pytest.mark.parametrize("cli", ["v1", "v2"])
def test_cli_role_lifecycle(nimbus, cli):
    run = ns.cli_v1 if cli == "v1" else ns.cli_v2
    role = h.name(f"cli{cli}")
    created = run(nimbus, "iam", "create-role", "--role-name", role,
                  "--assume-role-policy-document", json.dumps(h.LAMBDA_TRUST))["Role"]
    assert created["Arn"] == f"arn:aws:iam::000000000000:role/{role}"
    assert created["AssumeRolePolicyDocument"] == h.LAMBDA_TRUST
    run(nimbus, "iam", "put-role-policy", "--role-name", role, "--policy-name", "inline",
        "--policy-document", h.allow("sqs:SendMessage"))
    got = run(nimbus, "iam", "get-role-policy", "--role-name", role, "--policy-name", "inline")
    assert got["PolicyDocument"]["Statement"][0]["Action"] == "sqs:SendMessage"
    policy = run(nimbus, "iam", "create-policy", "--policy-name", role + "-p",
                 "--policy-document", h.allow("sns:*"))["Policy"]
    run(nimbus, "iam", "attach-role-policy", "--role-name", role, "--policy-arn", policy["Arn"])
    listed = run(nimbus, "iam", "list-attached-role-policies", "--role-name", role)
    assert [p["PolicyArn"] for p in listed["AttachedPolicies"]] == [policy["Arn"]]
    user = run(nimbus, "iam", "create-user", "--user-name", role + "-u")["User"]
    key = run(nimbus, "iam", "create-access-key", "--user-name", user["UserName"])["AccessKey"]
    assert key["AccessKeyId"].startswith("AKIA")
    ident = run(nimbus, "sts", "get-caller-identity", env=h.env_for(key))
    assert ident["Arn"] == user["Arn"]
    run(nimbus, "iam", "delete-access-key", "--user-name", user["UserName"],
        "--access-key-id", key["AccessKeyId"])
    run(nimbus, "iam", "delete-user", "--user-name", user["UserName"])
    run(nimbus, "iam", "detach-role-policy", "--role-name", role, "--policy-arn", policy["Arn"])
    run(nimbus, "iam", "delete-policy", "--policy-arn", policy["Arn"])
    run(nimbus, "iam", "delete-role-policy", "--role-name", role, "--policy-name", "inline")
    run(nimbus, "iam", "delete-role", "--role-name", role)
    names = [r["RoleName"] for r in run(nimbus, "iam", "list-roles")["Roles"]]
    assert role not in names


def test_permissions_boundaries(iam):
    boundary = iam.create_policy(PolicyName=h.name("b"), PolicyDocument=h.allow("sqs:*"))["Policy"]
    role = h.name("role")
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps(h.LAMBDA_TRUST),
                    PermissionsBoundary=boundary["Arn"])
    assert iam.get_role(RoleName=role)["Role"]["PermissionsBoundary"] == {
        "PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": boundary["Arn"]}
    assert iam.get_policy(PolicyArn=boundary["Arn"])["Policy"]["PermissionsBoundaryUsageCount"] == 1
    iam.delete_role_permissions_boundary(RoleName=role)
    assert "PermissionsBoundary" not in iam.get_role(RoleName=role)["Role"]
    user = h.name("user")
    iam.create_user(UserName=user)
    iam.put_user_permissions_boundary(UserName=user, PermissionsBoundary=boundary["Arn"])
    assert iam.get_user(UserName=user)["User"]["PermissionsBoundary"]["PermissionsBoundaryArn"] == \
        boundary["Arn"]
    iam.delete_user_permissions_boundary(UserName=user)
    iam.delete_user(UserName=user)
    iam.delete_role(RoleName=role)
    iam.delete_policy(PolicyArn=boundary["Arn"])


def test_debian_boto3_query_client(nimbus):
    user = h.name("deb")
    out = ns.debian_boto3(nimbus, "iam", "create_user", {"UserName": user})
    assert out["ok"], out
    out = ns.debian_boto3(nimbus, "iam", "put_user_policy", {
        "UserName": user, "PolicyName": "p", "PolicyDocument": h.allow("sqs:*")})
    assert out["ok"], out
    out = ns.debian_boto3(nimbus, "iam", "get_user_policy", {"UserName": user, "PolicyName": "p"})
    assert out["ok"], out
    assert out["result"]["PolicyDocument"]["Statement"][0]["Action"] == "sqs:*"


def test_state_survives_a_restart(start_nimbus):
    server = start_nimbus(PERSISTENCE="1")
    iam = ns.boto3_client(server, "iam")
    iam.create_user(UserName="keeper")
    key = iam.create_access_key(UserName="keeper")["AccessKey"]
    iam.create_role(RoleName="kept", AssumeRolePolicyDocument=json.dumps(h.LAMBDA_TRUST))
    iam.put_role_policy(RoleName="kept", PolicyName="p", PolicyDocument=h.allow("sqs:*"))
    data_dir = server.workdir / "data"
    assert server.stop() == 0
    again = start_nimbus(PERSISTENCE="1", DATA_DIR=str(data_dir), SIGV4_VERIFY="1")
    iam2 = ns.boto3_client(again, "iam")
    assert iam2.get_role_policy(RoleName="kept", PolicyName="p")["PolicyDocument"] == json.loads(
        h.allow("sqs:*"))
    who = h.creds_client(again, "sts", key).get_caller_identity()
    assert who["Arn"] == "arn:aws:iam::000000000000:user/keeper"
