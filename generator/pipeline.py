"""The pipeline composed: load -> quirks -> merge -> validate -> normalize -> render -> format.

``load_valid_spec`` stops after validation (``validate``, ``merge``); ``build_package`` goes on
to the formatted files (``generate``, ``check``). Both raise SpecError with every error found.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from generator.spec.config import ProviderConfig
from generator.diagnostics import Diagnostic, raise_if_errors, strictly
from generator.emit.format import format_sources
from generator.model.history import NameHistory
from generator.model.ir import Package
from generator.spec.load import load_provider
from generator.spec.merge import Merged, merge
from generator.model.normalize import normalize
from generator.spec.quirks import apply_quirks
from generator.emit.render import render
from generator.spec.validate import validate

__all__ = ["Progress", "ValidSpec", "build_package", "load_valid_spec"]


@dataclass(frozen=True, slots=True)
class ValidSpec:
    """A provider's merged, validated spec."""

    name: str
    config: ProviderConfig
    merged: Merged
    warnings: tuple[Diagnostic, ...]


def load_valid_spec(specs_dir: Path, name: str, *, strict: bool = False) -> ValidSpec:
    """Load, normalize quirks, merge and validate provider ``name``."""
    source = load_provider(specs_dir, name)
    fragments, findings = apply_quirks(source.fragments, strict=strict)
    warnings = strictly([*source.warnings, *findings], strict)
    raise_if_errors(warnings)
    merged = merge(fragments, source.config.prefer)
    warnings += strictly(merged.warnings, strict)
    raise_if_errors(warnings)
    problems = strictly(validate(merged), strict)
    raise_if_errors(problems)
    warnings += problems
    return ValidSpec(name, source.config, merged, tuple(sorted(warnings)))


Progress = Callable[[str, int, int], None]  # (stage, done, total)


def build_package(
    specs_dir: Path,
    name: str,
    *,
    strict: bool = False,
    progress: Progress | None = None,
    history: NameHistory | None = None,
) -> tuple[ValidSpec, Package, dict[str, str]]:
    """The whole pipeline but writing: the spec, its IR and the formatted files of its package.

    ``progress`` hears of each stage as it starts, and of every file formatted; ``history`` is
    the names the committed package gave (``names.json``), which never move.
    """
    report = progress or (lambda stage, done, total: None)
    report("loading and validating", 0, 0)
    spec = load_valid_spec(specs_dir, name, strict=strict)
    report("building the model", 0, 0)
    package = normalize(spec.merged, spec.config, history)
    if package.warnings:
        decided = strictly(package.warnings, strict)
        raise_if_errors(decided)
        spec = replace(spec, warnings=tuple(sorted({*spec.warnings, *decided})))
    report("rendering", 0, 0)
    files = render(package)
    return (
        spec,
        package,
        format_sources(files, progress=lambda done, total: report("formatting", done, total)),
    )
