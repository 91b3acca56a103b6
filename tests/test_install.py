"""The generator installs as a wheel (not only editable) and runs from any folder."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from tests.conftest import ROOT


@pytest.mark.slow
def test_the_wheel_installs_and_generates_from_another_folder(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(ROOT)],
        capture_output=True, text=True, cwd=tmp_path,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    wheel = next(wheels.glob("*.whl"))
    # pip of this environment installs into the new one; its dependencies come from this one
    # (PYTHONPATH, which runs no .pth file, so the editable checkout stays invisible).
    target = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                            capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    installed = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", target, str(wheel)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert installed.returncode == 0, installed.stderr
    work = tmp_path / "elsewhere"
    (work / "specs" / "acme").mkdir(parents=True)
    seed = ROOT / "specs" / "mariadb_cloud" / "get_organization_v1_invites.json"
    (work / "specs" / "acme" / seed.name).write_text(seed.read_text())
    env = {**os.environ, "PYTHONPATH": sysconfig.get_paths()["purelib"], "PYTHONSAFEPATH": "1"}
    probe = "import generator; print(generator.__file__)"
    where = subprocess.run([str(python), "-c", probe], capture_output=True, text=True, cwd=work, env=env)
    assert where.stdout.startswith(target), where.stdout + where.stderr  # the wheel, not the checkout
    script = "from generator.cli import main; main()"
    result = subprocess.run(
        [str(python), "-c", script, "--specs-dir", "specs", "--out-dir", "out", "generate"],
        capture_output=True, text=True, cwd=work, env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    for module in (ROOT / "generator" / "_runtime").glob("*.py"):  # the runtime package, copied verbatim
        assert (work / "out" / "acme" / "acme" / "_runtime" / module.name).read_text() == module.read_text()
    assert (work / "out" / "acme" / "acme" / "resources" / "invites.py").is_file()
