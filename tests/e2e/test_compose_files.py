"""The compose files and the image definition, checked without a Docker engine: `docker
compose config` (or Debian's docker-compose) parses and validates each stack where a compose
client is installed; the Dockerfile's runtime contract is read from the file."""
from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from conftest import EXAMPLES, REPO

STACKS = sorted(p.parent for p in EXAMPLES.glob("*/docker-compose.yml"))


def _compose_command() -> list[str] | None:
    docker = shutil.which("docker")
    if docker and subprocess.run([docker, "compose", "version"], capture_output=True).returncode == 0:
        return [docker, "compose"]
    legacy = shutil.which("docker-compose")
    return [legacy] if legacy else None


def test_every_stack_has_a_readme_and_config():
    assert {p.name for p in STACKS} == {"functional-test", "inbox-outbox"}
    for stack in STACKS:
        readme = (stack / "README.md").read_text()
        assert "docker compose up" in readme and "## Run it" in readme
        assert (stack / "nimbus.yaml").is_file()


@pytest.mark.parametrize("stack", STACKS, ids=lambda p: p.name)
def test_compose_config_validates(stack):
    compose = _compose_command()
    if compose is None:
        pytest.skip("no docker compose client on this machine")
    proc = subprocess.run([*compose, "-f", str(stack / "docker-compose.yml"), "config"],
                          capture_output=True, text=True, cwd=stack, timeout=60,
                          env={"PATH": "/usr/bin:/bin:/usr/local/bin", "HOME": str(stack)})
    assert proc.returncode == 0, proc.stderr
    rendered = proc.stdout
    # The Nimbus service: built from compose/Dockerfile, on 4566, configured by NIMBUS_CONFIG.
    assert "compose/Dockerfile" in rendered
    assert re.search(r"\b4566\b", rendered)
    assert "NIMBUS_CONFIG: /stack/nimbus.yaml" in rendered


def test_dockerfile_runtime_contract():
    text = (REPO / "compose" / "Dockerfile").read_text()
    stages = re.findall(r"^FROM (\S+)", text, re.M)
    # build → rootfs (compose/rootfs/assemble.sh) → one layer on scratch (tests/image builds it)
    assert stages == ["debian:bookworm-slim", "debian:bookworm-slim", "scratch"]
    runtime = text[text.rindex("\nFROM "):]
    assert re.search(r"^COPY --from=rootfs /rootfs /$", runtime, re.M)
    assert re.search(r"^EXPOSE 4566$", runtime, re.M)
    assert re.search(r"^HEALTHCHECK .*\n.*/_localstack/health", runtime, re.M)
    assert re.search(r"^USER 1000:1000$", runtime, re.M)  # not root
    assert re.search(r"^VOLUME /var/lib/nimbus$", runtime, re.M)
    assert "DATA_DIR=/var/lib/nimbus" in runtime
    assert "nimbus:x:$uid:$uid:" in (REPO / "compose" / "rootfs" / "assemble.sh").read_text()
    packages = (REPO / "compose" / "rootfs" / "packages.txt").read_text().split()
    for package in ("python3", "nodejs", "curl"):
        assert package in packages
    # The awslocal shim the image ships is executable.
    assert (REPO / "compose" / "awslocal").stat().st_mode & 0o111


def test_dockerfile_lints_clean():
    hadolint = REPO / ".venv" / "bin" / "hadolint"
    assert hadolint.is_file(), "hadolint missing: run scripts/setup.sh --tests"
    proc = subprocess.run([str(hadolint), str(REPO / "compose" / "Dockerfile")],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_healthcheck_command_against_a_server(start_nimbus, tmp_path):
    """The image's HEALTHCHECK command, run as Docker would (port aside): healthy once nimbus
    serves and its init stages are complete, unhealthy once it is gone."""
    text = (REPO / "compose" / "Dockerfile").read_text()
    cmd = json.loads(re.search(r"HEALTHCHECK[^\n]*\n\s*CMD (\[.*\])", text).group(1))
    server = start_nimbus()
    probe = [*cmd[:-1], cmd[-1].replace("4566", str(server.port))]
    assert subprocess.run(probe, capture_output=True, timeout=10).returncode == 0
    server.stop()
    assert subprocess.run(probe, capture_output=True, timeout=10).returncode != 0
