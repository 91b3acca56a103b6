"""Split documentation pages and whole specs into one fragment file per endpoint.

Pure functions behind ``import-docs`` and ``import-spec``: they take parsed documents and return
``{file name: file text}``; the CLI reads and ``write`` writes. A file is named after the first
operation it holds, ``<method>_<path words>.json`` (for example
``get_organization_v1_invitees_invitee_id.json``), so re-importing gives the same names and
bytes. ``split_spec`` gives each operation the root keys every fragment shares (openapi, info,
servers, security), its tags, its path-level parameters and exactly the components it reaches
through ``$ref`` (and the security schemes it uses); components no operation reaches, webhooks
and unused tags go to ``_shared.json``, so merging the fragments gives the spec back.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from generator.diagnostics import Diagnostic, Origin, SpecError, join_pointer, split_pointer
from generator.spec.load import Fragment
from generator.spec.quirks import HTTP_METHODS
from generator.spec.views import walk_refs

__all__ = ["dump_json", "fragment_file_name", "split_fragments", "split_spec"]


def dump_json(document: Any) -> str:
    """The JSON text we write: two-space indent, key order kept, UTF-8, final newline."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def fragment_file_name(method: str, path: str) -> str:
    """``GET /a/{b_id}/c`` -> ``get_a_b_id_c.json``; ``{organizationId}`` gives ``organization_id``."""
    words = re.findall(r"[A-Za-z0-9]+", re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", path))
    return "_".join([method.lower(), *(w.lower() for w in words)]) + ".json"


def _first_operation(document: dict[str, Any]) -> tuple[str, str] | None:
    for path, item in (document.get("paths") or {}).items():
        for method in HTTP_METHODS:
            if isinstance(item, dict) and method in item:
                return method, path
    return None


def split_fragments(fragments: Sequence[Fragment]) -> dict[str, str]:
    """One file per fragment, named after its first operation; a name used twice is an error."""
    files: dict[str, str] = {}
    owners: dict[str, str] = {}
    errors: list[Diagnostic] = []
    for fragment in fragments:
        first = _first_operation(fragment.document)
        if first is None:
            errors.append(Diagnostic(Origin(fragment.file, "/paths"), "no operation in this document"))
            continue
        name = fragment_file_name(*first)
        if name in files:
            errors.append(Diagnostic(Origin(fragment.file), f"{first[0].upper()} {first[1]} is also "
                                     f"the first operation of {owners[name]}; both would be {name}"))  # fmt: skip
            continue
        files[name] = dump_json(fragment.document)
        owners[name] = fragment.file
    if errors:
        raise SpecError(errors)
    return files


_COMPONENT_REF = "#/components/"
_SHARED_ROOT_KEYS = ("openapi", "info", "jsonSchemaDialect", "servers", "security", "externalDocs")


def _refs(node: Any) -> list[tuple[str, str]]:
    """The (section, name) of every component a reference below ``node`` points into."""
    found: list[tuple[str, str]] = []
    for _, ref in walk_refs(node):
        tokens = split_pointer(ref[1:]) if isinstance(ref, str) and ref.startswith(_COMPONENT_REF) else []
        if len(tokens) >= 3:
            found.append((tokens[1], tokens[2]))
    return found


def _closure(components: dict[str, Any], roots: list[tuple[str, str]]) -> set[tuple[str, str]]:
    """Every component reachable from ``roots``."""
    seen: set[tuple[str, str]] = set()
    todo = list(roots)
    while todo:
        key = todo.pop()
        section = components.get(key[0])
        if key in seen or not isinstance(section, dict) or key[1] not in section:
            continue
        seen.add(key)
        todo.extend(_refs(section[key[1]]))
    return seen


def _pick(components: dict[str, Any], keys: set[tuple[str, str]]) -> dict[str, Any]:
    picked: dict[str, dict[str, Any]] = {}
    for section, items in components.items():
        chosen = (
            {name: value for name, value in items.items() if (section, name) in keys}
            if isinstance(items, dict)
            else {}
        )
        if chosen:
            picked[section] = chosen
    return picked


def _schemes_used(document: dict[str, Any], operation: dict[str, Any]) -> list[tuple[str, str]]:
    requirements = operation.get("security", document.get("security", [])) or []
    return [
        ("securitySchemes", name)
        for alternative in requirements
        if isinstance(alternative, dict)
        for name in alternative
    ]


def _operation_fragment(
    document: dict[str, Any], path: str, method: str
) -> tuple[dict[str, Any], set[tuple[str, str]]]:
    item = document["paths"][path]
    operation = item[method]
    shared = {k: v for k, v in item.items() if k not in HTTP_METHODS}
    fragment: dict[str, Any] = {k: document[k] for k in _SHARED_ROOT_KEYS if k in document}
    tag_names = [t for t in operation.get("tags", []) if isinstance(t, str)]
    tags = [t for t in document.get("tags", []) if isinstance(t, dict) and t.get("name") in tag_names]
    if tags:
        fragment["tags"] = tags
    components = document.get("components") or {}
    keys = _closure(components, _refs({**shared, method: operation}) + _schemes_used(document, operation))
    if keys:
        fragment["components"] = _pick(components, keys)
    fragment["paths"] = {path: {**shared, method: operation}}
    return fragment, keys


def _rest_fragment(document: dict[str, Any], used: set[tuple[str, str]]) -> dict[str, Any] | None:
    """Components no operation refers to, webhooks and unused tags: kept so nothing is lost."""
    components = document.get("components") or {}
    webhooks = document.get("webhooks") or {}
    rest = {(s, n) for s, items in components.items() if isinstance(items, dict) for n in items} - used
    rest |= _closure(components, _refs(webhooks))
    used_tags = {t for item in document.get("paths", {}).values() for m in HTTP_METHODS
                 if isinstance(item.get(m), dict) for t in item[m].get("tags", []) if isinstance(t, str)}  # fmt: skip
    tags = [
        t for t in document.get("tags", []) if isinstance(t, dict) and str(t.get("name")) not in used_tags
    ]
    extensions = {k: v for k, v in document.items() if k.startswith("x-")}
    if not rest and not webhooks and not tags and not extensions:
        return None
    fragment: dict[str, Any] = {k: document[k] for k in _SHARED_ROOT_KEYS if k in document}
    fragment.update({"tags": tags} if tags else {})
    fragment.update(extensions)
    fragment["paths"] = {}
    fragment.update({"webhooks": webhooks} if webhooks else {})
    fragment.update({"components": _pick(components, rest)} if rest else {})
    return fragment


def split_spec(document: dict[str, Any], shown: str) -> dict[str, str]:
    """A whole spec as one fragment per operation (plus ``_shared.json`` for what no operation uses)."""
    fragments: list[Fragment] = []
    used: set[tuple[str, str]] = set()
    for path, item in (document.get("paths") or {}).items():
        for method in (m for m in HTTP_METHODS if isinstance(item, dict) and isinstance(item.get(m), dict)):
            fragment, keys = _operation_fragment(document, path, method)
            used |= keys
            fragments.append(Fragment(f"{shown}#{join_pointer('paths', path, method)}", fragment))
    files = split_fragments(fragments)
    rest = _rest_fragment(document, used)
    if rest is not None:
        files["_shared.json"] = dump_json(rest)
    return files
