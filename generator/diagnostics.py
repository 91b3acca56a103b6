"""Locations and diagnostics shared by every stage.

An error keeps its location as data (:class:`Origin`: a file shown relative to the project and a
JSON pointer inside it) and is formatted in one place, :meth:`Diagnostic.format`, so that every
message reads ``specs/acme/get_pet.json#/paths/~1pets/get: <message>``. Stages collect
diagnostics and raise one :class:`SpecError` holding all of them, sorted by (file, pointer).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Literal

__all__ = [
    "Diagnostic",
    "Origin",
    "SpecError",
    "escape_token",
    "join_pointer",
    "split_pointer",
]

Severity = Literal["error", "warning"]


def escape_token(token: str | int) -> str:
    """Escape one reference token for a JSON pointer (RFC 6901)."""
    return str(token).replace("~", "~0").replace("/", "~1")


def join_pointer(*tokens: str | int) -> str:
    """Build a JSON pointer from raw tokens: ``join_pointer("paths", "/a")`` is ``/paths/~1a``."""
    return "".join("/" + escape_token(token) for token in tokens)


def split_pointer(pointer: str) -> list[str]:
    """Split a JSON pointer into unescaped tokens; ``""`` (the whole document) gives ``[]``."""
    if not pointer:
        return []
    return [t.replace("~1", "/").replace("~0", "~") for t in pointer[1:].split("/")]


@dataclass(frozen=True, slots=True, order=True)
class Origin:
    """Where a node came from: a file shown relative to the project, and a JSON pointer in it."""

    file: str
    pointer: str = ""

    def __str__(self) -> str:
        return f"{self.file}#{self.pointer}"

    def child(self, *tokens: str | int) -> Origin:
        """The origin of a node below this one."""
        return Origin(self.file, self.pointer + join_pointer(*tokens))


@dataclass(frozen=True, slots=True, order=True)
class Diagnostic:
    """One finding about the input, with its origin, message and an optional hint."""

    origin: Origin
    message: str
    hint: str = ""
    severity: Severity = "error"

    def format(self) -> str:
        """``file#pointer: message`` plus an indented ``hint:`` line when there is one."""
        prefix = "warning: " if self.severity == "warning" else ""
        text = f"{self.origin}: {prefix}{self.message}"
        return f"{text}\n  hint: {self.hint}" if self.hint else text


class SpecError(Exception):
    """Bad input: every diagnostic found, sorted by (file, pointer, message)."""

    def __init__(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.diagnostics: Sequence[Diagnostic] = tuple(sorted(set(diagnostics)))
        super().__init__("\n".join(d.format() for d in self.diagnostics))


def strictly(diagnostics: Iterable[Diagnostic], strict: bool) -> list[Diagnostic]:
    """``diagnostics`` with every warning an error when ``strict`` (``--strict``)."""
    return [replace(d, severity="error") if strict else d for d in diagnostics]


def raise_if_errors(diagnostics: Iterable[Diagnostic]) -> None:
    """Raise :class:`SpecError` with the errors among ``diagnostics``, if there are any."""
    errors = [d for d in diagnostics if d.severity == "error"]
    if errors:
        raise SpecError(errors)
