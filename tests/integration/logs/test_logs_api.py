"""CloudWatch Logs through boto3 (pip, botocore 1.43): groups, streams, PutLogEvents batch rules,
GetLogEvents/FilterLogEvents paging and patterns, retention, tags and AWS's errors."""
import json

import pytest

import logs_helpers as h
import nimbus_support as ns

HOUR = 3600 * 1000
DAY = 24 * HOUR


# ---- Log groups ------------------------------------------------------------------------------

def test_create_and_describe_log_group(logs, make_group):
    before = h.now_ms()
    group = make_group(tags={"team": "core"})
    [g] = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"]
    assert g["logGroupName"] == group
    assert before - 1000 <= g["creationTime"] <= h.now_ms() + 1000
    assert g["metricFilterCount"] == 0
    assert g["storedBytes"] == 0
    assert g["arn"] == f"arn:aws:logs:{h.REGION}:{h.ACCOUNT}:log-group:{group}:*"
    assert g["logGroupArn"] == f"arn:aws:logs:{h.REGION}:{h.ACCOUNT}:log-group:{group}"
    assert "retentionInDays" not in g
    assert logs.list_tags_log_group(logGroupName=group)["tags"] == {"team": "core"}


def test_log_group_errors(logs, make_group):
    group = make_group()
    with h.aws_error("ResourceAlreadyExistsException"):
        logs.create_log_group(logGroupName=group)
    with h.aws_error("InvalidParameterException"):
        logs.create_log_group(logGroupName="has space")
    with h.aws_error("InvalidParameterException"):
        logs.create_log_group(logGroupName="x" * 513)
    with h.aws_error("ResourceNotFoundException", "The specified log group does not exist."):
        logs.delete_log_group(logGroupName=group + "-missing")
    logs.delete_log_group(logGroupName=group)
    with h.aws_error("ResourceNotFoundException"):
        logs.describe_log_streams(logGroupName=group)


def test_describe_log_groups_paginates_by_prefix(logs, make_group):
    base = h.name("page")
    names = sorted(make_group(name=f"{base}/{i}") for i in range(5))
    pages = list(logs.get_paginator("describe_log_groups").paginate(
        logGroupNamePrefix=base + "/", PaginationConfig={"PageSize": 2}))
    assert [len(p["logGroups"]) for p in pages] == [2, 2, 1]
    assert [g["logGroupName"] for p in pages for g in p["logGroups"]] == names
    assert "nextToken" not in pages[-1]
    with h.aws_error("InvalidParameterException"):
        logs.describe_log_groups(limit=51)


# ---- Log streams -----------------------------------------------------------------------------

def test_streams_order_by_last_event_time(logs, group):
    for s in ("a", "b", "c", "d"):
        logs.create_log_stream(logGroupName=group, logStreamName=s)
    t = h.now_ms()
    h.put(logs, group, "c", ["x"], ts=t - 3000)
    h.put(logs, group, "a", ["x"], ts=t - 2000)
    h.put(logs, group, "d", ["x"], ts=t - 1000)
    pages = logs.get_paginator("describe_log_streams").paginate(
        logGroupName=group, orderBy="LastEventTime", descending=True,
        PaginationConfig={"PageSize": 1})
    assert [s["logStreamName"] for p in pages for s in p["logStreams"]] == ["d", "a", "c", "b"]
    by_name = logs.describe_log_streams(logGroupName=group, descending=True)["logStreams"]
    assert [s["logStreamName"] for s in by_name] == ["d", "c", "b", "a"]
    a = logs.describe_log_streams(logGroupName=group, logStreamNamePrefix="a")["logStreams"][0]
    assert a["firstEventTimestamp"] == a["lastEventTimestamp"] == t - 2000
    assert abs(a["lastIngestionTime"] - h.now_ms()) < 5000
    assert a["arn"] == f"arn:aws:logs:{h.REGION}:{h.ACCOUNT}:log-group:{group}:log-stream:a"
    assert a["storedBytes"] == 0 and a["uploadSequenceToken"]
    with h.aws_error("InvalidParameterException"):
        logs.describe_log_streams(logGroupName=group, orderBy="LastEventTime",
                                  logStreamNamePrefix="a")


