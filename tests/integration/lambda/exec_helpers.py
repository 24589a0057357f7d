"""Helpers for the Lambda execution-engine suites (test_lambda_exec*.py): zips that keep
executable bits, create-and-wait, invokes with their log tail parsed (START / END / REPORT), and
the per-session builds of the compiled fixtures (Go with aws-lambda-go, C++ with g++).

The fixtures' sources live in fixtures/; what they need from the registries (the Go module,
npm aws-lambda-ric, PyPI awslambdaric) is installed ahead of the tests by
`scripts/setup.sh --tests`. A missing tool or package fails the test that needs it."""
from __future__ import annotations

import atexit
import base64
import io
import json
import os
import re
import shutil
import stat
import subprocess
import tempfile
import threading
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import cp_helpers as h
import nimbus_support as ns

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"
REPO = ns.REPO
ROLE = h.ROLE
ACCOUNT = h.ACCOUNT
REGION = h.REGION
ARN_PREFIX = h.ARN_PREFIX

AWSLAMBDARIC_VERSION = "4.2.2"  # scripts/setup.sh vendors this version into .cache/
BUILD_TIMEOUT_S = 240
SETUP_HINT = "run scripts/setup.sh --tests"

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
START_RE = re.compile(rf"^START RequestId: (?P<id>{UUID}) Version: (?P<version>\S+)$")
END_RE = re.compile(rf"^END RequestId: (?P<id>{UUID})$")
# AWS: tab-separated fields, each followed by a tab; Init Duration on a cold start only. (AWS
# may end the line of a failed invoke with "Status: timeout" / "Status: error\tError Type: ...":
# accepted, not required.)
REPORT_RE = re.compile(
    rf"^REPORT RequestId: (?P<id>{UUID})\tDuration: (?P<duration>\d+\.\d\d) ms\t"
    r"Billed Duration: (?P<billed>\d+) ms\tMemory Size: (?P<memory>\d+) MB\t"
    r"Max Memory Used: (?P<max_memory>\d+) MB\t(?:Init Duration: (?P<init>\d+\.\d\d) ms\t)?"
    r"(?:Status: \w+\t(?:Error Type: \S+\t)?)?$")
NODE_LOG_RE = re.compile(
    rf"^\d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{{3}}Z\t(?P<id>{UUID})\t"
    r"(?P<level>[A-Z]+)\t(?P<msg>.*)$")


# --------------------------------------------------------------------------------------------
# Zips


