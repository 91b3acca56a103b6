"""generate shows progress (stage, files done of total) on a terminal, and nothing otherwise."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT


def _generate(tmp_path: Path, *, terminal: bool) -> str:
    env = {**os.environ, "OPENAPI_FRAGMENTS_PROGRESS_AFTER": "0", "XDG_CACHE_HOME": str(tmp_path / "cache")}
    command = [
        sys.executable,
        "-m",
        "generator",
        "--out-dir",
        str(tmp_path / "out"),
        "generate",
        "-p",
        "mariadb_cloud",
    ]
    if not terminal:
        result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=True)
        return result.stderr
    controller, terminal_end = pty.openpty()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=terminal_end)
    os.close(terminal_end)
    chunks = []
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    assert process.wait(timeout=120) == 0
    os.close(controller)
    return b"".join(chunks).decode()


@pytest.mark.slow
def test_progress_on_a_terminal(tmp_path: Path) -> None:
    shown = _generate(tmp_path, terminal=True)
    assert "\rmariadb_cloud: loading and validating" in shown.replace("\x1b[K", "")
    python_files = [
        p for p in (ROOT / "generated" / "mariadb_cloud").rglob("*.py") if ".mypy_cache" not in p.parts
    ]
    assert f"mariadb_cloud: formatting {len(python_files)}/{len(python_files)}" in shown


@pytest.mark.slow
def test_no_progress_when_not_a_terminal(tmp_path: Path) -> None:
    shown = _generate(tmp_path, terminal=False)
    assert "\r" not in shown and "formatting" not in shown