def test_stream_errors(logs, stream):
    group, s = stream
    with h.aws_error("ResourceAlreadyExistsException"):
        logs.create_log_stream(logGroupName=group, logStreamName=s)
    with h.aws_error("InvalidParameterException"):
        logs.create_log_stream(logGroupName=group, logStreamName="a:b")
    with h.aws_error("ResourceNotFoundException", "The specified log group does not exist."):
        logs.create_log_stream(logGroupName=group + "-missing", logStreamName="s")
    with h.aws_error("ResourceNotFoundException", "The specified log stream does not exist."):
        logs.delete_log_stream(logGroupName=group, logStreamName="missing")
    logs.delete_log_stream(logGroupName=group, logStreamName=s)
    assert logs.describe_log_streams(logGroupName=group)["logStreams"] == []


# ---- PutLogEvents ----------------------------------------------------------------------------

def test_put_log_events_batch_rules(logs, stream):
    group, s = stream
    t = h.now_ms()
    first = h.put(logs, group, s, ["a", "b"], ts=t)
    second = h.put(logs, group, s, ["c"], ts=t)
    assert first["nextSequenceToken"] != second["nextSequenceToken"]
    assert "rejectedLogEventsInfo" not in first
    with h.aws_error("InvalidParameterException",
                     "Log events in a single PutLogEvents request must be in chronological "
                     "order."):
        logs.put_log_events(logGroupName=group, logStreamName=s, logEvents=[
            {"timestamp": t, "message": "b"}, {"timestamp": t - 1, "message": "a"}])
    with h.aws_error("InvalidParameterException"):
        h.put(logs, group, s, ["a", "b"], ts=t - 25 * HOUR, step=25 * HOUR)
    big = "x" * (1_048_576 - 2 * 26 - 1)
    h.put(logs, group, s, [big, "y"], ts=t)  # exactly 1 MiB with 26 bytes per event
    with h.aws_error("InvalidParameterException",
                     "Upload too large: 1048577 bytes exceeds limit of 1048576"):
        h.put(logs, group, s, [big, "yz"], ts=t)
    h.put(logs, group, s, ["e"] * 10_000, ts=t)
    with h.aws_error("ResourceNotFoundException", "The specified log stream does not exist."):
        h.put(logs, group, "missing", ["a"])


def test_put_log_events_rejects_too_old_and_too_new(logs, stream):
    group, s = stream
    t = h.now_ms()
    out = logs.put_log_events(logGroupName=group, logStreamName=s, logEvents=[
        {"timestamp": t - 15 * DAY, "message": "old0"},
        {"timestamp": t - 60_000, "message": "ok1"},
        {"timestamp": t + HOUR, "message": "ok2"},
        {"timestamp": t + 3 * HOUR, "message": "new3"},
    ])
    assert out["rejectedLogEventsInfo"] == {"tooOldLogEventEndIndex": 0,
                                            "tooNewLogEventStartIndex": 3}
    got = logs.get_log_events(logGroupName=group, logStreamName=s, startFromHead=True)
    assert [e["message"] for e in got["events"]] == ["ok1", "ok2"]


# ---- GetLogEvents ----------------------------------------------------------------------------

def test_get_log_events_tokens(logs, stream):
    group, s = stream
    t = h.now_ms() - 10_000
    h.put(logs, group, s, [f"m{i}" for i in range(25)], ts=t, step=100)
    newest = logs.get_log_events(logGroupName=group, logStreamName=s, limit=5)
    assert [e["message"] for e in newest["events"]] == [f"m{i}" for i in range(20, 25)]
    for token in (newest["nextForwardToken"], newest["nextBackwardToken"]):
        assert token[:2] in ("f/", "b/") and len(token) == 58 and token[2:].isdigit()
    events, calls = h.get_all_forward(logs, group, s, limit=10)
    assert [e["message"] for e in events] == [f"m{i}" for i in range(25)]
    assert calls == 4  # 10 + 10 + 5, then the echoed token
    assert all(set(e) == {"timestamp", "message", "ingestionTime"} for e in events)
    # Backward from the newest page reaches the head, then the backward token repeats.
    token, seen = newest["nextBackwardToken"], []
    for _ in range(10):
        page = logs.get_log_events(logGroupName=group, logStreamName=s, limit=10,
                                   nextToken=token)
        if page["nextBackwardToken"] == token:
            break
        seen = [e["message"] for e in page["events"]] + seen
        token = page["nextBackwardToken"]
    assert seen == [f"m{i}" for i in range(20)]
    window = logs.get_log_events(logGroupName=group, logStreamName=s, startTime=t + 200,
                                 endTime=t + 500)
    assert [e["message"] for e in window["events"]] == ["m2", "m3", "m4"]
    with h.aws_error("InvalidParameterException"):
        logs.get_log_events(logGroupName=group, logStreamName=s, nextToken="f/123")
    with h.aws_error("ResourceNotFoundException", "The specified log stream does not exist."):
        logs.get_log_events(logGroupName=group, logStreamName="missing")


