"""Lambda → CloudWatch Logs: function output streams into /aws/lambda/<fn> while the function
runs (aws logs tail --follow shows it before the invocation returns), and a test suite run
inside a Lambda leaves its whole output, in order, in the function's log stream."""
import base64
import json
import re
import uuid
import subprocess
import threading
import time

import logs_helpers as h
import nimbus_support as ns

STREAM_RE = re.compile(r"^\d{4}/\d{2}/\d{2}/\[\$LATEST\][0-9a-f]{32}$")

SLOW_HANDLER = """\
import os, time

def handler(event, context):
    print("working on " + event["token"])
    deadline = time.time() + 25
    while not os.path.exists(event["release"]) and time.time() < deadline:
        time.sleep(0.05)
    print("finished " + event["token"])
    return {"released": os.path.exists(event["release"])}
"""

TEST_SUITE_C = r"""
#include <stdio.h>
#include <string.h>

int main(int argc, char** argv) {
  int fail = argc > 1 && strcmp(argv[1], "fail") == 0;
  int total = 120, failed = 0;
  for (int i = 1; i <= total; i++) {
    int bad = fail && i == 77;
    failed += bad;
    printf("[%03d/%d] suite.case_%03d_checks_something_useful ... %s\n", i, total, i,
           bad ? "FAILED" : "ok");
  }
  printf("%d passed, %d failed\n", total - failed, failed);
  return failed ? 1 : 0;
}
"""

RUNNER_HANDLER = """\
import os, subprocess

def handler(event, context):
    binary = os.path.join(os.path.dirname(os.path.abspath(__file__)), "test_suite")
    args = [binary] + (["fail"] if event.get("fail") else [])
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for line in proc.stdout:
        print(line, end="")
    code = proc.wait()
    if code != 0:
        raise RuntimeError(f"test suite failed with exit code {code}")
    return {"passed": True}
"""


def expected_suite_output(fail: bool) -> list[str]:
    lines = []
    for i in range(1, 121):
        status = "FAILED" if fail and i == 77 else "ok"
        lines.append(f"[{i:03d}/120] suite.case_{i:03d}_checks_something_useful ... {status}")
    lines.append(f"{119 if fail else 120} passed, {1 if fail else 0} failed")
    return lines


def test_tail_follow_shows_a_running_functions_output(nimbus, logs, tmp_path):
    lam = h.lambda_client(nimbus)
    fn = "tail-" + uuid.uuid4().hex[:10]
    group = f"/aws/lambda/{fn}"
    h.create_function(lam, fn, h.make_zip({"app.py": SLOW_HANDLER}))
    # The group exists before the first invocation (as a user would create it), so the tail
    # can start first; the function's output then goes into it.
    logs.create_log_group(logGroupName=group)
    logs.create_log_stream(logGroupName=group, logStreamName="marker")
    h.put(logs, group, "marker", ["tail is polling"])
    tail = h.Tail(nimbus, group, stderr_path=tmp_path / "tail.stderr")
    release = tmp_path / "release"
    token = uuid.uuid4().hex
    result = {}

    def invoke():
        result["resp"] = h.lambda_client(nimbus).invoke(FunctionName=fn, Payload=h.json_payload(
            {"token": token, "release": str(release)}))
        result["done"] = time.monotonic()

    worker = threading.Thread(target=invoke)
    try:
        tail.wait_for("tail is polling", timeout=15)
        worker.start()
        shown = tail.wait_for(f"working on {token}", timeout=15)
        assert "done" not in result, "the line only showed after the function returned"
        assert worker.is_alive()
        release.touch()
        worker.join(timeout=30)
        assert result["done"] > shown
        payload = result["resp"]["Payload"].read()
        assert "FunctionError" not in result["resp"], payload
        assert b'"released": true' in payload
        tail.wait_for("REPORT RequestId:", timeout=15)
        lines = tail.lines()
        ours = [line for line in lines if " marker " not in line]
        streams = {line.split(" ")[1] for line in ours}
        assert len(streams) == 1 and STREAM_RE.match(streams.pop()), lines
        messages = [line.split(" ", 2)[2] for line in ours]
        assert messages[0].startswith("START RequestId: ") and "Version: $LATEST" in messages[0]
        assert messages[1:3] == [f"working on {token}", f"finished {token}"]
        assert messages[3].startswith("END RequestId: ")
        assert messages[4].startswith("REPORT RequestId: ")
    finally:
        release.touch()
        if worker.is_alive():
            worker.join(timeout=30)
        tail.close()
        lam.delete_function(FunctionName=fn)
        logs.delete_log_group(logGroupName=group)


