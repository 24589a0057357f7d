"""Fixtures for the integration suites: the built binary on an ephemeral port.

    NIMBUS_BIN=build/nimbus .venv/bin/python -m pytest -q tests/integration
"""
import signal
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # suites in subfolders import helpers

import nimbus_support as ns  # noqa: E402


def pytest_configure(config):
    ns.isolate_process_env()


@pytest.fixture(scope="session")
def nimbus(tmp_path_factory):
    """The shared server: `.url`, `.port`. Stopped with SIGTERM at the end; must exit 0."""
    server = ns.Server(tmp_path_factory.mktemp("nimbus")).start()
    try:
        yield server
    finally:
        rc = server.stop(signal.SIGTERM, timeout=5)
        server.kill()
        assert rc == 0, f"nimbus exit code {rc} after SIGTERM\nstderr:\n{server.stderr()[-4000:]}"


@pytest.fixture
def start_nimbus(tmp_path):
    """Factory for private servers: `start_nimbus(NIMBUS_IDLE_TIMEOUT_MS="300")`.
    Keyword arguments are extra environment; `args=` overrides the command-line arguments."""
    servers = []

    def start(args=("start",), **env):
        server = ns.Server(tmp_path / f"nimbus{len(servers)}", env=dict(env), args=tuple(args))
        servers.append(server)
        return server.start()

    yield start
    for server in servers:
        if server.proc and server.proc.poll() is None:
            server.stop(signal.SIGTERM, timeout=5)
        server.kill()
