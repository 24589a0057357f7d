"""Edge behaviour from the runtime contract: internal endpoints, keep-alive and pipelining, the
body limit, idle timeout, listeners, DEBUG logging, signals and the command line."""
import http.client
import re
import signal
import socket
import subprocess
import threading
import time

import pytest
from botocore.exceptions import ClientError

import nimbus_support as ns

SERVICES = {"sqs", "sns", "lambda", "iam", "sts", "apigateway", "logs"}
HEALTH_PATHS = ["/_nimbus/health", "/_localstack/health"]
STS_BODY = b"Action=GetCallerIdentity&Version=2011-06-15"
DEBUG_LINE = re.compile(r"^request sts GetCallerIdentity 200 \d+(\.\d+)?ms$")


def sts_request(port: int) -> bytes:
    return ns.raw_request_bytes(port, "POST", "/", STS_BODY, ns.form_headers(), service="sts")


def health_request(port: int) -> bytes:
    return ns.raw_request_bytes(port, "GET", "/_nimbus/health")


def connect(port: int, timeout: float = 5) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=timeout)


def binary_version() -> str:
    proc = subprocess.run([str(ns.nimbus_bin()), "--version"], capture_output=True, text=True,
                          timeout=10)
    assert proc.returncode == 0, proc
    m = re.fullmatch(r"nimbus (\S+)\n?", proc.stdout)
    assert m, f"--version printed {proc.stdout!r}"
    return m.group(1)


def health(server, path="/_nimbus/health", port=None) -> dict:
    resp = ns.request(server, "GET", path, port=port)
    assert resp.status == 200, resp
    ns.assert_request_id(resp)
    return resp.json()


def assert_eof(f) -> None:
    """The server closed the connection (EOF or reset, never more data)."""
    try:
        assert f.read(1) == b""
    except ConnectionResetError:
        pass


# ----------------------------------------------------------------------- internal endpoints


@pytest.mark.parametrize("path", HEALTH_PATHS)
def test_health_shape(nimbus, path):
    body = health(nimbus, path)
    assert set(body["services"]) == SERVICES, body
    assert set(body["services"].values()) <= {"available", "running"}, body
    assert body["edition"] == "community", body
    assert body["version"] == binary_version(), body


def test_health_service_running_after_first_request(start_nimbus):
    server = start_nimbus()
    for path in HEALTH_PATHS:
        assert health(server, path)["services"] == {s: "available" for s in SERVICES}
    assert ns.request(server, "POST", "/", STS_BODY, ns.form_headers(), service="sts").status == 200
    for path in HEALTH_PATHS:
        services = health(server, path)["services"]
        assert services == {s: "running" if s == "sts" else "available" for s in SERVICES}


def test_reset(start_nimbus):
    server = start_nimbus()
    resp = ns.request(server, "POST", "/_nimbus/reset")
    assert resp.status == 200, resp
    ns.assert_request_id(resp)
    assert resp.json() == {"reset": True}
    assert ns.request(server, "POST", "/", STS_BODY, ns.form_headers(), service="sts").status == 200


# ------------------------------------------------------------------------------ connections


