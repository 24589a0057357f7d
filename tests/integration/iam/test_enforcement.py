"""ENFORCE_IAM=1 (and soft): identity policies, resource policies, trust policies, and a Lambda
function running with its execution role's credentials."""
import io
import json
import zipfile
from pathlib import Path

import boto3
import pytest
from botocore.exceptions import ClientError

import iam_helpers as h
import nimbus_support as ns


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    yield from h.module_server(tmp_path_factory, "enforce", ENFORCE_IAM="1")


# SQS answers AccessDenied over both protocols (JSON: x-amzn-query-error, which boto3 reads).
SQS_DENIED = "AccessDenied"


def denied(exc_info, code=SQS_DENIED):
    err = exc_info.value.response["Error"]
    assert err["Code"] in (code if isinstance(code, tuple) else (code,)), err
    assert exc_info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    return err["Message"]


def test_root_is_always_allowed(server):
    sqs = h.client(server, "sqs")
    url = sqs.create_queue(QueueName=h.name("root"))["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="x")
    assert h.client(server, "iam").list_users()["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_user_needs_a_policy(server):
    iam = h.client(server, "iam")
    sqs_root = h.client(server, "sqs")
    url = sqs_root.create_queue(QueueName=h.name("q"))["QueueUrl"]
    arn = sqs_root.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    user, key = h.user_with_key(iam)
    sqs = h.creds_client(server, "sqs", key)
    with pytest.raises(ClientError) as e:
        sqs.send_message(QueueUrl=url, MessageBody="x")
    message = denied(e)
    assert f"user/{user} is not authorized to perform: sqs:SendMessage on resource: {arn}" in message
    iam.put_user_policy(UserName=user, PolicyName="send", PolicyDocument=h.allow(
        "sqs:SendMessage", arn))
    sqs.send_message(QueueUrl=url, MessageBody="x")
    with pytest.raises(ClientError) as e:
        sqs.purge_queue(QueueUrl=url)
    denied(e)
    # An explicit deny (through a group) wins.
    group = h.name("g")
    iam.create_group(GroupName=group)
    iam.put_group_policy(GroupName=group, PolicyName="deny", PolicyDocument=h.allow(
        "sqs:*", "*", effect="Deny"))
    iam.add_user_to_group(GroupName=group, UserName=user)
    with pytest.raises(ClientError) as e:
        sqs.send_message(QueueUrl=url, MessageBody="x")
    assert "explicit deny" in denied(e)
    iam.remove_user_from_group(GroupName=group, UserName=user)
    sqs.send_message(QueueUrl=url, MessageBody="x")
    # A managed policy with a condition.
    other_user, other_key = h.user_with_key(iam)
    p = iam.create_policy(PolicyName=h.name("p"), PolicyDocument=h.allow(
        "sqs:ListQueues", "*", Condition={"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}))
    iam.attach_user_policy(UserName=other_user, PolicyArn=p["Policy"]["Arn"])
    with pytest.raises(ClientError) as e:
        h.creds_client(server, "sqs", other_key).list_queues()
    denied(e)
    eu = h.client(server, "sqs", other_key["AccessKeyId"], other_key["SecretAccessKey"],
                  region="eu-west-1")
    eu.list_queues()


def test_json_and_rest_services_answer_access_denied_exception(server):
    iam = h.client(server, "iam")
    _, key = h.user_with_key(iam)
    with pytest.raises(ClientError) as e:
        h.creds_client(server, "lambda", key).list_functions()
    denied(e, "AccessDeniedException")
    with pytest.raises(ClientError) as e:
        h.creds_client(server, "logs", key).describe_log_groups()
    denied(e, "AccessDeniedException")


def test_queue_policy_grants_access(server):
    iam = h.client(server, "iam")
    sqs_root = h.client(server, "sqs")
    user, key = h.user_with_key(iam)
    user_arn = iam.get_user(UserName=user)["User"]["Arn"]
    url = sqs_root.create_queue(QueueName=h.name("shared"))["QueueUrl"]
    arn = sqs_root.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    sqs = h.creds_client(server, "sqs", key)
    with pytest.raises(ClientError) as e:
        sqs.send_message(QueueUrl=url, MessageBody="x")
    denied(e)
    sqs_root.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"AWS": user_arn}, "Action": "sqs:SendMessage",
            "Resource": arn}]})})
    sqs.send_message(QueueUrl=url, MessageBody="x")


