"""The skeleton of an OpenAPI document: which nodes must be mappings and which lists.

``quirks`` and ``merge`` run before the validator and walk the skeleton (paths, path items,
operations, parameters, responses, components, servers, tags, security); a fragment whose
``paths`` is ``true`` must be an error naming that pointer, not an ``AttributeError``. ``load``
calls :func:`check_shape` on every document; below the skeleton (schemas, examples, ...)
the validator and the stages' own checks decide.
"""

from __future__ import annotations

from typing import Any

from generator.diagnostics import Diagnostic, Origin

__all__ = ["check_shape"]

_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_ROOT = {"info": "mapping", "paths": "mapping", "components": "mapping", "webhooks": "mapping", "servers": "list",
         "tags": "list", "security": "list", "externalDocs": "mapping"}  # fmt: skip
_OPERATION = {"parameters": "list", "responses": "mapping", "requestBody": "mapping", "tags": "list",
              "security": "list", "servers": "list", "callbacks": "mapping"}  # fmt: skip


def _kind(value: Any, expected: str) -> str | None:
    """None when ``value`` is the ``expected`` kind ("mapping" or "list"); else its type's name."""
    return None if isinstance(value, dict if expected == "mapping" else list) else type(value).__name__


def _fields(node: dict[str, Any], rules: dict[str, str], origin: Origin) -> list[Diagnostic]:
    return [
        Diagnostic(origin.child(key), f"{key!r} must be a {expected}, not {found}")
        for key, expected in rules.items()
        if key in node and (found := _kind(node[key], expected)) is not None
    ]


def _items(value: Any, origin: Origin, what: str) -> list[Diagnostic]:
    """Every entry of a mapping or list must be a mapping."""
    entries = (
        value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else []
    )
    return [
        Diagnostic(origin.child(key), f"{what} must be a mapping, not {type(entry).__name__}")
        for key, entry in entries
        if not isinstance(entry, dict) and not str(key).startswith("x-")  # extensions hold anything
    ]


def _path_item(item: dict[str, Any], origin: Origin) -> list[Diagnostic]:
    problems = _fields(
        item, {"parameters": "list", "servers": "list", **{m: "mapping" for m in _METHODS}}, origin
    )
    problems += _items(item.get("parameters"), origin.child("parameters"), "a parameter")
    for method in (m for m in _METHODS if isinstance(item.get(m), dict)):
        operation, where = item[method], origin.child(method)
        problems += _fields(operation, _OPERATION, where)
        problems += _items(operation.get("parameters"), where.child("parameters"), "a parameter")
        problems += _items(operation.get("responses"), where.child("responses"), "a response")
        problems += _items(operation.get("security"), where.child("security"), "a security requirement")
    return problems


def check_shape(document: dict[str, Any], origin: Origin) -> list[Diagnostic]:
    """Every skeleton node of ``document`` that is not a mapping or a list where one must be."""
    problems = _fields(document, _ROOT, origin)
    for key in ("paths", "webhooks"):
        items = document.get(key)
        problems += _items(items, origin.child(key), "a path item")
        for name, item in items.items() if isinstance(items, dict) else ():
            problems += _path_item(item, origin.child(key, name)) if isinstance(item, dict) else []
    components = document.get("components")
    problems += _items(components, origin.child("components"), "a components section")
    for section, entries in components.items() if isinstance(components, dict) else ():
        if section != "schemas":  # a schema may be a boolean (3.1)
            problems += _items(entries, origin.child("components", section), "a component")
    for key, what in (("servers", "a server"), ("tags", "a tag"), ("security", "a security requirement")):
        problems += _items(document.get(key), origin.child(key), what)
    for index, server in (
        enumerate(document.get("servers") or []) if isinstance(document.get("servers"), list) else ()
    ):
        variables = server.get("variables") if isinstance(server, dict) else None
        problems += (
            _fields(server, {"variables": "mapping"}, origin.child("servers", index))
            if isinstance(server, dict)
            else []
        )
        problems += _items(variables, origin.child("servers", index, "variables"), "a server variable")
    return problems
