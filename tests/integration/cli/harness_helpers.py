"""Helpers for the `nimbus lambda invoke` suite: function folders written into a temp dir, the
harness run as a subprocess, its output split into lifecycle, platform and function lines."""
from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import nimbus_support as ns

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
FUNCTION_LINE_RE = re.compile(
    rf"^\d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{{3}}Z\t(?P<id>{UUID})\t(?P<level>[A-Z]+)\t(?P<msg>.*)$")
RUN_RE = re.compile(rf"^\[run\] (?P<n>\d+)/(?P<total>\d+) mode=(?P<mode>\S+) "
                    rf"handler=(?P<handler>\S+) runtime=(?P<runtime>\S+) request=(?P<id>{UUID})$")
REPORT_RE = re.compile(
    rf"^REPORT RequestId: (?P<id>{UUID})\tDuration: (?P<duration>\d+\.\d\d) ms\t"
    r"Billed Duration: \d+ ms\tMemory Size: (?P<memory>\d+) MB\tMax Memory Used: (?P<used>\d+) MB\t")


def write_function(root: Path, files: dict[str, str], **manifest) -> Path:
    """A function folder: `files` plus a lambda.json made of `manifest`."""
    root.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (root / name).write_text(text)
    (root / "lambda.json").write_text(json.dumps(manifest, indent=2))
    return root


@dataclass
class HarnessRun:
    returncode: int
    stdout: str
    stderr: str

    @property
    def lines(self) -> list[str]:
        return self.stdout.splitlines()

    def lifecycle(self, tag: str) -> list[str]:
        return [line for line in self.lines if line.startswith(f"[{tag}]")]

    def runs(self) -> list[re.Match]:
        return [m for m in (RUN_RE.match(line) for line in self.lines) if m]

    def function_lines(self) -> list[re.Match]:
        return [m for m in (FUNCTION_LINE_RE.match(line) for line in self.lines) if m]

    def results(self) -> list[str]:
        return [line[len("[result] "):] for line in self.lifecycle("result")]

    def reports(self) -> list[re.Match]:
        return [m for m in (REPORT_RE.match(line) for line in self.lines) if m]

    def __repr__(self) -> str:
        return f"HarnessRun(rc={self.returncode})\nstdout:\n{self.stdout}\nstderr:\n{self.stderr}"


def invoke(path: Path, *args: str, timeout: float = 60, env: dict | None = None) -> HarnessRun:
    cmd = [str(ns.nimbus_bin()), "lambda", "invoke", "--path", str(path), *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                          env=ns.client_env(**(env or {})), stdin=subprocess.DEVNULL)
    return HarnessRun(proc.returncode, proc.stdout, proc.stderr)
