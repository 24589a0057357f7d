"""Lambda execution engine through real clients (boto3 from the venv, AWS CLI v2): python and
node functions run by the local executor, checked against what AWS returns and logs: result
payloads, X-Amz-Executed-Version, LogType=Tail (START / END / REPORT), environment variables,
errors, timeouts, out-of-memory, crashes, concurrency and throttling, layers, aliases, waiters,
SDK calls from inside a function, Event / DryRun invokes, hot reload and a missing interpreter.

Function sources are in fixtures/python_fn and fixtures/node_fn; custom runtimes and the
official runtime clients are in test_lambda_exec_runtimes.py."""
import base64
import json
import re
import threading
import time
from pathlib import Path

import boto3
import pytest

import cp_helpers as h
import exec_helpers as x
import nimbus_support as ns
from cp_helpers import raises_aws

PY_ZIP = x.fixture_zip("python_fn")
NODE_ZIP = x.fixture_zip("node_fn")
LOG_STREAM_RE = re.compile(r"^\d{4}/\d\d/\d\d/\[\$LATEST\][0-9a-f]{32}$")


@pytest.fixture
def lam(nimbus):
    return x.client(nimbus)


def python_fn(lam, **kwargs) -> str:
    return x.create(lam, PY_ZIP, runtime="python3.12", handler="app.handler", prefix="py",
                    **kwargs)


def node_fn(lam, handler="index.handler", **kwargs) -> str:
    return x.create(lam, NODE_ZIP, runtime="nodejs20.x", handler=handler, prefix="node",
                    **kwargs)


# ------------------------------------------------------------------------- python and node


def test_python_result_executed_version_and_tail_log(lam):
    fn = python_fn(lam)
    first = x.invoke(lam, fn, {"mode": "echo", "n": 1})
    frame = x.check_invocation(first, cold=True)
    out = first.payload
    assert out["event"] == {"mode": "echo", "n": 1}
    assert out["requestId"] == first.request_id
    assert out["arn"] == x.ARN_PREFIX + fn
    assert out["functionName"] == fn
    assert out["version"] == "$LATEST"
    assert out["memory"] == "128"
    assert 0 < out["remainingMs"] <= 3000
    assert out["logGroup"] == f"/aws/lambda/{fn}"
    assert LOG_STREAM_RE.match(out["logStream"]), out["logStream"]
    assert out["cold"] is True
    # print() output is in the log as it was printed, between START and END.
    assert frame.body == [f"python handler mode=echo request={first.request_id}"], first.log
    assert frame.report["init"] > 0

    second = x.invoke(lam, fn, {"mode": "echo", "n": 2})
    frame2 = x.check_invocation(second, cold=False)  # warm: no Init Duration
    assert second.payload["cold"] is False
    assert second.payload["pid"] == out["pid"], "the warm environment was not reused"
    assert second.payload["logStream"] == out["logStream"]
    assert second.request_id != first.request_id
    assert frame2.body == [f"python handler mode=echo request={second.request_id}"]

    # Without LogType=Tail there is no log in the response.
    plain = x.invoke(lam, fn, {"mode": "echo"}, tail=False)
    assert plain.status == 200 and plain.log is None and plain.function_error is None
    assert plain.executed_version == "$LATEST"


def test_node_result_executed_version_and_tail_log(lam):
    fn = node_fn(lam)
    first = x.invoke(lam, fn, {"mode": "echo", "n": 1})
    frame = x.check_invocation(first, cold=True)
    out = first.payload
    assert out["event"] == {"mode": "echo", "n": 1}
    assert out["requestId"] == first.request_id
    assert out["arn"] == x.ARN_PREFIX + fn
    assert out["functionName"] == fn
    assert out["version"] == "$LATEST"
    assert out["memory"] == "128"
    assert 0 < out["remainingMs"] <= 3000
    assert out["cold"] is True
    # console.log: "<ISO time>\t<requestId>\tINFO\t<message>" as AWS's node runtime prints it.
    assert len(frame.body) == 1, first.log
    m = x.NODE_LOG_RE.match(frame.body[0])
    assert m, frame.body
    assert (m["id"], m["level"], m["msg"]) == (first.request_id, "INFO", "node handler mode=echo")

    second = x.invoke(lam, fn, {"mode": "echo", "n": 2})
    x.check_invocation(second, cold=False)
    assert second.payload["pid"] == out["pid"] and second.payload["cold"] is False


