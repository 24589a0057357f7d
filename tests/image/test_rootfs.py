"""The runtime image (compose/Dockerfile: FROM scratch + the rootfs assemble.sh builds), checked
without a Docker engine: its size, its files, and nimbus serving from it with the Lambda
runtimes the image's interpreters serve (python3.x → python3.11, nodejs*.x → node 18)."""
from __future__ import annotations

import base64
import http.server
import io
import json
import os
import re
import subprocess
import threading
import time
import zipfile

import pytest

import nimbus_support as ns
from conftest import LIMIT_BYTES, REPO, run_in_image

ROLE = "arn:aws:iam::000000000000:role/lambda-role"
MULTIARCH = "usr/lib/x86_64-linux-gnu"


def zip_of(files: dict[str, str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            z.writestr(name, text)
    return buf.getvalue()


def create_function(lam, name: str, runtime: str, handler: str, files: dict[str, str]) -> None:
    lam.create_function(FunctionName=name, Runtime=runtime, Role=ROLE, Handler=handler,
                        Code={"ZipFile": zip_of(files)}, Timeout=30)
    lam.get_waiter("function_active_v2").wait(FunctionName=name,
                                              WaiterConfig={"Delay": 1, "MaxAttempts": 20})


def invoke(lam, name: str, payload: dict) -> dict:
    out = lam.invoke(FunctionName=name, Payload=json.dumps(payload).encode(), LogType="Tail")
    body = out["Payload"].read().decode()
    assert "FunctionError" not in out, body + base64.b64decode(out.get("LogResult", "")).decode()
    return json.loads(body)


# --- the tree itself -------------------------------------------------------------------------

def test_size_is_at_most_150_mb(rootfs):
    assert rootfs.apparent_bytes <= LIMIT_BYTES, rootfs.apparent_bytes
    assert rootfs.tar_bytes <= LIMIT_BYTES, rootfs.tar_bytes


def test_the_dockerfile_builds_this_tree():
    """The image is this rootfs as one layer: the runtime stage is scratch plus one COPY of the
    rootfs stage, which installs packages.txt and runs assemble.sh, as build-local.sh does."""
    text = (REPO / "compose" / "Dockerfile").read_text()
    stages = re.findall(r"^FROM (\S+)(?: AS (\S+))?$", text, re.M)
    assert stages == [("debian:bookworm-slim", "build"), ("debian:bookworm-slim", "rootfs"),
                      ("scratch", "")]
    rootfs_stage = text[text.index("AS rootfs"):text.rindex("\nFROM ")]
    assert "xargs -a /tmp/rootfs/packages.txt apt-get install" in rootfs_stage
    assert "COPY --from=build /build/nimbus /usr/local/bin/nimbus" in rootfs_stage
    assert "/tmp/rootfs/assemble.sh / /rootfs" in rootfs_stage
    runtime = text[text.rindex("\nFROM "):]
    layers = re.findall(r"^(RUN|COPY|ADD)\b.*$", runtime, re.M)
    assert layers == ["COPY"], layers
    assert re.search(r"^COPY --from=rootfs /rootfs /$", runtime, re.M)
    assert "PATH=/usr/local/bin:/usr/bin:/bin" in runtime
    assert re.search(r'^ENTRYPOINT \["nimbus"\]$', runtime, re.M)


def test_layout_and_users(rootfs):
    root = rootfs.path
    for link, target in {"bin": "usr/bin", "lib": "usr/lib", "lib64": "usr/lib64",
                         "sbin": "usr/sbin"}.items():
        assert os.readlink(root / link) == target
    assert os.readlink(root / "usr/bin/sh") == "dash"
    for tool in ("usr/local/bin/nimbus", "usr/local/bin/awslocal", "usr/bin/python3.11",
                 "usr/bin/node", "usr/bin/bash", "usr/bin/busybox", "usr/bin/curl"):
        assert os.access(root / tool, os.X_OK), tool
    passwd = (root / "etc/passwd").read_text()
    assert re.search(r"^nimbus:x:1000:1000:", passwd, re.M)
    state = (root / "var/lib/nimbus").stat()
    assert (state.st_uid, state.st_gid) == (1000, 1000)
    assert (root / "tmp").stat().st_mode & 0o7777 == 0o1777
    for stage in ("boot", "start", "ready", "shutdown"):
        assert (root / "etc/localstack/init" / f"{stage}.d").is_dir()
        assert (root / "etc/nimbus/init" / f"{stage}.d").is_dir()
    bundle = (root / "etc/ssl/certs/ca-certificates.crt").read_text()
    assert bundle.count("BEGIN CERTIFICATE") > 100
    assert os.readlink(root / "usr/lib/ssl/cert.pem") == "/etc/ssl/certs/ca-certificates.crt"
    # The stdlib is a zip of sources and compiled code, without what a Lambda handler never
    # imports; the stdlib dir keeps extension modules and python's landmark.
    pylib = root / "usr/lib/python3.11"
    assert sorted(p.name for p in pylib.iterdir()) == ["lib-dynload", "logging", "os.py",
                                                       "sitecustomize.py"]
    assert sorted(p.name for p in (pylib / "logging/__pycache__").iterdir()) == [
        "__init__.cpython-311.pyc", "config.cpython-311.pyc", "handlers.cpython-311.pyc"]
    with zipfile.ZipFile(root / "usr/lib/python311.zip") as z:
        names = set(z.namelist())
    sources = {n for n in names if n.endswith(".py")}
    assert sources and {n + "c" for n in sources} <= names
    for pruned in ("test", "idlelib", "tkinter", "ensurepip", "lib2to3", "pydoc_data",
                   "turtledemo", "curses"):
        assert not any(n.startswith(pruned + "/") for n in names), pruned
    for kept in ("json", "urllib", "http", "email", "importlib", "zoneinfo",
                 "asyncio", "xml", "sqlite3", "unittest", "concurrent"):
        assert f"{kept}/__init__.pyc" in names, kept
    assert not [n for n in names if "__pycache__" in n or n.startswith("logging/")]


def test_every_elf_resolves_inside_the_image(rootfs):
    """Each binary and library's needs resolve to files of the image (its loader, its library
    dir), and nimbus itself needs only libc and libm."""
    root = rootfs.path
    loader = root / MULTIARCH / "ld-linux-x86-64.so.2"
    elves = []
    for dirpath, _, names in os.walk(root):
        for n in names:
            p = os.path.join(dirpath, n)
            if os.path.islink(p) or not os.path.isfile(p):
                continue
            with open(p, "rb") as f:
                if f.read(4) == b"\x7fELF":
                    elves.append(p)
    assert len(elves) > 60
    for elf in elves:
        if elf.endswith("ld-linux-x86-64.so.2"):
            continue
        out = subprocess.run([str(loader), "--library-path", str(root / MULTIARCH), "--list",
                              elf], capture_output=True, text=True, timeout=30)
        assert out.returncode == 0, (elf, out.stderr)
        for lib in re.findall(r"=> (\S+)", out.stdout):
            assert lib.startswith(str(root) + "/"), (elf, lib)
    nimbus = subprocess.run([str(loader), "--library-path", str(root / MULTIARCH), "--list",
                             str(root / "usr/local/bin/nimbus")], capture_output=True, text=True)
    assert sorted(re.findall(r"^\s*(lib\S+) =>", nimbus.stdout, re.M)) == ["libc.so.6", "libm.so.6"]


def _tree(root) -> list[str]:
    out = subprocess.run(["find", ".", "-printf", "%p %m %U:%G %s %l\\n"], cwd=root,
                         capture_output=True, text=True, check=True).stdout
    return sorted(out.splitlines())


def test_the_dockerfile_stage_builds_the_same_tree(rootfs, tmp_path):
    """assemble.sh run as the Dockerfile runs it (`/` as the source, a usr-merged Debian root
    with the packages installed) gives exactly build-local.sh's tree."""
    stage = tmp_path / "stage"
    proc = subprocess.run([str(REPO / "tests/image/docker_stage.sh"), str(stage),
                           str(ns.nimbus_bin())], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert _tree(stage / "rootfs") == _tree(rootfs.path)
    diff = subprocess.run(["diff", "-r", "--no-dereference", "-q", str(stage / "rootfs"),
                           str(rootfs.path)], capture_output=True, text=True)
    assert diff.returncode == 0, diff.stdout


def test_tools_run_as_uid_1000_in_the_image(rootfs):
    root = rootfs.path
    out = run_in_image(root, "/bin/sh", "-c",
                       "id -u; nimbus --version; python3 -c 'import sys; print(sys.version_info[:2])';"
                       " node -p process.versions.node; curl --version | head -1;"
                       " bash -c 'echo $BASH_VERSION'; touch /var/lib/nimbus/w && echo writable")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == "1000"
    assert lines[1].startswith("nimbus ")
    assert lines[2] == "(3, 11)"
    assert lines[3].startswith("18.")
    assert lines[4].startswith("curl 7.88")
    assert lines[5].startswith("5.2")
    assert lines[6] == "writable"


# --- nimbus serving from the image -----------------------------------------------------------

def test_health_and_the_ready_hook_ran_awslocal(image_server):
    deadline = time.monotonic() + 30
    while True:
        ready = json.loads(ns.request(image_server, "GET", "/_localstack/init/ready").body)
        if ready.get("completed") or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert ready["completed"] is True, ready
    scripts = ready["scripts"]
    assert [s["name"] for s in scripts] == ["10-awslocal.sh"], scripts
    assert scripts[0]["state"] == "SUCCESSFUL", (scripts, image_server.stderr())
    assert "ready hook: 1000 10-awslocal.sh" in image_server.stderr()
    sqs = ns.boto3_client(image_server, "sqs")
    assert any(u.endswith("/image-init-queue") for u in sqs.list_queues()["QueueUrls"])


def test_dockerfile_healthcheck_passes_inside_the_image(image_server):
    text = (REPO / "compose" / "Dockerfile").read_text()
    cmd = json.loads(re.search(r"HEALTHCHECK[^\n]*\n\s*CMD (\[.*\])", text).group(1))
    cmd[-1] = cmd[-1].replace("4566", str(image_server.port))
    out = run_in_image(image_server.root, *cmd, timeout=15)
    assert out.returncode == 0, out.stdout + out.stderr


PYTHON_HANDLER = '''
import base64, bz2, ctypes, datetime, decimal, email.utils, hashlib, http.client, json, logging
import lzma, os, platform, socket, sqlite3, ssl, traceback, urllib.request, uuid, zlib
import xml.etree.ElementTree as ET
import asyncio

logging.getLogger().setLevel(logging.INFO)

def handler(event, context):
    logging.getLogger().info("logged through logging")
    with urllib.request.urlopen(event["health"], timeout=5) as r:
        services = json.load(r)["services"]
    ctx = ssl.create_default_context()
    return {
        "python": platform.python_version(),
        "uid": os.getuid(),
        "ca": ctx.cert_store_stats()["x509_ca"],
        "sum": str(decimal.Decimal("0.1") + decimal.Decimal("0.2")),
        "sqlite": sqlite3.connect(":memory:").execute("select 40 + 2").fetchone()[0],
        "sha": hashlib.sha256(b"x").hexdigest()[:8],
        "xz": lzma.decompress(lzma.compress(b"xz")).decode(),
        "xml": ET.fromstring("<a><b>1</b></a>").find("b").text,
        "async": asyncio.run(asyncio.sleep(0, result="ok")),
        "uuid": len(str(uuid.uuid4())),
        "sqs": services["sqs"],
        "request": context.aws_request_id,
    }
'''


@pytest.mark.parametrize("runtime", ["python3.11", "python3.12"])
def test_python_function(image_server, runtime):
    lam = ns.boto3_client(image_server, "lambda")
    name = f"image-py-{runtime.replace('.', '')}"
    create_function(lam, name, runtime, "app.handler", {"app.py": PYTHON_HANDLER})
    out = invoke(lam, name, {"health": f"{image_server.url}/_localstack/health"})
    assert out["python"].startswith("3.11.")
    assert out["uid"] == 1000
    assert out["ca"] > 100   # the image's CA bundle, for HTTPS from handlers
    assert out["sum"] == "0.3" and out["sqlite"] == 42 and out["xz"] == "xz"
    assert out["xml"] == "1" and out["async"] == "ok" and out["uuid"] == 36
    assert out["sqs"] in ("available", "running") and ns.UUID_RE.match(out["request"])

    # logging is configured by the bootstrap: its records reach the function's log.
    out = lam.invoke(FunctionName=name, LogType="Tail",
                     Payload=json.dumps({"health": f"{image_server.url}/_localstack/health"}))
    assert "FunctionError" not in out
    assert "logged through logging" in base64.b64decode(out["LogResult"]).decode()
    # A stdlib frame's source line shows in the error's stack trace (sources are in the zip).
    failing = lam.invoke(FunctionName=name, Payload=b'{"health": "x", "bad": true}')
    assert failing["FunctionError"] == "Unhandled"
    error = json.loads(failing["Payload"].read())
    assert error["errorType"] == "ValueError", error
    assert any("python311.zip/urllib/request.py" in line and "raise ValueError" in line
               for line in error["stackTrace"]), error["stackTrace"]


NODE_CJS = '''
const crypto = require('crypto');
const tls = require('tls');
const zlib = require('zlib');
exports.handler = async (event) => {
  const health = await (await fetch(event.health)).json();   // undici, from /usr/share/nodejs
  return {
    node: process.versions.node,
    uid: process.getuid(),
    month: new Intl.DateTimeFormat('fr-FR', {timeZone: 'Europe/Paris', month: 'long'})
      .format(new Date(Date.UTC(2024, 0, 15))),
    roots: tls.rootCertificates.length,
    sha: crypto.createHash('sha256').update('x').digest('hex').slice(0, 8),
    gz: zlib.gunzipSync(zlib.gzipSync('gz')).toString(),
    lambda: health.services.lambda,
  };
};
'''

NODE_ESM = '''
import { greet } from './lib.cjs';          // named export of CommonJS: cjs-module-lexer
import os from 'node:os';
export const handler = async (event) => ({ greeting: greet(event.who), tmp: os.tmpdir() });
'''


def test_node_functions(image_server):
    lam = ns.boto3_client(image_server, "lambda")
    create_function(lam, "image-node-cjs", "nodejs18.x", "index.handler", {"index.js": NODE_CJS})
    out = invoke(lam, "image-node-cjs", {"health": f"{image_server.url}/_localstack/health"})
    assert out["node"].startswith("18.") and out["uid"] == 1000
    assert out["month"] == "janvier"   # full ICU data, time zones
    assert out["roots"] > 100
    assert out["sha"] == "2d711642" and out["gz"] == "gz" and out["lambda"] in ("available", "running")

    create_function(lam, "image-node-esm", "nodejs20.x", "index.handler", {
        "index.mjs": NODE_ESM,
        "lib.cjs": "exports.greet = (who) => `hello ${who}`;\n"})
    out = invoke(lam, "image-node-esm", {"who": "image"})
    assert out["greeting"] == "hello image"


def test_node_function_through_cli_v2(image_server, tmp_path):
    code = tmp_path / "fn.zip"
    code.write_bytes(zip_of({"index.js": "exports.handler = async (e) => ({twice: e.n * 2});\n"}))
    ns.cli_v2(image_server, "lambda", "create-function", "--function-name", "image-node-cli",
              "--runtime", "nodejs18.x", "--role", ROLE, "--handler", "index.handler",
              "--zip-file", f"fileb://{code}")
    ns.cli_v2(image_server, "lambda", "wait", "function-active-v2",
              "--function-name", "image-node-cli")
    result = tmp_path / "out.json"
    meta = ns.cli_v2(image_server, "lambda", "invoke", "--function-name", "image-node-cli",
                     "--cli-binary-format", "raw-in-base64-out", "--payload", '{"n": 21}',
                     str(result))
    assert meta["StatusCode"] == 200 and "FunctionError" not in meta
    assert json.loads(result.read_text()) == {"twice": 42}


CONSUMER = '''
def handler(event, context):
    for record in event["Records"]:
        print("consumed " + record["body"])
    return {"n": len(event["Records"])}
'''


def test_sqs_event_source_mapping(image_server):
    lam = ns.boto3_client(image_server, "lambda")
    sqs = ns.boto3_client(image_server, "sqs")
    logs = ns.boto3_client(image_server, "logs")
    url = sqs.create_queue(QueueName="image-jobs")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    create_function(lam, "image-consumer", "python3.12", "app.handler", {"app.py": CONSUMER})
    uuid_ = lam.create_event_source_mapping(EventSourceArn=arn, FunctionName="image-consumer",
                                            BatchSize=10)["UUID"]
    deadline = time.monotonic() + 20
    while lam.get_event_source_mapping(UUID=uuid_)["State"] != "Enabled":
        assert time.monotonic() < deadline
        time.sleep(0.2)
    bodies = {f"job-{i}" for i in range(3)}
    for body in sorted(bodies):
        sqs.send_message(QueueUrl=url, MessageBody=body)
    seen: set[str] = set()
    deadline = time.monotonic() + 30
    while seen != bodies and time.monotonic() < deadline:
        try:
            events = logs.filter_log_events(logGroupName="/aws/lambda/image-consumer",
                                            filterPattern="consumed")["events"]
        except logs.exceptions.ResourceNotFoundException:
            events = []
        seen = {e["message"].strip().removeprefix("consumed ") for e in events}
        time.sleep(0.3)
    assert seen == bodies
    deadline = time.monotonic() + 10
    while True:
        attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        left = int(attrs["ApproximateNumberOfMessages"]) + int(attrs["ApproximateNumberOfMessagesNotVisible"])
        if left == 0 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert left == 0, attrs


class _Receiver(http.server.BaseHTTPRequestHandler):
    received: list[dict] = []

    def do_POST(self):  # noqa: N802 (http.server's naming)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append({"type": self.headers.get("x-amz-sns-message-type"),
                                    "body": json.loads(body)})
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_sns_http_delivery_uses_the_images_libcurl(image_server):
    """nimbus opens libcurl (and its closure) from the image on the first HTTP delivery."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        sns = ns.boto3_client(image_server, "sns")
        topic = sns.create_topic(Name="image-topic")["TopicArn"]
        endpoint = f"http://127.0.0.1:{server.server_address[1]}/hook"
        sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=endpoint)
        deadline = time.monotonic() + 15
        while not _Receiver.received and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _Receiver.received, image_server.stderr()
        first = _Receiver.received[0]
        assert first["type"] == "SubscriptionConfirmation"
        assert first["body"]["TopicArn"] == topic
    finally:
        server.shutdown()
        server.server_close()


def test_server_stops_cleanly(image_server):
    assert image_server.stop() == 0, image_server.stderr()
