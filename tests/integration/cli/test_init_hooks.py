"""Init hooks: executable *.sh and *.py in <root>/{boot,start,ready,shutdown}.d run at those
moments with AWS_ENDPOINT_URL set; their status is at /_localstack/init and /_nimbus/init."""
from __future__ import annotations

import json
import os
import signal
import stat
import time
from pathlib import Path

import boto3

import nimbus_support as ns


def _script(path: Path, text: str, executable: bool = True) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    if executable:
        path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


def _raw_get(server, path):
    import http.client
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    conn.request("GET", path)
    res = conn.getresponse()
    return res.status, res.read()


def _wait_completed(server, stage: str, timeout: float = 20) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        status, body = _raw_get(server, f"/_localstack/init/{stage}")
        assert status == 200, body
        doc = json.loads(body)
        if doc["completed"] or time.monotonic() > deadline:
            return doc
        time.sleep(0.05)


def test_stages_run_in_order_with_endpoint_and_status(start_nimbus, tmp_path):
    log = tmp_path / "order.log"
    root = tmp_path / "init"
    nimbus_root = tmp_path / "nimbus-init"
    append = f'echo "$0 $AWS_ENDPOINT_URL $AWS_DEFAULT_REGION $AWS_ACCESS_KEY_ID" >> {log}\n'
    _script(root / "boot.d" / "10-boot.sh", "#!/bin/sh\n" + append)
    _script(root / "start.d" / "b.sh", "#!/bin/sh\n" + append)
    _script(root / "start.d" / "a.sh", "#!/bin/sh\n" + append)
    # Subfolders after the folder's own scripts, depth first, in name order.
    _script(root / "start.d" / "sub" / "c.sh", "#!/bin/sh\n" + append)
    _script(root / "start.d" / "z-last.sh", "#!/bin/sh\n" + append)
    # A failing script is recorded; the next one still runs.
    _script(root / "ready.d" / "01-fails.sh", "#!/bin/sh\necho failing >&2\nexit 3\n")
    # LocalStack's usual hook: awslocal (it reads AWS_ENDPOINT_URL), and the CLI v2 told so.
    awslocal = ns.REPO / ".venv" / "bin" / "awslocal"
    _script(root / "ready.d" / "02-cli.sh",
            "#!/bin/sh\nset -e\nexport DISABLE_DEPRECATION_NOTICE=1\n" + append +
            f"{awslocal} sqs create-queue --queue-name from-ready-hook >/dev/null\n"
            '/usr/bin/aws --endpoint-url "$AWS_ENDPOINT_URL" sqs create-queue '
            "--queue-name from-cli-v2-hook >/dev/null\n"
            "echo 'this goes to stderr, not the Ready protocol'\n")
    # A .py hook runs with python3 (no exec bit needed) and sees the same variables.
    _script(root / "ready.d" / "03-boto.py",
            "import os, boto3\n"
            f"open({str(log)!r}, 'a').write('py ' + os.environ['AWS_ENDPOINT_URL'] + '\\n')\n"
            "sqs = boto3.client('sqs', endpoint_url=os.environ['AWS_ENDPOINT_URL'])\n"
            "sqs.create_queue(QueueName='from-python-hook')\n", executable=False)
    # Files that are not scripts are not run.
    _script(root / "ready.d" / "notes.txt", "#!/bin/sh\nexit 1\n")
    _script(nimbus_root / "ready.d" / "04-nimbus.sh", "#!/bin/sh\n" + append)
    _script(root / "shutdown.d" / "bye.sh", f"#!/bin/sh\necho shutdown >> {log}\n")

    server = start_nimbus(NIMBUS_INIT_DIR=f"{root}:{nimbus_root}", PATH=os.environ["PATH"],
                          AWS_ACCESS_KEY_ID="", AWS_DEFAULT_REGION="")
    ready = _wait_completed(server, "ready")
    assert ready == {"completed": True, "scripts": [
        {"stage": "READY", "name": "01-fails.sh", "state": "ERROR"},
        {"stage": "READY", "name": "02-cli.sh", "state": "SUCCESSFUL"},
        {"stage": "READY", "name": "03-boto.py", "state": "SUCCESSFUL"},
        {"stage": "READY", "name": "04-nimbus.sh", "state": "SUCCESSFUL"}]}
    for prefix in ("/_localstack/init", "/_nimbus/init", "/_nimbus/init/"):
        status, body = _raw_get(server, prefix)
        assert status == 200
        doc = json.loads(body)
        assert doc["completed"] == {"BOOT": True, "START": True, "READY": True,
                                    "SHUTDOWN": False}
        assert [(s["stage"], s["name"], s["state"]) for s in doc["scripts"]] == [
            ("BOOT", "10-boot.sh", "SUCCESSFUL"),
            ("START", "a.sh", "SUCCESSFUL"), ("START", "b.sh", "SUCCESSFUL"),
            ("START", "z-last.sh", "SUCCESSFUL"), ("START", "c.sh", "SUCCESSFUL"),
            ("READY", "01-fails.sh", "ERROR"), ("READY", "02-cli.sh", "SUCCESSFUL"),
            ("READY", "03-boto.py", "SUCCESSFUL"), ("READY", "04-nimbus.sh", "SUCCESSFUL"),
            ("SHUTDOWN", "bye.sh", "UNKNOWN")]
    status, body = _raw_get(server, "/_nimbus/init/start")
    assert status == 200 and json.loads(body)["completed"] is True
    status, _ = _raw_get(server, "/_localstack/init/nonsense")
    assert status == 404

    lines = log.read_text().splitlines()
    endpoint = server.url
    names = [line.split()[0].rsplit("/", 1)[-1] for line in lines]
    assert names == ["10-boot.sh", "a.sh", "b.sh", "z-last.sh", "c.sh", "02-cli.sh", "py",
                     "04-nimbus.sh"], lines
    for line in lines:
        if line.startswith("py "):
            assert line == f"py {endpoint}"
        else:
            assert line.split()[1:] == [endpoint, "us-east-1", "test"], line

    sqs = boto3.client("sqs", endpoint_url=server.url)
    urls = sqs.list_queues()["QueueUrls"]
    assert any(u.endswith("/from-ready-hook") for u in urls)
    assert any(u.endswith("/from-python-hook") for u in urls)
    assert any(u.endswith("/from-cli-v2-hook") for u in urls)
    # Hook output never reaches stdout, where "Ready." is announced.
    assert "this goes to stderr" not in server.stdout()
    assert "this goes to stderr" in server.stderr()

    assert server.stop(signal.SIGTERM, timeout=10) == 0
    assert log.read_text().splitlines()[-1] == "shutdown"


