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
    # AWS: filterNamePrefix counts only together with logGroupName.
    ignored = logs.describe_metric_filters(filterNamePrefix="no-such-prefix", metricName="Bytes",
                                           metricNamespace="Web")
    assert (group, "bytes") in [(f["logGroupName"], f["filterName"])
                                for f in ignored["metricFilters"]]
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


# ---- ListLogGroups, KMS keys --------------------------------------------------------------------

def test_list_log_groups(logs, make_group):
    tag = h.name("lg").split("-")[-1]
    a = make_group(f"list-{tag}-a", tags={"team": "red"})
    b = make_group(f"list-{tag}-b", logGroupClass="INFREQUENT_ACCESS", tags={"team": "blue"})
    out = logs.list_log_groups(logGroupNamePattern=f"list-{tag}")["logGroups"]
    assert out == [
        {"logGroupName": a, "logGroupArn": f"arn:aws:logs:{h.REGION}:{h.ACCOUNT}:log-group:{a}",
         "logGroupClass": "STANDARD"},
        {"logGroupName": b, "logGroupArn": f"arn:aws:logs:{h.REGION}:{h.ACCOUNT}:log-group:{b}",
         "logGroupClass": "INFREQUENT_ACCESS"}]
    assert [g["logGroupName"] for g in logs.list_log_groups(
        logGroupNamePattern=f"list-{tag}", logGroupClass="INFREQUENT_ACCESS")["logGroups"]] == [b]
    assert [g["logGroupName"] for g in logs.list_log_groups(
        logGroupNamePattern=f"^{a}|nomatch-{tag}")["logGroups"]] == [a]
    assert [g["logGroupName"] for g in logs.list_log_groups(
        logGroupNamePattern=f"list-{tag}",
        logGroupTags=[{"key": "team", "values": ["blue"]}])["logGroups"]] == [b]
    page = logs.list_log_groups(logGroupNamePattern=f"list-{tag}", limit=1)
    assert [g["logGroupName"] for g in page["logGroups"]] == [a]
    page2 = logs.list_log_groups(logGroupNamePattern=f"list-{tag}", limit=1,
                                 nextToken=page["nextToken"])
    assert [g["logGroupName"] for g in page2["logGroups"]] == [b]
    assert "nextToken" not in page2
    with h.aws_error("InvalidParameterException"):
        logs.list_log_groups(limit=1001)
    with h.aws_error("InvalidParameterException"):
        logs.list_log_groups(nextToken="garbage")


def test_kms_key_association(logs, group):
    key = f"arn:aws:kms:{h.REGION}:{h.ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    logs.associate_kms_key(logGroupName=group, kmsKeyId=key)
    g = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"][0]
    assert g["kmsKeyId"] == key
    logs.disassociate_kms_key(logGroupName=group)
    assert "kmsKeyId" not in logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"][0]
    arn = g["logGroupArn"]
    logs.associate_kms_key(resourceIdentifier=arn, kmsKeyId=key)
    assert logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"][0]["kmsKeyId"] == key
    with h.aws_error("InvalidParameterException"):
        logs.associate_kms_key(logGroupName=group, kmsKeyId="not-an-arn")
    with h.aws_error("ResourceNotFoundException"):
        logs.associate_kms_key(logGroupName=h.name("nope"), kmsKeyId=key)
    with h.aws_error("InvalidParameterException"):
        logs.disassociate_kms_key()


# ---- Resource policies, destinations, account policies ------------------------------------------

POLICY = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"},
    "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": "*"}]})


def test_resource_policies(logs, group):
    name = h.name("rp").split("/")[-1]
    out = logs.put_resource_policy(policyName=name, policyDocument=POLICY)
    assert out["resourcePolicy"]["policyName"] == name
    assert out["resourcePolicy"]["policyDocument"] == POLICY
    assert out["resourcePolicy"]["policyScope"] == "ACCOUNT"
    assert abs(out["resourcePolicy"]["lastUpdatedTime"] - h.now_ms()) < 60_000
    rev = out["revisionId"]
    listed = {p["policyName"]: p for p in logs.describe_resource_policies()["resourcePolicies"]
              if "policyName" in p}
    assert listed[name]["revisionId"] == rev
    # Update with the right and a wrong expected revision.
    out = logs.put_resource_policy(policyName=name, policyDocument=POLICY,
                                   expectedRevisionId=rev)
    assert out["revisionId"] != rev
    with h.aws_error("OperationAbortedException"):
        logs.put_resource_policy(policyName=name, policyDocument=POLICY, expectedRevisionId=rev)
    with h.aws_error("InvalidParameterException"):
        logs.put_resource_policy(policyName=name + "x", policyDocument="{not json")
    # A log group's own policy.
    arn = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"][0]["logGroupArn"]
    out = logs.put_resource_policy(resourceArn=arn, policyDocument=POLICY)
    assert out["resourcePolicy"]["policyScope"] == "RESOURCE"
    assert [p["resourceArn"] for p in logs.describe_resource_policies(
        resourceArn=arn)["resourcePolicies"]] == [arn]
    logs.delete_resource_policy(resourceArn=arn)
    logs.delete_resource_policy(policyName=name)
    with h.aws_error("ResourceNotFoundException", f"Policy with name [{name}] does not exist"):
        logs.delete_resource_policy(policyName=name)


def test_resource_policy_limit(logs):
    existing = [p["policyName"] for p in logs.describe_resource_policies()["resourcePolicies"]
                if p.get("policyScope") == "ACCOUNT"]
    made = []
    try:
        for i in range(10 - len(existing)):
            made.append(f"limit-{i}-{h.name().split('-')[-1]}")
            logs.put_resource_policy(policyName=made[-1], policyDocument=POLICY)
        with h.aws_error("LimitExceededException", "Resource limit exceeded."):
            logs.put_resource_policy(policyName="one-too-many", policyDocument=POLICY)
    finally:
        for n in made:
            logs.delete_resource_policy(policyName=n)


def test_destinations(logs, group):
    name = h.name("dest").split("/")[-1]
    target = f"arn:aws:kinesis:{h.REGION}:{h.ACCOUNT}:stream/{name}"
    role = f"arn:aws:iam::{h.ACCOUNT}:role/cwl-to-kinesis"
    d = logs.put_destination(destinationName=name, targetArn=target, roleArn=role)["destination"]
    assert d["arn"] == f"arn:aws:logs:{h.REGION}:{h.ACCOUNT}:destination:{name}"
    assert (d["destinationName"], d["targetArn"], d["roleArn"]) == (name, target, role)
    policy = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": "111122223333"},
        "Action": "logs:PutSubscriptionFilter", "Resource": d["arn"]}]})
    logs.put_destination_policy(destinationName=name, accessPolicy=policy)
    listed = logs.describe_destinations(DestinationNamePrefix=name)["destinations"]
    assert len(listed) == 1 and listed[0]["accessPolicy"] == policy
    assert listed[0]["creationTime"] == d["creationTime"]
    # A subscription filter may name the destination.
    logs.put_subscription_filter(logGroupName=group, filterName="to-dest", filterPattern="",
                                 destinationArn=d["arn"])
    with h.aws_error("InvalidParameterException"):
        logs.put_subscription_filter(logGroupName=group, filterName="to-dest", filterPattern="",
                                     destinationArn=d["arn"] + "-missing")
    logs.delete_destination(destinationName=name)
    assert logs.describe_destinations(DestinationNamePrefix=name)["destinations"] == []
    with h.aws_error("ResourceNotFoundException"):
        logs.delete_destination(destinationName=name)
    with h.aws_error("ResourceNotFoundException"):
        logs.put_destination_policy(destinationName=name, accessPolicy=policy)


def test_account_policies(logs):
    name = h.name("ap").split("/")[-1]
    doc = json.dumps({"Name": "data-protection", "Version": "2021-06-01", "Statement": []})
    out = logs.put_account_policy(policyName=name, policyDocument=doc,
                                  policyType="DATA_PROTECTION_POLICY", scope="ALL")
    p = out["accountPolicy"]
    assert (p["policyName"], p["policyType"], p["scope"], p["accountId"]) == (
        name, "DATA_PROTECTION_POLICY", "ALL", h.ACCOUNT)
    listed = logs.describe_account_policies(policyType="DATA_PROTECTION_POLICY")
    assert [x["policyName"] for x in listed["accountPolicies"]] == [name]
    assert listed["accountPolicies"][0]["policyDocument"] == doc
    # AWS: one account-wide data protection policy.
    with h.aws_error("LimitExceededException"):
        logs.put_account_policy(policyName=name + "-2", policyDocument=doc,
                                policyType="DATA_PROTECTION_POLICY")
    sub = logs.put_account_policy(policyName=name, policyType="SUBSCRIPTION_FILTER_POLICY",
                                  policyDocument=json.dumps({"DestinationArn": "arn:x",
                                                             "FilterPattern": ""}),
                                  selectionCriteria='LogGroupName NOT IN ["a"]')
    assert sub["accountPolicy"]["selectionCriteria"] == 'LogGroupName NOT IN ["a"]'
    logs.delete_account_policy(policyName=name, policyType="DATA_PROTECTION_POLICY")
    logs.delete_account_policy(policyName=name, policyType="SUBSCRIPTION_FILTER_POLICY")
    assert logs.describe_account_policies(
        policyType="DATA_PROTECTION_POLICY")["accountPolicies"] == []
    with h.aws_error("ResourceNotFoundException"):
        logs.delete_account_policy(policyName=name, policyType="DATA_PROTECTION_POLICY")


def test_export_tasks_refused_without_s3(logs, group):
    with h.aws_error("InvalidParameterException",
                     "GetBucketAcl call on the given bucket failed. Please check if CloudWatch "
                     "Logs has been granted permission to perform this operation."):
        logs.create_export_task(logGroupName=group, fromTime=0, to=h.now_ms(),
                                destination="my-bucket")
    with h.aws_error("ResourceNotFoundException"):
        logs.create_export_task(logGroupName=h.name("nope"), fromTime=0, to=1,
                                destination="my-bucket")
    assert logs.describe_export_tasks()["exportTasks"] == []
    with h.aws_error("ResourceNotFoundException"):
        logs.cancel_export_task(taskId="abc")


@pytest.mark.parametrize("cli", [ns.cli_v2, ns.cli_v1], ids=["cli-v2", "cli-v1"])
def test_misc_cli(nimbus, group, cli):
    key = f"arn:aws:kms:{h.REGION}:{h.ACCOUNT}:key/cli"
    cli(nimbus, "logs", "associate-kms-key", "--log-group-name", group, "--kms-key-id", key)
    out = cli(nimbus, "logs", "describe-log-groups", "--log-group-name-prefix", group)
    assert out["logGroups"][0]["kmsKeyId"] == key
    name = h.name("cli").split("/")[-1]
    out = cli(nimbus, "logs", "put-resource-policy", "--policy-name", name,
              "--policy-document", POLICY)
    assert out["resourcePolicy"]["policyName"] == name
    out = cli(nimbus, "logs", "describe-resource-policies")
    assert name in [p.get("policyName") for p in out["resourcePolicies"]]
    cli(nimbus, "logs", "delete-resource-policy", "--policy-name", name)