def _info(arcname: str, mode: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(arcname, date_time=(2024, 1, 1, 0, 0, 0))
    info.external_attr = (stat.S_IFREG | mode) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def make_zip(files: dict[str, str | bytes | Path], executables: tuple[str, ...] = ()) -> bytes:
    """A zip of `files` (arcname -> text, bytes or a file on disk). Files on disk keep their
    permission bits; names in `executables` are 0755, other literal contents 0644."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for arcname, content in files.items():
            if isinstance(content, Path):
                mode = stat.S_IMODE(content.stat().st_mode)
                data = content.read_bytes()
            else:
                mode = 0o644
                data = content.encode() if isinstance(content, str) else content
            if arcname in executables:
                mode = 0o755
            z.writestr(_info(arcname, mode), data)
    return buf.getvalue()


def tree(src: Path, prefix: str = "", exclude: tuple[str, ...] = ()) -> dict[str, Path]:
    """arcname -> path for every file under `src` (symlinks followed), `prefix` prepended;
    top-level or nested directory names in `exclude` are left out."""
    out: dict[str, Path] = {}
    for root, dirs, files in os.walk(src):
        dirs[:] = sorted(d for d in dirs if d not in exclude and d != "__pycache__")
        for f in sorted(files):
            path = Path(root) / f
            out[prefix + path.relative_to(src).as_posix()] = path
    return out


def fixture_zip(name: str, executables: tuple[str, ...] = (), **extra) -> bytes:
    files: dict[str, str | bytes | Path] = dict(tree(FIXTURES / name))
    files.update(extra)
    return make_zip(files, executables)


# --------------------------------------------------------------------------------------------
# Functions and invokes


def client(server):
    return h.client(server)


def wait_active(lam, fn: str, timeout: float = 10) -> dict:
    """Polls GetFunction until State is Active (what function_active_v2 checks, at 50 ms)."""
    deadline = time.monotonic() + timeout
    while True:
        cfg = lam.get_function(FunctionName=fn)["Configuration"]
        if cfg["State"] == "Active" and cfg.get("LastUpdateStatus", "Successful") != "InProgress":
            return cfg
        assert cfg["State"] in ("Pending", "Active"), cfg
        assert time.monotonic() < deadline, f"{fn} not Active after {timeout}s: {cfg}"
        time.sleep(0.05)


def create(lam, zip_bytes: bytes | None, runtime: str = "python3.12", handler: str = "app.handler",
           prefix: str = "ex", wait: bool = True, **kwargs) -> str:
    fn = h.name(prefix)
    params = dict(FunctionName=fn, Runtime=runtime, Role=ROLE, Handler=handler,
                  Code={"ZipFile": zip_bytes})
    params.update(kwargs)
    lam.create_function(**params)
    if wait:
        wait_active(lam, fn)
    return fn


@dataclass
class Invocation:
    status: int
    raw: bytes
    function_error: str | None
    executed_version: str | None
    log: str | None  # the decoded X-Amz-Log-Result (LogType=Tail)
    request_id: str  # x-amzn-RequestId of the Invoke call
    elapsed: float

    @property
    def payload(self):
        return json.loads(self.raw)

    def __repr__(self) -> str:
        return (f"Invocation(status={self.status}, error={self.function_error!r}, "
                f"version={self.executed_version!r}, payload={self.raw[:1500]!r}, "
                f"log={self.log[-3000:] if self.log else None!r})")


def invoke(lam, fn: str, event=None, *, tail: bool = True, qualifier: str | None = None,
           raw: bytes | None = None, invocation_type: str = "RequestResponse") -> Invocation:
    params = dict(FunctionName=fn, InvocationType=invocation_type,
                  Payload=raw if raw is not None else json.dumps(event or {}).encode())
    if tail:
        params["LogType"] = "Tail"
    if qualifier:
        params["Qualifier"] = qualifier
    started = time.monotonic()
    out = lam.invoke(**params)
    elapsed = time.monotonic() - started
    body = out["Payload"].read()
    log = base64.b64decode(out["LogResult"]).decode() if "LogResult" in out else None
    return Invocation(out["StatusCode"], body, out.get("FunctionError"),
                      out.get("ExecutedVersion"), log,
                      out["ResponseMetadata"]["RequestId"], elapsed)


@dataclass
class LogFrame:
    request_id: str
    version: str | None
    body: list[str]  # the lines between START and END
    report: dict

    @property
    def cold(self) -> bool:
        return self.report["init"] is not None


def parse_log(log: str, *, require_start: bool = True) -> LogFrame:
    """Checks the START / END / REPORT frame of one invocation's log tail (as AWS prints it)
    and returns its parts."""
    assert log is not None, "no LogResult (LogType=Tail was asked)"
    assert log.endswith("\n"), f"log tail does not end with a newline: {log[-300:]!r}"
    lines = log[:-1].split("\n")
    assert len(lines) >= 2 + require_start, f"the log tail has no END and REPORT lines: {log!r}"
    report = REPORT_RE.match(lines[-1])
    assert report, f"the last line is not a REPORT line as AWS prints it: {lines[-1]!r}\n{log}"
    end = END_RE.match(lines[-2])
    assert end, f"no END line before REPORT: {lines[-2]!r}\n{log}"
    rid = report["id"]
    assert end["id"] == rid, (lines[-2], lines[-1])
    version = None
    body = lines[:-2]
    if require_start:
        # Lines before START (AWS prints INIT_REPORT and a failed init's output there) are not
        # part of the invocation's body.
        starts = [i for i, line in enumerate(lines[:-2]) if line.startswith("START ")]
        assert starts, f"no START line:\n{log}"
        start = START_RE.match(lines[starts[-1]])
        assert start, f"START line not as AWS prints it: {lines[starts[-1]]!r}\n{log}"
        assert start["id"] == rid, (lines[starts[-1]], lines[-1])
        version = start["version"]
        body = lines[starts[-1] + 1:-2]
    fields = report.groupdict()
    rep = {"duration": float(fields["duration"]), "billed": int(fields["billed"]),
           "memory": int(fields["memory"]), "max_memory": int(fields["max_memory"]),
           "init": float(fields["init"]) if fields["init"] else None}
    # Billed Duration: the duration rounded up to the next millisecond.
    assert rep["billed"] >= rep["duration"] and rep["billed"] - rep["duration"] <= 1.0, rep
    # AWS: the function cannot use more than its memory size, and reports at most that.
    assert 0 < rep["max_memory"] <= rep["memory"], f"Max Memory Used above Memory Size: {rep}"
    return LogFrame(rid, version, body, rep)


def check_invocation(inv: Invocation, *, version: str = "$LATEST", memory: int = 128,
                     cold: bool | None = None, error: bool = False) -> LogFrame:
    """The common checks of a synchronous invoke with LogType=Tail; returns the parsed log."""
    assert inv.status == 200, inv
    if error:
        assert inv.function_error == "Unhandled", inv
    else:
        assert inv.function_error is None, inv
    assert inv.executed_version == version, inv
    frame = parse_log(inv.log)
    assert frame.request_id == inv.request_id, (frame.request_id, inv.request_id)
    assert frame.version == version, inv
    assert frame.report["memory"] == memory, frame.report
    if cold is not None:
        assert frame.cold == cold, f"expected cold={cold}: {inv.log}"
    return frame


def parallel(calls: list) -> list:
    """Runs the callables at once (one thread each) and returns their results or exceptions."""
    results: list = [None] * len(calls)
    barrier = threading.Barrier(len(calls))

    def run(i, fn):
        barrier.wait(timeout=10)
        try:
            results[i] = fn()
        except Exception as e:  # noqa: BLE001 - the caller inspects it
            results[i] = e

    threads = [threading.Thread(target=run, args=(i, c), daemon=True) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
        assert not t.is_alive(), "a parallel invoke did not finish within 60 s"
    return results


# --------------------------------------------------------------------------------------------
# Compiled fixtures, built once per test session


_build_lock = threading.Lock()
_built: dict[str, Path] = {}
_build_root: Path | None = None


def _root() -> Path:
    global _build_root
    if _build_root is None:
        _build_root = Path(tempfile.mkdtemp(prefix="nimbus-lambda-fixtures-"))
        atexit.register(shutil.rmtree, _build_root, True)
    return _build_root


def _tool(name: str) -> str:
    path = shutil.which(name)
    assert path, f"`{name}` is not on PATH ({SETUP_HINT})"
    return path


def _run_build(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> None:
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=BUILD_TIMEOUT_S, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, f"{' '.join(cmd)} failed:\n{proc.stdout}\n{proc.stderr}"


def go_binary() -> Path:
    """fixtures/go_fn built with `CGO_ENABLED=0 go build` (aws-lambda-go from the module cache
    that scripts/setup.sh filled)."""
    with _build_lock:
        if "go" not in _built:
            out = _root() / "go" / "bootstrap"
            out.parent.mkdir()
            env = {**os.environ, "CGO_ENABLED": "0", "GOFLAGS": "-buildvcs=false"}
            # The flags of setup.sh's warm-up build, so that its build cache is reused.
            _run_build([_tool("go"), "build", "-o", str(out), "."],
                       FIXTURES / "go_fn", env)
            _built["go"] = out
        return _built["go"]


def cpp_binary() -> Path:
    """fixtures/cpp_fn/bootstrap.cc compiled with g++ (a raw-socket Runtime API client)."""
    with _build_lock:
        if "cpp" not in _built:
            out = _root() / "cpp" / "bootstrap"
            out.parent.mkdir()
            _run_build([_tool("g++"), "-std=c++17", "-O1", "-Wall", "-o", str(out),
                        str(FIXTURES / "cpp_fn" / "bootstrap.cc")], FIXTURES / "cpp_fn")
            _built["cpp"] = out
        return _built["cpp"]


def node_ric_package() -> Path:
    """The aws-lambda-ric package that `npm ci` installed (and built) in fixtures/node_ric_fn."""
    pkg = FIXTURES / "node_ric_fn" / "node_modules" / "aws-lambda-ric"
    assert (pkg / "dist" / "rapid-client.node").is_file(), \
        f"aws-lambda-ric is not installed in {pkg.parent} ({SETUP_HINT})"
    return pkg


def python_tag() -> str:
    """cpXY of the python3 that functions' bootstraps find on PATH."""
    with _build_lock:
        if "pytag" not in _built:
            proc = subprocess.run([_tool("python3"), "-c",
                                   "import sys; print('cp%d%d' % sys.version_info[:2])"],
                                  capture_output=True, text=True, timeout=30)
            assert proc.returncode == 0, proc.stderr
            _built["pytag"] = Path(proc.stdout.strip())
        return str(_built["pytag"])


def awslambdaric_dir() -> Path:
    """PyPI awslambdaric (and its dependencies) vendored for this python3 by setup.sh."""
    d = REPO / ".cache" / "lambda-fixtures" / f"awslambdaric-{AWSLAMBDARIC_VERSION}-{python_tag()}"
    assert (d / ".complete").is_file() and (d / "awslambdaric").is_dir(), \
        f"awslambdaric {AWSLAMBDARIC_VERSION} is not vendored in {d} ({SETUP_HINT})"
    return d
