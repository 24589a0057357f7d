"""Fixtures for the codec conformance suite: the codec tool and botocore's service models.

    NIMBUS_CODEC_TOOL=build/nimbus_codec_tool NIMBUS_MODELS_DIR=build/gen/models \
    NIMBUS_SQS_QUERY_WHEEL=.cache/botocore-sqs-query/botocore-1.34.89-py3-none-any.whl \
        .venv/bin/python -m pytest -q tests/conformance

Each variable defaults to its place under /work/main/build (the repository's build/).
"""
import glob
import gzip
import json
import os
import subprocess
import threading
import zipfile
from pathlib import Path

import botocore.model
import botocore.session
import pytest

REPO = Path(__file__).resolve().parents[2]


def _env_path(name, default):
    value = os.environ.get(name)
    return Path(value) if value else Path(default)


def _default_wheel():
    wheels = sorted(glob.glob(str(REPO / ".cache" / "botocore-sqs-query" / "*.whl")))
    return wheels[-1] if wheels else REPO / ".cache" / "botocore-sqs-query" / "missing.whl"


TOOL = _env_path("NIMBUS_CODEC_TOOL", REPO / "build" / "nimbus_codec_tool")
MODELS_DIR = _env_path("NIMBUS_MODELS_DIR", REPO / "build" / "gen" / "models")
SQS_QUERY_WHEEL = _env_path("NIMBUS_SQS_QUERY_WHEEL", _default_wheel())


class CodecTool:
    """One long-lived `nimbus_codec_tool`: a JSON object per line in, one per line out."""

    def __init__(self, path):
        self.proc = subprocess.Popen([str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
        self._stderr = []
        threading.Thread(target=self._drain_stderr, daemon=True).start()

    def _drain_stderr(self):
        for line in self.proc.stderr:
            self._stderr.append(line.decode("utf-8", "replace"))

    def call(self, request):
        line = json.dumps(request, separators=(",", ":")) + "\n"
        self.proc.stdin.write(line.encode("utf-8"))
        self.proc.stdin.flush()
        reply = self.proc.stdout.readline()
        if not reply:
            raise RuntimeError(f"nimbus_codec_tool exited ({self.proc.poll()}) on {line[:500]}\n"
                               + "".join(self._stderr[-50:]))
        answer = json.loads(reply)
        if "fatal" in answer:
            raise RuntimeError(f"nimbus_codec_tool: {answer['fatal']} for {line[:500]}")
        return answer

    def close(self):
        self.proc.stdin.close()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture(scope="session")
def codec_tool():
    if not TOOL.exists():
        pytest.fail(f"{TOOL} not found: build it (cmake --build <build> --target "
                    "nimbus_codec_tool) or set NIMBUS_CODEC_TOOL")
    tool = CodecTool(TOOL)
    try:
        yield tool
    finally:
        tool.close()


def _load_sqs_query_model():
    # The last botocore with SQS on the query protocol; its names are what query clients send.
    with zipfile.ZipFile(SQS_QUERY_WHEEL) as wheel:
        names = sorted(n for n in wheel.namelist()
                       if n.startswith("botocore/data/sqs/") and "/service-2.json" in n)
        raw = wheel.read(names[-1])
    if names[-1].endswith(".gz"):
        raw = gzip.decompress(raw)
    return botocore.model.ServiceModel(json.loads(raw), service_name="sqs")


class Models:
    """botocore's own models: the pinned botocore's, plus the SQS query model from the wheel."""

    def __init__(self):
        self._session = botocore.session.get_session()
        self._cache = {}

    def service_model(self, service, protocol):
        key = (service, protocol)
        if key not in self._cache:
            if service == "sqs" and protocol == "query":
                if not SQS_QUERY_WHEEL.exists():
                    pytest.fail(f"{SQS_QUERY_WHEEL} not found: set NIMBUS_SQS_QUERY_WHEEL")
                self._cache[key] = _load_sqs_query_model()
            else:
                self._cache[key] = self._session.get_service_model(service)
        return self._cache[key]

    def served_operations(self, service):
        """The operations of the trimmed model Nimbus embeds (what the codecs know)."""
        path = MODELS_DIR / f"{service}.json"
        if not path.exists():
            pytest.fail(f"{path} not found: build the project or set NIMBUS_MODELS_DIR")
        with open(path) as f:
            return sorted(json.load(f)["operations"])


@pytest.fixture(scope="session")
def models():
    return Models()
