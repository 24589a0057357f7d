"""The runtime image's root filesystem, built without Docker (compose/rootfs/build-local.sh:
Debian's packages fetched by apt and unpacked with dpkg -x, then compose/rootfs/assemble.sh, as
the Dockerfile's rootfs stage does) and run the way the image runs: nimbus as uid 1000 in a
chroot of that tree, driven from outside by boto3 and the AWS CLI.

    NIMBUS_BIN=build/nimbus .venv/bin/python -m pytest -q tests/image      (as root)
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO / "tests" / "integration"))

import nimbus_support as ns  # noqa: E402

BUILD_LOCAL = REPO / "compose" / "rootfs" / "build-local.sh"
CHROOT_RUN = HERE / "chroot_run.sh"
# AWS CLI v1 from the repo's venv, mounted where compose/awslocal looks for one.
AWS_CLI_PACKAGES = next((REPO / ".venv" / "lib").glob("python3*/site-packages"))
LIMIT_BYTES = 150_000_000  # 150 MB as Docker counts: 10^6 bytes


def pytest_configure(config):
    ns.isolate_process_env()


@dataclass
class Rootfs:
    path: Path
    apparent_bytes: int  # du --apparent-size
    tar_bytes: int       # the uncompressed layer tarball


@pytest.fixture(scope="session")
def rootfs(tmp_path_factory) -> Rootfs:
    assert os.geteuid() == 0, "building and chrooting into the image's rootfs needs root"
    binary = ns.nimbus_bin()
    assert binary.is_file(), f"nimbus binary not found at {binary} (set NIMBUS_BIN)"
    path = tmp_path_factory.mktemp("image") / "rootfs"
    proc = subprocess.run([str(BUILD_LOCAL), str(path), str(binary)], capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    du = subprocess.run(["du", "-s", "--apparent-size", "--block-size=1", str(path)],
                        capture_output=True, text=True, check=True)
    tar = subprocess.Popen(["tar", "-C", str(path), "-c", "."], stdout=subprocess.PIPE)
    tar_bytes = 0
    while chunk := tar.stdout.read(1 << 20):
        tar_bytes += len(chunk)
    assert tar.wait() == 0
    sizes = Rootfs(path, int(du.stdout.split()[0]), tar_bytes)
    print(f"\nimage rootfs: {sizes.apparent_bytes} bytes apparent, {sizes.tar_bytes} bytes as tar")
    return sizes


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


IMAGE_ENV = {  # the Dockerfile's ENV, with a free loopback port and DATA_DIR in the chroot's /tmp
    "PATH": "/usr/local/bin:/usr/bin:/bin",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_ACCESS_KEY_ID": "test",
    "AWS_SECRET_ACCESS_KEY": "test",
    "HOME": "/var/lib/nimbus",
}


def chroot_command(root: Path, env: dict[str, str], *argv: str,
                   binds: dict[Path, str] | None = None) -> list[str]:
    """`binds` (host dir → image dir, read-only) are the container's volumes; AWS CLI v1 is
    always mounted at /opt/aws-cli for awslocal."""
    mounts = {AWS_CLI_PACKAGES: "/opt/aws-cli", **(binds or {})}
    flags = [a for host, inside in mounts.items() for a in ("--bind", f"{host}:{inside}")]
    return ["unshare", "--mount", "--propagation", "private", str(CHROOT_RUN), str(root), *flags,
            "--", *(f"{k}={v}" for k, v in {**IMAGE_ENV, **env}.items()), *argv]


def run_in_image(root: Path, *argv: str, env: dict[str, str] | None = None,
                 timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(chroot_command(root, env or {}, *argv), capture_output=True,
                          text=True, timeout=timeout, stdin=subprocess.DEVNULL)


@dataclass
class ImageServer:
    root: Path
    port: int
    proc: subprocess.Popen
    logdir: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stdout(self) -> str:
        return (self.logdir / "stdout.log").read_text(errors="replace")

    def stderr(self) -> str:
        return (self.logdir / "stderr.log").read_text(errors="replace")

    def stop(self) -> int | None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        return self.proc.returncode


READY_SCRIPT = """#!/bin/bash
# A LocalStack-style ready hook: awslocal against the server that runs it.
set -euo pipefail
awslocal sqs create-queue --queue-name image-init-queue >/dev/null
awslocal sqs list-queues --output text | grep -q image-init-queue
echo "ready hook: $(id -u) $(basename "$0")" >&2
"""


def start_image_server(root: Path, logdir: Path, env: dict[str, str] | None = None,
                       binds: dict[Path, str] | None = None,
                       port: int | None = None) -> ImageServer:
    """`nimbus start` in the image as its ENTRYPOINT runs it, on a free loopback port."""
    port = port or free_port()
    env = {"GATEWAY_LISTEN": f"127.0.0.1:{port}", "DATA_DIR": "/tmp/nimbus-data", **(env or {})}
    with open(logdir / "stdout.log", "wb") as out, open(logdir / "stderr.log", "wb") as err:
        proc = subprocess.Popen(chroot_command(root, env, "/usr/local/bin/nimbus", "start",
                                               binds=binds),
                                stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                start_new_session=True)
    server = ImageServer(root, port, proc, logdir)
    deadline = time.monotonic() + 30
    while "Ready." not in server.stdout():
        if proc.poll() is not None or time.monotonic() > deadline:
            server.stop()
            raise AssertionError(f"nimbus not ready ({proc.returncode}): {server.stderr()}")
        time.sleep(0.05)
    return server


@pytest.fixture(scope="module")
def image_server(rootfs, tmp_path_factory):
    root = rootfs.path
    hook = root / "etc" / "localstack" / "init" / "ready.d" / "10-awslocal.sh"
    hook.write_text(READY_SCRIPT)
    hook.chmod(0o755)
    server = start_image_server(root, tmp_path_factory.mktemp("image-server"))
    yield server
    server.stop()
    hook.unlink()
