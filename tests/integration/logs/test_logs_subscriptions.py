"""CloudWatch Logs subscription filters: Put/Describe/DeleteSubscriptionFilter with AWS's limits
and checks (two per group, filter pattern, the Lambda function's resource policy must let
logs.amazonaws.com invoke it), and delivery: every accepted PutLogEvents batch — and a Lambda
function's own output, live — reaches the subscribed function as
{"awslogs": {"data": base64(gzip(DATA_MESSAGE json))}} through an asynchronous invoke. A
recording function writes each event it receives to a folder the test reads and decodes."""
import base64
import gzip
import json
import os
import signal
import time
import uuid
from pathlib import Path

import pytest

import logs_helpers as h
import nimbus_support as ns

RECORDER = """\
import json, os, uuid

def handler(event, context):
    path = os.path.join(os.environ["RECORD_DIR"], uuid.uuid4().hex + ".json")
    with open(path + ".tmp", "w") as f:
        json.dump(event, f)
    os.rename(path + ".tmp", path)
    print("recorded ALERT-SELF " + path)
    return "ok"
"""

EMITTER = """\
def handler(event, context):
    print("ALERT " + event["token"])
    print("just chatter")
    return "done"
"""

CANNOT_EXECUTE = ("Could not execute the lambda function. Make sure you have given CloudWatch "
                  "Logs permission to execute your function.")


@pytest.fixture(scope="module")
def lam(nimbus):
    return h.lambda_client(nimbus)


@pytest.fixture
def recorder(lam, tmp_path):
    """(function ARN, record folder, function name): a function that records every event."""
    fn = f"recorder-{uuid.uuid4().hex[:8]}"
    record = tmp_path / "records"
    record.mkdir()
    out = h.create_function(lam, fn, h.make_zip({"app.py": RECORDER}),
                            Environment={"Variables": {"RECORD_DIR": str(record)}})
    lam.add_permission(FunctionName=fn, StatementId="logs", Action="lambda:InvokeFunction",
                       Principal="logs.amazonaws.com")
    yield out["FunctionArn"], record, fn
    lam.delete_function(FunctionName=fn)


def records(folder: Path) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))]


def wait_records(folder: Path, count: int, timeout: float = 20) -> list[dict]:
    deadline = time.time() + timeout
    while time.time() < deadline:
        got = records(folder)
        if len(got) >= count:
            return got
        time.sleep(0.1)
    raise AssertionError(f"expected {count} deliveries, got {len(records(folder))}")


def decode(event: dict) -> dict:
    assert list(event) == ["awslogs"] and list(event["awslogs"]) == ["data"], event
    raw = base64.b64decode(event["awslogs"]["data"], validate=True)
    assert raw[:2] == b"\x1f\x8b"  # gzip
    return json.loads(gzip.decompress(raw))


# ---- Control plane ------------------------------------------------------------------------------

def test_put_describe_update_delete(logs, group, recorder):
    arn, _, _ = recorder
    logs.put_subscription_filter(logGroupName=group, filterName="errors", filterPattern="ERROR",
                                 destinationArn=arn)
    logs.put_subscription_filter(logGroupName=group, filterName="all", filterPattern="",
                                 destinationArn=arn, distribution="Random")
    out = logs.describe_subscription_filters(logGroupName=group)["subscriptionFilters"]
    assert [f["filterName"] for f in out] == ["all", "errors"]
    errors = out[1]
    assert errors["logGroupName"] == group
    assert errors["filterPattern"] == "ERROR"
    assert errors["destinationArn"] == arn
    assert errors["distribution"] == "ByLogStream"
    assert abs(errors["creationTime"] - h.now_ms()) < 60_000
    assert out[0]["distribution"] == "Random"

    # Same name: an update, not a third filter.
    logs.put_subscription_filter(logGroupName=group, filterName="errors",
                                 filterPattern="?ERROR ?WARN", destinationArn=arn)
    out = logs.describe_subscription_filters(logGroupName=group, filterNamePrefix="err")
    assert [(f["filterName"], f["filterPattern"]) for f in out["subscriptionFilters"]] == [
        ("errors", "?ERROR ?WARN")]

    # Paging.
    page = logs.describe_subscription_filters(logGroupName=group, limit=1)
    assert [f["filterName"] for f in page["subscriptionFilters"]] == ["all"]
    page2 = logs.describe_subscription_filters(logGroupName=group, limit=1,
                                               nextToken=page["nextToken"])
    assert [f["filterName"] for f in page2["subscriptionFilters"]] == ["errors"]
    assert "nextToken" not in page2

    # AWS: two subscription filters per log group.
    with h.aws_error("LimitExceededException", "Resource limit exceeded."):
        logs.put_subscription_filter(logGroupName=group, filterName="third", filterPattern="",
                                     destinationArn=arn)

    logs.delete_subscription_filter(logGroupName=group, filterName="all")
    assert [f["filterName"] for f in logs.describe_subscription_filters(
        logGroupName=group)["subscriptionFilters"]] == ["errors"]
    with h.aws_error("ResourceNotFoundException",
                     "The specified subscription filter does not exist."):
        logs.delete_subscription_filter(logGroupName=group, filterName="all")

    # Filters go with their group.
    logs.delete_log_group(logGroupName=group)
    logs.create_log_group(logGroupName=group)
    assert logs.describe_subscription_filters(logGroupName=group)["subscriptionFilters"] == []


