"""Helpers for the CloudWatch Logs suite: names, event puts, paging loops, AWS error assertions,
and `aws logs tail --follow` run on a pseudo-terminal (as a user runs it) and read as it prints.
"""
from __future__ import annotations

import contextlib
import io
import json
import os
import pty
import select
import subprocess
import time
import uuid
import zipfile

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

import nimbus_support as ns

ACCOUNT = "000000000000"
REGION = ns.REGION
ROLE = f"arn:aws:iam::{ACCOUNT}:role/lambda-role"


def name(prefix: str = "g") -> str:
    return f"/nimbus-test/{prefix}-{uuid.uuid4().hex[:10]}"


def now_ms() -> int:
    return int(time.time() * 1000)


@contextlib.contextmanager
def aws_error(code: str, message: str | None = None):
    """Asserts the block raises a botocore ClientError with `code` (and `message` if given)."""
    with pytest.raises(ClientError) as info:
        yield info
    err = info.value.response["Error"]
    assert err["Code"] == code, info.value.response
    if message is not None:
        assert err["Message"] == message, info.value.response
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def put(logs, group: str, stream: str, messages: list[str], ts: int | None = None,
        step: int = 0) -> dict:
    ts = now_ms() if ts is None else ts
    events = [{"timestamp": ts + i * step, "message": m} for i, m in enumerate(messages)]
    return logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=events)


def get_all_forward(logs, group: str, stream: str, limit: int = 10) -> tuple[list[dict], int]:
    """Pages GetLogEvents from the head until the forward token repeats (AWS's end marker).
    Returns the events and the number of calls."""
    events, token, calls = [], None, 0
    while calls < 1000:
        kwargs = dict(logGroupName=group, logStreamName=stream, startFromHead=True, limit=limit)
        if token:
            kwargs["nextToken"] = token
        page = logs.get_log_events(**kwargs)
        calls += 1
        events += page["events"]
        if page["nextForwardToken"] == token:
            assert page["events"] == []
            return events, calls
        token = page["nextForwardToken"]
    raise AssertionError("GetLogEvents paging never ended")


# ------------------------------------------------------------------------------------------------
# aws logs tail --follow


class Tail:
    """`aws logs tail GROUP --follow` (CLI v2) on a pseudo-terminal, so its output is written as
    it would be for a user; `wait_for` reads it incrementally."""

    def __init__(self, server: ns.Server, group: str, *args: str, stderr_path):
        master, slave = pty.openpty()
        self._fd = master
        self._buf = b""
        self.stderr_path = stderr_path
        cmd = [str(ns.CLI_V2), "--endpoint-url", server.url, "--color", "off", "logs", "tail",
               group, "--follow", *args]
        with open(stderr_path, "wb") as err:
            self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=slave, stderr=err,
                                         env=ns.client_env(), start_new_session=True)
        os.close(slave)
        self.started = time.monotonic()

    def _read(self, timeout: float) -> None:
        ready, _, _ = select.select([self._fd], [], [], timeout)
        if ready:
            try:
                chunk = os.read(self._fd, 65536)
            except OSError:  # EIO once the CLI exits
                chunk = b""
            if not chunk and self.proc.poll() is not None:
                raise AssertionError(f"aws logs tail exited with {self.proc.returncode}: "
                                     f"{self.stderr()}\noutput so far:\n{self.text()}")
            self._buf += chunk

    def wait_for(self, needle: str, timeout: float) -> float:
        """Reads until `needle` is in the output; returns the monotonic time it was seen."""
        deadline = time.monotonic() + timeout
        while needle.encode() not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"{needle!r} not shown by aws logs tail within {timeout}s;"
                                     f" output:\n{self.text()}\nstderr:\n{self.stderr()}")
            self._read(min(left, 0.2))
        return time.monotonic()

    def drain(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            self._read(min(left, 0.2))

    def text(self) -> str:
        return self._buf.decode(errors="replace").replace("\r\n", "\n")

    def lines(self) -> list[str]:
        return [line for line in self.text().split("\n") if line]

    def stderr(self) -> str:
        return self.stderr_path.read_text(errors="replace")

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        os.close(self._fd)


# ------------------------------------------------------------------------------------------------
# Lambda


def lambda_client(server: ns.Server):
    """A Lambda client that waits long enough for slow invocations."""
    return boto3.session.Session(
        aws_access_key_id=ns.ACCESS_KEY, aws_secret_access_key=ns.SECRET_KEY, region_name=REGION,
    ).client("lambda", endpoint_url=server.url, config=Config(
        retries={"total_max_attempts": 1}, connect_timeout=5, read_timeout=60))


def json_payload(event: dict) -> bytes:
    return json.dumps(event).encode()


def make_zip(files: dict[str, str | bytes | tuple[bytes, int]]) -> bytes:
    """A zip of `files`; a (bytes, mode) value keeps a Unix mode (e.g. 0o755 for binaries)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for path, content in files.items():
            mode = 0o644
            if isinstance(content, tuple):
                content, mode = content
            info = zipfile.ZipInfo(path, date_time=(2024, 1, 1, 0, 0, 0))
            info.external_attr = (0o100000 | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, content)
    return buf.getvalue()


def create_function(lam, fn: str, zip_bytes: bytes, handler: str = "app.handler",
                    timeout: int = 30, **kwargs) -> dict:
    out = lam.create_function(FunctionName=fn, Runtime="python3.12", Role=ROLE, Handler=handler,
                              Code={"ZipFile": zip_bytes}, Timeout=timeout, **kwargs)
    lam.get_waiter("function_active_v2").wait(FunctionName=fn,
                                              WaiterConfig={"Delay": 0.1, "MaxAttempts": 100})
    return out
