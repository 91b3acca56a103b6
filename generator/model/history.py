"""Names already given: ``generated/<provider>/names.json``, so that names never move.

Generated names are an API. When a new schema or property collides with one that already has a
name, the established name stays and the newcomer gets the qualified one (docs/naming.md). What
is established is what the committed package says: ``names.json`` records the class of every
component schema, the class of every inline schema by its JSON pointer, the method of every
operation, the attribute of every property whose wire name holds a symbol that a
plain snake_case name drops (``@type``, ``DateCreated<``), and the operation the package README
shows when provider.yaml has no ``example:``. It is written with the package, so a
pull request shows every name that appears or changes, and ``check`` regenerates against it.
A missing file means no history (a first generation); the rules alone decide then.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.diagnostics import Diagnostic, Origin, SpecError

__all__ = ["HISTORY_FILE", "NameHistory", "dump_history", "read_history"]

HISTORY_FILE = "names.json"


@dataclass(frozen=True, slots=True)
class NameHistory:
    schemas: Mapping[str, str] = field(default_factory=dict)  # component schema -> class
    properties: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # class -> wire -> attribute
    inline: Mapping[str, str] = field(default_factory=dict)  # JSON pointer of an inline schema -> class
    methods: Mapping[str, str] = field(default_factory=dict)  # "GET /path" -> "resource.method"
    example: str = ""  # "GET /path" of the README example when provider.yaml does not choose one


def dump_history(history: NameHistory) -> str:
    data = {"schemas": dict(history.schemas), "inline": dict(history.inline), "methods": dict(history.methods),
            "properties": {k: dict(v) for k, v in history.properties.items()}}  # fmt: skip
    if history.example:
        data["example"] = history.example
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _string_map(value: Any) -> dict[str, str] | None:
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        return None
    return {str(k): v for k, v in value.items()}


def read_history(package_dir: Path, shown: str) -> NameHistory:
    """The names recorded in ``package_dir/names.json``; empty without one. A file that is not
    ours (a symlink, not JSON, not the expected shape) is an error naming it."""
    path = package_dir / HISTORY_FILE
    if not path.exists() and not path.is_symlink():
        return NameHistory()
    problem = "is a symlink" if path.is_symlink() or package_dir.is_symlink() else ""
    data: Any = None
    if not problem:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            problem = f"cannot be read: {exc}"
    schemas = _string_map(data.get("schemas", {})) if isinstance(data, dict) else None
    inline = _string_map(data.get("inline", {})) if isinstance(data, dict) else None
    methods = _string_map(data.get("methods", {})) if isinstance(data, dict) else None
    raw = data.get("properties", {}) if isinstance(data, dict) else None
    properties = {str(k): _string_map(v) for k, v in raw.items()} if isinstance(raw, dict) else None
    if not problem and (
        schemas is None
        or inline is None
        or methods is None
        or properties is None
        or None in properties.values()
    ):
        problem = "is not a names file written by this generator"
    if problem:
        raise SpecError([Diagnostic(Origin(f"{shown}/{HISTORY_FILE}"), f"the names file {problem}",
                                    hint="restore it from version control, or delete it to derive every name anew")])  # fmt: skip
    kept = {k: v for k, v in (properties or {}).items() if v is not None}
    example = data.get("example", "") if isinstance(data, dict) else ""
    return NameHistory(
        schemas or {}, kept, inline or {}, methods or {}, example if isinstance(example, str) else ""
    )
