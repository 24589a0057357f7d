"""The compose example stacks (compose/examples/*) run against one `nimbus` process, with their
other services (an HTTP subscriber, redis-server) as local processes: no Docker engine needed.

    NIMBUS_BIN=build/nimbus .venv/bin/python -m pytest -q tests/e2e
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "integration"))

import nimbus_support as ns  # noqa: E402

EXAMPLES = REPO / "compose" / "examples"


def pytest_configure(config):
    ns.isolate_process_env()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, proc: subprocess.Popen, what: str, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"{what} exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), 0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"{what} did not listen on {port} within {timeout}s")


class Processes:
    """Helper processes of one test, stopped (by pid) at the end."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.procs: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, cmd: list[str], env: dict | None = None) -> subprocess.Popen:
        log = open(self.workdir / f"{name}.log", "wb")
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, env={**os.environ, **(env or {})},
                                start_new_session=True)
        self.procs.append((name, proc))
        return proc

    def log(self, name: str) -> str:
        return (self.workdir / f"{name}.log").read_text(errors="replace")

    def stop_all(self) -> None:
        for _, proc in reversed(self.procs):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(timeout=5)


@pytest.fixture
def processes(tmp_path):
    p = Processes(tmp_path)
    yield p
    p.stop_all()


@pytest.fixture
def redis_server(processes):
    """A private redis-server (the stack's Redis) on a free port; its URL."""
    exe = shutil.which("redis-server")
    assert exe, "redis-server missing: run scripts/setup.sh --tests"
    port = free_port()
    proc = processes.start("redis", [exe, "--port", str(port), "--bind", "127.0.0.1",
                                     "--save", "", "--appendonly", "no"])
    wait_port(port, proc, "redis-server")
    return f"redis://127.0.0.1:{port}/0"


@pytest.fixture
def start_nimbus(tmp_path):
    servers = []

    def start(**env):
        server = ns.Server(tmp_path / f"nimbus{len(servers)}", env=dict(env))
        servers.append(server)
        return server.start()

    yield start
    for server in servers:
        if server.proc and server.proc.poll() is None:
            rc = server.stop(signal.SIGTERM, timeout=10)
            server.kill()
            assert rc == 0, f"nimbus exit code {rc}\n{server.stderr()[-3000:]}"
