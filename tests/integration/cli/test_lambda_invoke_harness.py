"""`nimbus lambda invoke`: a function run from a local folder (lambda.json in lambda-uploader's
format) without a server, through the same execution engine as the Lambda service."""
from __future__ import annotations

import base64
import http.server
import json
import re
import threading
import time

import pytest

import harness_helpers as hh

PY_HANDLER = '''
import json, logging, os, time

logger = logging.getLogger()
logger.setLevel(logging.INFO)


def handler(event, context):
    print("hello from python")
    logger.info("info through logging")
    logger.warning("a warning")
    if event.get("fail"):
        raise ValueError("bad input: %s" % event["fail"])
    if event.get("sleep"):
        time.sleep(event["sleep"])
    if event.get("allocate_mb"):
        blob = bytearray(event["allocate_mb"] << 20)
        for i in range(0, len(blob), 4096):
            blob[i] = 1
        time.sleep(2)
    return {
        "event": event,
        "greeting": os.environ.get("GREETING"),
        "override": os.environ.get("OVERRIDE"),
        "function": context.function_name,
        "memory": context.memory_limit_in_mb,
        "timeout": os.environ.get("AWS_LAMBDA_FUNCTION_TIMEOUT"),
        "arn": context.invoked_function_arn,
        "version": context.function_version,
        "request_id": context.aws_request_id,
        "client_context": context.client_context,
        "region": os.environ.get("AWS_REGION"),
    }
'''

NODE_HANDLER = '''
exports.handler = async (event, context) => {
  console.log("hello from node");
  console.warn("a node warning");
  console.error("a node error line");
  if (event.fail) {
    throw new TypeError("node failure: " + event.fail);
  }
  return { event, greeting: process.env.GREETING, function: context.functionName,
           memory: context.memoryLimitInMB, request_id: context.awsRequestId };
};
'''

MANIFEST = dict(name="harness-python", description="harness test", region="eu-west-1",
                handler="app.handler", role="arn:aws:iam::123456789012:role/lambda_basic_execution",
                runtime="python3.12", timeout=5, memory=256, variables={"GREETING": "hi"},
                requirements=["ignored"], ignore=["*.pyc"])


@pytest.fixture
def py_fn(tmp_path):
    return hh.write_function(tmp_path / "py_fn", {"app.py": PY_HANDLER}, **MANIFEST)


@pytest.fixture
def node_fn(tmp_path):
    return hh.write_function(tmp_path / "node_fn", {"index.js": NODE_HANDLER},
                             name="harness-node", handler="index.handler", runtime="nodejs20.x",
                             timeout=5, memory=128, variables={"GREETING": "hello"})


def test_python_function_lifecycle(py_fn):
    run = hh.invoke(py_fn, "--payload", '{"n": 1}')
    assert run.returncode == 0, run
    lines = run.lines
    # Lifecycle order: create, run, START, the function's lines, END, REPORT, result, terminate.
    create = run.lifecycle("create")
    assert len(create) == 1 and "function harness-python" in create[0], run
    assert "runtime=python3.12" in create[0] and "handler=app.handler" in create[0]
    assert "memory=256MB" in create[0] and "timeout=5s" in create[0]
    assert "arn:aws:lambda:eu-west-1:123456789012:function:harness-python" in create[0]
    (run_line,) = run.runs()
    assert run_line["mode"] == "RequestResponse" and run_line["handler"] == "app.handler"
    request_id = run_line["id"]
    idx = {name: next(i for i, line in enumerate(lines) if line.startswith(prefix))
           for name, prefix in [("create", "[create]"), ("run", "[run]"), ("start", "START "),
                                ("end", "END "), ("report", "REPORT "), ("result", "[result]"),
                                ("terminate", "[terminate]")]}
    assert list(idx.values()) == sorted(idx.values()), run
    assert lines[idx["start"]] == f"START RequestId: {request_id} Version: $LATEST"
    assert lines[idx["end"]] == f"END RequestId: {request_id}"
    (report,) = run.reports()
    assert report["id"] == request_id and report["memory"] == "256"
    assert "Init Duration: " in lines[idx["report"]]  # a cold start
    # The function's own lines carry the request id and a level, print() included.
    fn_lines = run.function_lines()
    assert [(m["level"], m["msg"]) for m in fn_lines] == [
        ("INFO", "hello from python"), ("INFO", "info through logging"),
        ("WARNING", "a warning")], run
    assert all(m["id"] == request_id for m in fn_lines)
    assert all(idx["start"] < lines.index(m.group(0)) < idx["end"] for m in fn_lines)
    (result,) = run.results()
    body = json.loads(result)
    assert body["event"] == {"n": 1}
    assert body["greeting"] == "hi" and body["override"] is None
    assert body["function"] == "harness-python" and body["memory"] == "256"
    assert body["timeout"] == "5" and body["region"] == "eu-west-1"
    assert body["request_id"] == request_id and body["version"] == "$LATEST"
    assert body["arn"] == "arn:aws:lambda:eu-west-1:123456789012:function:harness-python"
    assert run.lifecycle("terminate") == ["[terminate] function harness-python"]


