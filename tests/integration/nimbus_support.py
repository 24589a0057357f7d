"""Helpers for the integration suites: the server process, raw HTTP, SigV4 signing and the real
AWS clients (CLI v1/v2, boto3 from the venv, Debian's old boto3, the JS SDK v3).

A missing client is a test failure, never a skip.
"""
from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import boto3
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
JS_DIR = REPO / "tests" / "js"
CLI_V1 = REPO / ".venv" / "bin" / "aws"
CLI_V2 = Path("/usr/bin/aws")
SYSTEM_PYTHON = Path("/usr/bin/python3")
DEBIAN_BOTO3_SCRIPT = HERE / "clients" / "debian_boto3_call.py"

READY_TIMEOUT_S = 10
CLIENT_TIMEOUT_S = 60
ACCESS_KEY = "test"
SECRET_KEY = "test"
REGION = "us-east-1"
BODY_LIMIT = 75_497_472  # 72 MiB, from the runtime contract
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)

# Client-side config isolation: no ~/.aws, no inherited AWS_* settings.
_ISOLATION_DIR = Path(tempfile.mkdtemp(prefix="nimbus-aws-"))
CLIENT_ENV = {
    "AWS_ACCESS_KEY_ID": ACCESS_KEY,
    "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
    "AWS_DEFAULT_REGION": REGION,
    "AWS_REGION": REGION,
    "AWS_CONFIG_FILE": str(_ISOLATION_DIR / "no-config"),
    "AWS_SHARED_CREDENTIALS_FILE": str(_ISOLATION_DIR / "no-credentials"),
    "AWS_EC2_METADATA_DISABLED": "true",
    "AWS_MAX_ATTEMPTS": "1",
    "AWS_PAGER": "",
}


def isolate_process_env() -> None:
    """Applies CLIENT_ENV to this process (for in-process boto3)."""
    for key in [k for k in os.environ if k.startswith("AWS_")]:
        del os.environ[key]
    os.environ.update(CLIENT_ENV)


def client_env(**overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("AWS_") and k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    env.update(CLIENT_ENV, PYTHONNOUSERSITE="1")
    env.update(overrides)
    return env


def nimbus_bin() -> Path:
    raw = Path(os.environ.get("NIMBUS_BIN", REPO / "build" / "nimbus"))
    if not raw.is_absolute() and not raw.exists():
        raw = REPO / raw
    return raw.resolve()


# --------------------------------------------------------------------------------------------
# The server process


@dataclass
class Server:
    """One nimbus process. Output goes to files in `workdir` so nothing can block on a pipe."""
    workdir: Path
    env: dict[str, str] = field(default_factory=dict)
    args: tuple[str, ...] = ("start",)
    proc: subprocess.Popen | None = None
    listeners: list[tuple[str, int]] = field(default_factory=list)

    @property
    def port(self) -> int:
        return self.listeners[0][1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def stdout_path(self) -> Path:
        return self.workdir / "stdout.log"

    @property
    def stderr_path(self) -> Path:
        return self.workdir / "stderr.log"

    def stdout(self) -> str:
        return self.stdout_path.read_text(errors="replace")

    def stderr(self) -> str:
        return self.stderr_path.read_text(errors="replace")

    def start(self) -> "Server":
        binary = nimbus_bin()
        assert binary.is_file(), f"nimbus binary not found at {binary} (set NIMBUS_BIN)"
        data_dir = self.workdir / "data"
        data_dir.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "GATEWAY_LISTEN": "127.0.0.1:0", "DATA_DIR": str(data_dir), **self.env}
        with open(self.stdout_path, "wb") as out, open(self.stderr_path, "wb") as err:
            self.proc = subprocess.Popen([str(binary), *self.args], env=env, stdout=out,
                                         stderr=err, stdin=subprocess.DEVNULL,
                                         start_new_session=True)
        self._wait_ready()
        return self

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + READY_TIMEOUT_S
        while time.monotonic() < deadline:
            lines = self.stdout().splitlines()
            if "Ready." in (line.strip() for line in lines):
                self.listeners = []
                for line in lines:
                    m = re.match(r"^Listening on (\S+):(\d+)\s*$", line)
                    if m:
                        self.listeners.append((m.group(1), int(m.group(2))))
                assert self.listeners, f"Ready. without a Listening on line:\n{self.stdout()}"
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.02)
        rc = self.proc.poll()
        self.kill()
        raise AssertionError(f"nimbus not ready within {READY_TIMEOUT_S}s (exit={rc})\n"
                             f"stdout:\n{self.stdout()}\nstderr:\n{self.stderr()}")

    def send_signal(self, sig: int) -> None:
        self.proc.send_signal(sig)

    def wait(self, timeout: float) -> int | None:
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 5) -> int | None:
        """Sends `sig` and returns the exit code, or None if it did not exit within `timeout`."""
        if self.proc.poll() is None:
            self.send_signal(sig)
        return self.wait(timeout)

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=5)


# --------------------------------------------------------------------------------------------
# Raw HTTP


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def json(self):
        return json.loads(self.body)

    def query_error(self) -> dict[str, str]:
        """The fields of a query-protocol `<ErrorResponse>` body."""
        root = ET.fromstring(self.body)
        assert root.tag.split("}")[-1] == "ErrorResponse", self.body
        out = {name: root.findtext(f"{{*}}Error/{{*}}{name}")
               for name in ("Type", "Code", "Message")}
        out["RequestId"] = root.findtext("{*}RequestId")
        return out

    def __repr__(self) -> str:
        return f"Response({self.status}, {dict(self.headers.items())}, {self.body[:500]!r})"


