"""CloudWatch Logs metric filters (Put/Describe/Delete/TestMetricFilter with AWS's validation,
limits and paging) and the smaller everyday operations: ListLogGroups, GetLogGroupFields,
resource policies, destinations, KMS key association and account policies."""
import json

import pytest

import logs_helpers as h
import nimbus_support as ns


def transformation(name="Errors", ns_="App", value="1", **extra):
    return [dict(metricName=name, metricNamespace=ns_, metricValue=value, **extra)]


# ---- Metric filters -----------------------------------------------------------------------------

def test_metric_filter_lifecycle(logs, group):
    logs.put_metric_filter(logGroupName=group, filterName="errors", filterPattern="ERROR",
                           metricTransformations=transformation(defaultValue=0.0, unit="Count"))
    logs.put_metric_filter(
        logGroupName=group, filterName="bytes", filterPattern="[ip, user, status, bytes]",
        metricTransformations=transformation("Bytes", "Web", "$bytes",
                                             dimensions={"Status": "$status"}))
    out = logs.describe_metric_filters(logGroupName=group)["metricFilters"]
    assert [f["filterName"] for f in out] == ["bytes", "errors"]
    errors = out[1]
    assert errors["logGroupName"] == group
    assert errors["filterPattern"] == "ERROR"
    assert errors["metricTransformations"] == [{
        "metricName": "Errors", "metricNamespace": "App", "metricValue": "1",
        "defaultValue": 0.0, "unit": "Count"}]
    assert abs(errors["creationTime"] - h.now_ms()) < 60_000
    assert out[0]["metricTransformations"][0]["dimensions"] == {"Status": "$status"}

    # DescribeLogGroups counts them.
    g = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"][0]
    assert g["metricFilterCount"] == 2

    # Prefix, metric name + namespace (across groups), paging.
    assert [f["filterName"] for f in logs.describe_metric_filters(
        logGroupName=group, filterNamePrefix="er")["metricFilters"]] == ["errors"]
    by_metric = logs.describe_metric_filters(metricName="Bytes", metricNamespace="Web")
    assert (group, "bytes") in [(f["logGroupName"], f["filterName"])
                                for f in by_metric["metricFilters"]]
    assert all(f["metricTransformations"][0]["metricName"] == "Bytes"
               for f in by_metric["metricFilters"])
    page = logs.describe_metric_filters(logGroupName=group, limit=1)
    assert [f["filterName"] for f in page["metricFilters"]] == ["bytes"]
    page2 = logs.describe_metric_filters(logGroupName=group, limit=1, nextToken=page["nextToken"])
    assert [f["filterName"] for f in page2["metricFilters"]] == ["errors"]
    assert "nextToken" not in page2
    paginator = logs.get_paginator("describe_metric_filters")
    names = [f["filterName"] for p in paginator.paginate(logGroupName=group,
                                                          PaginationConfig={"PageSize": 1})
             for f in p["metricFilters"]]
    assert names == ["bytes", "errors"]

    # Update in place.
    logs.put_metric_filter(logGroupName=group, filterName="errors", filterPattern="?ERROR ?FATAL",
                           metricTransformations=transformation())
    f = logs.describe_metric_filters(logGroupName=group, filterNamePrefix="errors")
    assert f["metricFilters"][0]["filterPattern"] == "?ERROR ?FATAL"

    logs.delete_metric_filter(logGroupName=group, filterName="errors")
    with h.aws_error("ResourceNotFoundException", "The specified metric filter does not exist."):
        logs.delete_metric_filter(logGroupName=group, filterName="errors")
    assert [f["filterName"] for f in logs.describe_metric_filters(
        logGroupName=group)["metricFilters"]] == ["bytes"]
    assert logs.describe_log_groups(
        logGroupNamePrefix=group)["logGroups"][0]["metricFilterCount"] == 1