def test_node_callback_handler(lam):
    fn = node_fn(lam, handler="index.callbackHandler")
    ok = x.invoke(lam, fn, {"k": "v"})
    x.check_invocation(ok)
    assert ok.payload == {"callback": True, "event": {"k": "v"}}
    failed = x.invoke(lam, fn, {"fail": "callback failure"})
    x.check_invocation(failed, error=True)
    err = failed.payload
    assert err["errorType"] == "Error" and err["errorMessage"] == "callback failure", err
    assert isinstance(err["trace"], list) and err["trace"][0] == "Error: callback failure", err


def test_tail_is_the_last_4_kb_of_the_log(lam):
    fn = python_fn(lam)
    inv = x.invoke(lam, fn, {"mode": "print", "lines": 200})  # about 16 KB of output
    assert inv.status == 200 and inv.function_error is None, inv
    assert inv.payload == {"printed": 200}
    assert len(inv.log.encode()) <= 4096
    assert len(inv.log.encode()) >= 4000, len(inv.log)  # a full 4 KB, not less
    frame = x.parse_log(inv.log, require_start=False)
    assert frame.request_id == inv.request_id
    assert frame.body[-1] == "filler line 00199 " + "x" * 60
    assert "START RequestId" not in inv.log  # cut away: it is more than 4 KB back