def test_trust_policy_decides_who_may_assume(server):
    iam = h.client(server, "iam")
    allowed_user, allowed_key = h.user_with_key(iam)
    other_user, other_key = h.user_with_key(iam, h.allow("sts:AssumeRole"))
    allowed_arn = iam.get_user(UserName=allowed_user)["User"]["Arn"]
    role = iam.create_role(RoleName=h.name("r"), AssumeRolePolicyDocument=h.trust(
        {"AWS": allowed_arn}))["Role"]
    iam.put_role_policy(RoleName=role["RoleName"], PolicyName="p",
                        PolicyDocument=h.allow("sqs:ListQueues"))
    creds = h.creds_client(server, "sts", allowed_key).assume_role(
        RoleArn=role["Arn"], RoleSessionName="ok")["Credentials"]
    h.creds_client(server, "sqs", creds).list_queues()
    with pytest.raises(ClientError) as e:
        h.creds_client(server, "sqs", creds).create_queue(QueueName=h.name("nope"))
    assert "assumed-role/" in denied(e)
    with pytest.raises(ClientError) as e:
        h.creds_client(server, "sts", other_key).assume_role(RoleArn=role["Arn"],
                                                             RoleSessionName="no")
    denied(e)
    # A session policy narrows the session further.
    narrowed = h.creds_client(server, "sts", allowed_key).assume_role(
        RoleArn=role["Arn"], RoleSessionName="narrow",
        Policy=h.allow("sqs:GetQueueUrl"))["Credentials"]
    with pytest.raises(ClientError) as e:
        h.creds_client(server, "sqs", narrowed).list_queues()
    denied(e)


def test_decisions_are_logged_with_the_statement(server):
    iam = h.client(server, "iam")
    user, key = h.user_with_key(iam)
    iam.put_user_policy(UserName=user, PolicyName="NoTopics", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Sid": "DenySns", "Effect": "Deny",
                                                "Action": "sns:*", "Resource": "*"}]}))
    with pytest.raises(ClientError) as e:
        h.creds_client(server, "sns", key).list_topics()
    denied(e, "AuthorizationError")
    log = server.stderr()
    assert f"user/{user} sns:ListTopics on * : explicitly denied".replace(" :", ":") in log, log[-2000:]
    assert f"user/{user}/NoTopics statement \"DenySns\"" in log


# ------------------------------------------------------------- Lambda execution role (the test)

FUNCTION = """\
import os, boto3
from botocore.exceptions import ClientError

def handler(event, context):
    sqs = boto3.client("sqs")
    out = {"key": os.environ["AWS_ACCESS_KEY_ID"][:4]}
    for label in ("allowed", "other"):
        try:
            sqs.send_message(QueueUrl=event[label], MessageBody="from lambda")
            out[label] = "ok"
        except ClientError as e:
            out[label] = e.response["Error"]["Code"]
    out["who"] = boto3.client("sts").get_caller_identity()["Arn"]
    return out
"""


def _zip(source: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("app.py", source)
    return buf.getvalue()


def run_function_scenario(server: ns.Server) -> dict:
    """A role that may only sqs:SendMessage to one queue, a python function with that role that
    sends to that queue and to another one; returns the function's report."""
    iam = h.client(server, "iam")
    sqs = h.client(server, "sqs")
    lam = h.client(server, "lambda")
    allowed = sqs.create_queue(QueueName=h.name("allowed"))["QueueUrl"]
    other = sqs.create_queue(QueueName=h.name("other"))["QueueUrl"]
    allowed_arn = sqs.get_queue_attributes(QueueUrl=allowed, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    role = iam.create_role(RoleName=h.name("fnrole"),
                           AssumeRolePolicyDocument=json.dumps(h.LAMBDA_TRUST))["Role"]
    iam.put_role_policy(RoleName=role["RoleName"], PolicyName="send-one",
                        PolicyDocument=h.allow("sqs:SendMessage", allowed_arn))
    fn = h.name("fn")
    site = str(Path(boto3.__file__).resolve().parents[1])
    lam.create_function(FunctionName=fn, Runtime="python3.12", Role=role["Arn"],
                        Handler="app.handler", Code={"ZipFile": _zip(FUNCTION)}, Timeout=30,
                        Environment={"Variables": {"PYTHONPATH": site}})
    lam.get_waiter("function_active_v2").wait(FunctionName=fn,
                                              WaiterConfig={"Delay": 1, "MaxAttempts": 10})
    resp = lam.invoke(FunctionName=fn, Payload=json.dumps({"allowed": allowed, "other": other}))
    payload = json.loads(resp["Payload"].read())
    assert "FunctionError" not in resp, payload
    counts = {label: int(sqs.get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])["Attributes"][
        "ApproximateNumberOfMessages"]) for label, url in (("allowed", allowed), ("other", other))}
    return {**payload, "role": role["RoleName"], "fn": fn, "counts": counts}


def test_lambda_runs_as_its_execution_role(server):
    report = run_function_scenario(server)
    assert report["key"] == "ASIA"
    assert report["who"] == f"arn:aws:sts::000000000000:assumed-role/{report['role']}/{report['fn']}"
    assert report["allowed"] == "ok"
    assert report["other"] == "AccessDenied", report
    assert report["counts"] == {"allowed": 1, "other": 0}


def test_lambda_without_enforcement_sends_to_both(nimbus):
    report = run_function_scenario(nimbus)
    assert report["key"] == "ASIA"
    assert report["allowed"] == "ok" and report["other"] == "ok", report
    assert report["counts"] == {"allowed": 1, "other": 1}


def test_soft_mode_logs_and_lets_through(tmp_path_factory):
    for server in h.module_server(tmp_path_factory, "soft", ENFORCE_IAM="soft"):
        iam = h.client(server, "iam")
        user, key = h.user_with_key(iam)
        sqs = h.creds_client(server, "sqs", key)
        sqs.list_queues()
        log = server.stderr()
        assert f"(soft, let through) arn:aws:iam::000000000000:user/{user} sqs:ListQueues" in log


