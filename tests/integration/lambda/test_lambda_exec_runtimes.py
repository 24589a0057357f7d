"""Lambda execution engine with custom runtimes and the official runtime interface clients,
each unchanged: provided.al2023 functions whose bootstrap is a shell script (AWS's tutorial
runtime, with curl), a C++ program speaking the Runtime API over raw sockets (compiled here with
g++), a Go binary built with github.com/aws/aws-lambda-go (also run as go1.x), npm
aws-lambda-ric (Node) and PyPI awslambdaric (Python); and bootstraps that cannot start.

Sources are in fixtures/; scripts/setup.sh --tests fetches what they need from the registries."""
import base64
import re
import time

import pytest

import cp_helpers as h
import exec_helpers as x

TRACE_RE = re.compile(r"^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=[01]$")


@pytest.fixture
def lam(nimbus):
    return x.client(nimbus)


def provided(lam, zip_bytes: bytes, handler: str = "function.handler", **kwargs) -> str:
    return x.create(lam, zip_bytes, runtime="provided.al2023", handler=handler, prefix="prov",
                    **kwargs)


# ------------------------------------------------------------------------- shell bootstrap


def test_shell_bootstrap_created_and_invoked_with_cli_v2(nimbus, lam, tmp_path):
    zip_path = tmp_path / "fn.zip"
    zip_path.write_bytes(x.fixture_zip("shell_fn", executables=("bootstrap",)))
    fn = h.name("sh")
    h.cli(nimbus, "lambda", "create-function", "--function-name", fn, "--runtime",
          "provided.al2023", "--role", x.ROLE, "--handler", "function.handler",
          "--zip-file", f"fileb://{zip_path}")
    assert h.cli(nimbus, "lambda", "wait", "function-active-v2", "--function-name", fn) is None
    out_file = tmp_path / "out"
    out = h.cli(nimbus, "lambda", "invoke", "--function-name", fn, "--log-type", "Tail",
                "--cli-binary-format", "raw-in-base64-out", "--payload", '{"a":1}', str(out_file))
    assert out["StatusCode"] == 200 and out["ExecutedVersion"] == "$LATEST", out
    assert "FunctionError" not in out, out
    # The tutorial handler's answer is not JSON: the bytes come back as they were posted.
    assert out_file.read_text() == "Echoing request: '{\"a\":1}'"
    frame = x.parse_log(base64.b64decode(out["LogResult"]).decode())
    assert frame.cold
    assert '{"a":1}' in frame.body, frame.body  # the handler's stderr line

    warm = x.invoke(lam, fn, {"b": 2})
    x.check_invocation(warm, cold=False)
    assert warm.raw == b"Echoing request: '{\"b\": 2}'"


# ------------------------------------------------------------------------- C++ bootstrap


def test_cpp_bootstrap_over_raw_sockets(lam):
    zip_bytes = x.make_zip({"bootstrap": x.cpp_binary()}, executables=("bootstrap",))
    fn = provided(lam, zip_bytes, handler="cpp.handler", Timeout=4)
    before_ms = int(time.time() * 1000)
    first = x.invoke(lam, fn, {"hello": "c++", "n": [1, 2]})
    frame = x.check_invocation(first, cold=True)
    out = first.payload
    assert out["runtime"] == "c++"
    assert out["requestId"] == first.request_id
    assert out["event"] == {"hello": "c++", "n": [1, 2]}
    assert out["arn"] == x.ARN_PREFIX + fn
    assert out["handler"] == "cpp.handler"
    assert TRACE_RE.match(out["traceId"]), out
    # Lambda-Runtime-Deadline-Ms: epoch milliseconds, the timeout after the invoke started.
    assert before_ms + 3000 <= out["deadlineMs"] <= int(time.time() * 1000) + 4000 + 500, out
    assert out["count"] == 1
    assert frame.body == [f"cpp handling {first.request_id} (invocation 1 in this process)"]

    second = x.invoke(lam, fn, {"again": True})
    x.check_invocation(second, cold=False)
    assert second.payload["count"] == 2  # same process, same keep-alive connection

    failed = x.invoke(lam, fn, {"fail": "cpp says no"})
    x.check_invocation(failed, error=True, cold=False)
    assert failed.payload == {"errorMessage": "cpp says no", "errorType": "Cpp.Failure",
                              "stackTrace": ["bootstrap.cc"]}

    crashed = x.invoke(lam, fn, {"exit": 4})
    x.check_invocation(crashed, error=True)
    assert crashed.payload == {
        "errorType": "Runtime.ExitError",
        "errorMessage": f"RequestId: {crashed.request_id} Error: Runtime exited with error: "
                        "exit status 4"}, crashed
    after = x.invoke(lam, fn, {})
    x.check_invocation(after, cold=True)
    assert after.payload["count"] == 1  # a new process