def test_update_applies_to_next_invoke_with_waiters(lam):
    fn = python_fn(lam, Environment={"Variables": {"USER_VAR": "before"}})
    lam.get_waiter("function_active_v2").wait(FunctionName=fn,
                                              WaiterConfig={"Delay": 1, "MaxAttempts": 10})
    before = x.invoke(lam, fn, {"mode": "env"})
    assert before.payload["env"]["USER_VAR"] == "before", before
    lam.update_function_configuration(FunctionName=fn, MemorySize=256,
                                      Environment={"Variables": {"USER_VAR": "after"}})
    lam.get_waiter("function_updated_v2").wait(FunctionName=fn,
                                               WaiterConfig={"Delay": 1, "MaxAttempts": 10})
    after = x.invoke(lam, fn, {"mode": "env"})
    x.check_invocation(after, memory=256, cold=True)  # a new environment for the new config
    assert after.payload["env"]["USER_VAR"] == "after"
    assert after.payload["env"]["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] == "256"


def test_cli_v2_create_wait_and_invoke_with_tail(nimbus, tmp_path):
    fn = h.name("cli")
    zip_path = tmp_path / "fn.zip"
    zip_path.write_bytes(PY_ZIP)
    created = h.cli(nimbus, "lambda", "create-function", "--function-name", fn,
                    "--runtime", "python3.12", "--role", x.ROLE, "--handler", "app.handler",
                    "--zip-file", f"fileb://{zip_path}", "--timeout", "5")
    assert created["State"] == "Pending"
    assert h.cli(nimbus, "lambda", "wait", "function-active-v2", "--function-name", fn) is None
    out_file = tmp_path / "out.json"
    out = h.cli(nimbus, "lambda", "invoke", "--function-name", fn, "--log-type", "Tail",
                "--cli-binary-format", "raw-in-base64-out", "--payload", '{"mode":"echo","cli":2}',
                str(out_file))
    assert out["StatusCode"] == 200
    assert out["ExecutedVersion"] == "$LATEST"
    assert "FunctionError" not in out
    result = json.loads(out_file.read_text())
    assert result["event"] == {"mode": "echo", "cli": 2}
    assert result["functionName"] == fn
    assert 0 < result["remainingMs"] <= 5000
    frame = x.parse_log(base64.b64decode(out["LogResult"]).decode())
    assert frame.cold and frame.request_id == result["requestId"]
    assert frame.body == [f"python handler mode=echo request={result['requestId']}"]

    # A function error through the CLI: exit code 0, FunctionError in the output.
    out = h.cli(nimbus, "lambda", "invoke", "--function-name", fn, "--cli-binary-format",
                "raw-in-base64-out", "--payload", '{"mode":"error","message":"cli boom"}',
                str(out_file))
    assert out["StatusCode"] == 200 and out["FunctionError"] == "Unhandled", out
    assert json.loads(out_file.read_text())["errorMessage"] == "cli boom"


# ------------------------------------------------------------------------- environment


def test_environment_variables_python(lam, nimbus):
    fn = python_fn(lam, MemorySize=256, Timeout=7,
                   Environment={"Variables": {"USER_VAR": "hello", "OTHER_VAR": "a=b c"}})
    inv = x.invoke(lam, fn, {"mode": "env"})
    x.check_invocation(inv, memory=256)
    env, cwd, files = inv.payload["env"], inv.payload["cwd"], inv.payload["files"]
    assert env["AWS_LAMBDA_FUNCTION_NAME"] == fn
    assert env["AWS_LAMBDA_FUNCTION_VERSION"] == "$LATEST"
    assert env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] == "256"
    assert env["AWS_LAMBDA_LOG_GROUP_NAME"] == f"/aws/lambda/{fn}"
    assert LOG_STREAM_RE.match(env["AWS_LAMBDA_LOG_STREAM_NAME"]), env
    assert re.match(r"^127\.0\.0\.1:\d+$", env["AWS_LAMBDA_RUNTIME_API"]), env
    assert env["AWS_LAMBDA_INITIALIZATION_TYPE"] == "on-demand"
    assert env["AWS_REGION"] == x.REGION and env["AWS_DEFAULT_REGION"] == x.REGION
    assert env["AWS_EXECUTION_ENV"] == "AWS_Lambda_python3.12"
    assert env["AWS_ENDPOINT_URL"] == nimbus.url
    assert env["AWS_ACCESS_KEY_ID"] and env["AWS_SECRET_ACCESS_KEY"] and env["AWS_SESSION_TOKEN"]
    assert env["_HANDLER"] == "app.handler"
    assert env["_X_AMZN_TRACE_ID"].startswith("Root=1-"), env
    assert env["TZ"] == ":UTC" and env["LANG"] == "en_US.UTF-8"
    assert env["_LAMBDA_SERVER_PORT"] is None
    assert env["USER_VAR"] == "hello" and env["OTHER_VAR"] == "a=b c"
    assert env["LAMBDA_TASK_ROOT"] == cwd, "the runtime starts in the task root"
    assert "app.py" in files and Path(env["LAMBDA_TASK_ROOT"]).is_absolute()


def test_environment_variables_node(lam, nimbus):
    fn = node_fn(lam, Environment={"Variables": {"USER_VAR": "from-node"}})
    inv = x.invoke(lam, fn, {"mode": "env"})
    x.check_invocation(inv)
    env = inv.payload["env"]
    assert env["AWS_LAMBDA_FUNCTION_NAME"] == fn
    assert env["AWS_REGION"] == x.REGION
    assert env["AWS_ENDPOINT_URL"] == nimbus.url
    assert env["_HANDLER"] == "index.handler"
    assert env["AWS_EXECUTION_ENV"] == "AWS_Lambda_nodejs20.x"
    assert env["USER_VAR"] == "from-node"
    assert env["LAMBDA_TASK_ROOT"] == inv.payload["cwd"]
    assert (Path(env["LAMBDA_TASK_ROOT"]) / "index.js").is_file()


# ------------------------------------------------------------------------- errors