# ---- FilterLogEvents -------------------------------------------------------------------------

def test_filter_log_events_interleaves_and_pages(logs, group):
    for s in ("app-1", "app-2", "db"):
        logs.create_log_stream(logGroupName=group, logStreamName=s)
    t = h.now_ms() - 10_000
    h.put(logs, group, "app-1", ["ERROR one", "fine three", "ERROR five"], ts=t + 1, step=2)
    h.put(logs, group, "app-2", ["ERROR two", "ERROR four", "fine six"], ts=t + 2, step=2)
    h.put(logs, group, "db", ["ERROR zero"], ts=t)
    everything = logs.filter_log_events(logGroupName=group)
    assert [e["message"].split()[1] for e in everything["events"]] == [
        "zero", "one", "two", "three", "four", "five", "six"]
    assert "nextToken" not in everything
    assert everything["searchedLogStreams"] == []  # AWS: no longer supported, always empty
    e = everything["events"][1]
    assert e["logStreamName"] == "app-1" and e["timestamp"] == t + 1 and e["eventId"].isdigit()
    # botocore's paginator stops on the last page (it raises if a token repeats).
    pages = list(logs.get_paginator("filter_log_events").paginate(
        logGroupName=group, logStreamNamePrefix="app-", filterPattern="ERROR",
        PaginationConfig={"PageSize": 2}))
    assert [[e["message"] for e in p["events"]] for p in pages] == [
        ["ERROR one", "ERROR two"], ["ERROR four", "ERROR five"]]
    named = logs.filter_log_events(logGroupName=group, logStreamNames=["db", "app-2"],
                                   startTime=t, endTime=t + 4)
    assert [e["message"] for e in named["events"]] == ["ERROR zero", "ERROR two", "ERROR four"]
    with h.aws_error("InvalidParameterException"):
        logs.filter_log_events(logGroupName=group, logStreamNames=["db"],
                               logStreamNamePrefix="d")


@pytest.mark.parametrize("pattern,expected", [
    ("ERROR", ["ERROR disk full", '{"level":"ERROR","latency":250,"user":{"id":7}}']),
    ('"disk full"', ["ERROR disk full", "WARN disk full soon"]),
    ("disk -ERROR", ["WARN disk full soon"]),
    ("?WARN ?good", ["WARN disk full soon", "INFO all good"]),
    ('{ $.level = "ERROR" }', ['{"level":"ERROR","latency":250,"user":{"id":7}}']),
    ("{ $.latency > 100 && $.user.id = 7 }",
     ['{"level":"ERROR","latency":250,"user":{"id":7}}']),
    ('{ $.level = "INF*" || $.latency < 100 }', ['{"level":"INFO","latency":20}']),
    ("{ $.user NOT EXISTS }", ['{"level":"INFO","latency":20}']),
    ("", None),
])
def test_filter_patterns(logs, stream, pattern, expected):
    group, s = stream
    messages = ["ERROR disk full", "WARN disk full soon", "INFO all good",
                '{"level":"ERROR","latency":250,"user":{"id":7}}',
                '{"level":"INFO","latency":20}']
    h.put(logs, group, s, messages)
    got = logs.filter_log_events(logGroupName=group, filterPattern=pattern)
    assert [e["message"] for e in got["events"]] == (messages if expected is None else expected)