def test_overrides_variables_client_context_qualifier(py_fn):
    cc = {"custom": {"tenant": "t1"}, "env": {"platform": "cli"}}
    run = hh.invoke(py_fn, "--payload", '{"list": [1, 2]}', "--variables", '{"OVERRIDE": "yes"}',
                    "--client-context", base64.b64encode(json.dumps(cc).encode()).decode(),
                    "--qualifier", "live", "--timeout", "7", "--memory", "512")
    assert run.returncode == 0, run
    body = json.loads(run.results()[0])
    assert body["event"] == {"list": [1, 2]}
    assert body["override"] == "yes" and body["greeting"] == "hi"
    assert body["client_context"] == cc
    assert body["arn"].endswith(":function:harness-python:live")
    assert body["memory"] == "512" and body["timeout"] == "7"
    assert run.reports()[0]["memory"] == "512"


def test_node_function(node_fn):
    run = hh.invoke(node_fn, "--payload", '{"x": "y"}')
    assert run.returncode == 0, run
    (run_line,) = run.runs()
    assert run_line["runtime"] == "nodejs20.x" and run_line["handler"] == "index.handler"
    fn_lines = [(m["level"], m["msg"]) for m in run.function_lines()]
    assert fn_lines == [("INFO", "hello from node"), ("WARN", "a node warning"),
                        ("ERROR", "a node error line")], run
    assert {m["id"] for m in run.function_lines()} == {run_line["id"]}
    body = json.loads(run.results()[0])
    assert body == {"event": {"x": "y"}, "greeting": "hello", "function": "harness-node",
                    "memory": "128", "request_id": run_line["id"]}


def test_ndjson_file_one_invocation_per_line_with_interval(py_fn, tmp_path):
    events = tmp_path / "events.ndjson"
    events.write_text('{"n": 1}\n\n{"n": 2}\r\n{"n": 3}\n')
    started = time.monotonic()
    run = hh.invoke(py_fn, "--payload", f"file://{events}", "--interval", "300")
    elapsed = time.monotonic() - started
    assert run.returncode == 0, run
    runs = run.runs()
    assert [(m["n"], m["total"]) for m in runs] == [("1", "3"), ("2", "3"), ("3", "3")]
    assert len({m["id"] for m in runs}) == 3
    assert [json.loads(r)["event"] for r in run.results()] == [{"n": 1}, {"n": 2}, {"n": 3}]
    assert elapsed >= 0.6, elapsed  # two pauses of 300 ms
    reports = [line for line in run.lines if line.startswith("REPORT ")]
    # One environment, kept warm: only the first invocation has an Init Duration.
    assert ["Init Duration" in r for r in reports] == [True, False, False], run
    assert len(run.lifecycle("create")) == 1 and len(run.lifecycle("terminate")) == 1


def test_ndjson_over_http(py_fn):
    body = b'{"from": "http", "i": 0}\n{"from": "http", "i": 1}\n'

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path != "/events.ndjson":
                self.send_response(302)
                self.send_header("Location", "/events.ndjson")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/redirect-me"
        run = hh.invoke(py_fn, "--payload", url)
    finally:
        server.shutdown()
    assert run.returncode == 0, run
    assert [json.loads(r)["event"] for r in run.results()] == [
        {"from": "http", "i": 0}, {"from": "http", "i": 1}]


def test_erroring_function_exits_non_zero(py_fn, tmp_path):
    run = hh.invoke(py_fn, "--payload", '{"fail": "boom"}')
    assert run.returncode == 1, run
    (result,) = run.lifecycle("result")
    assert result.startswith("[result] error (Unhandled): ")
    err = json.loads(result.split(": ", 1)[1])
    assert err["errorType"] == "ValueError" and err["errorMessage"] == "bad input: boom"
    assert any("app.py" in frame for frame in err["stackTrace"])
    errors = [m for m in run.function_lines() if m["level"] == "ERROR"]
    assert errors and errors[0]["msg"].startswith("[ERROR] ValueError: bad input: boom")
    assert errors[0]["id"] == run.runs()[0]["id"]
    assert run.lifecycle("terminate")

    # Every event still runs when one fails; the status says one failed.
    events = tmp_path / "mixed.ndjson"
    events.write_text('{"n": 1}\n{"fail": "second"}\n{"n": 3}\n')
    run = hh.invoke(py_fn, "--payload", f"file://{events}")
    assert run.returncode == 1, run
    results = run.lifecycle("result")
    assert len(results) == 3
    assert [r.startswith("[result] error") for r in results] == [False, True, False]


def test_node_error_exits_non_zero(node_fn):
    run = hh.invoke(node_fn, "--payload", '{"fail": "nope"}')
    assert run.returncode == 1, run
    err = json.loads(run.lifecycle("result")[0].split(": ", 1)[1])
    assert err["errorType"] == "TypeError" and err["errorMessage"] == "node failure: nope"