def test_cpp_bootstrap_init_error(lam):
    zip_bytes = x.make_zip({"bootstrap": x.cpp_binary()}, executables=("bootstrap",))
    fn = provided(lam, zip_bytes, Environment={"Variables": {"CPP_INIT_FAIL": "1"}})
    for _ in range(2):
        inv = x.invoke(lam, fn, {})
        assert inv.elapsed < 5, inv
        assert inv.function_error == "Unhandled", inv
        assert inv.payload["errorType"] == "Custom.InitError", inv
        assert inv.payload["errorMessage"] == "init failed on purpose", inv
        x.check_invocation(inv, error=True)


# ------------------------------------------------------------------------- Go (aws-lambda-go)


def _check_go_result(inv: x.Invocation, fn: str, message: str):
    out = inv.payload
    assert out["message"] == "hello from go: " + message
    assert out["requestId"] == inv.request_id
    assert out["functionName"] == fn
    assert out["functionArn"] == x.ARN_PREFIX + fn
    assert out["version"] == "$LATEST"
    assert out["memoryMB"] == 128
    assert 0 < out["remainingMs"] <= 3000, out
    assert TRACE_RE.match(out["traceId"]), out
    assert out["runtimeApiSet"] is True
    assert out["serverPortSet"] is False  # never _LAMBDA_SERVER_PORT


def test_go_bootstrap_with_aws_lambda_go(lam):
    zip_bytes = x.make_zip({"bootstrap": x.go_binary()}, executables=("bootstrap",))
    fn = provided(lam, zip_bytes, handler="unused.handler")
    first = x.invoke(lam, fn, {"mode": "ok", "message": "one"})
    frame = x.check_invocation(first, cold=True)
    _check_go_result(first, fn, "one")
    assert 'go handler got mode="ok"' in frame.body, frame.body
    second = x.invoke(lam, fn, {"mode": "ok", "message": "two"})
    x.check_invocation(second, cold=False)
    _check_go_result(second, fn, "two")
    assert second.payload["pid"] == first.payload["pid"]

    failed = x.invoke(lam, fn, {"mode": "error", "message": "go failed"})
    x.check_invocation(failed, error=True, cold=False)
    assert failed.payload == {"errorMessage": "go failed", "errorType": "errorString"}

    custom = x.invoke(lam, fn, {"mode": "custom", "message": "x"})
    x.check_invocation(custom, error=True, cold=False)
    assert custom.payload == {"errorMessage": "custom failure: x", "errorType": "CustomError"}

    # A panic: reported with its stack trace, then aws-lambda-go exits; a new process follows.
    panicked = x.invoke(lam, fn, {"mode": "panic", "message": "p"})
    x.check_invocation(panicked, error=True, cold=False)
    err = panicked.payload
    assert err["errorMessage"] == "go panic: p" and err["errorType"] == "string", err
    assert isinstance(err["stackTrace"], list) and err["stackTrace"], err
    assert {"path", "line", "label"} <= set(err["stackTrace"][0]), err
    after = x.invoke(lam, fn, {"mode": "ok", "message": "three"})
    x.check_invocation(after, cold=True)
    _check_go_result(after, fn, "three")
    assert after.payload["pid"] != first.payload["pid"]


