"""The rules provider.yaml names follow (part of ``config``): the pattern of each kind of name used
verbatim in generated code or paths, and the diagnostics for an unknown key or a bad name."""

from __future__ import annotations

import keyword
import re
from collections.abc import Mapping
from typing import Any

from generator.diagnostics import Diagnostic, Origin

__all__ = ["NAME_RULES", "bad_name", "check_keys", "name_error"]

# Names used as they are: (pattern, what the message calls a valid one, the rule the hint states).
_IDENTIFIER_RULE = "letters, digits and '_', not starting with a digit, and not a Python keyword"
_LETTER_RULE = "letters, digits and '_', starting with a letter, and not a Python keyword"
NAME_RULES = {
    "package": (r"[A-Za-z_][A-Za-z0-9_]*", "a valid Python package name", _IDENTIFIER_RULE),
    "distribution": (
        r"[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?",
        "a valid distribution name (PEP 508)",
        "letters, digits, '.', '_' and '-', starting and ending with a letter or digit",
    ),
    "client": (r"[A-Za-z_][A-Za-z0-9_]*", "a valid Python class name", _IDENTIFIER_RULE),
    "env_prefix": (
        r"[A-Z_][A-Z0-9_]*",
        "a valid environment variable prefix",
        "upper-case letters, digits and '_', not starting with a digit",
    ),
    "class": (r"[A-Za-z][A-Za-z0-9_]*", "a valid Python class name", _LETTER_RULE),
    "method": (r"[A-Za-z][A-Za-z0-9_]*", "a valid method name", _LETTER_RULE),
    "attribute": (r"[A-Za-z][A-Za-z0-9_]*", "a valid attribute name", _LETTER_RULE),
    "argument": (r"[A-Za-z][A-Za-z0-9_]*", "a valid argument name", _LETTER_RULE),
    "env": (
        r"[A-Z_][A-Z0-9_]*",
        "a valid environment variable name",
        "upper-case letters, digits and '_', not starting with a digit",
    ),
}


def check_keys(
    data: Mapping[str, Any], allowed: tuple[str, ...], origin: Origin, errors: list[Diagnostic]
) -> None:
    for key in data:
        if key not in allowed:
            errors.append(
                Diagnostic(
                    origin.child(key),
                    f"unknown key {key!r}",
                    hint="known keys: " + ", ".join(allowed),
                )
            )


def bad_name(kind: str, value: str) -> bool:
    pattern, _, _ = NAME_RULES[kind]
    return not re.fullmatch(pattern, value) or (
        kind not in ("env_prefix", "env") and keyword.iskeyword(value)
    )


def name_error(kind: str, value: str, where: Origin, derived: str = "") -> Diagnostic:
    _, valid, rule = NAME_RULES[kind]
    source = f" (derived from {derived})" if derived else ""
    hint = f"set '{kind}:' in provider.yaml to {rule}" if derived else f"use {rule}"
    return Diagnostic(where, f"{kind} {value!r}{source} is not {valid}", hint=hint)
