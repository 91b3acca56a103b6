"""Parse fragment text: JSON, YAML and fenced blocks of Markdown documentation pages.

Pure functions from text to data. Parse failures become :class:`~generator.diagnostics.Diagnostic`
values that quote the line and column, so ``load`` can report every broken file at once.
YAML is read with a safe loader that reads plain scalars by the YAML 1.2 core schema, as JSON
means them (``NO``, ``on``, ``yes`` and ``2024-01-01`` stay the strings the spec author wrote;
only ``true``/``false`` are booleans) and turns integer mapping keys (``200:`` under ``responses``) into
strings, as every OpenAPI tool does; any other non-string key is an error.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import yaml

from generator.diagnostics import Diagnostic, Origin

__all__ = ["Block", "ParseError", "is_openapi", "markdown_blocks", "parse_text"]

_FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})\s*(?P<lang>[A-Za-z0-9_+-]*)[^\n]*$")
_LANGS = {"json": "json", "yaml": "yaml", "yml": "yaml"}
_LOOKS_OPENAPI = re.compile(r"""(^|[{,\s])["']?openapi["']?\s*:""")


class ParseError(Exception):
    """Text that is not valid JSON or YAML; ``line`` and ``column`` are 1-based."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.message, self.line, self.column = message, line, column


class _Loader(yaml.SafeLoader):
    """SafeLoader reading plain scalars by the YAML 1.2 core schema, as JSON means them.

    PyYAML implements YAML 1.1, where ``NO``, ``on``, ``off``, ``yes`` are booleans, ``012`` is
    octal, ``1:20`` is 80 and ``2024-01-01`` a date; a spec's ``enum: [NO, SE, DK]`` (countries)
    must stay strings. Only ``true``/``false`` (three spellings each) are booleans; integers are
    decimal, ``0o`` octal or ``0x`` hex; timestamps stay strings.
    """


_CORE_SCALARS = [  # (tag, pattern, first characters) of YAML 1.2's core schema
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    ("tag:yaml.org,2002:float", r"^(?:[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*|[0-9]+(?:\.[0-9]*)?[eE][-+]?[0-9]+)"
     r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$", "-+.0123456789"),
]  # fmt: skip
_REPLACED = {"tag:yaml.org,2002:timestamp", *(tag for tag, _, _ in _CORE_SCALARS)}
_Loader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag not in _REPLACED]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
for _tag, _pattern, _first in _CORE_SCALARS:
    for _char in _first:
        _Loader.yaml_implicit_resolvers.setdefault(_char, []).append((_tag, re.compile(_pattern)))


def _construct_int(loader: _Loader, node: yaml.ScalarNode) -> int:
    text = str(loader.construct_scalar(node))
    if text.startswith(("0x", "0o")):
        return int(text[2:], 16 if text[1] == "x" else 8)
    return int(text, 10)  # also for a tagged !!int: decimal, never 1.1's octal or sexagesimal


_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> dict[str, Any]:
    loader.flatten_mapping(node)
    result: dict[str, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if isinstance(key, int) and not isinstance(key, bool):
            key = str(key)
        if not isinstance(key, str):
            mark = key_node.start_mark
            raise ParseError(
                f"invalid YAML: mapping key {key!r} is not a string", mark.line + 1, mark.column + 1
            )
        if key in result:
            mark = key_node.start_mark
            raise ParseError(f"invalid YAML: duplicate key {key!r}", mark.line + 1, mark.column + 1)
        result[key] = loader.construct_object(value_node, deep=True)
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def _parse_json(text: str) -> Any:
    try:
        return json.loads(text, object_pairs_hook=_reject_duplicates)
    except json.JSONDecodeError as exc:
        raise ParseError(f"invalid JSON: {exc.msg.lower()}", exc.lineno, exc.colno) from None
    except ValueError as exc:  # a duplicate key or a huge integer: json gives no position for it
        raise ParseError(f"invalid JSON: {exc}", 1, 1) from None
    except RecursionError:
        raise ParseError("invalid JSON: nested too deeply to read", 1, 1) from None


def _parse_yaml(text: str) -> Any:
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        raise ParseError(f"invalid YAML: {problem}", line, column) from None
    except yaml.YAMLError as exc:
        raise ParseError(f"invalid YAML: {exc}", 1, 1) from None
    except ValueError as exc:  # a scalar the constructors reject, such as an integer of 5000 digits
        raise ParseError(f"invalid YAML: {exc}", 1, 1) from None
    except RecursionError:
        raise ParseError("invalid YAML: nested too deeply to read", 1, 1) from None


def parse_text(text: str, syntax: str) -> Any:
    """Parse ``text`` as ``"json"`` or ``"yaml"``; raise :class:`ParseError` with line and column."""
    return _parse_json(text) if syntax == "json" else _parse_yaml(text)


def is_openapi(document: object) -> bool:
    """True for a mapping with an ``openapi`` key: the fragments we read."""
    return isinstance(document, dict) and "openapi" in document


@dataclass(frozen=True, slots=True)
class Block:
    """One fenced JSON or YAML block of a Markdown page; ``line`` is its first content line."""

    syntax: str
    text: str
    line: int


def markdown_blocks(text: str) -> Iterator[Block]:
    """Yield the fenced ``json``/``yaml``/``yml`` blocks of a Markdown page in page order."""
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        match = _FENCE.match(lines[index])
        index += 1
        if not match:
            continue
        fence, start = match["fence"], index
        while index < len(lines) and not lines[index].lstrip().startswith(fence):
            index += 1
        syntax = _LANGS.get(match["lang"].lower())
        if syntax:
            yield Block(syntax, "\n".join(lines[start:index]) + "\n", start + 1)
        index += 1


def looks_like_openapi(text: str) -> bool:
    """Whether a block that failed to parse was meant to be an OpenAPI document."""
    return bool(_LOOKS_OPENAPI.search(text))


def parse_error_diagnostic(file: str, error: ParseError, line_offset: int = 0) -> Diagnostic:
    """A diagnostic for a parse failure, the position shifted by ``line_offset`` lines."""
    line = error.line + line_offset
    return Diagnostic(Origin(file), f"{error.message} at line {line}, column {error.column}")