def test_ready_is_announced_after_start_hooks(start_nimbus, tmp_path):
    root = tmp_path / "init"
    marker = tmp_path / "start-done"
    _script(root / "start.d" / "slow.sh", f"#!/bin/sh\nsleep 0.5\ntouch {marker}\n")
    started = time.monotonic()
    server = start_nimbus(NIMBUS_INIT_DIR=str(root))
    assert marker.exists(), "Ready. came before the START hooks finished"
    assert time.monotonic() - started >= 0.5
    status, body = _raw_get(server, "/_localstack/init/start")
    assert json.loads(body) == {"completed": True, "scripts": [
        {"stage": "START", "name": "slow.sh", "state": "SUCCESSFUL"}]}


def test_no_hooks_and_non_executable_shell_script(start_nimbus, tmp_path):
    server = start_nimbus(NIMBUS_INIT_DIR=str(tmp_path / "nothing-here"))
    status, body = _raw_get(server, "/_localstack/init")
    assert status == 200
    assert json.loads(body) == {"completed": {"BOOT": True, "START": True, "READY": True,
                                              "SHUTDOWN": False}, "scripts": []}
    root = tmp_path / "init"
    _script(root / "ready.d" / "plain.sh", "#!/bin/sh\nexit 0\n", executable=False)
    server = start_nimbus(NIMBUS_INIT_DIR=str(root))
    doc = _wait_completed(server, "ready")
    assert doc["scripts"] == [{"stage": "READY", "name": "plain.sh", "state": "ERROR"}]


def test_stop_during_start_hooks(tmp_path):
    """SIGTERM while START hooks run: no "Ready.", no READY hooks, SHUTDOWN hooks run, exit 0."""
    import subprocess
    root = tmp_path / "init"
    ready_marker = tmp_path / "ready-ran"
    bye = tmp_path / "bye"
    slow_done = tmp_path / "slow-finished"
    _script(root / "start.d" / "slow.sh", f"#!/bin/sh\nsleep 2\ntouch {slow_done}\n")
    _script(root / "ready.d" / "r.sh", f"#!/bin/sh\ntouch {ready_marker}\n")
    _script(root / "shutdown.d" / "s.sh", f"#!/bin/sh\ntouch {bye}\n")
    env = {**os.environ, "GATEWAY_LISTEN": "127.0.0.1:0", "DATA_DIR": str(tmp_path / "d"),
           "NIMBUS_INIT_DIR": str(root)}
    proc = subprocess.Popen([str(ns.nimbus_bin()), "start"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    time.sleep(0.3)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=15)
    assert proc.returncode == 0, err
    assert "Ready." not in out
    assert bye.exists() and not ready_marker.exists()
    # The START script still running was ended with the server.
    time.sleep(2.5)
    assert not slow_done.exists()
