"""CloudWatch Logs through the AWS CLI: v2 (/usr/bin/aws 2.9) and v1 (venv), including paging
to the end with get-log-events and filter-log-events, and `aws logs tail` with and without
--follow.

How `aws logs tail --follow` works in CLI v2 2.9.19 (awscli/customizations/logs/tail.py): it
calls FilterLogEvents(logGroupName, interleaved=True, startTime=now-10m); while a response has
a nextToken it asks again at once; on a page without one it sets startTime to the newest event
timestamp it has printed, drops the token and sleeps 5 s. Events whose eventId it already
printed at that newest timestamp are skipped. So new lines show within one 5 s poll, as long as
eventIds are stable and the last page carries no nextToken.
"""
import json
import time

import pytest

import logs_helpers as h
import nimbus_support as ns

CLIS = {"cli-v1": ns.cli_v1, "cli-v2": ns.cli_v2}
POLL_S = 5  # FollowLogEventsGenerator._TIME_TO_SLEEP in CLI v2 2.9.19


@pytest.mark.parametrize("cli", sorted(CLIS))
def test_cli_groups_streams_and_get_log_events_paging(nimbus, logs, make_group, cli):
    run = CLIS[cli]
    group = make_group()
    run(nimbus, "logs", "create-log-stream", "--log-group-name", group, "--log-stream-name", "s")
    t = h.now_ms() - 60_000
    events = [{"timestamp": t + i, "message": f"line {i:02d}"} for i in range(25)]
    out = run(nimbus, "logs", "put-log-events", "--log-group-name", group, "--log-stream-name",
              "s", "--log-events", json.dumps(events))
    assert out["nextSequenceToken"]
    [g] = run(nimbus, "logs", "describe-log-groups", "--log-group-name-prefix", group)["logGroups"]
    assert g["arn"].endswith(f":log-group:{group}:*")
    [s] = run(nimbus, "logs", "describe-log-streams", "--log-group-name", group)["logStreams"]
    assert (s["logStreamName"], s["firstEventTimestamp"], s["lastEventTimestamp"]) == (
        "s", t, t + 24)

    # get-log-events has no paginator: page by hand until the forward token comes back.
    seen, token, calls = [], None, 0
    while calls < 20:
        args = ["logs", "get-log-events", "--log-group-name", group, "--log-stream-name", "s",
                "--start-from-head", "--limit", "10"]
        page = run(nimbus, *args, *(["--next-token", token] if token else []))
        calls += 1
        seen += [e["message"] for e in page["events"]]
        if page["nextForwardToken"] == token:
            break
        token = page["nextForwardToken"]
    assert seen == [e["message"] for e in events]
    assert calls == 4

    # Without --start-from-head the newest events come first, and following the forward token
    # from there ends at once.
    newest = run(nimbus, "logs", "get-log-events", "--log-group-name", group,
                 "--log-stream-name", "s", "--limit", "5")
    assert [e["message"] for e in newest["events"]] == [f"line {i:02d}" for i in range(20, 25)]
    end = run(nimbus, "logs", "get-log-events", "--log-group-name", group, "--log-stream-name",
              "s", "--next-token", newest["nextForwardToken"])
    assert end["events"] == [] and end["nextForwardToken"] == newest["nextForwardToken"]


@pytest.mark.parametrize("cli", sorted(CLIS))
def test_cli_filter_log_events_pages_to_the_end(nimbus, logs, group, cli):
    run = CLIS[cli]
    for s in ("a", "b"):
        logs.create_log_stream(logGroupName=group, logStreamName=s)
    t = h.now_ms() - 60_000
    h.put(logs, group, "a", [f"ERROR a{i}" if i % 2 == 0 else f"ok a{i}" for i in range(10)],
          ts=t, step=2)
    h.put(logs, group, "b", [f"ERROR b{i}" for i in range(10)], ts=t + 1, step=2)
    # The CLI follows nextToken itself (page size 3) and fails if a token repeats.
    out = run(nimbus, "logs", "filter-log-events", "--log-group-name", group,
              "--filter-pattern", "ERROR", "--page-size", "3")
    got = [e["message"] for e in out["events"]]
    expected = []
    for i in range(10):
        if i % 2 == 0:
            expected.append(f"ERROR a{i}")
        expected.append(f"ERROR b{i}")
    assert got == expected
    assert "nextToken" not in out
    # --max-items stops early and hands back a resume token that continues where it stopped.
    first = run(nimbus, "logs", "filter-log-events", "--log-group-name", group,
                "--log-stream-names", "b", "--max-items", "4")
    assert [e["message"] for e in first["events"]] == [f"ERROR b{i}" for i in range(4)]
    rest = run(nimbus, "logs", "filter-log-events", "--log-group-name", group,
               "--log-stream-names", "b", "--starting-token", first["NextToken"])
    assert [e["message"] for e in rest["events"]] == [f"ERROR b{i}" for i in range(4, 10)]


def test_cli_errors_are_aws_errors(nimbus):
    proc = ns.run([str(ns.CLI_V2), "--endpoint-url", nimbus.url, "logs", "describe-log-streams",
                   "--log-group-name", h.name("missing")])
    assert proc.returncode == 254, proc
    assert "ResourceNotFoundException" in proc.stderr
    assert "The specified log group does not exist." in proc.stderr


def test_tail_without_follow_prints_and_exits(nimbus, logs, stream):
    group, s = stream
    h.put(logs, group, s, ["first line", "second line"], ts=h.now_ms() - 5000, step=1000)
    proc = ns.run([str(ns.CLI_V2), "--endpoint-url", nimbus.url, "--color", "off", "logs",
                   "tail", group, "--format", "short"])
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert [line.split(" ", 1)[1] for line in lines] == ["first line", "second line"]


def test_tail_follow_shows_new_lines_once(nimbus, logs, stream, tmp_path):
    group, s = stream
    logs.create_log_stream(logGroupName=group, logStreamName="s2")
    h.put(logs, group, s, ["before the tail started"], ts=h.now_ms() - 60_000)
    tail = h.Tail(nimbus, group, stderr_path=tmp_path / "tail.stderr")
    try:
        tail.wait_for("before the tail started", timeout=15)
        # The CLI is now in its follow loop. Every line put from here on must show up within one
        # poll interval, exactly once, including lines sharing the newest timestamp it has seen.
        for i in range(3):
            t = h.now_ms()
            put_at = time.monotonic()
            h.put(logs, group, s, [f"live {i} a"], ts=t)
            h.put(logs, group, "s2", [f"live {i} b", f"live {i} c"], ts=t)
            shown = tail.wait_for(f"live {i} c", timeout=POLL_S + 5)
            assert shown - put_at <= POLL_S + 2.5, f"took {shown - put_at:.1f}s"
        tail.drain(POLL_S + 1)  # one more poll: nothing may be printed twice
        lines = tail.lines()
        messages = [line.split(" ", 2)[2] for line in lines]
        assert messages == ["before the tail started"] + [
            f"live {i} {x}" for i in range(3) for x in "abc"], tail.text()
        # Detailed format: "<ISO time> <stream> <message>".
        assert lines[1].split(" ")[1] == s and lines[2].split(" ")[1] == "s2"
    finally:
        tail.close()
