"""PERSISTENCE=1: log groups, streams, events, retention and tags survive a restart, and a
GetLogEvents token handed out before the restart still continues where it left off."""
import signal

import logs_helpers as h
import nimbus_support as ns


def test_logs_survive_restart(start_nimbus, tmp_path):
    data = tmp_path / "state"
    first = start_nimbus(PERSISTENCE="1", DATA_DIR=str(data))
    logs = ns.boto3_client(first, "logs")
    group = h.name("persist")
    logs.create_log_group(logGroupName=group, tags={"k": "v"})
    logs.put_retention_policy(logGroupName=group, retentionInDays=7)
    logs.create_log_stream(logGroupName=group, logStreamName="s")
    h.put(logs, group, "s", ["one", "two"], ts=h.now_ms() - 1000, step=1)
    page = logs.get_log_events(logGroupName=group, logStreamName="s", startFromHead=True)
    token = page["nextForwardToken"]
    assert first.stop(signal.SIGTERM, timeout=5) == 0

    second = start_nimbus(PERSISTENCE="1", DATA_DIR=str(data))
    logs = ns.boto3_client(second, "logs")
    [g] = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"]
    assert g["retentionInDays"] == 7 and g["storedBytes"] == 6
    assert logs.list_tags_log_group(logGroupName=group)["tags"] == {"k": "v"}
    events, _ = h.get_all_forward(logs, group, "s")
    assert [e["message"] for e in events] == ["one", "two"]
    h.put(logs, group, "s", ["three"])
    after = logs.get_log_events(logGroupName=group, logStreamName="s", nextToken=token)
    assert [e["message"] for e in after["events"]] == ["three"]