def test_metric_filter_errors(logs, group):
    missing = h.name("missing")
    with h.aws_error("ResourceNotFoundException", "The specified log group does not exist."):
        logs.put_metric_filter(logGroupName=missing, filterName="f", filterPattern="",
                               metricTransformations=transformation())
    with h.aws_error("ResourceNotFoundException"):
        logs.describe_metric_filters(logGroupName=missing)
    with h.aws_error("InvalidParameterException"):
        logs.put_metric_filter(logGroupName=group, filterName="f", filterPattern="[a, b",
                               metricTransformations=transformation())
    with h.aws_error("InvalidParameterException"):
        logs.put_metric_filter(logGroupName=group, filterName="f", filterPattern="",
                               metricTransformations=transformation(name="bad:name"))
    with h.aws_error("InvalidParameterException"):
        logs.put_metric_filter(logGroupName=group, filterName="f", filterPattern="",
                               metricTransformations=transformation(value="lots"))
    with h.aws_error("InvalidParameterException"):
        logs.put_metric_filter(logGroupName=group, filterName="f", filterPattern="",
                               metricTransformations=transformation() * 2)
    with h.aws_error("InvalidParameterException"):  # dimensions exclude a default value
        logs.put_metric_filter(
            logGroupName=group, filterName="f", filterPattern="[a, b]",
            metricTransformations=transformation(defaultValue=1.0, dimensions={"A": "$a"}))
    with h.aws_error("InvalidParameterException"):
        logs.put_metric_filter(
            logGroupName=group, filterName="f", filterPattern="[a, b, c, d]",
            metricTransformations=transformation(
                dimensions={"A": "$a", "B": "$b", "C": "$c", "D": "$d"}))
    with h.aws_error("InvalidParameterException"):
        logs.describe_metric_filters(metricName="Errors")  # namespace missing
    with h.aws_error("InvalidParameterException"):
        logs.describe_metric_filters(logGroupName=group, nextToken="nope")
    with h.aws_error("InvalidParameterException"):
        logs.describe_metric_filters(logGroupName=group, limit=51)
    assert logs.describe_metric_filters(logGroupName=group)["metricFilters"] == []


def test_metric_filter_limit_per_group(logs, group):
    for i in range(100):
        logs.put_metric_filter(logGroupName=group, filterName=f"f{i:03d}", filterPattern="",
                               metricTransformations=transformation())
    with h.aws_error("LimitExceededException", "Resource limit exceeded."):
        logs.put_metric_filter(logGroupName=group, filterName="one-more", filterPattern="",
                               metricTransformations=transformation())
    # Replacing an existing one is not a new filter.
    logs.put_metric_filter(logGroupName=group, filterName="f000", filterPattern="X",
                           metricTransformations=transformation())


def test_test_metric_filter(logs):
    msgs = ["127.0.0.1 frank 404 512", "10.0.0.2 alice 200 1024", "garbage"]
    out = logs.test_metric_filter(filterPattern="[ip, user, status = 4*, bytes]",
                                  logEventMessages=msgs)["matches"]
    assert out == [{"eventNumber": 1, "eventMessage": msgs[0], "extractedValues": {
        "$ip": "127.0.0.1", "$user": "frank", "$status": "404", "$bytes": "512"}}]

    out = logs.test_metric_filter(filterPattern="ERROR -timeout",
                                  logEventMessages=["ERROR boom", "ERROR timeout", "ok"])
    assert [(m["eventNumber"], m["eventMessage"], m["extractedValues"])
            for m in out["matches"]] == [(1, "ERROR boom", {})]

    out = logs.test_metric_filter(filterPattern='{ $.latency > 100 }',
                                  logEventMessages=[json.dumps({"latency": 50}),
                                                    json.dumps({"latency": 150}), "not json"])
    assert [m["eventNumber"] for m in out["matches"]] == [2]

    assert len(logs.test_metric_filter(filterPattern="",
                                       logEventMessages=["a", "b"])["matches"]) == 2
    with h.aws_error("InvalidParameterException"):
        logs.test_metric_filter(filterPattern="{ $.x = ", logEventMessages=["a"])
    with h.aws_error("InvalidParameterException"):
        logs.test_metric_filter(filterPattern="a", logEventMessages=["m"] * 51)


@pytest.mark.parametrize("cli", [ns.cli_v2, ns.cli_v1], ids=["cli-v2", "cli-v1"])
def test_metric_filter_cli(nimbus, group, cli):
    cli(nimbus, "logs", "put-metric-filter", "--log-group-name", group, "--filter-name", "cli",
        "--filter-pattern", "ERROR", "--metric-transformations",
        "metricName=Errors,metricNamespace=App,metricValue=1")
    out = cli(nimbus, "logs", "describe-metric-filters", "--log-group-name", group)
    assert [(f["filterName"], f["metricTransformations"][0]["metricName"])
            for f in out["metricFilters"]] == [("cli", "Errors")]
    out = cli(nimbus, "logs", "test-metric-filter", "--filter-pattern", "[a, b]",
              "--log-event-messages", "x y", "z")
    assert out["matches"] == [{"eventNumber": 1, "eventMessage": "x y",
                               "extractedValues": {"$a": "x", "$b": "y"}}]
    cli(nimbus, "logs", "delete-metric-filter", "--log-group-name", group, "--filter-name", "cli")
