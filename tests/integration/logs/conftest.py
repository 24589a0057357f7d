"""The CloudWatch Logs suite: boto3 (pip), AWS CLI v2 and v1 against the shared server.

    NIMBUS_BIN=build/nimbus .venv/bin/python -m pytest -q tests/integration/logs

Tests never depend on each other: every log group has a fresh name (`logs_helpers.name`), and
groups are deleted (best effort) at teardown.
"""
import pytest

import logs_helpers as h
import nimbus_support as ns


@pytest.fixture(scope="session")
def logs(nimbus):
    """boto3 CloudWatch Logs client on the shared server."""
    return ns.boto3_client(nimbus, "logs")


@pytest.fixture
def make_group(logs):
    """Factory: `make_group(prefix="g", name=None, **CreateLogGroup kwargs) -> name`."""
    names = []

    def make(prefix: str = "g", name: str | None = None, **kwargs) -> str:
        group = name or h.name(prefix)
        logs.create_log_group(logGroupName=group, **kwargs)
        names.append(group)
        return group

    yield make
    for group in names:
        try:
            logs.delete_log_group(logGroupName=group)
        except Exception:  # the test may have deleted it; teardown is best effort
            pass


@pytest.fixture
def group(make_group):
    return make_group()


@pytest.fixture
def stream(logs, group):
    """(group, stream) with a fresh stream."""
    logs.create_log_stream(logGroupName=group, logStreamName="s1")
    return group, "s1"
