"""Golden cases: one small provider per feature, regenerated and diffed against the expected tree.

Each ``tests/golden/<case>/specs/<case>/`` is a provider; ``tests/golden/<case>/expected/`` holds
the package it must produce (``_runtime/`` left out: it is the same package everywhere and is
tested on its own). After a deliberate change, refresh the trees with
``UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py`` and review the diff.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator.pipeline import build_package
from generator.emit.write import diff_tree, write_tree
from tests.conftest import ROOT

GOLDEN = ROOT / "tests" / "golden"
CASES = sorted(p.name for p in GOLDEN.iterdir() if (p / "specs").is_dir())


def _build(case: str) -> dict[str, str]:
    _, _, files = build_package(GOLDEN / case / "specs", case)
    return {name: text for name, text in files.items() if "/_runtime/" not in name}


@pytest.mark.parametrize("case", CASES)
def test_golden_case(case: str) -> None:
    files = _build(case)
    expected = GOLDEN / case / "expected"
    if os.environ.get("UPDATE_GOLDEN"):
        write_tree(expected, files)
    assert diff_tree(expected, files, f"tests/golden/{case}/expected") == ""


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES)
def test_golden_case_compiles_imports_and_type_checks(case: str, tmp_path: Path) -> None:
    _, _, files = build_package(GOLDEN / case / "specs", case)
    write_tree(tmp_path / case, files)
    probe = f"import {case}, {case}._client; from {case} import *; print(len({case}.__all__))"
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path / case, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", case],
        cwd=tmp_path / case,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout
