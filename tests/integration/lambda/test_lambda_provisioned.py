"""Provisioned concurrency through real clients (boto3 from the venv, AWS CLI v2 and v1): the
configs' API as AWS answers it, and real environments behind them: started at once, initialized
before any invoke (AWS_LAMBDA_INITIALIZATION_TYPE=provisioned-concurrency, no Init Duration),
kept warm, moved when the alias moves, failed when the function's init fails."""
import json
import os
import time

import pytest

import cp_helpers as h
import exec_helpers as x
import nimbus_support as ns
from cp_helpers import raises_aws

# Module code runs once per environment: its pid and the time it ran tell environments apart and
# show whether the init happened before the invoke.
APP = """
import os, time
INIT_AT = time.time()
PID = os.getpid()

def handler(event, context):
    if event.get("sleep"):
        time.sleep(event["sleep"])
    return {"type": os.environ.get("AWS_LAMBDA_INITIALIZATION_TYPE"), "pid": PID,
            "init_at": INIT_AT, "now": time.time(),
            "version": os.environ.get("AWS_LAMBDA_FUNCTION_VERSION")}
"""
BROKEN_APP = "raise RuntimeError('init fails on purpose')\n"


@pytest.fixture
def lam(nimbus):
    return x.client(nimbus)


def published(lam, app=APP, versions=1):
    fn = x.create(lam, x.make_zip({"app.py": app}), prefix="pc")
    for n in range(1, versions + 1):
        if n > 1:  # AWS publishes a new version only when something changed
            lam.update_function_configuration(FunctionName=fn, Description=f"v{n}")
            x.wait_active(lam, fn)
        assert lam.publish_version(FunctionName=fn)["Version"] == str(n)
    return fn


def wait_status(lam, fn, qualifier, status, timeout=20.0):
    deadline = time.monotonic() + timeout
    while True:
        cfg = lam.get_provisioned_concurrency_config(FunctionName=fn, Qualifier=qualifier)
        if cfg["Status"] == status:
            return cfg
        assert cfg["Status"] == "IN_PROGRESS", cfg
        assert time.monotonic() < deadline, f"not {status} after {timeout}s: {cfg}"
        time.sleep(0.1)


def test_latest_and_missing_configs_are_refused_as_aws_does(nimbus, lam):
    fn = published(lam)
    with raises_aws("InvalidParameterValueException", 400,
                    "Provisioned Concurrency Configs cannot be applied to unpublished function "
                    "versions."):
        lam.put_provisioned_concurrency_config(FunctionName=fn, Qualifier="$LATEST",
                                               ProvisionedConcurrentExecutions=1)
    with raises_aws("InvalidParameterValueException", 400,
                    "The function resource provided must be an alias or a published version."):
        lam.get_provisioned_concurrency_config(FunctionName=fn, Qualifier="$LATEST")
    with raises_aws("ProvisionedConcurrencyConfigNotFoundException", 404,
                    "No Provisioned Concurrency Config found for this function"):
        lam.get_provisioned_concurrency_config(FunctionName=fn, Qualifier="1")
    with raises_aws("ResourceNotFoundException", 404):
        lam.put_provisioned_concurrency_config(FunctionName=fn, Qualifier="7",
                                               ProvisionedConcurrentExecutions=1)
    with raises_aws("ResourceNotFoundException", 404):
        lam.put_provisioned_concurrency_config(FunctionName=fn, Qualifier="nosuchalias",
                                               ProvisionedConcurrentExecutions=1)
    unchecked = ns.boto3_client(nimbus, "lambda", validate=False)  # boto3 checks the minimum
    with raises_aws("ValidationException", 400):
        unchecked.put_provisioned_concurrency_config(FunctionName=fn, Qualifier="1",
                                                     ProvisionedConcurrentExecutions=0)
    assert lam.list_provisioned_concurrency_configs(
        FunctionName=fn)["ProvisionedConcurrencyConfigs"] == []
    # Deleting what is not there succeeds, as on AWS.
    lam.delete_provisioned_concurrency_config(FunctionName=fn, Qualifier="1")