def sign(url: str, method: str, path: str, body: bytes, headers: dict[str, str], service: str,
         access_key: str = ACCESS_KEY, region: str = REGION) -> dict[str, str]:
    """Returns `headers` plus a SigV4 Authorization/X-Amz-Date for `service`, as a client would."""
    req = AWSRequest(method=method, url=url + path, data=body, headers=dict(headers))
    SigV4Auth(Credentials(access_key, SECRET_KEY), service, region).add_auth(req)
    return dict(req.headers.items())


def request(server: Server, method: str, path: str, body: bytes | str = b"",
            headers: dict[str, str] | None = None, service: str | None = None,
            port: int | None = None, timeout: float = 10) -> Response:
    """One request on a fresh connection; signed for `service` when given."""
    body = body.encode() if isinstance(body, str) else body
    port = port or server.port
    headers = dict(headers or {})
    if service:
        headers = sign(f"http://127.0.0.1:{port}", method, path, body, headers, service)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body if (body or method in ("POST", "PUT")) else None,
                     headers=headers)
        resp = conn.getresponse()
        return Response(resp.status, resp.headers, resp.read())
    finally:
        conn.close()


def form_headers() -> dict[str, str]:
    return {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}


def json_headers(target: str, version: str) -> dict[str, str]:
    return {"Content-Type": f"application/x-amz-json-{version}", "X-Amz-Target": target}


def raw_request_bytes(port: int, method: str, path: str, body: bytes = b"",
                      headers: dict[str, str] | None = None, service: str | None = None) -> bytes:
    """A complete HTTP/1.1 request as bytes (for raw-socket tests)."""
    headers = dict(headers or {})
    if service:
        headers = sign(f"http://127.0.0.1:{port}", method, path, body, headers, service)
    lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    if body or method == "POST":
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def read_response(f) -> Response:
    """Reads one response from a buffered socket file (Content-Length or chunked)."""
    status_line = f.readline(65537)
    if not status_line:
        raise EOFError("connection closed before a response")
    parts = status_line.decode("latin-1").split(" ", 2)
    assert parts[0].startswith("HTTP/1."), status_line
    headers = http.client.parse_headers(f)
    if headers.get("Transfer-Encoding", "").lower() == "chunked":
        body = b""
        while True:
            size = int(f.readline(1024).split(b";")[0], 16)
            chunk = f.read(size + 2)
            body += chunk[:size]
            if size == 0:
                while f.readline(1024) not in (b"\r\n", b"\n", b""):
                    pass
                break
    else:
        body = f.read(int(headers.get("Content-Length", "0")))
    return Response(int(parts[1]), headers, body)


def assert_request_id(resp: Response) -> str:
    rid = resp.headers.get("x-amzn-RequestId")
    assert rid is not None, f"missing x-amzn-RequestId: {resp!r}"
    assert UUID_RE.match(rid), f"x-amzn-RequestId is not a UUID: {rid!r}"
    return rid


# --------------------------------------------------------------------------------------------
# Real clients


def run(cmd: list[str], env: dict[str, str] | None = None, timeout: float = CLIENT_TIMEOUT_S,
        cwd: Path | None = None) -> subprocess.CompletedProcess:
    assert Path(cmd[0]).is_file(), f"client missing: {cmd[0]}"
    return subprocess.run(cmd, env=env or client_env(), capture_output=True, text=True,
                          timeout=timeout, cwd=cwd)


def _cli(exe: Path, server: Server, args: list[str], env: dict[str, str] | None):
    proc = run([str(exe), "--endpoint-url", server.url, "--output", "json", *args], env=env)
    assert proc.returncode == 0, f"{exe} {args} -> {proc.returncode}\n{proc.stderr}"
    return json.loads(proc.stdout) if proc.stdout.strip() else None


def cli_v1(server: Server, *args: str, env: dict[str, str] | None = None):
    return _cli(CLI_V1, server, list(args), env)


def cli_v2(server: Server, *args: str, env: dict[str, str] | None = None):
    return _cli(CLI_V2, server, list(args), env)


def boto3_client(server: Server, service: str, access_key: str = ACCESS_KEY,
                 validate: bool = True):
    """A client from the venv's boto3 (SQS over JSON). `validate=False` lets a call omit
    required members so the server's own validation answers."""
    return boto3.session.Session(
        aws_access_key_id=access_key, aws_secret_access_key=SECRET_KEY, region_name=REGION,
    ).client(service, endpoint_url=server.url, config=Config(
        parameter_validation=validate, retries={"total_max_attempts": 1},
        connect_timeout=5, read_timeout=15))


def debian_boto3(server: Server, service: str, operation: str, params: dict | None = None,
                 env: dict[str, str] | None = None) -> dict:
    """Calls `operation` (snake_case) with Debian's boto3 under /usr/bin/python3."""
    proc = run([str(SYSTEM_PYTHON), str(DEBIAN_BOTO3_SCRIPT), server.url, service, operation,
                json.dumps(params or {})], env=env)
    assert proc.returncode == 0, f"debian boto3 failed:\n{proc.stdout}\n{proc.stderr}"
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["boto3"].startswith("1.26."), f"not Debian's boto3: {out['boto3']}"
    return out


def node(script: str, *args: str, env: dict[str, str] | None = None) -> dict:
    """Runs tests/js/<script> with node and returns its JSON line."""
    assert (JS_DIR / "node_modules").is_dir(), "run `npm ci` in tests/js (scripts/setup.sh --tests)"
    exe = shutil.which("node") or "/usr/bin/node"
    proc = run([exe, str(JS_DIR / script), *args], env=env, cwd=JS_DIR)
    assert proc.returncode == 0, f"node {script} failed:\n{proc.stdout}\n{proc.stderr}"
    return json.loads(proc.stdout.strip().splitlines()[-1])