def test_keep_alive_reuses_one_connection(nimbus):
    calls = [  # (method, path, body, headers, service, status)
        ("GET", "/_nimbus/health", b"", {}, None, 200),
        ("POST", "/", STS_BODY, ns.form_headers(), "sts", 200),
        ("GET", "/nothing", b"", {}, None, 404),
        ("POST", "/", b"{}", ns.json_headers("Logs_20140328.Bogus", "1.1"), "logs", 400),
        ("POST", "/", STS_BODY, ns.form_headers(), "sts", 200),
        ("GET", "/_localstack/health", b"", {}, None, 200),
    ]
    conn = http.client.HTTPConnection("127.0.0.1", nimbus.port, timeout=5)
    first_sock, ids = None, set()
    try:
        for method, path, body, headers, service, status in calls:
            if service:
                headers = ns.sign(nimbus.url, method, path, body, headers, service)
            conn.request(method, path, body=body if method == "POST" else None, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
            assert resp.status == status, (path, resp.status, data)
            assert resp.headers.get("Connection", "").lower() != "close", resp.headers
            ids.add(ns.assert_request_id(ns.Response(resp.status, resp.headers, data)))
            first_sock = first_sock or conn.sock
            assert conn.sock is first_sock, "server closed the keep-alive connection"
    finally:
        conn.close()
    assert len(ids) == len(calls), "request ids must be unique"


def test_connection_close_is_honoured(nimbus):
    req = health_request(nimbus.port).replace(b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n")
    with connect(nimbus.port) as s, s.makefile("rb") as f:
        s.sendall(req)
        resp = ns.read_response(f)
        assert resp.status == 200, resp
        ns.assert_request_id(resp)
        assert_eof(f)


def test_pipelined_requests_answered_in_order(nimbus):
    port = nimbus.port
    nothing = ns.raw_request_bytes(port, "GET", "/nothing")
    with connect(port) as s, s.makefile("rb") as f:
        s.sendall(health_request(port) + sts_request(port) + nothing)
        responses = [ns.read_response(f) for _ in range(3)]
    assert [r.status for r in responses] == [200, 200, 404], responses
    assert set(responses[0].json()["services"]) == SERVICES
    assert b"<GetCallerIdentityResponse" in responses[1].body
    assert responses[2].json()["__type"] == "UnknownOperationException"
    assert len({ns.assert_request_id(r) for r in responses}) == 3


@pytest.mark.parametrize("length", [ns.BODY_LIMIT + 1, 10**12])
def test_body_over_limit_is_413_before_the_body(nimbus, length):
    head = (f"POST / HTTP/1.1\r\nHost: 127.0.0.1:{nimbus.port}\r\n"
            "Content-Type: application/x-amz-json-1.1\r\n"
            "X-Amz-Target: Logs_20140328.CreateLogGroup\r\n"
            f"Content-Length: {length}\r\n\r\n").encode()
    with connect(nimbus.port) as s, s.makefile("rb") as f:
        s.sendall(head + b"{")  # headers and one byte: the answer must not wait for the body
        resp = ns.read_response(f)
        assert resp.status == 413, resp
        ns.assert_request_id(resp)
        assert resp.headers.get("x-amzn-ErrorType") == "RequestEntityTooLargeException", resp
        body = resp.json()
        assert body["__type"] == "RequestEntityTooLargeException", resp
        assert isinstance(body.get("message"), str), resp
        assert_eof(f)


def test_a_client_that_sends_the_whole_oversized_body_still_reads_the_413(nimbus):
    """Clients (boto3, the SDKs) send the whole body before reading: the server drains it after
    its early 413 instead of closing on unread data, which would reset the connection."""
    chunk = b" " * (1 << 20)
    length = ns.BODY_LIMIT + 8 * len(chunk)
    head = (f"POST / HTTP/1.1\r\nHost: 127.0.0.1:{nimbus.port}\r\n"
            "Content-Type: application/x-amz-json-1.1\r\n"
            "X-Amz-Target: Logs_20140328.CreateLogGroup\r\n"
            f"Content-Length: {length}\r\n\r\n").encode()
    with connect(nimbus.port, timeout=30) as s, s.makefile("rb") as f:
        s.sendall(head)
        for _ in range(length // len(chunk)):
            s.sendall(chunk)  # no EPIPE / ECONNRESET half-way
        resp = ns.read_response(f)
        assert resp.status == 413, resp
        assert resp.json()["__type"] == "RequestEntityTooLargeException", resp
        assert_eof(f)


def test_boto3_gets_request_entity_too_large(nimbus):
    sqs = ns.boto3_client(nimbus, "sqs")
    url = sqs.create_queue(QueueName="big-body")["QueueUrl"]
    with pytest.raises(ClientError) as info:
        sqs.send_message(QueueUrl=url, MessageBody="x" * (ns.BODY_LIMIT + 1))
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 413, info.value.response
    assert info.value.response["Error"]["Code"] == "RequestEntityTooLargeException"
    # The connection pool and the server carry on.
    assert sqs.get_queue_url(QueueName="big-body")["QueueUrl"] == url


def test_body_at_limit_is_accepted(nimbus):
    """Exactly 72 MiB is read and routed (404: no service), streamed from a 1 MiB buffer."""
    chunk = b" " * (1 << 20)
    assert ns.BODY_LIMIT % len(chunk) == 0
    head = (f"POST /nothing HTTP/1.1\r\nHost: 127.0.0.1:{nimbus.port}\r\n"
            f"Content-Length: {ns.BODY_LIMIT}\r\n\r\n").encode()

    def send_body(s):
        try:
            for _ in range(ns.BODY_LIMIT // len(chunk)):
                s.sendall(chunk)
        except OSError:
            pass  # the server may answer early and close; the response is what matters

    with connect(nimbus.port, timeout=20) as s, s.makefile("rb") as f:
        s.sendall(head)
        sender = threading.Thread(target=send_body, args=(s,), daemon=True)
        sender.start()
        resp = ns.read_response(f)
        sender.join(timeout=20)
    assert resp.status == 404, resp
    ns.assert_request_id(resp)


@pytest.mark.parametrize("after_request", [True, False])
def test_idle_connection_closed_after_timeout(start_nimbus, after_request):
    server = start_nimbus(NIMBUS_IDLE_TIMEOUT_MS="300")
    with connect(server.port) as s, s.makefile("rb") as f:
        if after_request:
            s.sendall(health_request(server.port))
            assert ns.read_response(f).status == 200
        start = time.monotonic()
        assert_eof(f)  # socket timeout is 5 s: a hang fails here
        elapsed = time.monotonic() - start
    assert 0.2 <= elapsed <= 2.0, f"idle connection closed after {elapsed:.2f}s"


def test_two_listeners(start_nimbus):
    server = start_nimbus(GATEWAY_LISTEN="127.0.0.1:0,127.0.0.1:0")
    assert len(server.listeners) == 2, server.stdout()
    assert len({port for _, port in server.listeners}) == 2
    lines = [line.strip() for line in server.stdout().splitlines()]
    assert lines.index("Ready.") > max(i for i, l in enumerate(lines) if l.startswith("Listening"))
    for host, port in server.listeners:
        assert host == "127.0.0.1"
        assert set(health(server, port=port)["services"]) == SERVICES
        resp = ns.request(server, "POST", "/", STS_BODY, ns.form_headers(), service="sts",
                          port=port)
        assert resp.status == 200, resp


# ---------------------------------------------------------------------------------- logging


def request_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("request ")]


def wait_for_request_lines(server, count: int) -> list[str]:
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline and len(request_lines(server.stderr())) < count:
        time.sleep(0.02)
    return request_lines(server.stderr())


def test_debug_logs_one_line_per_request(start_nimbus):
    server = start_nimbus(DEBUG="1")
    for _ in range(3):
        assert ns.request(server, "POST", "/", STS_BODY, ns.form_headers(),
                          service="sts").status == 200
    lines = wait_for_request_lines(server, 3)
    assert len(lines) == 3 and all(DEBUG_LINE.match(l) for l in lines), server.stderr()


def test_debug_line_shape_for_every_kind_of_request(start_nimbus):
    """`request <service> <operation> <status> <latency>ms`: five fields, whatever matched."""
    server = start_nimbus(DEBUG="1")
    sent = [
        (ns.request(server, "GET", "/_nimbus/health"), 200),
        (ns.request(server, "POST", "/", "Action=AssumeRole&Version=2011-06-15&RoleSessionName=s",
                    ns.form_headers(), service="sts"), 400),
        (ns.request(server, "POST", "/", "{}", ns.json_headers("Logs_20140328.Bogus", "1.1"),
                    service="logs"), 400),
        (ns.request(server, "GET", "/nothing"), 404),
    ]
    assert [r.status for r, _ in sent] == [status for _, status in sent]
    lines = wait_for_request_lines(server, len(sent))
    assert len(lines) == len(sent), server.stderr()
    for line, (_, status) in zip(lines, sent):
        assert re.fullmatch(rf"request \S+ \S+ {status} \d+(\.\d+)?ms", line), lines
    assert lines[1].split()[1:3] == ["sts", "AssumeRole"], lines


def test_no_request_lines_without_debug(start_nimbus):
    server = start_nimbus()
    assert ns.request(server, "POST", "/", STS_BODY, ns.form_headers(), service="sts").status == 200
    assert server.stop(signal.SIGTERM, timeout=5) == 0
    assert request_lines(server.stderr()) == [], server.stderr()


# ---------------------------------------------------------------------------------- signals


def test_sigterm_lets_in_flight_request_finish(start_nimbus):
    server = start_nimbus()
    head, body = sts_request(server.port).split(b"\r\n\r\n", 1)
    half = len(body) // 2
    with connect(server.port) as s, s.makefile("rb") as f:
        s.sendall(sts_request(server.port))  # the connection is being served
        assert ns.read_response(f).status == 200
        s.sendall(head + b"\r\n\r\n" + body[:half])
        time.sleep(0.2)  # scenario, not a check: let the server read the partial request
        start = time.monotonic()
        server.send_signal(signal.SIGTERM)
        time.sleep(0.2)  # scenario: the signal is handled while the request is incomplete
        s.sendall(body[half:])
        resp = ns.read_response(f)
        assert resp.status == 200, resp
        assert b"<GetCallerIdentityResponse" in resp.body
        ns.assert_request_id(resp)
        assert_eof(f)  # the now idle keep-alive connection is closed
    assert_not_served(server.port)
    rc = server.wait(timeout=max(0.0, 2.0 - (time.monotonic() - start)))
    assert rc == 0, f"exit code {rc} (None: still running 2 s after SIGTERM)"


def assert_not_served(port: int) -> None:
    """After SIGTERM a new connection is refused or closed without an answer."""
    try:
        with connect(port, timeout=3) as s, s.makefile("rb") as f:
            s.sendall(health_request(port))
            assert_eof(f)
    except (ConnectionRefusedError, ConnectionResetError, BrokenPipeError):
        pass


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["TERM", "INT"])
def test_idle_server_exits_zero(start_nimbus, sig):
    server = start_nimbus(args=())  # bare `nimbus` runs the server too
    start = time.monotonic()
    rc = server.stop(sig, timeout=2)
    assert rc == 0, f"exit code {rc} (None: still running) after {time.monotonic() - start:.2f}s"


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["TERM", "INT"])
def test_signal_closes_idle_keep_alive_connection(start_nimbus, sig):
    server = start_nimbus()
    with connect(server.port) as s, s.makefile("rb") as f:
        s.sendall(health_request(server.port))
        assert ns.read_response(f).status == 200
        start = time.monotonic()
        server.send_signal(sig)
        assert_eof(f)
        rc = server.wait(timeout=max(0.0, 2.0 - (time.monotonic() - start)))
    assert rc == 0, f"exit code {rc} (None: still running 2 s after the signal)"


# ----------------------------------------------------------------------------- command line


def test_version():
    assert binary_version()  # `nimbus <version>`, exit 0


def test_help():
    proc = subprocess.run([str(ns.nimbus_bin()), "--help"], capture_output=True, text=True,
                          timeout=10)
    assert proc.returncode == 0, proc
    assert "nimbus" in proc.stdout and "start" in proc.stdout, proc.stdout