def test_provisioned_environments_are_initialized_before_the_invoke(lam):
    fn = published(lam)
    lam.create_alias(FunctionName=fn, Name="live", FunctionVersion="1")
    put = lam.put_provisioned_concurrency_config(FunctionName=fn, Qualifier="live",
                                                 ProvisionedConcurrentExecutions=2)
    assert put["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert put["RequestedProvisionedConcurrentExecutions"] == 2
    assert put["Status"] in ("IN_PROGRESS", "READY"), put
    ready = wait_status(lam, fn, "live", "READY")
    assert (ready["AllocatedProvisionedConcurrentExecutions"],
            ready["AvailableProvisionedConcurrentExecutions"]) == (2, 2), ready
    assert "LastModified" in ready
    time.sleep(0.3)

    # Two invokes at once land on the two provisioned environments, whose init ran before.
    started = time.time()
    results = x.parallel([lambda: x.invoke(lam, fn, {"sleep": 0.3}, qualifier="live")] * 2)
    payloads = []
    for inv in results:
        assert not isinstance(inv, Exception), inv
        frame = x.check_invocation(inv, version="1", cold=False)
        assert frame.report["init"] is None  # AWS reports no Init Duration here
        payloads.append(inv.payload)
    assert {p["type"] for p in payloads} == {"provisioned-concurrency"}, payloads
    assert len({p["pid"] for p in payloads}) == 2, payloads
    assert all(p["init_at"] < started for p in payloads), payloads

    listed = lam.list_provisioned_concurrency_configs(FunctionName=fn)
    [item] = listed["ProvisionedConcurrencyConfigs"]
    assert item["FunctionArn"] == f"{x.ARN_PREFIX}{fn}:live"
    assert item["Status"] == "READY" and item["RequestedProvisionedConcurrentExecutions"] == 2

    # The version behind a provisioned alias can't be provisioned on its own, nor the other way.
    with raises_aws("ResourceConflictException", 409,
                    "Version is pointed by a Provisioned Concurrency alias"):
        lam.put_provisioned_concurrency_config(FunctionName=fn, Qualifier="1",
                                               ProvisionedConcurrentExecutions=1)

    # $LATEST is not provisioned: an on-demand environment serves it.
    latest = x.invoke(lam, fn, {})
    assert latest.payload["type"] == "on-demand", latest


def test_the_alias_moving_moves_its_environments_and_delete_releases_them(lam):
    fn = published(lam, versions=2)
    lam.create_alias(FunctionName=fn, Name="live", FunctionVersion="1")
    lam.put_provisioned_concurrency_config(FunctionName=fn, Qualifier="live",
                                           ProvisionedConcurrentExecutions=1)
    wait_status(lam, fn, "live", "READY")
    assert x.invoke(lam, fn, {}, qualifier="live").payload["version"] == "1"

    lam.update_alias(FunctionName=fn, Name="live", FunctionVersion="2")
    time.sleep(0.2)
    wait_status(lam, fn, "live", "READY")
    moved = x.invoke(lam, fn, {}, qualifier="live")
    assert moved.payload == {**moved.payload, "version": "2", "type": "provisioned-concurrency"}
    # Version 1 is no longer provisioned: a new environment for it is on-demand.
    again = x.invoke(lam, fn, {"sleep": 0}, qualifier="1")
    assert again.payload["version"] == "1"

    lam.delete_provisioned_concurrency_config(FunctionName=fn, Qualifier="live")
    with raises_aws("ProvisionedConcurrencyConfigNotFoundException", 404):
        lam.get_provisioned_concurrency_config(FunctionName=fn, Qualifier="live")
    assert lam.list_provisioned_concurrency_configs(
        FunctionName=fn)["ProvisionedConcurrencyConfigs"] == []


def test_a_version_config_and_a_failing_init(lam):
    fn = published(lam)
    lam.put_provisioned_concurrency_config(FunctionName=fn, Qualifier="1",
                                           ProvisionedConcurrentExecutions=1)
    wait_status(lam, fn, "1", "READY")
    assert x.invoke(lam, fn, {}, qualifier="1").payload["type"] == "provisioned-concurrency"
    lam.create_alias(FunctionName=fn, Name="blue", FunctionVersion="1")
    with raises_aws("ResourceConflictException", 409,
                    "Alias can't be used for Provisioned Concurrency configuration on an already "
                    "Provisioned version"):
        lam.put_provisioned_concurrency_config(FunctionName=fn, Qualifier="blue",
                                               ProvisionedConcurrentExecutions=1)

    broken = published(lam, app=BROKEN_APP)
    lam.put_provisioned_concurrency_config(FunctionName=broken, Qualifier="1",
                                           ProvisionedConcurrentExecutions=1)
    failed = wait_status(lam, broken, "1", "FAILED")
    assert failed["StatusReason"] == "FUNCTION_ERROR_INIT_FAILURE", failed
    assert failed["AllocatedProvisionedConcurrentExecutions"] == 0

    # Deleting the function takes its configs with it.
    lam.delete_function(FunctionName=fn)
    lam.create_function(FunctionName=fn, Runtime="python3.12", Role=x.ROLE, Handler="app.handler",
                        Code={"ZipFile": x.make_zip({"app.py": APP})})
    x.wait_active(lam, fn)
    assert lam.list_provisioned_concurrency_configs(
        FunctionName=fn)["ProvisionedConcurrencyConfigs"] == []


@pytest.mark.parametrize("cli", ["v1", "v2"])
def test_cli(nimbus, lam, cli):
    run = ns.cli_v1 if cli == "v1" else ns.cli_v2
    fn = published(lam)
    put = run(nimbus, "lambda", "put-provisioned-concurrency-config", "--function-name", fn,
              "--qualifier", "1", "--provisioned-concurrent-executions", "1")
    assert put["RequestedProvisionedConcurrentExecutions"] == 1
    wait_status(lam, fn, "1", "READY")
    got = run(nimbus, "lambda", "get-provisioned-concurrency-config", "--function-name", fn,
              "--qualifier", "1")
    assert got["Status"] == "READY" and got["AvailableProvisionedConcurrentExecutions"] == 1
    listed = run(nimbus, "lambda", "list-provisioned-concurrency-configs", "--function-name", fn)
    assert [c["FunctionArn"] for c in listed["ProvisionedConcurrencyConfigs"]] == [
        f"{x.ARN_PREFIX}{fn}:1"]
    run(nimbus, "lambda", "delete-provisioned-concurrency-config", "--function-name", fn,
        "--qualifier", "1")