def test_put_errors(logs, lam, group, recorder):
    arn, _, fn = recorder
    missing = h.name("missing")
    with h.aws_error("ResourceNotFoundException", "The specified log group does not exist."):
        logs.put_subscription_filter(logGroupName=missing, filterName="f", filterPattern="",
                                     destinationArn=arn)
    with h.aws_error("ResourceNotFoundException", "The specified log group does not exist."):
        logs.describe_subscription_filters(logGroupName=missing)
    with h.aws_error("InvalidParameterException"):
        logs.put_subscription_filter(logGroupName=group, filterName="f",
                                     filterPattern="{ $.a = ", destinationArn=arn)
    with h.aws_error("InvalidParameterException"):
        logs.put_subscription_filter(logGroupName=group, filterName="a:b", filterPattern="",
                                     destinationArn=arn)
    with h.aws_error("InvalidParameterException"):
        logs.describe_subscription_filters(logGroupName=group, nextToken="garbage")

    # A function that does not exist, and one whose policy does not admit Logs.
    with h.aws_error("InvalidParameterException", CANNOT_EXECUTE):
        logs.put_subscription_filter(
            logGroupName=group, filterName="f", filterPattern="",
            destinationArn=arn.replace(fn, "no-such-function-" + uuid.uuid4().hex[:6]))
    bare = f"bare-{uuid.uuid4().hex[:8]}"
    bare_arn = h.create_function(lam, bare, h.make_zip({"app.py": EMITTER}))["FunctionArn"]
    try:
        with h.aws_error("InvalidParameterException", CANNOT_EXECUTE):
            logs.put_subscription_filter(logGroupName=group, filterName="f", filterPattern="",
                                         destinationArn=bare_arn)
        # A statement for another service does not count.
        lam.add_permission(FunctionName=bare, StatementId="sns", Action="lambda:InvokeFunction",
                           Principal="sns.amazonaws.com")
        with h.aws_error("InvalidParameterException", CANNOT_EXECUTE):
            logs.put_subscription_filter(logGroupName=group, filterName="f", filterPattern="",
                                         destinationArn=bare_arn)
        # Logs, but only for another log group's ARN.
        lam.add_permission(FunctionName=bare, StatementId="other",
                           Action="lambda:InvokeFunction", Principal="logs.amazonaws.com",
                           SourceArn=f"arn:aws:logs:{h.REGION}:{h.ACCOUNT}:log-group:other:*")
        with h.aws_error("InvalidParameterException", CANNOT_EXECUTE):
            logs.put_subscription_filter(logGroupName=group, filterName="f", filterPattern="",
                                         destinationArn=bare_arn)
        # The regional principal with this group's ARN: accepted.
        lam.add_permission(FunctionName=bare, StatementId="this",
                           Action="lambda:InvokeFunction",
                           Principal=f"logs.{h.REGION}.amazonaws.com",
                           SourceArn=f"arn:aws:logs:{h.REGION}:{h.ACCOUNT}:log-group:{group}:*",
                           SourceAccount=h.ACCOUNT)
        logs.put_subscription_filter(logGroupName=group, filterName="f", filterPattern="",
                                     destinationArn=bare_arn)
    finally:
        lam.delete_function(FunctionName=bare)

    # Kinesis and Firehose are not served: AWS's answer when its test message fails.
    with h.aws_error("InvalidParameterException"):
        logs.put_subscription_filter(
            logGroupName=group, filterName="k", filterPattern="",
            destinationArn=f"arn:aws:kinesis:{h.REGION}:{h.ACCOUNT}:stream/nope")
    with h.aws_error("InvalidParameterException"):
        logs.put_subscription_filter(logGroupName=group, filterName="k", filterPattern="",
                                     destinationArn="not-an-arn")


# ---- Delivery -----------------------------------------------------------------------------------