def test_go1x_runtime_runs_the_handler_binary(lam):
    zip_bytes = x.make_zip({"hello": x.go_binary()}, executables=("hello",))
    fn = x.create(lam, zip_bytes, runtime="go1.x", handler="hello", prefix="go")
    inv = x.invoke(lam, fn, {"mode": "ok", "message": "go1.x"})
    x.check_invocation(inv, cold=True)
    _check_go_result(inv, fn, "go1.x")
    x.check_invocation(x.invoke(lam, fn, {"mode": "ok", "message": "warm"}), cold=False)

    missing = x.create(lam, zip_bytes, runtime="go1.x", handler="nothere", prefix="go")
    inv = x.invoke(lam, missing, {})
    assert inv.elapsed < 5 and inv.function_error == "Unhandled", inv
    assert "no such file or directory" in inv.payload["errorMessage"], inv
    assert "nothere" in inv.payload["errorMessage"], inv


# ------------------------------------------------------------------------- official clients


def test_node_official_runtime_interface_client(lam):
    pkg = x.node_ric_package()
    files = x.tree(x.FIXTURES / "node_ric_fn", exclude=("node_modules",))
    # The installed package as npm left it, minus its build leftovers (native sources and
    # objects); node-gyp and the other build-time dependencies are not needed to run it.
    files.update(x.tree(pkg, "node_modules/aws-lambda-ric/",
                        exclude=("deps", "build", "node-addon-api", "src")))
    zip_bytes = x.make_zip(files, executables=("bootstrap",))
    fn = provided(lam, zip_bytes, handler="index.handler")
    first = x.invoke(lam, fn, {"hello": "ric"})
    frame = x.check_invocation(first, cold=True)
    out = first.payload
    assert out["message"] == "hello from aws-lambda-ric"
    assert out["requestId"] == first.request_id
    assert out["functionName"] == fn
    assert out["arn"] == x.ARN_PREFIX + fn
    assert str(out["memory"]) == "128"
    assert 0 < out["remainingMs"] <= 3000
    assert out["event"] == {"hello": "ric"}
    logged = [x.NODE_LOG_RE.match(line) for line in frame.body]
    assert any(m and m["id"] == first.request_id and m["level"] == "INFO"
               and m["msg"] == 'node ric handler got {"hello":"ric"}' for m in logged), frame.body

    second = x.invoke(lam, fn, {"hello": "again"})
    x.check_invocation(second, cold=False)
    assert second.payload["event"] == {"hello": "again"}

    failed = x.invoke(lam, fn, {"mode": "error", "message": "ric says no"})
    x.check_invocation(failed, error=True, cold=False)
    err = failed.payload
    assert err["errorType"] == "TypeError" and err["errorMessage"] == "ric says no", err
    assert isinstance(err["trace"], list) and err["trace"][0] == "TypeError: ric says no", err
    x.check_invocation(x.invoke(lam, fn, {}), cold=False)