def test_python_unhandled_error(lam):
    fn = python_fn(lam)
    inv = x.invoke(lam, fn, {"mode": "error", "message": "bad thing"})
    frame = x.check_invocation(inv, error=True, cold=True)
    err = inv.payload
    assert err["errorType"] == "ValueError"
    assert err["errorMessage"] == "bad thing"
    assert err["requestId"] == inv.request_id
    assert isinstance(err["stackTrace"], list) and err["stackTrace"], err
    assert all(isinstance(line, str) for line in err["stackTrace"])
    assert 'raise ValueError(event.get("message", "bad thing"))' in err["stackTrace"][-1]
    # AWS's runtime drops its own frames: the trace starts in the function's file.
    assert "app.py" in err["stackTrace"][0], err["stackTrace"]
    # Logged as one record "[ERROR] Type: message\rTraceback ...", lines joined by \r.
    errors = [line for line in frame.body if line.startswith("[ERROR] ValueError: bad thing")]
    assert len(errors) == 1, inv.log
    assert "\rTraceback (most recent call last):\r" in errors[0], inv.log
    assert "app.py" in errors[0], f"the traceback is not in the [ERROR] record: {inv.log!r}"

    # A handler error does not end the environment: the next invoke is warm.
    again = x.invoke(lam, fn, {"mode": "echo"})
    x.check_invocation(again, cold=False)


def test_python_error_returned_by_the_function_is_a_result(lam):
    fn = python_fn(lam)
    inv = x.invoke(lam, fn, {"mode": "handled"})
    x.check_invocation(inv)  # no FunctionError: the function returned normally
    assert inv.payload == {"errorType": "Handled",
                           "errorMessage": "the function handled this itself"}


def test_python_init_errors(lam):
    missing = x.create(lam, PY_ZIP, handler="nomodule.handler", prefix="py")
    inv = x.invoke(lam, missing, {})
    assert inv.function_error == "Unhandled" and inv.elapsed < 5, inv
    assert inv.payload["errorType"] == "Runtime.ImportModuleError", inv
    assert inv.payload["errorMessage"] == \
        "Unable to import module 'nomodule': No module named 'nomodule'", inv
    again = x.invoke(lam, missing, {})  # still an error, quickly: never a hang
    assert again.function_error == "Unhandled" and again.elapsed < 5, again
    assert again.payload["errorType"] == "Runtime.ImportModuleError"

    nohandler = x.create(lam, PY_ZIP, handler="app.nope", prefix="py")
    inv2 = x.invoke(lam, nohandler, {})
    assert inv2.function_error == "Unhandled" and inv2.elapsed < 5, inv2
    assert inv2.payload["errorType"] == "Runtime.HandlerNotFound", inv2
    assert inv2.payload["errorMessage"] == "Handler 'nope' missing on module 'app'", inv2
    # The log tail of a failed init still ends with END and REPORT.
    for failed in (inv, again, inv2):
        x.check_invocation(failed, error=True)


def test_node_unhandled_error(lam):
    fn = node_fn(lam)
    inv = x.invoke(lam, fn, {"mode": "error", "message": "node failure"})
    frame = x.check_invocation(inv, error=True)
    err = inv.payload
    assert err["errorType"] == "TypeError"
    assert err["errorMessage"] == "node failure"
    assert isinstance(err["trace"], list) and err["trace"][0] == "TypeError: node failure", err
    assert any("index.js" in line for line in err["trace"]), err
    # AWS's node runtime logs "<time>\t<id>\tERROR\tInvoke Error \t{...}".
    logged = [x.NODE_LOG_RE.match(line) for line in frame.body]
    errors = [m for m in logged if m and m["level"] == "ERROR"]
    assert errors and errors[-1]["msg"].startswith("Invoke Error \t"), inv.log
    assert json.loads(errors[-1]["msg"][len("Invoke Error \t"):])["errorType"] == "TypeError"
    x.check_invocation(x.invoke(lam, fn, {"mode": "echo"}), cold=False)


# ------------------------------------------------------------------------- timeouts, OOM, crashes