def test_put_log_events_delivers_matching_events(logs, stream, recorder):
    group, name = stream
    arn, folder, _ = recorder
    logs.put_subscription_filter(logGroupName=group, filterName="errors",
                                 filterPattern="ERROR", destinationArn=arn)
    ts = h.now_ms()
    h.put(logs, group, name, ["INFO starting", "ERROR disk full", "ERROR \"quoted\" é ✓"],
          ts=ts, step=1)
    h.put(logs, group, name, ["INFO nothing to see"], ts=ts + 10)  # no match: no delivery
    got = wait_records(folder, 1)
    time.sleep(0.5)
    assert len(records(folder)) == 1
    data = decode(got[0])
    assert data["messageType"] == "DATA_MESSAGE"
    assert data["owner"] == h.ACCOUNT
    assert data["logGroup"] == group
    assert data["logStream"] == name
    assert data["subscriptionFilters"] == ["errors"]
    assert [(e["timestamp"], e["message"]) for e in data["logEvents"]] == [
        (ts + 1, "ERROR disk full"), (ts + 2, "ERROR \"quoted\" é ✓")]
    stored = logs.filter_log_events(logGroupName=group, filterPattern="ERROR")["events"]
    assert [e["eventId"] for e in stored] == [e["id"] for e in data["logEvents"]]
    assert all(len(e["id"]) == 56 and e["id"].isdigit() for e in data["logEvents"])
    assert set(data) == {"messageType", "owner", "logGroup", "logStream",
                         "subscriptionFilters", "logEvents"}


def test_json_pattern_and_two_filters(logs, stream, recorder):
    group, name = stream
    arn, folder, _ = recorder
    logs.put_subscription_filter(logGroupName=group, filterName="slow",
                                 filterPattern="{ $.latency > 100 }", destinationArn=arn)
    logs.put_subscription_filter(logGroupName=group, filterName="all", filterPattern="",
                                 destinationArn=arn)
    h.put(logs, group, name, [json.dumps({"latency": 5}), json.dumps({"latency": 500})])
    got = [decode(r) for r in wait_records(folder, 2)]
    by_filter = {d["subscriptionFilters"][0]: d for d in got}
    assert [e["message"] for e in by_filter["slow"]["logEvents"]] == ['{"latency": 500}']
    assert len(by_filter["all"]["logEvents"]) == 2


def test_lambda_output_is_delivered_live(logs, lam, recorder):
    arn, folder, _ = recorder
    emitter = f"emitter-{uuid.uuid4().hex[:8]}"
    h.create_function(lam, emitter, h.make_zip({"app.py": EMITTER}))
    group = f"/aws/lambda/{emitter}"
    logs.create_log_group(logGroupName=group)
    try:
        logs.put_subscription_filter(logGroupName=group, filterName="alerts",
                                     filterPattern="ALERT", destinationArn=arn)
        token = uuid.uuid4().hex
        lam.invoke(FunctionName=emitter, Payload=h.json_payload({"token": token}))
        data = decode(wait_records(folder, 1)[0])
        assert data["logGroup"] == group
        assert "[$LATEST]" in data["logStream"]
        assert [e["message"] for e in data["logEvents"]] == [f"ALERT {token}\n"]
        assert data["subscriptionFilters"] == ["alerts"]
    finally:
        lam.delete_function(FunctionName=emitter)
        logs.delete_log_group(logGroupName=group)


def test_function_subscribed_to_its_own_group_does_not_feed_itself(logs, lam, recorder):
    arn, folder, fn = recorder
    group = f"/aws/lambda/{fn}"
    logs.create_log_group(logGroupName=group)
    logs.put_subscription_filter(logGroupName=group, filterName="self", filterPattern="",
                                 destinationArn=arn)
    lam.invoke(FunctionName=fn, Payload=h.json_payload({"direct": True}))
    # Its own START/print/END/REPORT lines match the pattern but never come back to it.
    time.sleep(2)
    got = records(folder)
    assert got == [{"direct": True}], got
    # Events that other writers put into that group still reach it.
    logs.create_log_stream(logGroupName=group, logStreamName="external")
    h.put(logs, group, "external", ["from outside"])
    got = wait_records(folder, 2)
    data = [decode(r) for r in got if "awslogs" in r]
    assert [e["message"] for d in data for e in d["logEvents"]] == ["from outside"]
    time.sleep(1)
    assert len(records(folder)) == 2