def test_bad_filter_pattern(logs, group):
    with h.aws_error("InvalidParameterException"):
        logs.filter_log_events(logGroupName=group, filterPattern='{ $.level = "x" ')


# ---- Retention -------------------------------------------------------------------------------

def test_retention_expires_events(logs, stream):
    group, s = stream
    t = h.now_ms()
    h.put(logs, group, s, ["two days old"], ts=t - 2 * DAY)
    h.put(logs, group, s, ["fresh"], ts=t)
    with h.aws_error("InvalidParameterException"):
        logs.put_retention_policy(logGroupName=group, retentionInDays=2)
    with h.aws_error("ResourceNotFoundException"):
        logs.put_retention_policy(logGroupName=group + "-missing", retentionInDays=1)
    logs.put_retention_policy(logGroupName=group, retentionInDays=1)
    [g] = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"]
    assert g["retentionInDays"] == 1
    assert g["storedBytes"] == len("fresh")  # the expired event is gone, not just hidden
    got = logs.get_log_events(logGroupName=group, logStreamName=s, startFromHead=True)
    assert [e["message"] for e in got["events"]] == ["fresh"]
    assert [e["message"] for e in logs.filter_log_events(logGroupName=group)["events"]] == [
        "fresh"]
    out = h.put(logs, group, s, ["expired", "kept"], ts=t - 36 * HOUR, step=36 * HOUR - 1)
    assert out["rejectedLogEventsInfo"] == {"expiredLogEventEndIndex": 0}
    logs.delete_retention_policy(logGroupName=group)
    [g] = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"]
    assert "retentionInDays" not in g


# ---- Tags ------------------------------------------------------------------------------------

def test_tags_both_apis(logs, make_group):
    group = make_group(tags={"a": "1"})
    logs.tag_log_group(logGroupName=group, tags={"b": "2"})
    logs.untag_log_group(logGroupName=group, tags=["a"])
    assert logs.list_tags_log_group(logGroupName=group)["tags"] == {"b": "2"}
    arn = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"][0]["logGroupArn"]
    logs.tag_resource(resourceArn=arn, tags={"c": "3", "d": "4"})
    logs.untag_resource(resourceArn=arn, tagKeys=["d"])
    assert logs.list_tags_for_resource(resourceArn=arn)["tags"] == {"b": "2", "c": "3"}
    with h.aws_error("ResourceNotFoundException"):
        logs.list_tags_for_resource(resourceArn=arn + "-missing")
    with h.aws_error("TooManyTagsException"):
        logs.tag_resource(resourceArn=arn, tags={f"k{i}": "v" for i in range(50)})
    with h.aws_error("ResourceNotFoundException"):
        logs.tag_log_group(logGroupName=group + "-missing", tags={"a": "1"})


# ---- Bad input -------------------------------------------------------------------------------

def test_missing_and_malformed_input(nimbus):
    raw = ns.boto3_client(nimbus, "logs", validate=False)
    with h.aws_error("InvalidParameterException"):
        raw.create_log_group()
    with h.aws_error("InvalidParameterException"):
        raw.put_log_events(logGroupName="g", logStreamName="s", logEvents=[])
    resp = ns.request(nimbus, "POST", "/", body=b"{not json",
                      headers=ns.json_headers("Logs_20140328.CreateLogGroup", "1.1"),
                      service="logs")
    assert resp.status == 400, resp
    assert resp.json()["__type"].split("#")[-1] == "SerializationException"
    resp = ns.request(nimbus, "POST", "/", body=json.dumps({"logGroupName": 7}),
                      headers=ns.json_headers("Logs_20140328.CreateLogGroup", "1.1"),
                      service="logs")
    assert resp.status == 400, resp
    assert nimbus.proc.poll() is None


def test_debian_boto3_round_trip(nimbus, logs, stream):
    group, s = stream
    h.put(logs, group, s, ["from pip boto3"])
    out = ns.debian_boto3(nimbus, "logs", "get_log_events",
                          {"logGroupName": group, "logStreamName": s, "startFromHead": True})
    assert [e["message"] for e in out["result"]["events"]] == ["from pip boto3"]
