"""Lambda control plane through real clients (boto3 from the venv, AWS CLI v2): functions and
their state machine and waiters, name/ARN/qualifier resolution, versions and aliases,
permissions, concurrency, tags, layers, function URL configs, hot reload, DryRun/Event invokes
and error shapes. Execution itself is the execution-engine suite's; invokes here only check
what the control plane decides (versions, routing, queuing, revisions)."""
import base64
import json
import os
import time
from pathlib import Path

import pytest

import cp_helpers as h
import nimbus_support as ns
from cp_helpers import raises_aws


@pytest.fixture
def lam(nimbus):
    return h.client(nimbus)


# -------------------------------------------------------------------------- functions


def test_create_reports_pending_then_waiter_sees_active(lam):
    fn = h.name()
    out = h.create(lam, fn, Description="hello", Timeout=10, MemorySize=256,
                   Environment={"Variables": {"A": "1"}}, Tags={"team": "core"})
    assert out["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert out["State"] == "Pending"
    assert out["StateReason"] == "The function is being created."
    assert out["StateReasonCode"] == "Creating"
    assert out["FunctionArn"] == h.ARN_PREFIX + fn
    assert out["CodeSha256"] == h.sha256_b64(h.ECHO_ZIP)
    assert out["CodeSize"] == len(h.ECHO_ZIP)
    assert out["Version"] == "$LATEST"
    assert out["PackageType"] == "Zip"
    assert out["Architectures"] == ["x86_64"]
    assert out["EphemeralStorage"] == {"Size": 512}
    assert out["TracingConfig"] == {"Mode": "PassThrough"}
    assert out["LoggingConfig"] == {"LogFormat": "Text", "LogGroup": f"/aws/lambda/{fn}"}
    assert out["SnapStart"] == {"ApplyOn": "None", "OptimizationStatus": "Off"}
    assert out["Environment"] == {"Variables": {"A": "1"}}
    assert ns.UUID_RE.match(out["RevisionId"])
    assert len(out["LastModified"]) == 28 and out["LastModified"].endswith("+0000")

    lam.get_waiter("function_active_v2").wait(FunctionName=fn,
                                              WaiterConfig={"Delay": 1, "MaxAttempts": 5})
    got = lam.get_function(FunctionName=fn)
    assert got["Configuration"]["State"] == "Active"
    assert got["Configuration"]["LastUpdateStatus"] == "Successful"
    assert "StateReason" not in got["Configuration"]
    assert got["Code"]["RepositoryType"] == "S3"
    assert got["Code"]["Location"].startswith("http://")
    assert got["Tags"] == {"team": "core"}
    lam.get_waiter("function_exists").wait(FunctionName=fn)
    lam.get_waiter("function_active").wait(FunctionName=fn,
                                           WaiterConfig={"Delay": 1, "MaxAttempts": 5})


def test_update_configuration_and_code_with_waiters(lam):
    fn = h.name()
    created = h.create_active(lam, fn)
    upd = lam.update_function_configuration(
        FunctionName=fn, Timeout=30, MemorySize=512, Handler="app.other", Description="d2",
        Environment={"Variables": {"B": "2"}}, Runtime="python3.11",
        RevisionId=created["RevisionId"])
    assert upd["LastUpdateStatus"] == "InProgress"
    assert upd["State"] == "Active"
    assert upd["RevisionId"] != created["RevisionId"]
    lam.get_waiter("function_updated_v2").wait(FunctionName=fn,
                                               WaiterConfig={"Delay": 1, "MaxAttempts": 5})
    cfg = lam.get_function_configuration(FunctionName=fn)
    assert cfg["LastUpdateStatus"] == "Successful"
    assert (cfg["Timeout"], cfg["MemorySize"], cfg["Handler"], cfg["Runtime"]) == (
        30, 512, "app.other", "python3.11")
    assert cfg["Environment"] == {"Variables": {"B": "2"}}

    new_zip = h.make_zip({"app.py": h.ECHO_PY + "\n# v2\n"})
    code = lam.update_function_code(FunctionName=fn, ZipFile=new_zip)
    assert code["CodeSha256"] == h.sha256_b64(new_zip)
    assert code["CodeSize"] == len(new_zip)
    assert code["LastUpdateStatus"] == "InProgress"
    lam.get_waiter("function_updated").wait(FunctionName=fn,
                                            WaiterConfig={"Delay": 1, "MaxAttempts": 5})
    # A stale RevisionId is refused.
    with raises_aws("PreconditionFailedException", 412):
        lam.update_function_configuration(FunctionName=fn, Timeout=5,
                                          RevisionId=created["RevisionId"])
    with raises_aws("PreconditionFailedException", 412):
        lam.update_function_code(FunctionName=fn, ZipFile=new_zip, RevisionId="nope")


def test_cli_v2_create_wait_get_list_delete(nimbus, tmp_path):
    fn = h.name("cli")
    zip_path = tmp_path / "fn.zip"
    zip_path.write_bytes(h.ECHO_ZIP)
    out = h.cli(nimbus, "lambda", "create-function", "--function-name", fn, "--runtime",
                "python3.12", "--role", h.ROLE, "--handler", "app.handler", "--zip-file",
                f"fileb://{zip_path}")
    assert out["State"] == "Pending"
    assert h.cli(nimbus, "lambda", "wait", "function-active-v2", "--function-name", fn) is None
    cfg = h.cli(nimbus, "lambda", "get-function-configuration", "--function-name", fn)
    assert cfg["State"] == "Active"
    names = [f["FunctionName"] for f in h.cli(nimbus, "lambda", "list-functions")["Functions"]]
    assert fn in names
    h.cli(nimbus, "lambda", "update-function-configuration", "--function-name", fn,
          "--timeout", "20")
    assert h.cli(nimbus, "lambda", "wait", "function-updated-v2", "--function-name", fn) is None
    h.cli(nimbus, "lambda", "delete-function", "--function-name", fn)
    err = h.cli_fail(nimbus, "lambda", "get-function", "--function-name", fn)
    assert "ResourceNotFoundException" in err
    assert f"Function not found: {h.ARN_PREFIX}{fn}" in err


def test_list_functions_paginates(lam):
    prefix = h.name("page")
    names = {f"{prefix}-{i}" for i in range(7)}
    for fn in names:
        h.create(lam, fn)
    first = lam.list_functions(MaxItems=3)
    assert len(first["Functions"]) == 3 and "NextMarker" in first
    seen = set()
    for page in lam.get_paginator("list_functions").paginate(PaginationConfig={"PageSize": 2}):
        assert len(page["Functions"]) <= 2
        seen |= {f["FunctionName"] for f in page["Functions"]}
    assert names <= seen
    with raises_aws("ValidationException", 400):
        lam.list_functions(MaxItems=10001)


def test_delete_function(lam):
    fn = h.name()
    h.create(lam, fn)
    resp = lam.delete_function(FunctionName=fn)
    assert resp["ResponseMetadata"]["HTTPStatusCode"] == 204
    with raises_aws("ResourceNotFoundException", 404, f"Function not found: {h.ARN_PREFIX}{fn}"):
        lam.get_function(FunctionName=fn)
    with raises_aws("ResourceNotFoundException", 404):
        lam.delete_function(FunctionName=fn)
    h.create(lam, fn)  # the name is free again


# ------------------------------------------------------------------------- validation


def test_create_validation_errors(lam):
    fn = h.name()
    h.create(lam, fn)
    with raises_aws("ResourceConflictException", 409, f"Function already exist: {fn}"):
        h.create(lam, fn)
    with raises_aws("ValidationException", 400):
        h.create(lam, h.name(), Timeout=901)
    with raises_aws("ValidationException", 400):
        h.create(lam, h.name(), MemorySize=10241)
    with raises_aws("ValidationException", 400):
        h.create(lam, h.name(), Role="not-a-role")
    with raises_aws("InvalidParameterValueException", 400):
        h.create(lam, h.name(), Runtime="python2.7")
    with raises_aws("InvalidParameterValueException", 400):
        h.create(lam, h.name(), Code={"S3Bucket": "some-bucket", "S3Key": "fn.zip"})
    with raises_aws("InvalidParameterValueException", 400):
        h.create(lam, h.name(), Code={"ZipFile": b"this is not a zip"})
    with raises_aws("InvalidParameterValueException", 400):
        lam.create_function(FunctionName=h.name(), Runtime="python3.12", Role=h.ROLE,
                            Code={"ZipFile": h.ECHO_ZIP})
    # provided runtimes need no handler.
    lam.create_function(FunctionName=h.name(), Runtime="provided.al2023", Role=h.ROLE,
                        Code={"ZipFile": h.make_zip({"bootstrap": "#!/bin/sh\n"})})


def test_invalid_values_rejected_server_side(nimbus):
    lam = ns.boto3_client(nimbus, "lambda", validate=False)
    with raises_aws("ValidationException", 400):
        h.create(lam, "bad name!")
    with raises_aws("InvalidParameterValueException", 400):
        h.create(lam, h.name(), Runtime="python9.9")
    with raises_aws("ValidationException", 400):
        h.create(lam, h.name(), Timeout=0)
    with raises_aws("ValidationException", 400):
        h.create(lam, h.name(), MemorySize=64)


# --------------------------------------------------------------- names, ARNs, qualifiers


def test_function_name_forms_resolve(lam):
    fn = h.name()
    h.create(lam, fn)
    lam.publish_version(FunctionName=fn)
    for ref in (fn, f"{h.ACCOUNT}:function:{fn}", h.ARN_PREFIX + fn, f"{fn}:$LATEST",
                f"{h.ARN_PREFIX}{fn}:$LATEST"):
        assert lam.get_function_configuration(FunctionName=ref)["FunctionName"] == fn, ref
    assert lam.get_function(FunctionName=f"{fn}:1")["Configuration"]["Version"] == "1"
    assert lam.get_function(FunctionName=h.ARN_PREFIX + fn, Qualifier="1")[
        "Configuration"]["FunctionArn"] == f"{h.ARN_PREFIX}{fn}:1"
    with raises_aws("InvalidParameterValueException", 400):
        lam.get_function(FunctionName=f"{fn}:1", Qualifier="2")
    with raises_aws("ResourceNotFoundException", 404, f"Function not found: {h.ARN_PREFIX}{fn}:7"):
        lam.get_function(FunctionName=fn, Qualifier="7")
    with raises_aws("ResourceNotFoundException", 404):
        lam.get_function(FunctionName=f"arn:aws:lambda:eu-west-1:{h.ACCOUNT}:function:{fn}")


# ------------------------------------------------------------------ versions and aliases


def test_versions(lam):
    fn = h.name()
    created = h.create(lam, fn, Environment={"Variables": {"TAG": "one"}})
    v1 = lam.publish_version(FunctionName=fn, Description="first")
    assert v1["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert v1["Version"] == "1" and v1["FunctionArn"] == f"{h.ARN_PREFIX}{fn}:1"
    assert v1["Description"] == "first"
    assert v1["CodeSha256"] == created["CodeSha256"]
    # Publishing an unchanged $LATEST returns the same version.
    assert lam.publish_version(FunctionName=fn)["Version"] == "1"
    lam.update_function_configuration(FunctionName=fn,
                                      Environment={"Variables": {"TAG": "two"}})
    assert lam.publish_version(FunctionName=fn)["Version"] == "2"
    with raises_aws("InvalidParameterValueException", 400):
        lam.publish_version(FunctionName=fn, CodeSha256="wrong")
    with raises_aws("PreconditionFailedException", 412):
        lam.publish_version(FunctionName=fn, RevisionId="wrong")
    lam.get_waiter("published_version_active").wait(FunctionName=fn, Qualifier="2",
                                                    WaiterConfig={"Delay": 1, "MaxAttempts": 5})
    versions = lam.list_versions_by_function(FunctionName=fn)["Versions"]
    assert [v["Version"] for v in versions] == ["$LATEST", "1", "2"]
    assert versions[0]["FunctionArn"] == f"{h.ARN_PREFIX}{fn}:$LATEST"
    assert lam.get_function_configuration(FunctionName=fn, Qualifier="1")["Environment"] == {
        "Variables": {"TAG": "one"}}
    paged = list(lam.get_paginator("list_versions_by_function").paginate(
        FunctionName=fn, PaginationConfig={"PageSize": 1}))
    assert len(paged) == 3
    all_versions = lam.list_functions(FunctionVersion="ALL")["Functions"]
    assert {v["Version"] for v in all_versions if v["FunctionName"] == fn} == {"$LATEST", "1", "2"}

    with raises_aws("InvalidParameterValueException", 400):
        lam.delete_function(FunctionName=fn, Qualifier="$LATEST")
    assert lam.delete_function(FunctionName=fn, Qualifier="1")[
        "ResponseMetadata"]["HTTPStatusCode"] == 204
    with raises_aws("ResourceNotFoundException", 404):
        lam.get_function(FunctionName=fn, Qualifier="1")
    assert lam.get_function(FunctionName=fn, Qualifier="2")["Configuration"]["Version"] == "2"


def test_create_and_update_code_with_publish(lam):
    fn = h.name()
    assert h.create(lam, fn, Publish=True)["Version"] == "1"
    new_zip = h.make_zip({"app.py": h.ECHO_PY + "\n# 2\n"})
    out = lam.update_function_code(FunctionName=fn, ZipFile=new_zip, Publish=True)
    assert out["Version"] == "2"
    assert out["CodeSha256"] == h.sha256_b64(new_zip)
    assert lam.get_function(FunctionName=fn, Qualifier="1")["Configuration"][
        "CodeSha256"] == h.sha256_b64(h.ECHO_ZIP)


def test_aliases(lam, nimbus):
    fn = h.name()
    h.create(lam, fn)
    lam.publish_version(FunctionName=fn)
    lam.update_function_configuration(FunctionName=fn, Timeout=9)
    lam.publish_version(FunctionName=fn)
    alias = lam.create_alias(FunctionName=fn, Name="live", FunctionVersion="1",
                             Description="prod")
    assert alias["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert alias["AliasArn"] == f"{h.ARN_PREFIX}{fn}:live"
    assert ns.UUID_RE.match(alias["RevisionId"])
    with raises_aws("ResourceConflictException", 409):
        lam.create_alias(FunctionName=fn, Name="live", FunctionVersion="1")
    with raises_aws("ResourceNotFoundException", 404):
        lam.create_alias(FunctionName=fn, Name="other", FunctionVersion="42")
    with raises_aws("ResourceNotFoundException", 404,
                    f"Cannot find alias arn: {h.ARN_PREFIX}{fn}:nope"):
        lam.get_alias(FunctionName=fn, Name="nope")
    assert lam.get_alias(FunctionName=fn, Name="live")["FunctionVersion"] == "1"
    cfg = lam.get_function_configuration(FunctionName=f"{fn}:live")
    assert cfg["Version"] == "1" and cfg["FunctionArn"] == f"{h.ARN_PREFIX}{fn}:live"

    updated = lam.update_alias(FunctionName=fn, Name="live", FunctionVersion="1",
                               RoutingConfig={"AdditionalVersionWeights": {"2": 0.3}},
                               RevisionId=alias["RevisionId"])
    assert updated["RoutingConfig"] == {"AdditionalVersionWeights": {"2": 0.3}}
    assert updated["RevisionId"] != alias["RevisionId"]
    with raises_aws("PreconditionFailedException", 412):
        lam.update_alias(FunctionName=fn, Name="live", RevisionId=alias["RevisionId"])
    with raises_aws("InvalidParameterValueException", 400):
        lam.update_alias(FunctionName=fn, Name="live",
                         RoutingConfig={"AdditionalVersionWeights": {"1": 0.5}})
    with raises_aws("InvalidParameterValueException", 400):
        lam.create_alias(FunctionName=fn, Name="bad", FunctionVersion="$LATEST",
                         RoutingConfig={"AdditionalVersionWeights": {"2": 0.5}})
    with raises_aws("ResourceConflictException", 409):
        lam.delete_function(FunctionName=fn, Qualifier="2")  # routed to by "live"

    h.cli(nimbus, "lambda", "create-alias", "--function-name", fn, "--name", "beta",
          "--function-version", "2")
    aliases = h.cli(nimbus, "lambda", "list-aliases", "--function-name", fn)["Aliases"]
    assert [a["Name"] for a in aliases] == ["beta", "live"]
    assert [a["Name"] for a in lam.list_aliases(FunctionName=fn, FunctionVersion="2")[
        "Aliases"]] == ["beta", "live"]
    assert lam.delete_alias(FunctionName=fn, Name="beta")[
        "ResponseMetadata"]["HTTPStatusCode"] == 204
    assert [a["Name"] for a in lam.list_aliases(FunctionName=fn)["Aliases"]] == ["live"]


def test_alias_weights_route_invocations(lam):
    fn = h.name()
    h.create(lam, fn, Environment={"Variables": {"TAG": "v1"}})
    lam.publish_version(FunctionName=fn)
    lam.update_function_configuration(FunctionName=fn, Environment={"Variables": {"TAG": "v2"}})
    lam.publish_version(FunctionName=fn)
    lam.create_alias(FunctionName=fn, Name="canary", FunctionVersion="1",
                     RoutingConfig={"AdditionalVersionWeights": {"2": 1.0}})
    lam.create_alias(FunctionName=fn, Name="stable", FunctionVersion="1",
                     RoutingConfig={"AdditionalVersionWeights": {"2": 0.0}})
    out = lam.invoke(FunctionName=fn, Qualifier="canary", Payload=b'{"k":1}')
    assert out["ExecutedVersion"] == "2"
    body = h.payload_json(out)
    assert body["tag"] == "v2" and body["version"] == "2" and body["event"] == {"k": 1}
    out = lam.invoke(FunctionName=f"{fn}:stable", Payload=b"{}")
    assert out["ExecutedVersion"] == "1"
    assert h.payload_json(out)["tag"] == "v1"
    assert lam.invoke(FunctionName=fn, Qualifier="2")["ExecutedVersion"] == "2"
    assert lam.invoke(FunctionName=fn)["ExecutedVersion"] == "$LATEST"


# ---------------------------------------------------------------------------- invokes


def test_dry_run_event_and_legacy_async_invokes(lam, tmp_path):
    fn = h.name()
    out_file = tmp_path / "events.jsonl"
    h.create(lam, fn, Environment={"Variables": {"OUT_FILE": str(out_file)}})
    dry = lam.invoke(FunctionName=fn, InvocationType="DryRun")
    assert dry["StatusCode"] == 204
    for i in range(3):
        ev = lam.invoke(FunctionName=fn, InvocationType="Event",
                        Payload=json.dumps({"n": i}).encode())
        assert ev["StatusCode"] == 202
        assert ev["Payload"].read() == b""
    legacy = lam.invoke_async(FunctionName=fn, InvokeArgs=b'{"n": 99}')
    assert legacy["Status"] == 202

    deadline = time.monotonic() + 20
    events = []
    while time.monotonic() < deadline:
        if out_file.exists():
            events = [json.loads(line) for line in out_file.read_text().splitlines()]
            if len(events) == 4:
                break
        time.sleep(0.1)
    assert sorted(e["n"] for e in events) == [0, 1, 2, 99]


def test_cli_v2_invoke_types(nimbus, lam, tmp_path):
    fn = h.name("cli")
    h.create(lam, fn)
    out = h.cli(nimbus, "lambda", "invoke", "--function-name", fn, "--invocation-type",
                "DryRun", str(tmp_path / "dry.json"))
    assert out["StatusCode"] == 204
    out = h.cli(nimbus, "lambda", "invoke", "--function-name", fn, "--invocation-type", "Event",
                "--cli-binary-format", "raw-in-base64-out", "--payload", '{"a":1}',
                str(tmp_path / "ev.json"))
    assert out["StatusCode"] == 202
    out = h.cli(nimbus, "lambda", "invoke", "--function-name", fn, "--log-type", "Tail",
                "--cli-binary-format", "raw-in-base64-out", "--payload", '{"a":2}',
                str(tmp_path / "rr.json"))
    assert out["StatusCode"] == 200 and out["ExecutedVersion"] == "$LATEST"
    assert "START RequestId:" in base64.b64decode(out["LogResult"]).decode()
    assert json.loads((tmp_path / "rr.json").read_text())["event"] == {"a": 2}


def test_invoke_errors(lam, nimbus):
    fn = h.name()
    h.create(lam, fn)
    with raises_aws("InvalidRequestContentException", 400):
        lam.invoke(FunctionName=fn, Payload=b"{not json")
    with raises_aws("RequestTooLargeException", 413):
        lam.invoke(FunctionName=fn, Payload=b'"' + b"a" * (6 * 1024 * 1024) + b'"')
    with raises_aws("ResourceNotFoundException", 404, f"Function not found: {h.ARN_PREFIX}nope-x"):
        lam.invoke(FunctionName="nope-x")
    lam.put_function_concurrency(FunctionName=fn, ReservedConcurrentExecutions=0)
    with raises_aws("TooManyRequestsException", 429):
        lam.invoke(FunctionName=fn, Payload=b"{}")
    # Error bodies carry Lambda's "Type" field.
    resp = ns.request(nimbus, "GET", f"/2015-03-31/functions/nope-y", service="lambda")
    assert resp.status == 404
    assert resp.headers["x-amzn-ErrorType"].startswith("ResourceNotFoundException")
    assert resp.json()["Type"] == "User"


def test_hot_reload_uses_the_folder_and_sees_changes(lam, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "app.py").write_text("def handler(e, c):\n    return 'one'\n")
    fn = h.name("hot")
    out = lam.create_function(FunctionName=fn, Runtime="python3.12", Role=h.ROLE,
                              Handler="app.handler",
                              Code={"S3Bucket": "hot-reload", "S3Key": str(src)})
    assert out["CodeSha256"] == "hot-reloading-hash-not-available"
    assert h.payload_json(lam.invoke(FunctionName=fn)) == "one"
    time.sleep(0.01)
    (src / "app.py").write_text("def handler(e, c):\n    return 'two'\n")
    os.utime(src / "app.py", (time.time() + 5, time.time() + 5))
    assert h.payload_json(lam.invoke(FunctionName=fn)) == "two"
    with raises_aws("InvalidParameterValueException", 400):
        lam.create_function(FunctionName=h.name("hot"), Runtime="python3.12", Role=h.ROLE,
                            Handler="app.handler",
                            Code={"S3Bucket": "hot-reload", "S3Key": "relative/path"})
    # UpdateFunctionCode can switch a zip function to hot reload.
    zfn = h.name()
    h.create(lam, zfn)
    upd = lam.update_function_code(FunctionName=zfn, S3Bucket="hot-reload", S3Key=str(src))
    assert upd["CodeSha256"] == "hot-reloading-hash-not-available"
    assert h.payload_json(lam.invoke(FunctionName=zfn)) == "two"


# ------------------------------------------------------------------------ permissions


def test_permissions(lam, nimbus):
    fn = h.name()
    h.create(lam, fn)
    with raises_aws("ResourceNotFoundException", 404, "The resource you requested does not exist."):
        lam.get_policy(FunctionName=fn)
    added = lam.add_permission(FunctionName=fn, StatementId="s3invoke",
                               Action="lambda:InvokeFunction", Principal="s3.amazonaws.com",
                               SourceArn="arn:aws:s3:::my-bucket", SourceAccount="111122223333")
    assert added["ResponseMetadata"]["HTTPStatusCode"] == 201
    statement = json.loads(added["Statement"])
    assert statement == {
        "Sid": "s3invoke", "Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"},
        "Action": "lambda:InvokeFunction", "Resource": h.ARN_PREFIX + fn,
        "Condition": {"StringEquals": {"AWS:SourceAccount": "111122223333"},
                      "ArnLike": {"AWS:SourceArn": "arn:aws:s3:::my-bucket"}}}
    h.cli(nimbus, "lambda", "add-permission", "--function-name", fn, "--statement-id", "acct",
          "--action", "lambda:GetFunction", "--principal", "123456789012")
    with raises_aws("ResourceConflictException", 409):
        lam.add_permission(FunctionName=fn, StatementId="s3invoke",
                           Action="lambda:InvokeFunction", Principal="sns.amazonaws.com")
    with raises_aws("PreconditionFailedException", 412):
        lam.add_permission(FunctionName=fn, StatementId="x", Action="lambda:InvokeFunction",
                           Principal="sns.amazonaws.com", RevisionId="stale")
    policy_out = lam.get_policy(FunctionName=fn)
    policy = json.loads(policy_out["Policy"])
    assert policy["Version"] == "2012-10-17"
    assert [s["Sid"] for s in policy["Statement"]] == ["s3invoke", "acct"]
    assert policy["Statement"][1]["Principal"] == {"AWS": "arn:aws:iam::123456789012:root"}
    assert policy_out["RevisionId"] == lam.get_function_configuration(FunctionName=fn)[
        "RevisionId"]

    assert lam.remove_permission(FunctionName=fn, StatementId="s3invoke")[
        "ResponseMetadata"]["HTTPStatusCode"] == 204
    with raises_aws("ResourceNotFoundException", 404):
        lam.remove_permission(FunctionName=fn, StatementId="s3invoke")
    h.cli(nimbus, "lambda", "remove-permission", "--function-name", fn, "--statement-id", "acct")
    with raises_aws("ResourceNotFoundException", 404):
        lam.get_policy(FunctionName=fn)


def test_permissions_on_an_alias(lam):
    fn = h.name()
    h.create(lam, fn)
    lam.publish_version(FunctionName=fn)
    lam.create_alias(FunctionName=fn, Name="live", FunctionVersion="1")
    added = lam.add_permission(FunctionName=fn, Qualifier="live", StatementId="apigw",
                               Action="lambda:InvokeFunction", Principal="apigateway.amazonaws.com")
    assert json.loads(added["Statement"])["Resource"] == f"{h.ARN_PREFIX}{fn}:live"
    assert len(json.loads(lam.get_policy(FunctionName=f"{fn}:live")["Policy"])["Statement"]) == 1
    with raises_aws("ResourceNotFoundException", 404):
        lam.get_policy(FunctionName=fn)


# ------------------------------------------------------------ concurrency and account


def test_concurrency_and_account_settings(lam):
    fn = h.name()
    h.create(lam, fn)
    before = lam.get_account_settings()
    assert before["AccountLimit"]["ConcurrentExecutions"] == 1000
    assert before["AccountLimit"]["CodeSizeZipped"] == 52428800
    assert before["AccountLimit"]["CodeSizeUnzipped"] == 262144000
    assert before["AccountLimit"]["TotalCodeSize"] == 80530636800
    assert before["AccountUsage"]["FunctionCount"] >= 1
    assert before["AccountUsage"]["TotalCodeSize"] >= len(h.ECHO_ZIP)
    assert "ReservedConcurrentExecutions" not in lam.get_function_concurrency(FunctionName=fn)
    put = lam.put_function_concurrency(FunctionName=fn, ReservedConcurrentExecutions=5)
    assert put["ReservedConcurrentExecutions"] == 5
    assert lam.get_function_concurrency(FunctionName=fn)["ReservedConcurrentExecutions"] == 5
    assert lam.get_function(FunctionName=fn)["Concurrency"] == {"ReservedConcurrentExecutions": 5}
    after = lam.get_account_settings()
    assert (before["AccountLimit"]["UnreservedConcurrentExecutions"]
            - after["AccountLimit"]["UnreservedConcurrentExecutions"]) == 5
    with raises_aws("InvalidParameterValueException", 400):
        lam.put_function_concurrency(FunctionName=fn, ReservedConcurrentExecutions=1000)
    assert lam.delete_function_concurrency(FunctionName=fn)[
        "ResponseMetadata"]["HTTPStatusCode"] == 204
    assert "Concurrency" not in lam.get_function(FunctionName=fn)


# ---------------------------------------------------------------------------- tags


def test_tags(lam, nimbus):
    fn = h.name()
    arn = h.create(lam, fn, Tags={"team": "a"})["FunctionArn"]
    assert lam.list_tags(Resource=arn)["Tags"] == {"team": "a"}
    lam.tag_resource(Resource=arn, Tags={"env": "dev", "team": "b"})
    assert lam.list_tags(Resource=arn)["Tags"] == {"team": "b", "env": "dev"}
    lam.untag_resource(Resource=arn, TagKeys=["team"])
    assert lam.get_function(FunctionName=fn)["Tags"] == {"env": "dev"}
    h.cli(nimbus, "lambda", "tag-resource", "--resource", arn, "--tags", "cost=1")
    assert h.cli(nimbus, "lambda", "list-tags", "--resource", arn)["Tags"] == {
        "env": "dev", "cost": "1"}
    with raises_aws("InvalidParameterValueException", 400):
        lam.tag_resource(Resource=arn + ":1", Tags={"a": "b"})
    with raises_aws("ResourceNotFoundException", 404):
        lam.list_tags(Resource=h.ARN_PREFIX + "missing-fn")


# ---------------------------------------------------------------------------- layers


def test_layers(lam, nimbus):
    layer = h.name("layer")
    zip1 = h.make_zip({"python/helper.py": "WHO = 'layer-v1'\n"})
    v1 = lam.publish_layer_version(LayerName=layer, Content={"ZipFile": zip1},
                                   CompatibleRuntimes=["python3.12"], Description="one",
                                   LicenseInfo="MIT", CompatibleArchitectures=["x86_64"])
    assert v1["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert v1["Version"] == 1
    assert v1["LayerArn"] == f"arn:aws:lambda:{h.REGION}:{h.ACCOUNT}:layer:{layer}"
    assert v1["LayerVersionArn"] == v1["LayerArn"] + ":1"
    assert v1["Content"]["CodeSha256"] == h.sha256_b64(zip1)
    assert v1["Content"]["CodeSize"] == len(zip1)
    assert v1["CompatibleRuntimes"] == ["python3.12"]
    v2 = lam.publish_layer_version(LayerName=layer,
                                   Content={"ZipFile": h.make_zip({"python/helper.py":
                                                                   "WHO = 'layer-v2'\n"})},
                                   CompatibleRuntimes=["python3.12"])
    assert v2["Version"] == 2
    got = lam.get_layer_version(LayerName=layer, VersionNumber=1)
    assert got["Description"] == "one" and got["LicenseInfo"] == "MIT"
    assert lam.get_layer_version_by_arn(Arn=v2["LayerVersionArn"])["Version"] == 2
    versions = lam.list_layer_versions(LayerName=layer)["LayerVersions"]
    assert [v["Version"] for v in versions] == [2, 1]
    listed = {l["LayerName"]: l for l in lam.list_layers()["Layers"]}
    assert listed[layer]["LatestMatchingVersion"]["Version"] == 2
    assert layer not in {l["LayerName"] for l in
                         lam.list_layers(CompatibleRuntime="nodejs20.x")["Layers"]}
    cli_versions = h.cli(nimbus, "lambda", "list-layer-versions", "--layer-name", layer)
    assert len(cli_versions["LayerVersions"]) == 2
    with raises_aws("ResourceNotFoundException", 404):
        lam.get_layer_version(LayerName=layer, VersionNumber=9)

    fn = h.name()
    code = h.make_zip({"app.py": "import helper\n\ndef handler(e, c):\n    return helper.WHO\n"})
    cfg = h.create(lam, fn, zip_bytes=code, Layers=[v1["LayerVersionArn"]])
    assert cfg["Layers"] == [{"Arn": v1["LayerVersionArn"], "CodeSize": len(zip1)}]
    assert h.payload_json(lam.invoke(FunctionName=fn)) == "layer-v1"
    lam.update_function_configuration(FunctionName=fn, Layers=[v2["LayerVersionArn"]])
    assert h.payload_json(lam.invoke(FunctionName=fn)) == "layer-v2"
    with raises_aws("InvalidParameterValueException", 400):
        lam.update_function_configuration(FunctionName=fn,
                                          Layers=[v1["LayerArn"] + ":77"])

    assert lam.delete_layer_version(LayerName=layer, VersionNumber=2)[
        "ResponseMetadata"]["HTTPStatusCode"] == 204
    assert [v["Version"] for v in lam.list_layer_versions(LayerName=layer)["LayerVersions"]] == [1]
    # A function keeps the layer version it was configured with.
    assert h.payload_json(lam.invoke(FunctionName=fn)) == "layer-v2"
    v3 = lam.publish_layer_version(LayerName=layer, Content={"ZipFile": zip1})
    assert v3["Version"] == 3


# ---------------------------------------------------------------- function URL configs


def test_function_url_configs(lam, nimbus):
    fn = h.name()
    h.create(lam, fn)
    created = lam.create_function_url_config(FunctionName=fn, AuthType="NONE",
                                             Cors={"AllowOrigins": ["*"], "MaxAge": 60})
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    url = created["FunctionUrl"]
    suffix = f".lambda-url.{h.REGION}.localhost.localstack.cloud:{nimbus.port}/"
    assert url.startswith("http://") and url.endswith(suffix), url
    assert len(url) == len("http://") + 32 + len(suffix)
    assert created["FunctionArn"] == h.ARN_PREFIX + fn
    assert created["Cors"] == {"AllowOrigins": ["*"], "MaxAge": 60}
    assert created["InvokeMode"] == "BUFFERED"
    with raises_aws("ResourceConflictException", 409):
        lam.create_function_url_config(FunctionName=fn, AuthType="NONE")
    got = lam.get_function_url_config(FunctionName=fn)
    assert got["FunctionUrl"] == url and "LastModifiedTime" in got
    updated = lam.update_function_url_config(FunctionName=fn, AuthType="AWS_IAM")
    assert updated["AuthType"] == "AWS_IAM" and updated["FunctionUrl"] == url

    lam.publish_version(FunctionName=fn)
    lam.create_alias(FunctionName=fn, Name="live", FunctionVersion="1")
    aliased = h.cli(nimbus, "lambda", "create-function-url-config", "--function-name", fn,
                    "--qualifier", "live", "--auth-type", "NONE")
    assert aliased["FunctionArn"] == f"{h.ARN_PREFIX}{fn}:live"
    assert aliased["FunctionUrl"] != url
    listed = lam.list_function_url_configs(FunctionName=fn)["FunctionUrlConfigs"]
    assert sorted(c["FunctionArn"] for c in listed) == [h.ARN_PREFIX + fn,
                                                        f"{h.ARN_PREFIX}{fn}:live"]
    assert lam.delete_function_url_config(FunctionName=fn)[
        "ResponseMetadata"]["HTTPStatusCode"] == 204
    with raises_aws("ResourceNotFoundException", 404):
        lam.get_function_url_config(FunctionName=fn)
    assert lam.get_function_url_config(FunctionName=fn, Qualifier="live")["AuthType"] == "NONE"


# ----------------------------------------------------------- unimplemented operations


def test_unimplemented_operations_answer_501(lam):
    with raises_aws("InternalFailure", 501):
        lam.list_code_signing_configs()


# ----------------------------------------------------------------------- persistence


def test_functions_survive_a_restart_with_persistence(start_nimbus, tmp_path):
    data = tmp_path / "data"
    server = start_nimbus(PERSISTENCE="1", DATA_DIR=str(data))
    lam = h.client(server)
    fn = h.name()
    h.create(lam, fn, Environment={"Variables": {"TAG": "kept"}})
    lam.publish_version(FunctionName=fn)
    layer = lam.publish_layer_version(LayerName=h.name("layer"),
                                      Content={"ZipFile": h.make_zip({"x.txt": "x"})})
    assert server.stop() == 0

    server = start_nimbus(PERSISTENCE="1", DATA_DIR=str(data))
    lam = h.client(server)
    cfg = lam.get_function_configuration(FunctionName=fn)
    assert cfg["State"] == "Active" and cfg["LastUpdateStatus"] == "Successful"
    assert lam.get_function(FunctionName=fn, Qualifier="1")["Configuration"]["Version"] == "1"
    assert h.payload_json(lam.invoke(FunctionName=fn, Qualifier="1"))["tag"] == "kept"
    assert lam.get_layer_version_by_arn(Arn=layer["LayerVersionArn"])["Version"] == 1
    assert Path(data, "lambda", "code").is_dir()