def test_timeout_reports_and_next_invoke_works(lam):
    fn = python_fn(lam, Timeout=1)
    x.check_invocation(x.invoke(lam, fn, {"mode": "echo"}), cold=True)
    inv = x.invoke(lam, fn, {"mode": "sleep", "seconds": 5})
    frame = x.check_invocation(inv, error=True, cold=False)
    assert 0.9 < inv.elapsed < 3, f"timed out after {inv.elapsed:.2f} s"
    assert inv.payload["errorMessage"].endswith("Task timed out after 1.00 seconds"), inv
    assert inv.request_id in inv.payload["errorMessage"], inv
    assert 1000 <= frame.report["duration"] < 1500, frame.report
    timed_out = [line for line in frame.body if line.endswith("Task timed out after 1.00 seconds")]
    assert len(timed_out) == 1, inv.log
    assert re.match(rf"^\d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{{3}}Z {inv.request_id} Task timed out",
                    timed_out[0]), timed_out

    after = x.invoke(lam, fn, {"mode": "sleep", "seconds": 0.1})
    x.check_invocation(after, cold=True)  # the timed-out environment was replaced
    assert after.payload["slept"] == 0.1


def test_out_of_memory(lam):
    fn = python_fn(lam, MemorySize=128, Timeout=10)
    inv = x.invoke(lam, fn, {"mode": "oom", "mb": 300, "hold": 1.5})
    assert inv.function_error == "Unhandled", inv
    assert inv.payload["errorType"] == "Runtime.OutOfMemory", inv
    assert "Runtime exited with error" in inv.payload["errorMessage"], inv
    assert inv.request_id in inv.payload["errorMessage"], inv
    assert inv.elapsed < 5, inv.elapsed
    after = x.invoke(lam, fn, {"mode": "echo"})
    x.check_invocation(after, cold=True)  # a new environment
    # AWS reports the limit itself as the memory used: "Max Memory Used: 128 MB".
    frame = x.check_invocation(inv, error=True, cold=True)
    assert frame.report["max_memory"] >= 120, frame.report


def test_python_crash_replaces_environment(lam):
    fn = python_fn(lam)
    pid = x.invoke(lam, fn, {"mode": "echo"}).payload["pid"]
    inv = x.invoke(lam, fn, {"mode": "exit", "code": 3})
    x.check_invocation(inv, error=True, cold=False)
    assert inv.payload == {
        "errorType": "Runtime.ExitError",
        "errorMessage": f"RequestId: {inv.request_id} Error: Runtime exited with error: "
                        "exit status 3",
    }, inv
    assert inv.elapsed < 3
    after = x.invoke(lam, fn, {"mode": "echo"})
    x.check_invocation(after, cold=True)
    assert after.payload["pid"] != pid and after.payload["cold"] is True


def test_node_crash_replaces_environment(lam):
    fn = node_fn(lam)
    pid = x.invoke(lam, fn, {"mode": "echo"}).payload["pid"]
    inv = x.invoke(lam, fn, {"mode": "exit", "code": 2})
    x.check_invocation(inv, error=True)
    assert inv.payload["errorType"] == "Runtime.ExitError", inv
    assert inv.payload["errorMessage"].endswith("Runtime exited with error: exit status 2"), inv
    after = x.invoke(lam, fn, {"mode": "echo"})
    x.check_invocation(after, cold=True)
    assert after.payload["pid"] != pid


# ------------------------------------------------------------------------- concurrency


def test_parallel_invokes_scale_out(lam, nimbus):
    fn = python_fn(lam, Timeout=10)
    n, sleep = 4, 2.0
    clients = [x.client(nimbus) for _ in range(n)]
    started = time.monotonic()
    results = x.parallel([lambda c=c: x.invoke(c, fn, {"mode": "sleep", "seconds": sleep})
                          for c in clients])
    elapsed = time.monotonic() - started
    for r in results:
        assert isinstance(r, x.Invocation), r
        x.check_invocation(r)
    # One after the other they would take n * sleep = 8 s; in parallel about one sleep (plus
    # the cold starts, slower on a busy 2-core machine).
    assert elapsed < 2 * sleep, f"{n} parallel {sleep}s invokes took {elapsed:.2f} s"
    assert len({r.payload["pid"] for r in results}) == n, "not one environment per invoke"


