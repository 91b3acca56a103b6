"""The front half of the pipeline, composed: load -> quirks -> merge -> validate.

Used by every CLI command that needs a validated provider spec. Returns the merged document,
the provider settings and the warnings; raises SpecError with every error otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.config import ProviderConfig
from generator.diagnostics import Diagnostic, SpecError
from generator.load import load_provider
from generator.merge import Merged, merge
from generator.quirks import apply_quirks
from generator.validate import validate

__all__ = ["ValidSpec", "load_valid_spec"]


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
    warnings = [*source.warnings, *findings]
    if strict:
        warnings = [Diagnostic(w.origin, w.message, w.hint, "error") for w in warnings]
    errors = [w for w in warnings if w.severity == "error"]
    if errors:
        raise SpecError(errors)
    merged = merge(fragments)
    problems = validate(merged)
    if problems:
        raise SpecError(problems)
    return ValidSpec(name, source.config, merged, tuple(sorted(warnings)))
