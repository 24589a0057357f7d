"""CloudWatch Logs Insights against stored events: StartQuery runs the query (fields, filter,
stats ... by bin(), sort, limit, parse, display; JSON fields discovered) over the named groups
within startTime..endTime, GetQueryResults returns rows of {field, value} with statistics,
DescribeQueries/StopQuery, saved query definitions, GetLogGroupFields; malformed queries are
MalformedQueryException. Also the AWS CLI v2/v1 (start-query + get-query-results) and the JS
SDK v3 (tests/js/logs2)."""
import json
import time

import pytest

import logs_helpers as h
import nimbus_support as ns


@pytest.fixture
def loaded(logs, make_group):
    """Two groups with JSON and plain events over the last few minutes: (g1, g2, t0_ms)."""
    g1, g2 = make_group("ins"), make_group("ins")
    t0 = (h.now_ms() // 60_000 - 10) * 60_000  # a whole minute, 10 minutes ago
    logs.create_log_stream(logGroupName=g1, logStreamName="api")
    logs.create_log_stream(logGroupName=g1, logStreamName="worker")
    logs.create_log_stream(logGroupName=g2, logStreamName="web")
    api = [{"level": "INFO", "latency": 10, "user": {"id": "a"}},
           {"level": "ERROR", "latency": 250, "user": {"id": "b"}},
           {"level": "ERROR", "latency": 90, "user": {"id": "a"}},
           {"level": "WARN", "latency": 40, "user": {"id": "c"}}]
    logs.put_log_events(logGroupName=g1, logStreamName="api", logEvents=[
        {"timestamp": t0 + i * 60_000, "message": json.dumps(m)} for i, m in enumerate(api)])
    logs.put_log_events(logGroupName=g1, logStreamName="worker", logEvents=[
        {"timestamp": t0 + 30_000, "message": "job 17 done in 1200 ms"},
        {"timestamp": t0 + 330_000, "message": "job 18 failed: timeout"}])
    logs.put_log_events(logGroupName=g2, logStreamName="web", logEvents=[
        {"timestamp": t0 + 5_000, "message": "GET /index.html 200 512"},
        {"timestamp": t0 + 6_000, "message": "GET /missing 404 0"}])
    return g1, g2, t0


def run_query(logs, query, start, end, **kwargs):
    qid = logs.start_query(queryString=query, startTime=start, endTime=end, **kwargs)["queryId"]
    out = logs.get_query_results(queryId=qid)
    assert out["status"] == "Complete", out
    return qid, out


def rows(out):
    """Result rows as dicts, without the opaque @ptr of event rows."""
    return [{c["field"]: c["value"] for c in r if c["field"] != "@ptr"} for r in out["results"]]


def window(t0):
    return t0 // 1000 - 60, t0 // 1000 + 3600


def test_fields_filter_sort_limit(logs, loaded):
    g1, _, t0 = loaded
    start, end = window(t0)
    qid, out = run_query(
        logs, "fields @timestamp, level, latency, @logStream | filter level = 'ERROR' "
        "| sort latency desc | limit 10", start, end, logGroupName=g1)
    got = rows(out)
    assert [(r["level"], r["latency"]) for r in got] == [("ERROR", "250"), ("ERROR", "90")]
    assert got[0]["@timestamp"] == time.strftime(
        "%Y-%m-%d %H:%M:%S.000", time.gmtime((t0 + 60_000) / 1000))
    assert got[0]["@logStream"] == "api"
    # Columns in the order the query names them, then @ptr.
    assert [c["field"] for c in out["results"][0]] == [
        "@timestamp", "level", "latency", "@logStream", "@ptr"]
    # GetLogRecord follows a result's @ptr to the whole event.
    ptr = [c["value"] for c in out["results"][0] if c["field"] == "@ptr"][0]
    record = logs.get_log_record(logRecordPointer=ptr)["logRecord"]
    assert record["@message"] == json.dumps({"level": "ERROR", "latency": 250,
                                             "user": {"id": "b"}})
    assert record["@timestamp"] == str(t0 + 60_000)
    assert record["@logStream"] == "api" and record["@log"] == f"{h.ACCOUNT}:{g1}"
    assert record["user.id"] == "b" and record["latency"] == "250"
    with h.aws_error("InvalidParameterException"):
        logs.get_log_record(logRecordPointer="not-a-pointer")
    stats = out["statistics"]
    assert stats["recordsScanned"] == 6.0
    assert stats["recordsMatched"] == 2.0
    assert stats["bytesScanned"] > 0
    assert len(qid) == 36


def test_default_order_is_newest_first_and_time_range_applies(logs, loaded):
    g1, _, t0 = loaded
    _, out = run_query(logs, "fields @message | limit 2", t0 // 1000, t0 // 1000 + 3600,
                       logGroupName=g1)
    assert [r["@message"] for r in rows(out)] == [
        "job 18 failed: timeout", json.dumps({"level": "WARN", "latency": 40,
                                              "user": {"id": "c"}})]
    # Only the first two minutes: events at t0, t0+30s, t0+60s, t0+120s (end second included).
    _, out = run_query(logs, "stats count(*) as n", t0 // 1000, t0 // 1000 + 120,
                       logGroupName=g1)
    assert rows(out) == [{"n": "4"}]
    # GetQueryResults pages with maxItems.
    qid = logs.start_query(queryString="fields @message", startTime=window(t0)[0],
                           endTime=window(t0)[1], logGroupName=g1)["queryId"]
    page = logs.get_query_results(queryId=qid, maxItems=4)
    assert len(page["results"]) == 4 and page["status"] == "Complete"
    rest = logs.get_query_results(queryId=qid, maxItems=4, nextToken=page["nextToken"])
    assert len(rest["results"]) == 2 and "nextToken" not in rest
    assert rows(page) + rows(rest) == rows(logs.get_query_results(queryId=qid))
    with h.aws_error("InvalidParameterException"):
        logs.get_query_results(queryId=qid, nextToken="bogus")
    # The limit parameter caps the rows.
    _, out = run_query(logs, "fields @message", *window(t0), logGroupName=g1, limit=3)
    assert len(out["results"]) == 3


def test_stats_by_field_and_bin(logs, loaded):
    g1, _, t0 = loaded
    start, end = window(t0)
    _, out = run_query(logs, "filter ispresent(latency) | stats count(*) as n, avg(latency) as "
                       "avg, max(latency), count_distinct(user.id) as users by level "
                       "| sort level", start, end, logGroupName=g1)
    assert rows(out) == [
        {"level": "ERROR", "n": "2", "avg": "170", "max(latency)": "250", "users": "2"},
        {"level": "INFO", "n": "1", "avg": "10", "max(latency)": "10", "users": "1"},
        {"level": "WARN", "n": "1", "avg": "40", "max(latency)": "40", "users": "1"}]
    assert out["statistics"]["recordsMatched"] == 4.0
    assert "@ptr" not in out["results"][0][0]["field"]

    _, out = run_query(logs, "stats count(*) by bin(5m) | sort bin(5m) asc", start, end,
                       logGroupName=g1)
    fmt = lambda ms: time.strftime("%Y-%m-%d %H:%M:%S.000", time.gmtime(ms / 1000))  # noqa
    base = t0 - t0 % 300_000
    got = rows(out)
    assert sum(int(r["count(*)"]) for r in got) == 6
    assert [r["bin(5m)"] for r in got] == sorted({fmt(base + ((t0 - base + off) // 300_000)
                                                       * 300_000)
                                                  for off in (0, 30_000, 60_000, 120_000,
                                                              180_000, 330_000)})


def test_parse_glob_regex_and_multiple_groups(logs, loaded):
    g1, g2, t0 = loaded
    start, end = window(t0)
    _, out = run_query(
        logs, "filter @message like /^GET/ | parse @message '* * * *' as verb, path, status, "
        "bytes | filter status >= 400 | display path, status, @log", start, end,
        logGroupNames=[g1, g2])
    assert rows(out) == [{"path": "/missing", "status": "404",
                          "@log": f"{h.ACCOUNT}:{g2}"}]
    _, out = run_query(
        logs, r"parse @message /job (?<job>\d+) (?<outcome>done|failed)/ "
        r"| filter ispresent(job) | stats count(*) by outcome | sort outcome", start, end,
        logGroupIdentifiers=[g1])
    assert rows(out) == [{"outcome": "done", "count(*)": "1"},
                         {"outcome": "failed", "count(*)": "1"}]
    # A group named by ARN.
    arn = logs.describe_log_groups(logGroupNamePrefix=g2)["logGroups"][0]["logGroupArn"]
    _, out = run_query(logs, "stats count(*) as n", start, end, logGroupIdentifiers=[arn])
    assert rows(out) == [{"n": "2"}]


def test_json_fields_boolean_logic_and_default_columns(logs, loaded):
    g1, _, t0 = loaded
    start, end = window(t0)
    _, out = run_query(logs, "filter (level = 'ERROR' or level = 'WARN') and user.id != 'b' "
                       "and level not in ['INFO'] | sort @timestamp asc", start, end,
                       logGroupName=g1)
    got = rows(out)
    assert [(r["level"], r["user.id"]) for r in got] == [("ERROR", "a"), ("WARN", "c")]
    # Without fields/display a row carries the system fields and the discovered ones.
    assert [c["field"] for c in out["results"][0]][:4] == [
        "@timestamp", "@message", "@logStream", "@log"]
    assert got[0]["@log"] == f"{h.ACCOUNT}:{g1}"
    assert got[0]["latency"] == "90"


def test_describe_stop_and_errors(logs, loaded):
    g1, g2, t0 = loaded
    start, end = window(t0)
    qid, _ = run_query(logs, "fields @message", start, end, logGroupName=g1)
    described = logs.describe_queries(logGroupName=g1)["queries"]
    mine = [q for q in described if q["queryId"] == qid]
    assert mine and mine[0]["status"] == "Complete"
    assert mine[0]["queryString"] == "fields @message"
    assert mine[0]["logGroupName"] == g1
    assert abs(mine[0]["createTime"] - h.now_ms()) < 60_000
    assert logs.describe_queries(logGroupName=g1, status="Running")["queries"] == []
    # Already complete: nothing to stop.
    assert logs.stop_query(queryId=qid)["success"] is False

    with h.aws_error("MalformedQueryException"):
        logs.start_query(logGroupName=g1, startTime=start, endTime=end,
                         queryString="fields @message | bogus")
    with pytest.raises(Exception) as info:
        logs.start_query(logGroupName=g1, startTime=start, endTime=end,
                         queryString="filter (a = 1")
    assert "at line 1 and position" in info.value.response["Error"]["Message"]
    with h.aws_error("ResourceNotFoundException"):
        logs.start_query(logGroupName=h.name("nope"), startTime=start, endTime=end,
                         queryString="fields @message")
    with h.aws_error("InvalidParameterException"):
        logs.start_query(logGroupName=g1, startTime=end, endTime=start,
                         queryString="fields @message")
    with h.aws_error("InvalidParameterException"):
        logs.start_query(logGroupName=g1, logGroupNames=[g2], startTime=start, endTime=end,
                         queryString="fields @message")
    with h.aws_error("InvalidParameterException"):
        logs.start_query(startTime=start, endTime=end, queryString="fields @message")
    with h.aws_error("InvalidParameterException"):
        logs.start_query(logGroupName=g1, startTime=start, endTime=end,
                         queryString="fields @message", limit=10001)
    with h.aws_error("ResourceNotFoundException"):
        logs.get_query_results(queryId="00000000-0000-0000-0000-000000000000")
    with h.aws_error("ResourceNotFoundException"):
        logs.stop_query(queryId="00000000-0000-0000-0000-000000000000")


def test_query_definitions(nimbus, logs):
    name = f"nimbus/{h.name('qd').split('/')[-1]}"
    qid = logs.put_query_definition(name=name, queryString="fields @message | limit 5",
                                    logGroupNames=["/a", "/b"])["queryDefinitionId"]
    other = logs.put_query_definition(name=name + "-2",
                                      queryString="stats count(*)")["queryDefinitionId"]
    defs = logs.describe_query_definitions(queryDefinitionNamePrefix=name)["queryDefinitions"]
    assert [(d["name"], d["queryDefinitionId"]) for d in defs] == [(name, qid),
                                                                    (name + "-2", other)]
    assert defs[0]["queryString"] == "fields @message | limit 5"
    assert defs[0]["logGroupNames"] == ["/a", "/b"]
    assert "logGroupNames" not in defs[1]
    assert abs(defs[0]["lastModified"] - h.now_ms()) < 60_000
    page = logs.describe_query_definitions(queryDefinitionNamePrefix=name, maxResults=1)
    assert len(page["queryDefinitions"]) == 1
    page2 = logs.describe_query_definitions(queryDefinitionNamePrefix=name, maxResults=1,
                                            nextToken=page["nextToken"])
    assert [d["queryDefinitionId"] for d in page2["queryDefinitions"]] == [other]
    # Update by id.
    assert logs.put_query_definition(name=name, queryDefinitionId=qid,
                                     queryString="fields @timestamp")["queryDefinitionId"] == qid
    defs = logs.describe_query_definitions(queryDefinitionNamePrefix=name)["queryDefinitions"]
    assert defs[0]["queryString"] == "fields @timestamp"
    assert logs.delete_query_definition(queryDefinitionId=qid)["success"] is True
    assert logs.delete_query_definition(queryDefinitionId=other)["success"] is True
    assert logs.describe_query_definitions(
        queryDefinitionNamePrefix=name)["queryDefinitions"] == []
    with h.aws_error("ResourceNotFoundException"):
        logs.delete_query_definition(queryDefinitionId=qid)
    with h.aws_error("ResourceNotFoundException"):
        logs.put_query_definition(name=name, queryDefinitionId=qid, queryString="fields a")
    with h.aws_error("InvalidParameterException"):
        ns.boto3_client(nimbus, "logs", validate=False).put_query_definition(
            name="", queryString="fields a")


def test_get_log_group_fields(logs, stream):
    group, name = stream
    h.put(logs, group, name, [json.dumps({"a": 1, "b": {"c": "x"}}), json.dumps({"a": 2}),
                              "plain", "plain again"])
    fields = {f["name"]: f["percent"] for f in logs.get_log_group_fields(
        logGroupName=group)["logGroupFields"]}
    assert fields == {"@ingestionTime": 100, "@log": 100, "@logStream": 100, "@message": 100,
                      "@timestamp": 100, "a": 50, "b.c": 25}
    with h.aws_error("ResourceNotFoundException"):
        logs.get_log_group_fields(logGroupName=h.name("nope"))


@pytest.mark.parametrize("cli", [ns.cli_v2, ns.cli_v1], ids=["cli-v2", "cli-v1"])
def test_cli_start_query_and_results(nimbus, loaded, cli):
    g1, _, t0 = loaded
    start, end = window(t0)
    qid = cli(nimbus, "logs", "start-query", "--log-group-name", g1, "--start-time", str(start),
              "--end-time", str(end), "--query-string",
              "stats count(*) as n by @logStream | sort @logStream")["queryId"]
    out = cli(nimbus, "logs", "get-query-results", "--query-id", qid)
    assert out["status"] == "Complete"
    assert rows(out) == [{"@logStream": "api", "n": "4"}, {"@logStream": "worker", "n": "2"}]
    described = cli(nimbus, "logs", "describe-queries", "--log-group-name", g1)
    assert qid in [q["queryId"] for q in described["queries"]]


def test_js_sdk_v3(nimbus, loaded):
    g1, _, t0 = loaded
    out = ns.node("logs2/insights.mjs", nimbus.url, g1, str(t0))
    assert out["ok"], out
    assert out["mismatches"] == [] and out["checks"] >= 10, out