def test_reserved_concurrency_throttles(lam, nimbus):
    fn = python_fn(lam, Timeout=10)
    lam.put_function_concurrency(FunctionName=fn, ReservedConcurrentExecutions=1)
    first_client, second_client = x.client(nimbus), x.client(nimbus)
    results = {}

    def first():
        results["first"] = x.invoke(first_client, fn, {"mode": "sleep", "seconds": 1.5})

    t = threading.Thread(target=first, daemon=True)
    t.start()
    time.sleep(0.5)  # the first invoke is in flight (its environment is starting or busy)
    with raises_aws("TooManyRequestsException", 429, "Rate Exceeded.") as info:
        x.invoke(second_client, fn, {"mode": "echo"})
    t.join(timeout=15)
    x.check_invocation(results["first"])
    assert results["first"].payload["slept"] == 1.5
    x.check_invocation(x.invoke(lam, fn, {"mode": "echo"}), cold=False)  # free again

    lam.put_function_concurrency(FunctionName=fn, ReservedConcurrentExecutions=0)
    with raises_aws("TooManyRequestsException", 429, "Rate Exceeded."):
        x.invoke(lam, fn, {"mode": "echo"})
    lam.delete_function_concurrency(FunctionName=fn)
    x.check_invocation(x.invoke(lam, fn, {"mode": "echo"}))
    # AWS names the reason of a reserved-concurrency throttle in the error body.
    assert info.value.response.get("Reason") == \
        "ReservedFunctionConcurrentInvocationLimitExceeded", info.value.response


# ------------------------------------------------------------------------- layers and aliases


def test_layers_on_pythonpath_node_path_and_path(lam):
    files = x.tree(x.FIXTURES / "layer" / "python", "python/")
    files.update(x.tree(x.FIXTURES / "layer" / "bin", "bin/"))
    files.update(x.tree(x.FIXTURES / "layer" / "nodejs" / "layermod",
                        "nodejs/node_modules/layermod/"))
    layer_zip = x.make_zip(files, executables=("bin/layertool",))
    layer = lam.publish_layer_version(LayerName=h.name("layer"), Content={"ZipFile": layer_zip},
                                      CompatibleRuntimes=["python3.12", "nodejs20.x"])
    arn = layer["LayerVersionArn"]

    py = python_fn(lam, Layers=[arn])
    inv = x.invoke(lam, py, {"mode": "layer"})
    x.check_invocation(inv)
    assert inv.payload["python"] == "hello from the python layer", inv
    assert inv.payload["tool"] == "layertool ran with 2 args: a b", inv

    node = node_fn(lam, Layers=[arn])
    inv = x.invoke(lam, node, {"mode": "layer"})
    x.check_invocation(inv)
    assert inv.payload == {"node": "hello from the node layer",
                           "tool": "layertool ran with 1 args: x"}, inv