def test_timeout_is_enforced(py_fn):
    started = time.monotonic()
    run = hh.invoke(py_fn, "--payload", '{"sleep": 30}', "--timeout", "1")
    elapsed = time.monotonic() - started
    assert run.returncode == 1, run
    assert elapsed < 10, elapsed
    request_id = run.runs()[0]["id"]
    assert any(re.search(rf"{request_id} Task timed out after 1\.00 seconds$", line)
               for line in run.lines), run
    err = json.loads(run.lifecycle("result")[0].split(": ", 1)[1])
    assert err["errorType"] == "Sandbox.Timedout"
    assert "Task timed out after 1.00 seconds" in err["errorMessage"]
    assert run.reports()[0]["id"] == request_id


def test_memory_limit_is_enforced(py_fn):
    run = hh.invoke(py_fn, "--payload", '{"allocate_mb": 400}', "--memory", "128")
    assert run.returncode == 1, run
    err = json.loads(run.lifecycle("result")[0].split(": ", 1)[1])
    assert err["errorType"] == "Runtime.OutOfMemory", run
    report = run.reports()[0]
    assert report["memory"] == "128" and report["used"] == "128"


def test_environment_recycled_after_timeout(py_fn, tmp_path):
    events = tmp_path / "events.ndjson"
    events.write_text('{"sleep": 5}\n{"n": 2}\n')
    run = hh.invoke(py_fn, "--payload", f"file://{events}", "--timeout", "1")
    assert run.returncode == 1, run
    results = run.lifecycle("result")
    assert results[0].startswith("[result] error") and not results[1].startswith("[result] error")
    reports = [line for line in run.lines if line.startswith("REPORT ")]
    assert "Init Duration" in reports[1], run  # a fresh environment after the kill


@pytest.mark.parametrize("args,message", [
    (("--payload", "{not json"), "--payload: invalid JSON"),
    (("--memory", "64"), "memory must be between 128 and 10240 MB"),
    (("--timeout", "901"), "timeout must be between 1 and 900 seconds"),
    (("--variables", '{"A": 1}'), "--variables"),
    (("--client-context", "not-base64!"), "--client-context"),
    (("--bogus", "1"), "unknown option --bogus"),
    (("--payload", "file:///nonexistent/events.ndjson"), "cannot read payload file"),
])
def test_bad_arguments_exit_2(py_fn, args, message):
    run = hh.invoke(py_fn, *args)
    assert run.returncode == 2, run
    assert message in run.stderr, run
    assert run.stdout == ""


def test_bad_folder_and_ndjson_line(tmp_path, py_fn):
    run = hh.invoke(tmp_path / "missing")
    assert run.returncode == 2 and "not a folder" in run.stderr, run
    (tmp_path / "empty").mkdir()
    run = hh.invoke(tmp_path / "empty")
    assert run.returncode == 2 and "no lambda.json" in run.stderr, run
    bad = tmp_path / "bad.ndjson"
    bad.write_text('{"ok": 1}\n{"broken": \n')
    run = hh.invoke(py_fn, "--payload", f"file://{bad}")
    assert run.returncode == 2 and "line 2: invalid JSON" in run.stderr, run


def test_runtime_inferred_and_folder_name_default(tmp_path):
    fn = hh.write_function(tmp_path / "inferred-fn", {"main.py": "def go(e, c):\n    return 'ok'\n"},
                           handler="main.go")
    run = hh.invoke(fn)
    assert run.returncode == 0, run
    assert "function inferred-fn runtime=python3.12" in run.lifecycle("create")[0]
    assert run.results() == ['"ok"']


def test_payload_url_errors(py_fn, tmp_path):
    """A payload URL that cannot be read is bad input (exit 2): HTTP errors, and HTTPS to a peer
    whose certificate the system does not trust (the harness verifies it)."""
    import shutil
    import ssl
    import subprocess

    class Missing(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Missing)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    openssl = shutil.which("openssl")
    assert openssl, "openssl missing"
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-keyout", str(tmp_path / "key.pem"),
                    "-out", str(tmp_path / "cert.pem")], check=True, capture_output=True)
    tls = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Missing)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    tls.socket = ctx.wrap_socket(tls.socket, server_side=True)
    threading.Thread(target=tls.serve_forever, daemon=True).start()
    try:
        run = hh.invoke(py_fn, "--payload",
                        f"http://127.0.0.1:{server.server_address[1]}/events.ndjson")
        assert run.returncode == 2 and "HTTP 404" in run.stderr, run
        run = hh.invoke(py_fn, "--payload", f"https://127.0.0.1:{tls.server_address[1]}/e")
        assert run.returncode == 2, run
        assert "certificate" in run.stderr, run  # libcurl: "SSL certificate problem: ..."
        assert run.stdout == ""
    finally:
        server.shutdown()
        tls.shutdown()
