"""The corpus of real public specs (tests/data/corpus, see SOURCES.md there), run by
``make test-corpus``.

Each spec is split with ``import-spec`` and generated with default settings (no
``provider.yaml``); then, stage by stage: every operation of the spec is a method of the package,
every module imports, ``mypy --strict`` and pyright strict pass, and a sample of GET operations
answers Prism (``-d --errors``) and decodes.  Helpers are shared with ``tests/big``.

A spec that fails a stage would be listed in ``KNOWN_FAILURES`` with the issue item that covers
it (today none does).  Each entry is a strict xfail: when a fix makes the stage pass, the test
fails as XPASS until the entry is removed.  Later stages of a spec that does not generate are strict
xfails that only accept ``NotGenerated``: any other failure there is a real failure.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.real_specs import (
    call_sample,
    generated_operations,
    import_every_module,
    mypy_strict,
    pyright_strict,
    sample,
    spec_operations,
    split_and_generate,
)

pytestmark = pytest.mark.corpus
CORPUS = ROOT / "tests" / "data" / "corpus"
SPECS = {path.stem: path for path in sorted(CORPUS.glob("*.json")) + sorted(CORPUS.glob("*.yaml"))}
STAGES = ("generate", "operations", "imports", "mypy", "pyright", "prism")
SAMPLE = 20  # GET operations called per spec

# (spec, stage) -> why it fails today, naming the item of issue 11 that covers it ("new: ..." for
# a class the issue does not list yet).  Remove an entry when its test starts to XPASS.
KNOWN_FAILURES: dict[tuple[str, str], str] = {}  # every spec passes every stage today
# (spec, stage) -> why the stage does not apply to the spec: no test is made for it (the last test
# of this module checks each reason holds).
NOT_APPLICABLE: dict[tuple[str, str], str] = {
    ("adyen-transfer-webhooks-v4", "prism"): "webhooks only: the spec has no operation to call",
}


class NotGenerated(Exception):
    """The spec did not generate, so a later stage cannot run (see its ``generate`` test)."""


def _cases(stage: str) -> list[object]:
    cases: list[object] = []
    for spec in sorted(SPECS):
        reason = KNOWN_FAILURES.get((spec, stage))
        blocker = KNOWN_FAILURES.get((spec, "generate"))
        marks = []
        if (spec, stage) in NOT_APPLICABLE:
            continue
        if reason:
            marks = [pytest.mark.xfail(strict=True, reason=reason)]
        elif blocker and stage != "generate":
            marks = [
                pytest.mark.xfail(strict=True, raises=NotGenerated, reason=f"does not generate: {blocker}")
            ]
        cases.append(pytest.param(spec, marks=marks, id=spec))
    return cases


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[str], tuple[int, str, Path]]]:
    """``build(spec)``: import and generate once per spec; (exit code, output, package folder)."""
    done: dict[str, tuple[int, str, Path]] = {}

    def run(spec: str) -> tuple[int, str, Path]:
        if spec not in done:
            name = spec.replace("-", "_").replace(".", "_")
            result, folder = split_and_generate(SPECS[spec], name, tmp_path_factory.mktemp(name))
            done[spec] = (result.exit_code, result.output, folder)
        return done[spec]

    yield run


@pytest.fixture
def package(
    build: Callable[[str], tuple[int, str, Path]], request: pytest.FixtureRequest
) -> tuple[str, Path]:
    """(import name, folder) of the generated package of the test's spec; NotGenerated if none."""
    spec: str = request.node.callspec.params["spec"]
    code, output, folder = build(spec)
    if code != 0:
        raise NotGenerated(output[-2000:])
    return folder.name, folder


@pytest.mark.parametrize("spec", _cases("generate"))
def test_generates_with_default_settings(spec: str, build: Callable[[str], tuple[int, str, Path]]) -> None:
    code, output, _ = build(spec)
    assert code == 0, output[-3000:]


@pytest.mark.parametrize("spec", _cases("operations"))
def test_every_operation_is_kept(spec: str, package: tuple[str, Path]) -> None:
    name, folder = package
    generated = generated_operations(folder, name)
    expected = spec_operations(SPECS[spec])
    assert len(generated) == len(set(generated)) == len(expected)
    assert set(generated) == expected


@pytest.mark.parametrize("spec", _cases("imports"))
def test_every_module_imports(spec: str, package: tuple[str, Path]) -> None:
    name, folder = package
    result = import_every_module(folder, name)
    assert result.returncode == 0, result.stderr[-3000:]


@pytest.mark.slow
@pytest.mark.parametrize("spec", _cases("mypy"))
def test_mypy_strict(spec: str, package: tuple[str, Path]) -> None:
    name, folder = package
    result = mypy_strict(folder, name)
    assert result.returncode == 0, result.stdout[-3000:]


@pytest.mark.slow
@pytest.mark.parametrize("spec", _cases("pyright"))
def test_pyright_strict(spec: str, package: tuple[str, Path]) -> None:
    name, folder = package
    result = pyright_strict(folder, name)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "0 errors, 0 warnings, 0 informations" in result.stdout


@pytest.mark.slow
@pytest.mark.parametrize("spec", _cases("prism"))
def test_a_sample_of_get_operations_answers_prism_and_decodes(spec: str, package: tuple[str, Path]) -> None:
    """Up to SAMPLE GET operations; required arguments of plain types get plain values.  Prism
    refusing such a made-up value, or failing its own generated body, is tolerated (see
    ``call_sample``); any other status or any error (decoding included) fails, and at least
    one call must decode."""
    name, folder = package
    operations = sample(folder, name, arguments=True, limit=SAMPLE)
    assert operations, "no GET operation returning JSON to call"
    result, outcomes = call_sample(folder, name, operations, errors=True)
    assert result.returncode == 0, result.stderr[-3000:]
    tolerated = ("decoded", "refused value", "prism body fault")
    assert not [o for o in outcomes if o[0] not in tolerated], outcomes
    assert any(o[0] == "decoded" for o in outcomes), outcomes


def test_the_lists_of_known_failures_name_real_specs_and_stages() -> None:
    for spec, stage in [*KNOWN_FAILURES, *NOT_APPLICABLE]:
        assert spec in SPECS and stage in STAGES, (spec, stage)
    for spec, stage in NOT_APPLICABLE:  # only a spec without operations has nothing to call
        assert stage == "prism" and not spec_operations(SPECS[spec]), spec