def test_alias_and_version_invokes(lam):
    fn = python_fn(lam, Environment={"Variables": {"USER_VAR": "one"}})
    v1 = lam.publish_version(FunctionName=fn)["Version"]
    lam.update_function_configuration(FunctionName=fn,
                                      Environment={"Variables": {"USER_VAR": "two"}})
    x.wait_active(lam, fn)
    v2 = lam.publish_version(FunctionName=fn)["Version"]
    assert (v1, v2) == ("1", "2")
    lam.create_alias(FunctionName=fn, Name="live", FunctionVersion=v1)

    inv = x.invoke(lam, fn, {"mode": "env"}, qualifier="live")
    x.check_invocation(inv, version="1")
    assert inv.payload["env"]["USER_VAR"] == "one"
    assert inv.payload["env"]["AWS_LAMBDA_FUNCTION_VERSION"] == "1"

    lam.update_alias(FunctionName=fn, Name="live", FunctionVersion=v2)
    inv = x.invoke(lam, fn, {"mode": "env"}, qualifier="live")
    x.check_invocation(inv, version="2")
    assert inv.payload["env"]["USER_VAR"] == "two"

    inv = x.invoke(lam, fn, {"mode": "echo"}, qualifier="1")
    x.check_invocation(inv, version="1")
    assert inv.payload["arn"] == f"{x.ARN_PREFIX}{fn}:1"
    assert inv.payload["version"] == "1"
    latest = x.invoke(lam, fn, {"mode": "env"})
    x.check_invocation(latest, version="$LATEST")
    assert latest.payload["env"]["USER_VAR"] == "two"
    # The context's invoked ARN is the one the caller used: with the alias qualifier.
    inv = x.invoke(lam, fn, {"mode": "echo"}, qualifier="live")
    x.check_invocation(inv, version="2")
    assert inv.payload["arn"] == f"{x.ARN_PREFIX}{fn}:live", inv.payload


# ------------------------------------------------------------------------- SDK calls, Event, DryRun


def _sdk_fn(lam) -> str:
    # The function's boto3 is the venv's (one that reads AWS_ENDPOINT_URL, as AWS's runtimes'
    # boto3 does); it finds Nimbus through AWS_ENDPOINT_URL alone.
    site = str(Path(boto3.__file__).resolve().parents[1])
    return python_fn(lam, Timeout=15, Environment={"Variables": {"PYTHONPATH": site}})


def test_boto3_inside_function_reaches_nimbus(lam, nimbus):
    fn = _sdk_fn(lam)
    queue = h.name("q")
    inv = x.invoke(lam, fn, {"mode": "sqs", "queue": queue, "body": {"from": "lambda", "n": 1}})
    x.check_invocation(inv)
    sqs = ns.boto3_client(nimbus, "sqs")
    url = sqs.get_queue_url(QueueName=queue)["QueueUrl"]
    assert inv.payload["queueUrl"] == url
    got = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=5, MaxNumberOfMessages=1)
    assert [json.loads(m["Body"]) for m in got["Messages"]] == [{"from": "lambda", "n": 1}]
    assert got["Messages"][0]["MessageId"] == inv.payload["messageId"]


def test_event_invocation_runs_in_the_background(lam, nimbus):
    fn = _sdk_fn(lam)
    sqs = ns.boto3_client(nimbus, "sqs")
    queue = h.name("q")
    url = sqs.create_queue(QueueName=queue)["QueueUrl"]
    out = lam.invoke(FunctionName=fn, InvocationType="Event",
                     Payload=json.dumps({"mode": "sqs", "queue": queue, "body": "async"}).encode())
    assert out["StatusCode"] == 202
    assert out["Payload"].read() == b""
    assert "FunctionError" not in out and "LogResult" not in out
    deadline = time.monotonic() + 15
    bodies = []
    while not bodies and time.monotonic() < deadline:
        got = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=2, MaxNumberOfMessages=1)
        bodies = [json.loads(m["Body"]) for m in got.get("Messages", [])]
    assert bodies == ["async"], "the Event invocation had no side effect within 15 s"


def test_dry_run_and_invalid_payload(lam, nimbus):
    fn = python_fn(lam)
    out = lam.invoke(FunctionName=fn, InvocationType="DryRun", Payload=b'{"mode":"echo"}')
    assert out["StatusCode"] == 204
    assert out["Payload"].read() == b""
    with raises_aws("InvalidRequestContentException", 400) as info:
        lam.invoke(FunctionName=fn, Payload=b"this is not json")
    assert info.value.response["Error"]["Message"].startswith(
        "Could not parse request body into json"), info.value.response
    with raises_aws("ResourceNotFoundException", 404,
                    f"Function not found: {x.ARN_PREFIX}nope-{fn}"):
        lam.invoke(FunctionName=f"nope-{fn}", Payload=b"{}")