def test_function_policy_from_add_permission_grants_invoke(server):
    iam = h.client(server, "iam")
    lam = h.client(server, "lambda")
    user, key = h.user_with_key(iam)
    user_arn = iam.get_user(UserName=user)["User"]["Arn"]
    fn = h.name("echo")
    lam.create_function(FunctionName=fn, Runtime="python3.12",
                        Role="arn:aws:iam::000000000000:role/unknown-role", Handler="app.handler",
                        Code={"ZipFile": _zip("def handler(e, c):\n    return {'ok': True}\n")})
    lam.get_waiter("function_active_v2").wait(FunctionName=fn,
                                              WaiterConfig={"Delay": 1, "MaxAttempts": 10})
    user_lambda = h.creds_client(server, "lambda", key)
    with pytest.raises(ClientError) as e:
        user_lambda.invoke(FunctionName=fn, Payload=b"{}")
    assert "lambda:InvokeFunction" in denied(e, "AccessDeniedException")
    lam.add_permission(FunctionName=fn, StatementId="user", Action="lambda:InvokeFunction",
                       Principal=user_arn)
    resp = user_lambda.invoke(FunctionName=fn, Payload=b"{}")
    assert json.loads(resp["Payload"].read()) == {"ok": True}
    # The policy names one function only.
    with pytest.raises(ClientError) as e:
        user_lambda.get_function(FunctionName=fn)
    denied(e, "AccessDeniedException")


def test_creating_a_function_needs_pass_role(server):
    iam = h.client(server, "iam")
    role = iam.create_role(RoleName=h.name("exec"),
                           AssumeRolePolicyDocument=json.dumps(h.LAMBDA_TRUST))["Role"]
    user, key = h.user_with_key(iam, h.allow("lambda:*"))
    lam = h.creds_client(server, "lambda", key)
    code = {"ZipFile": _zip("def handler(e, c):\n    return 1\n")}
    with pytest.raises(ClientError) as e:
        lam.create_function(FunctionName=h.name("f"), Runtime="python3.12", Role=role["Arn"],
                            Handler="app.handler", Code=code)
    message = denied(e, "AccessDeniedException")
    assert f"iam:PassRole on resource: {role['Arn']}" in message
    iam.put_user_policy(UserName=user, PolicyName="pass", PolicyDocument=h.allow(
        "iam:PassRole", role["Arn"],
        Condition={"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}}))
    lam.create_function(FunctionName=h.name("f"), Runtime="python3.12", Role=role["Arn"],
                        Handler="app.handler", Code=code)


def test_web_identity_trust_policy(server):
    import base64

    def b64(d):
        return base64.urlsafe_b64encode(json.dumps(d).encode()).decode().rstrip("=")

    def token(sub):
        return ".".join([b64({"alg": "RS256"}), b64({
            "iss": "https://token.actions.githubusercontent.com", "sub": sub,
            "aud": "sts.amazonaws.com"}), "sig"])
    iam = h.client(server, "iam")
    provider = "arn:aws:iam::000000000000:oidc-provider/token.actions.githubusercontent.com"
    role = iam.create_role(RoleName=h.name("gha"), AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Federated": provider},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringLike": {
                "token.actions.githubusercontent.com:sub": "repo:acme/app:*"}}}]}))["Role"]
    sts = h.client(server, "sts")
    ok = sts.assume_role_with_web_identity(RoleArn=role["Arn"], RoleSessionName="ci",
                                           WebIdentityToken=token("repo:acme/app:ref:main"))
    assert ok["Credentials"]["AccessKeyId"].startswith("ASIA")
    with pytest.raises(ClientError) as e:
        sts.assume_role_with_web_identity(RoleArn=role["Arn"], RoleSessionName="ci",
                                          WebIdentityToken=token("repo:evil/app:ref:main"))
    assert "sts:AssumeRoleWithWebIdentity" in denied(e)


def test_source_ip_is_the_peer_address_or_the_first_forwarded_hop(server):
    """aws:SourceIp: the TCP peer (the test connects over 127.0.0.1), or the first
    X-Forwarded-For hop when a proxy in front of Nimbus adds one."""
    iam = h.client(server, "iam")
    user, key = h.user_with_key(iam)
    iam.put_user_policy(UserName=user, PolicyName="loopback", PolicyDocument=h.allow(
        "sqs:ListQueues", "*", Condition={"IpAddress": {"aws:SourceIp": "127.0.0.0/8"}}))
    sqs = h.creds_client(server, "sqs", key)
    sqs.list_queues()

    def forwarded_for(value):
        def add_header(request, **_):
            request.headers["X-Forwarded-For"] = value
        return add_header

    proxied = h.creds_client(server, "sqs", key)
    proxied.meta.events.register("before-sign.sqs.ListQueues", forwarded_for("10.1.2.3, 127.0.0.1"))
    with pytest.raises(ClientError) as e:
        proxied.list_queues()
    denied(e)
