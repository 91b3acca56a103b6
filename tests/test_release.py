"""Release metadata of a generated package: pyproject.toml fields from the spec (checked, escaped),
``__version__``, the sdist's files (MANIFEST.in) and the package's own ``.gitignore``."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import tomllib
from pathlib import Path
from typing import Any

import pytest

from generator.emit.write import diff_tree, read_tree, write_tree
from generator.pipeline import build_package
from tests.conftest import GENERATED, ROOT, MakeProvider, fragment


def _files(make_provider: MakeProvider, document: dict[str, Any]) -> dict[str, str]:
    _, _, files = build_package(make_provider({"a.json": document}), "acme")
    return files


def _pyproject(make_provider: MakeProvider, **root: Any) -> dict[str, Any]:
    document = fragment("/a")
    document.update(root)
    document["info"] = {"title": "T", "version": "1", **root.get("info", {})}
    return tomllib.loads(_files(make_provider, document)["pyproject.toml"])


def test_the_pyproject_carries_licence_classifiers_urls_and_maintainers(make_provider: MakeProvider) -> None:
    project = _pyproject(
        make_provider,
        info={
            "license": {"name": "Apache License", "identifier": "apache-2.0"},
            "contact": {"name": "Acme API Team", "url": "https://acme.dev/support", "email": "api@acme.dev"},
        },
        externalDocs={"url": "https://docs.acme.dev/"},
    )["project"]
    assert project["license"] == "Apache-2.0"  # PEP 639, canonical
    assert project["classifiers"] == [
        "Intended Audience :: Developers",
        "Programming Language :: Python :: 3",
        "Typing :: Typed",
    ]
    assert project["urls"] == {
        "Documentation": "https://docs.acme.dev/",
        "Support": "https://acme.dev/support",
    }
    assert project["maintainers"] == [{"name": "Acme API Team", "email": "api@acme.dev"}]


def test_an_openapi_3_0_licence_name_counts_only_when_it_is_an_spdx_expression(
    make_provider: MakeProvider,
) -> None:
    spdx = _pyproject(make_provider, info={"license": {"name": "mit"}})["project"]
    assert spdx["license"] == "MIT" and "urls" not in spdx and "maintainers" not in spdx
    free = _pyproject(
        make_provider, info={"license": {"name": "Apache 2.0", "url": "https://acme.dev/licence"}}
    )
    assert "license" not in free["project"]  # not SPDX: left out, its page linked instead
    assert free["project"]["urls"] == {"License": "https://acme.dev/licence"}


HOSTILE = 'x"\n[tool.evil]\nowned = true\n# \\u0000 """ \x7f'


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        'https://acme.dev/"\n[tool.evil]',
        "https://acme.dev/a b",
        "https://user:secret@acme.dev/",
        "https://[::1/",
        "ftp://acme.dev/",
        "https://",
        "https://acme.dev/\u00e9",
    ],
)
def test_hostile_spec_text_never_reaches_the_pyproject_unchecked(
    make_provider: MakeProvider, url: str
) -> None:
    document = fragment("/a")
    document["info"] = {
        "title": HOSTILE,
        "version": "1",
        "license": {"name": HOSTILE, "url": url},
        "contact": {"name": HOSTILE, "url": url, "email": "a@acme.dev\nX-Evil: 1"},
    }
    document["externalDocs"] = {"url": url}
    text = _files(make_provider, document)["pyproject.toml"]
    parsed = tomllib.loads(text)
    assert sorted(parsed["tool"]) == ["black", "setuptools"]
    assert {"license", "urls", "maintainers"}.isdisjoint(parsed["project"])
    assert (
        parsed["project"]["description"]
        == 'Typed Python client for the x" [tool.evil] owned = true # \\u0000 """'
    )
    document["info"]["contact"]["email"] = "api@acme.dev"  # a good address keeps, a hostile name goes
    assert tomllib.loads(_files(make_provider, document)["pyproject.toml"])["project"]["maintainers"] == [
        {"email": "api@acme.dev"}
    ]


def test_the_package_has_its_version_a_manifest_and_a_gitignore(make_provider: MakeProvider) -> None:
    document = fragment("/a")
    document["info"]["version"] = "2024-05-01"
    files = _files(make_provider, document)
    assert tomllib.loads(files["pyproject.toml"])["project"]["version"] == "2024.5.1"
    assert '\n__version__ = "2024.5.1"' in files["acme/__init__.py"]
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
@pytest.mark.parametrize("case", ["mariadb_cloud", "release"])
def test_the_sdist_holds_the_documents_and_builds_without_warnings(
    case: str, setuptools_77: Path, tmp_path: Path
) -> None:
    source = tmp_path / case
    if case == "release":  # the golden case whose spec has a licence, contact and externalDocs
        write_tree(source, build_package(ROOT / "tests" / "golden" / case / "specs", case)[2])
    else:
        shutil.copytree(GENERATED / case, source)
    build = "from setuptools import build_meta; print(build_meta.build_sdist('dist'))"
    built = subprocess.run(
        [sys.executable, "-W", "error", "-c", build], cwd=source, capture_output=True, text=True,
        env={"PYTHONPATH": str(setuptools_77), "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    assert built.returncode == 0 and "warning" not in built.stderr.lower(), built.stderr
    with tarfile.open(source / "dist" / built.stdout.split()[-1]) as sdist:
        names = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
        info = sdist.extractfile(next(n for n in sdist.getnames() if n.endswith("/PKG-INFO")))
        metadata = info.read().decode() if info else ""
    assert {"README.md", "API.md", "openapi.json", "names.json", "pyproject.toml"} <= names
    assert {f"{case}/py.typed", f"{case}/_runtime/base.py"} <= names
    assert "Classifier: Typing :: Typed\n" in metadata
    if case == "release":
        assert "License-Expression: Apache-2.0\n" in metadata
        assert "Project-URL: Documentation, https://docs.release.example.com/\n" in metadata
        assert "Maintainer-email: Release Team <api@release.example.com>\n" in metadata