# ------------------------------------------------------------------------- hot reload


HOT_APP = 'VALUE = "{value}"\n\ndef handler(event, context):\n    return {{"value": VALUE}}\n'


def _hot_fn(lam, folder: Path) -> str:
    fn = h.name("hot")
    lam.create_function(FunctionName=fn, Runtime="python3.12", Role=x.ROLE,
                        Handler="app.handler",
                        Code={"S3Bucket": "hot-reload", "S3Key": str(folder)})
    x.wait_active(lam, fn)
    return fn


def test_hot_reload_sees_edits_on_next_invoke(lam, tmp_path):
    folder = tmp_path / "hot"
    folder.mkdir()
    app = folder / "app.py"
    app.write_text(HOT_APP.format(value="first"))
    fn = _hot_fn(lam, folder)
    first = x.invoke(lam, fn, {})
    x.check_invocation(first, cold=True)
    assert first.payload == {"value": "first"}
    assert x.invoke(lam, fn, {}).payload == {"value": "first"}  # (warmth is checked below)

    time.sleep(1.1)  # a later second: nothing cached by timestamp can mask the edit
    app.write_text(HOT_APP.format(value="edited in place"))
    second = x.invoke(lam, fn, {})
    assert second.payload == {"value": "edited in place"}, second
    x.check_invocation(second, cold=True)

    (folder / "helper.py").write_text('EXTRA = "added"\n')
    app.write_text('from helper import EXTRA\n\ndef handler(event, context):\n'
                   '    return {"value": "third", "extra": EXTRA}\n')
    third = x.invoke(lam, fn, {})
    x.check_invocation(third, cold=True)
    assert third.payload == {"value": "third", "extra": "added"}, third
    # Nothing changed since: the environment stays warm (running the code must not count as
    # a change of the user's folder, e.g. by writing __pycache__ into it).
    fourth = x.invoke(lam, fn, {})
    assert fourth.payload == third.payload
    x.check_invocation(fourth, cold=False)


def test_hot_reload_sees_a_same_size_edit_made_at_once(lam, tmp_path):
    # The usual edit-save-invoke loop: a one-character change right after the previous invoke.
    folder = tmp_path / "hot"
    folder.mkdir()
    app = folder / "app.py"
    app.write_text(HOT_APP.format(value="v1"))
    fn = _hot_fn(lam, folder)
    assert x.invoke(lam, fn, {}).payload == {"value": "v1"}
    app.write_text(HOT_APP.format(value="v2"))
    second = x.invoke(lam, fn, {})
    assert second.payload == {"value": "v2"}, second
    app.write_text(HOT_APP.format(value="v3"))
    third = x.invoke(lam, fn, {})
    assert third.payload == {"value": "v3"}, third


# ------------------------------------------------------------------------- missing interpreter


def test_missing_interpreter_is_a_clear_error(start_nimbus, tmp_path):
    empty = tmp_path / "empty-path"
    empty.mkdir()
    server = start_nimbus(PATH=str(empty))  # no python3, no node
    lam = x.client(server)
    for zip_bytes, runtime, handler, word in [(PY_ZIP, "python3.12", "app.handler", "python"),
                                              (NODE_ZIP, "nodejs20.x", "index.handler", "node")]:
        fn = x.create(lam, zip_bytes, runtime=runtime, handler=handler)
        for _ in range(2):
            inv = x.invoke(lam, fn, {"mode": "echo"})
            assert inv.elapsed < 5, f"{runtime}: {inv.elapsed:.1f} s"
            assert inv.function_error == "Unhandled", inv
            err = inv.payload
            assert err["errorType"].startswith("Runtime."), err
            assert word in err["errorMessage"] and inv.request_id in err["errorMessage"], err
            x.check_invocation(inv, error=True)  # START, END and REPORT as for any failure
