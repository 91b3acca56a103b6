"""Release files of a generated package: the sdist's files (MANIFEST.in) and the package's own ``.gitignore``."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Any

import pytest

from generator.emit.write import diff_tree, read_tree, write_tree
from generator.pipeline import build_package
from tests.conftest import GENERATED, MakeProvider, fragment


def _files(make_provider: MakeProvider, document: dict[str, Any]) -> dict[str, str]:
    _, _, files = build_package(make_provider({"a.json": document}), "acme")
    return files


def test_the_package_has_a_manifest_and_a_gitignore(make_provider: MakeProvider) -> None:
    files = _files(make_provider, fragment("/a"))
    assert files["MANIFEST.in"].splitlines()[2] == "include README.md API.md openapi.json names.json"
    assert files[".gitignore"].splitlines()[1:] == ["build/", "dist/", "*.egg-info/"]


def test_check_compares_the_generated_gitignore_and_generate_replaces_it(
    make_provider: MakeProvider, tmp_path: Path
) -> None:
    files = _files(make_provider, fragment("/a"))
    target = tmp_path / "out" / "acme"
    write_tree(target, files)
    assert read_tree(target)[".gitignore"] == files[".gitignore"].encode()
    assert diff_tree(target, files, "out/acme") == ""
    (target / ".gitignore").write_text("nothing\n")
    (target / "acme" / ".gitignore").write_text("mine\n")  # not at the top: the user's, left alone
    assert "b/out/acme/.gitignore" in diff_tree(target, files, "out/acme")
    write_tree(target, files)
    assert (target / ".gitignore").read_text() == files[".gitignore"]
    assert (target / "acme" / ".gitignore").read_text() == "mine\n"
    assert diff_tree(target, files, "out/acme") == ""


@pytest.fixture(scope="module")
def setuptools_77(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A setuptools with PEP 639 licences (77+; the venv's may be older), from pip's index."""
    target = tmp_path_factory.mktemp("setuptools")
    installed = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), "setuptools>=77"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert installed.returncode == 0, installed.stderr
    return target


@pytest.mark.slow
@pytest.mark.parametrize("case", ["mariadb_cloud"])
def test_the_sdist_holds_the_documents_and_builds_without_warnings(
    case: str, setuptools_77: Path, tmp_path: Path
) -> None:
    source = tmp_path / case
    shutil.copytree(GENERATED / case, source)
    build = "from setuptools import build_meta; print(build_meta.build_sdist('dist'))"
    built = subprocess.run(
        [sys.executable, "-W", "error", "-c", build], cwd=source, capture_output=True, text=True,
        env={"PYTHONPATH": str(setuptools_77), "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    assert built.returncode == 0 and "warning" not in built.stderr.lower(), built.stderr
    with tarfile.open(source / "dist" / built.stdout.split()[-1]) as sdist:
        names = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    assert {"README.md", "API.md", "openapi.json", "names.json", "pyproject.toml"} <= names
    assert {f"{case}/py.typed", f"{case}/_runtime/base.py"} <= names
