"""Large real specs (tests/data/big: OpenAI, Discord, Box), run by ``make test-big``.

Each spec is split with ``import-spec`` into a provider folder outside the committed tree,
generated, and then: every operation of the spec is a method of the package (counted, none
dropped), every module imports, ``mypy --strict`` passes, and a sample of operations is called
through the generated client against Prism serving the generated ``openapi.json``.  The helpers
are shared with ``tests/corpus`` (``tests/real_specs.py``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.real_specs import (
    call_sample,
    generated_operations,
    import_every_module,
    mypy_strict,
    sample,
    spec_operations,
    split_and_generate,
)

pytestmark = pytest.mark.big
BIG = ROOT / "tests" / "data" / "big"
SPECS = ("box", "discord", "openai")


@pytest.fixture(scope="module", params=SPECS)
def package(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path]]:
    name: str = request.param
    result, folder = split_and_generate(BIG / f"{name}-openapi.json", name, tmp_path_factory.mktemp(name))
    assert result.exit_code == 0, result.output
    yield name, folder


def test_every_operation_is_kept(package: tuple[str, Path]) -> None:
    name, folder = package
    generated = generated_operations(folder, name)
    expected = spec_operations(BIG / f"{name}-openapi.json")
    assert len(generated) == len(set(generated)) == len(expected)
    assert set(generated) == expected


def test_every_module_imports(package: tuple[str, Path]) -> None:
    name, folder = package
    result = import_every_module(folder, name)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) > 100


def test_mypy_strict(package: tuple[str, Path]) -> None:
    name, folder = package
    result = mypy_strict(folder, name)
    assert result.returncode == 0, result.stdout[-3000:]


def test_a_sample_of_operations_works_against_prism(package: tuple[str, Path]) -> None:
    name, folder = package
    operations = sample(folder, name)
    assert operations, "no argument-free GET operation to call"
    result, outcomes = call_sample(folder, name, operations)
    assert result.returncode == 0, result.stderr[-3000:]
    assert [outcome[0] for outcome in outcomes] == ["decoded"] * len(operations), outcomes