def test_account_level_subscription_policy(logs, stream, recorder):
    group, name = stream
    arn, folder, fn = recorder
    token = "ACCT" + uuid.uuid4().hex[:8]
    policy = f"acct-{token}"
    logs.put_account_policy(
        policyName=policy, policyType="SUBSCRIPTION_FILTER_POLICY",
        policyDocument=json.dumps({"DestinationArn": arn, "FilterPattern": token}),
        selectionCriteria=f'LogGroupName NOT IN ["/aws/lambda/{fn}"]')
    try:
        h.put(logs, group, name, [f"{token} one", "other"])
        data = decode(wait_records(folder, 1)[0])
        assert data["subscriptionFilters"] == [policy]
        assert data["policyLevel"] == "ACCOUNT_LEVEL_POLICY"
        assert data["logGroup"] == group
        assert [e["message"] for e in data["logEvents"]] == [f"{token} one"]
        # Excluded by the selection criteria: nothing from the subscriber's own group.
        own = f"/aws/lambda/{fn}"
        try:  # the recorder's own output may have created it already
            logs.create_log_group(logGroupName=own)
        except logs.exceptions.ResourceAlreadyExistsException:
            pass
        logs.create_log_stream(logGroupName=own, logStreamName="x")
        h.put(logs, own, "x", [f"{token} excluded"])
        time.sleep(1)
        assert len(records(folder)) == 1
    finally:
        logs.delete_account_policy(policyName=policy, policyType="SUBSCRIPTION_FILTER_POLICY")
    with h.aws_error("InvalidParameterException"):
        logs.put_account_policy(policyName=policy, policyType="SUBSCRIPTION_FILTER_POLICY",
                                policyDocument=json.dumps({"FilterPattern": ""}))


# ---- CLIs ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("cli", [ns.cli_v2, ns.cli_v1], ids=["cli-v2", "cli-v1"])
def test_cli_smoke(nimbus, logs, group, recorder, cli):
    arn, _, _ = recorder
    assert cli(nimbus, "logs", "put-subscription-filter", "--log-group-name", group,
               "--filter-name", "cli", "--filter-pattern", "ERROR",
               "--destination-arn", arn) is None
    out = cli(nimbus, "logs", "describe-subscription-filters", "--log-group-name", group)
    assert [(f["filterName"], f["destinationArn"]) for f in out["subscriptionFilters"]] == [
        ("cli", arn)]
    cli(nimbus, "logs", "delete-subscription-filter", "--log-group-name", group,
        "--filter-name", "cli")
    assert logs.describe_subscription_filters(logGroupName=group)["subscriptionFilters"] == []


# ---- JS SDK v3 and persistence ------------------------------------------------------------------

def test_js_sdk_v3(nimbus, tmp_path):
    folder = tmp_path / "js-records"
    folder.mkdir()
    out = ns.node("logs2/subscriptions.mjs", nimbus.url, str(folder))
    assert out["ok"], out
    assert out["mismatches"] == [] and out["checks"] >= 10, out


def test_filters_and_definitions_survive_restart(start_nimbus, tmp_path):
    data = tmp_path / "state"
    first = start_nimbus(PERSISTENCE="1", DATA_DIR=str(data))
    logs = ns.boto3_client(first, "logs")
    group = h.name("persist")
    logs.create_log_group(logGroupName=group)
    logs.put_metric_filter(logGroupName=group, filterName="m", filterPattern="ERROR",
                           metricTransformations=[{"metricName": "E", "metricNamespace": "N",
                                                   "metricValue": "1"}])
    qd = logs.put_query_definition(name="saved", queryString="stats count(*)")
    logs.put_destination(destinationName="d", targetArn="arn:aws:kinesis:us-east-1:"
                         "000000000000:stream/s", roleArn="arn:aws:iam::000000000000:role/r")
    logs.put_subscription_filter(logGroupName=group, filterName="s", filterPattern="",
                                 destinationArn="arn:aws:logs:us-east-1:000000000000:"
                                 "destination:d")
    assert first.stop(signal.SIGTERM, timeout=5) == 0

    second = start_nimbus(PERSISTENCE="1", DATA_DIR=str(data))
    logs = ns.boto3_client(second, "logs")
    assert [f["filterName"] for f in logs.describe_metric_filters(
        logGroupName=group)["metricFilters"]] == ["m"]
    assert [f["filterName"] for f in logs.describe_subscription_filters(
        logGroupName=group)["subscriptionFilters"]] == ["s"]
    assert [d["queryDefinitionId"] for d in logs.describe_query_definitions(
        queryDefinitionNamePrefix="saved")["queryDefinitions"]] == [qd["queryDefinitionId"]]
    assert [d["destinationName"] for d in logs.describe_destinations()["destinations"]] == ["d"]
