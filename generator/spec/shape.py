"""The skeleton of an OpenAPI document: which nodes must be mappings and which lists.

``quirks`` and ``merge`` run before the validator and walk the skeleton (paths, path items,
operations, parameters, responses, components, servers, tags, security); a fragment whose
``paths`` is ``true`` must be an error naming that pointer, not an ``AttributeError``. ``load``
calls :func:`check_shape` on every document; ``validate`` calls :func:`check_schemas` on the
merged one (openapi-spec-validator lets ``allOf: [null]`` through); below that the validator
and the stages' own checks decide.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from generator.diagnostics import Diagnostic, Origin, join_pointer

__all__ = ["check_schemas", "check_shape"]

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


_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
_SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
_SCHEMA_ONE = ("items", "additionalProperties", "not", "if", "then", "else", "contains", "propertyNames",
               "unevaluatedItems", "unevaluatedProperties", "additionalItems")  # fmt: skip


_KIND = {**{k: "a list" for k in _SCHEMA_LISTS}, **{k: "a mapping" for k in _SCHEMA_MAPS},
         "required": "a list of property names"}  # fmt: skip


def _schema_roots(document: dict[str, Any]) -> list[tuple[str, Any]]:
    """Every schema that is not inside another: components, and each ``schema`` of a parameter,
    header or media type (found by walking everything but examples and extensions)."""
    roots: list[tuple[str, Any]] = []
    stack: list[tuple[str, Any]] = [("", document)]
    while stack:
        pointer, node = stack.pop()
        entries = (
            node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        )
        for key, value in entries:
            where = pointer + join_pointer(key)
            if pointer == "/components/schemas" or key == "schema":
                roots.append((where, value))
            elif not str(key).startswith("x-") and key not in (
                "example",
                "examples",
                "default",
                "enum",
                "const",
            ):
                stack.append((where, value))
    return roots


def _subschemas(node: dict[str, Any], pointer: str) -> tuple[list[tuple[str, Any]], list[str]]:
    """The subschemas of a schema, and the keywords of the wrong kind to hold them."""
    found: list[tuple[str, Any]] = []
    wrong = [k for k in _SCHEMA_LISTS if k in node and not isinstance(node[k], list)]
    wrong += [k for k in _SCHEMA_MAPS if k in node and not isinstance(node[k], dict)]
    for key in (k for k in _SCHEMA_LISTS if isinstance(node.get(k), list)):
        found += [(join_pointer(key, i), v) for i, v in enumerate(node[key])]
    for key in (k for k in _SCHEMA_MAPS if isinstance(node.get(k), dict)):
        found += [(join_pointer(key, name), v) for name, v in node[key].items()]
    found += [(join_pointer(key), node[key]) for key in _SCHEMA_ONE if key in node]
    if "required" in node and not (
        isinstance(node["required"], list) and all(isinstance(r, str) for r in node["required"])
    ):
        wrong.append("required")
    return [(pointer + where, value) for where, value in found], wrong


def _what(value: Any) -> str:
    """``int``, or ``a list holding dict`` for a list with an entry that is not a string."""
    odd = [type(v).__name__ for v in value if not isinstance(v, str)] if isinstance(value, list) else []
    return f"a list holding {odd[0]}" if odd else type(value).__name__


def check_schemas(document: dict[str, Any], origin_of: Callable[[str], Origin]) -> list[Diagnostic]:
    """Every schema, and every subschema below it, is a mapping or a boolean, and the keywords that
    hold subschemas (or ``required``'s names) have the right kind: the model stage relies on it.
    Walked without recursion; each pointer once."""
    problems: list[Diagnostic] = []
    stack = _schema_roots(document)
    seen: set[str] = set()
    while stack:
        pointer, node = stack.pop()
        if pointer in seen:
            continue
        seen.add(pointer)
        if not isinstance(node, (dict, bool)):
            problems.append(Diagnostic(origin_of(pointer), f"a schema must be a mapping or a boolean, not "
                                       f"{type(node).__name__}"))  # fmt: skip
            continue
        if isinstance(node, dict):
            found, wrong = _subschemas(node, pointer)
            problems += [Diagnostic(origin_of(pointer + join_pointer(key)), f"{key!r} must be {_KIND[key]}, not "
                                    f"{_what(node[key])}") for key in wrong]  # fmt: skip
            stack += found
    return problems
