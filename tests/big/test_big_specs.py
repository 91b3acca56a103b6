"""Large real specs (tests/data/big: OpenAI, Discord, Box), run by ``make test-big``.

Each spec is split with ``import-spec`` into a provider folder outside the committed tree,
generated, and then: every operation of the spec is a method of the package (counted, none
dropped), every module imports, ``mypy --strict`` passes, and a sample of operations is called
through the generated client against Prism serving the generated ``openapi.json``.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from generator.cli import cli
from generator.spec.quirks import HTTP_METHODS
from tests.conftest import ROOT
from tests.prism_server import run_prism

pytestmark = pytest.mark.big
BIG = ROOT / "tests" / "data" / "big"
SPECS = ("box", "discord", "openai")
_CLIENT_OPTIONS = (
    "server",
    "base_url",
    "timeout",
    "total_timeout",
    "max_retries",
    "default_headers",
    "http_client",
    "retry_non_idempotent",
)


@pytest.fixture(scope="module", params=SPECS)
def package(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path]]:
    name: str = request.param
    root = tmp_path_factory.mktemp(name)
    spec = BIG / f"{name}-openapi.json"
    for args in (["import-spec", str(spec), "-p", name], ["generate", "-p", name]):
        result = CliRunner().invoke(
            cli, ["--specs-dir", str(root / "specs"), "--out-dir", str(root / "out"), *args]
        )
        assert result.exit_code == 0, result.output
    yield name, root / "out" / name


def _spec_operations(name: str) -> set[tuple[str, str]]:
    document = json.loads((BIG / f"{name}-openapi.json").read_text())
    return {(m.upper(), p) for p, item in document["paths"].items() for m in HTTP_METHODS if m in item}


def _generated_operations(folder: Path, name: str) -> list[tuple[str, str]]:
    found = []
    for module in sorted((folder / name / "resources").glob("*.py")):
        found += re.findall(
            r'^_\w+ = Operation\[.*?\]\(\n    "(\w+)",\n    "(.*?)",$', module.read_text(), flags=re.M | re.S
        )
    return [(method, json.loads(f'"{path}"')) for method, path in found]


def test_every_operation_is_kept(package: tuple[str, Path]) -> None:
    name, folder = package
    generated = _generated_operations(folder, name)
    assert len(generated) == len(set(generated)) == len(_spec_operations(name))
    assert set(generated) == _spec_operations(name)


def test_every_module_imports(package: tuple[str, Path]) -> None:
    name, folder = package
    probe = (
        f"import importlib, pkgutil, {name}, {name}.models, {name}.resources\n"
        f"for sub in ('models', 'resources'):\n"
        f"    pkg = importlib.import_module('{name}.' + sub)\n"
        f"    for info in pkgutil.iter_modules(pkg.__path__):\n"
        f"        importlib.import_module(pkg.__name__ + '.' + info.name)\n"
        f"client = {name}.__dict__[[n for n in {name}.__all__ if n.startswith('Async')][0][5:]]"
        f"(base_url='http://127.0.0.1:9')\n"
        f"print(len({name}.models.__all__))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=folder, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) > 100


def test_mypy_strict(package: tuple[str, Path]) -> None:
    name, folder = package
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", name],
        cwd=folder,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-3000:]


def _sample(folder: Path, name: str) -> list[tuple[str, str]]:
    """GET operations that need no argument and return JSON: (resource, method), five at most."""
    found = []
    for module in sorted((folder / name / "resources").glob("[!_]*.py")):
        text = module.read_text().split("\nclass ")[1]
        for method, params in re.findall(
            r"\n    def (\w+)\(\n        self,\n(.*?)\n    \) ->", text, flags=re.S
        ):
            body = text.split(f"def {method}(", 1)[1].split("\n    def ", 1)[0]
            required = [p for p in params.split("\n") if ":" in p and "=" not in p]
            if not required and "return self._request(" in body and not method.startswith("iter_"):
                constant = re.search(r"self\._request\(\n\s+(_\w+),", body)
                if constant and f"{constant.group(1)} = Operation[None]" not in module.read_text():
                    if re.search(
                        rf'{constant.group(1)} = Operation\[[^\n]*\]\(\n    "GET"', module.read_text()
                    ):
                        found.append((module.stem, method))
    return found[:5]


def test_a_sample_of_operations_works_against_prism(package: tuple[str, Path]) -> None:
    name, folder = package
    sample = _sample(folder, name)
    assert sample, "no argument-free GET operation to call"
    calls = "\n".join(f"results.append(type(client.{r}.with_raw_response.{m}(options={{'max_retries': 0}}).parsed).__name__)"
                      for r, m in sample)  # fmt: skip
    with run_prism(folder / "openapi.json", seed=7) as base_url:
        probe = (f"import {name}\nfrom {name}._client import SECURITY_SCHEMES\n"
                 f"cls = getattr({name}, [n for n in {name}.__all__ if n.startswith('Async')][0][5:])\n"
                 f"import inspect\nknown = {_CLIENT_OPTIONS!r}\n"
                 f"args = {{p: 'token-12345' for p in inspect.signature(cls).parameters if p not in known}}\n"
                 f"client = cls(base_url={base_url!r}, **args)\nresults: list[str] = []\n{calls}\nprint(results)")  # fmt: skip
        result = subprocess.run(
            [sys.executable, "-c", probe], cwd=folder, capture_output=True, text=True, timeout=300
        )
    assert result.returncode == 0, result.stderr[-3000:]
    assert len(eval(result.stdout)) == len(sample)  # noqa: S307 - our own printed list