def test_python_official_runtime_interface_client(lam):
    files = x.tree(x.FIXTURES / "python_ric_fn")
    files.update({k: v for k, v in x.tree(x.awslambdaric_dir()).items() if k != ".complete"})
    zip_bytes = x.make_zip(files, executables=("bootstrap",))
    fn = provided(lam, zip_bytes, handler="app.handler", Timeout=5)
    first = x.invoke(lam, fn, {"hello": "awslambdaric"})
    frame = x.check_invocation(first, cold=True)
    out = first.payload
    assert out["message"] == "hello from awslambdaric"
    assert out["requestId"] == first.request_id
    assert out["functionName"] == fn
    assert out["arn"] == x.ARN_PREFIX + fn
    assert str(out["memory"]) == "128"
    assert 0 < out["remainingMs"] <= 5000
    assert out["event"] == {"hello": "awslambdaric"}
    assert out["ric"] is True, "awslambdaric was not the one vendored in the zip"
    assert "python ric handler got {'hello': 'awslambdaric'}" in frame.body, frame.body
    records = [line for line in frame.body if line.startswith("[INFO]\t")]
    assert len(records) == 1, frame.body
    level, stamp, rid, msg = records[0].split("\t")
    assert (rid, msg) == (first.request_id, "logged through the ric's logging handler"), records
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", stamp), stamp

    x.check_invocation(x.invoke(lam, fn, {"n": 2}), cold=False)
    failed = x.invoke(lam, fn, {"mode": "error", "message": "ric key"})
    frame = x.check_invocation(failed, error=True, cold=False)
    err = failed.payload
    assert err["errorType"] == "KeyError" and err["errorMessage"] == "'ric key'", err
    assert err["requestId"] == failed.request_id, err
    # The client drops its own frames: the trace starts in the function's file.
    assert isinstance(err["stackTrace"], list) and "app.py" in err["stackTrace"][0], err
    # One log record, "[ERROR] Type: message\rTraceback ...\r...": the format that
    # test_lambda_exec.py expects of Nimbus's own python bootstrap.
    errors = [line for line in frame.body if line.startswith("[ERROR] KeyError: 'ric key'")]
    assert len(errors) == 1 and "\rTraceback (most recent call last):\r" in errors[0], frame.body
    assert "app.py" in errors[0], frame.body


# ------------------------------------------------------------------------- broken bootstraps


def test_missing_or_broken_bootstrap_is_a_clear_error(lam):
    cases = [
        # no bootstrap at all
        (x.make_zip({"function.sh": "handler() { echo hi; }\n"}),
         "Couldn't find valid bootstrap(s)"),
        # a bootstrap whose interpreter does not exist
        (x.make_zip({"bootstrap": "#!/nonexistent/interpreter\necho never\n"},
                    executables=("bootstrap",)), "no such file or directory"),
        # a bootstrap without its executable bit
        (x.make_zip({"bootstrap": "#!/bin/sh\necho never\n"}), "permission denied"),
    ]
    invocations = []
    for zip_bytes, message in cases:
        fn = provided(lam, zip_bytes)
        for _ in range(2):
            inv = x.invoke(lam, fn, {})
            assert inv.elapsed < 5, f"{message}: {inv.elapsed:.1f} s"
            assert inv.function_error == "Unhandled", inv
            assert inv.payload["errorType"] == "Runtime.InvalidEntrypoint", inv
            assert message in inv.payload["errorMessage"].lower() or \
                message in inv.payload["errorMessage"], inv
            assert inv.payload["errorMessage"].startswith(f"RequestId: {inv.request_id} Error: ")
            invocations.append(inv)
    for inv in invocations:  # START, END and REPORT as for any failed invocation
        x.check_invocation(inv, error=True)


def test_exec_bits_survive_the_zip(lam):
    # A bootstrap that runs a helper script from the zip: both need their executable bits.
    zip_bytes = x.make_zip({
        "bootstrap": "#!/bin/sh\nexec \"$LAMBDA_TASK_ROOT/bin/runtime.sh\"\n",
        "bin/runtime.sh": x.FIXTURES.joinpath("shell_fn", "bootstrap").read_text(),
        "function.sh": x.FIXTURES.joinpath("shell_fn", "function.sh").read_text(),
    }, executables=("bootstrap", "bin/runtime.sh"))
    fn = provided(lam, zip_bytes)
    inv = x.invoke(lam, fn, {"x": 1})
    x.check_invocation(inv)
    assert inv.raw == b"Echoing request: '{\"x\": 1}'"
    got = lam.get_function(FunctionName=fn)
    assert got["Configuration"]["CodeSha256"] == h.sha256_b64(zip_bytes)
    assert got["Configuration"]["Runtime"] == "provided.al2023"