def test_test_suite_inside_a_lambda(nimbus, logs, tmp_path):
    binary = tmp_path / "test_suite"
    src = tmp_path / "test_suite.c"
    src.write_text(TEST_SUITE_C)
    subprocess.run(["gcc", "-O1", "-o", str(binary), str(src)], check=True, timeout=60)
    zip_bytes = h.make_zip({"app.py": RUNNER_HANDLER,
                            "test_suite": (binary.read_bytes(), 0o755)})
    lam = h.lambda_client(nimbus)
    fn = "suite-" + uuid.uuid4().hex[:10]
    group = f"/aws/lambda/{fn}"
    h.create_function(lam, fn, zip_bytes)
    try:
        passed = lam.invoke(FunctionName=fn, Payload=h.json_payload({}), LogType="Tail")
        assert "FunctionError" not in passed, passed["Payload"].read()
        assert passed["Payload"].read() == b'{"passed": true}'

        failed = lam.invoke(FunctionName=fn, Payload=h.json_payload({"fail": True}),
                            LogType="Tail")
        assert failed["FunctionError"] == "Unhandled"
        error = json.loads(failed["Payload"].read())
        assert error["errorType"] == "RuntimeError"
        assert error["errorMessage"] == "test suite failed with exit code 1"
        log_tail = base64.b64decode(failed["LogResult"]).decode()
        assert 4000 <= len(log_tail.encode()) <= 4096
        assert log_tail.rstrip("\n").split("\n")[-1].startswith("REPORT RequestId: ")
        assert "119 passed, 1 failed" in log_tail

        # The whole log through the CLI: the function's stream, then every event in order.
        streams = ns.cli_v2(nimbus, "logs", "describe-log-streams", "--log-group-name", group,
                            "--order-by", "LastEventTime", "--descending")["logStreams"]
        assert len(streams) == 1 and STREAM_RE.match(streams[0]["logStreamName"]), streams
        stream = streams[0]["logStreamName"]
        messages, token = [], None
        for _ in range(50):
            page = ns.cli_v2(nimbus, "logs", "get-log-events", "--log-group-name", group,
                             "--log-stream-name", stream, "--start-from-head", "--limit", "100",
                             *(["--next-token", token] if token else []))
            messages += [e["message"] for e in page["events"]]
            if page["nextForwardToken"] == token:
                break
            token = page["nextForwardToken"]
        # AWS: each Lambda log event keeps its line's newline.
        assert all(m.endswith("\n") for m in messages)
        text = "".join(messages)
        starts = [i for i, m in enumerate(messages) if m.startswith("START RequestId: ")]
        assert len(starts) == 2, text
        first = [m.rstrip("\n") for m in messages[starts[0] + 1:starts[1]]]
        second_text = "".join(messages[starts[1]:])
        second = [m.rstrip("\n") for m in messages[starts[1] + 1:]]
        # Each run's output is complete and in order, between its START and END lines.
        assert first[:121] == expected_suite_output(False)
        assert first[121].startswith("END RequestId: ") and first[122].startswith("REPORT ")
        assert second[:121] == expected_suite_output(True)
        assert second[-1].startswith("REPORT RequestId: ")
        assert second[-2].startswith("END RequestId: ")
        assert any("RuntimeError" in m and "test suite failed" in m for m in second[121:-2])
        # LogResult is the last 4 KB of this invocation's log, exactly as stored.
        assert second_text.endswith(log_tail)
        assert text.endswith(second_text)
    finally:
        lam.delete_function(FunctionName=fn)
        try:
            logs.delete_log_group(logGroupName=group)
        except Exception:
            pass
