"""Known vendor quirks, normalized before validation, each with a warning naming file and pointer.

The documented list (docs/quirks.md) is the whole list: anything else that is wrong is an error
from ``validate``, never a silent fix. With ``strict=True`` every quirk is an error instead.

1. ``swagger2-media-keys``: a Swagger 2.0 ``consumes`` or ``produces`` key inside an OpenAPI 3.x
   operation (MariaDB publishes two). It has no meaning in 3.x (media types live under
   ``requestBody.content`` and ``responses.*.content``), so it moves to ``x-consumes`` /
   ``x-produces`` where it is kept for reference.
2. ``duplicate-required``: a schema's ``required`` list naming a property twice (OpenAI): the
   repeats are dropped.
3. ``default-mismatch``: a schema ``default`` that the schema itself rejects: of another JSON
   type, not among its ``enum``, or ``null`` where null is not allowed (OpenAI). It cannot be a
   default, so it moves to ``x-default``.
4. ``boolean-exclusive-bound``: in an OpenAPI 3.1 document, the 3.0 form ``exclusiveMinimum:
   true`` (with ``minimum: X``) becomes the 3.1 form ``exclusiveMinimum: X``; ``false`` is
   dropped. The same for maximum (OpenAI).
5. ``recursive-ref``: JSON Schema 2019-09 ``$recursiveAnchor: true`` on a component schema and
   ``$recursiveRef: "#"`` inside it (OpenAI's ``CompoundFilter``): the anchor is dropped and the
   reference becomes a ``$ref`` to that component, which is what it means there.
6. ``enum-type-mismatch``: ``enum`` values of another JSON type than the schema's ``type``. Under
   ``type: string`` numbers and booleans become their JSON spelling as strings (``enum: [1, 2]``
   written unquoted in YAML means the strings the server sends); any other mismatch is kept
   and only reported.
7. ``undeclared-path-variable``: a variable of the path template that no path parameter
   declares (Intercom). A parameter of that name declared ``in: query`` (or header/cookie) in the
   operation itself is what was meant: it becomes the path parameter; otherwise a required string
   path parameter of that name is added to the operation.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any

from generator.diagnostics import Diagnostic, Origin, join_pointer
from generator.spec.load import Fragment
from generator.spec.views import follow, path_variables

__all__ = ["HTTP_METHODS", "apply_quirks"]

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_SWAGGER2_KEYS = ("consumes", "produces")


def _media_keys(fragment: Fragment, strict: bool) -> tuple[Fragment, list[Diagnostic]]:
    document = fragment.document
    found: list[Diagnostic] = []
    moved = copy.deepcopy(document)
    for path, item in (document.get("paths") or {}).items():
        if not isinstance(item, dict):
            continue
        for method in HTTP_METHODS:
            operation = item.get(method)
            if not isinstance(operation, dict):
                continue
            for key in _SWAGGER2_KEYS:
                if key not in operation:
                    continue
                origin = Origin(fragment.file).child("paths", path, method, key)
                target = moved["paths"][path][method]
                if f"x-{key}" in operation:
                    found.append(Diagnostic(origin, f"swagger 2.0 key {key!r} next to 'x-{key}'"))
                    continue
                target[f"x-{key}"] = target.pop(key)
                found.append(
                    Diagnostic(
                        origin,
                        f"swagger 2.0 key {key!r} in an openapi 3.x operation; moved to 'x-{key}'",
                        hint="media types belong under requestBody.content and responses.*.content",
                        severity="error" if strict else "warning",
                    )
                )
    return (replace(fragment, document=moved) if found else fragment), found


_SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "definitions")
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
_SCHEMA_ONE = ("items", "additionalProperties", "not", "contains", "if", "then", "else")
_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,), "integer": (int,), "number": (int, float), "boolean": (bool,),
    "array": (list,), "object": (dict,), "null": (type(None),),
}  # fmt: skip


def _schemas(node: Any, pointer: str) -> Iterator[tuple[dict[str, Any], str]]:
    """Every schema object below a schema, depth first, with its pointer."""
    if not isinstance(node, dict):
        return
    yield node, pointer
    for key in _SCHEMA_MAPS:
        for name, child in (node.get(key) or {}).items() if isinstance(node.get(key), dict) else ():
            yield from _schemas(child, pointer + join_pointer(key, name))
    for key in _SCHEMA_LISTS:
        for index, child in enumerate(node.get(key) or []) if isinstance(node.get(key), list) else ():
            yield from _schemas(child, pointer + join_pointer(key, index))
    for key in _SCHEMA_ONE:
        yield from _schemas(node.get(key), pointer + join_pointer(key))


def _schema_roots(document: dict[str, Any]) -> Iterator[tuple[dict[str, Any], str]]:
    """Component schemas and every ``schema`` of parameters, bodies, responses and headers."""
    components = document.get("components") or {}
    for name, schema in (components.get("schemas") or {}).items():
        yield schema, join_pointer("components", "schemas", name)
    stack: list[tuple[Any, str]] = [
        (document.get("paths") or {}, "/paths"),
        (document.get("webhooks") or {}, "/webhooks"),
    ]
    stack += [(v, join_pointer("components", k)) for k, v in components.items() if k != "schemas"]
    while stack:
        node, pointer = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "schema" and isinstance(value, dict):
                    yield value, pointer + "/schema"
                elif key != "examples" and key != "example":
                    stack.append((value, pointer + join_pointer(key)))
        elif isinstance(node, list):
            stack += [(value, f"{pointer}/{index}") for index, value in enumerate(node)]


def _allows(schema: dict[str, Any], value: Any, document: dict[str, Any], depth: int = 0) -> bool:
    """Whether ``value`` can be an instance of ``schema`` by type, nullability and enum."""
    if "$ref" in schema:
        target = follow(document, schema).node
        return not isinstance(target, dict) or depth > 8 or _allows(target, value, document, depth + 1)
    lists = [
        schema[key] for key in ("anyOf", "oneOf") if isinstance(schema.get(key), list)
    ]  # not yet validated
    branches = [b for found in lists for b in found if isinstance(b, dict)]
    if branches and "type" not in schema and not (value is None and schema.get("nullable") is True):
        return any(_allows(branch, value, document, depth + 1) for branch in branches)
    kinds = schema.get("type")
    kinds = (
        [kinds]
        if isinstance(kinds, str)
        else [k for k in kinds if isinstance(k, str)] if isinstance(kinds, list) else None
    )
    nullable = schema.get("nullable") is True or (kinds is not None and "null" in kinds)
    if value is None:
        return nullable or kinds is None and not isinstance(schema.get("enum"), list)
    if kinds is not None:
        allowed = tuple(t for k in kinds for t in _JSON_TYPES.get(k, ()))
        if not isinstance(value, allowed) or (isinstance(value, bool) and bool not in allowed):
            return False
    enum = schema.get("enum")
    return not isinstance(enum, list) or value in enum


def _enum_fixes(schema: dict[str, Any]) -> list[tuple[str, str]]:
    """Quirk 6: enum values whose JSON type is not the schema's ``type``."""
    values, kinds = schema.get("enum"), schema.get("type")
    kinds = (
        [kinds]
        if isinstance(kinds, str)
        else [k for k in kinds if isinstance(k, str)] if isinstance(kinds, list) else None
    )
    if not isinstance(values, list) or not kinds:
        return []
    allowed = tuple(t for k in kinds for t in _JSON_TYPES.get(k, ()))
    odd = [v for v in values if not isinstance(v, allowed) or (isinstance(v, bool) and bool not in allowed)]
    odd = [v for v in odd if v is not None]  # null in an enum is nullability, checked elsewhere
    if not odd:
        return []
    shown = ", ".join(json.dumps(v) for v in odd[:5]) + (", ..." if len(odd) > 5 else "")
    if kinds == ["string"] and all(isinstance(v, (bool, int, float)) for v in odd):
        schema["enum"] = [json.dumps(v) if isinstance(v, (bool, int, float)) else v for v in values]
        return [("enum", f"enum values {shown} are not strings as 'type: string' says; read as strings")]
    return [("enum", f"enum values {shown} are not of the declared type {'/'.join(kinds)}")]


def _schema_fixes(
    schema: dict[str, Any], version31: bool, component: str, document: dict[str, Any]
) -> list[tuple[str, str]]:
    """Fix one schema in place; return (key, message) for each fix."""
    fixes = []
    required = schema.get("required")
    if (
        isinstance(required, list)
        and all(isinstance(r, str) for r in required)
        and len(set(required)) != len(required)
    ):
        schema["required"] = list(dict.fromkeys(required))
        fixes.append(("required", "'required' names a property twice; repeats dropped"))
    fixes += _enum_fixes(schema)
    if "default" in schema and "x-default" not in schema and not _allows(schema, schema["default"], document):
        schema["x-default"] = schema.pop("default")
        fixes.append(
            (
                "default",
                f"default {schema['x-default']!r} is not allowed by its own schema; moved to 'x-default'",
            )
        )
    for bound in ("Minimum", "Maximum") if version31 else ():
        key = "exclusive" + bound
        if isinstance(schema.get(key), bool):
            flag = schema.pop(key)
            if flag and bound.lower() in schema:
                schema[key] = schema.pop(bound.lower())
            fixes.append(
                (key, f"3.0-style boolean '{key}' in an openapi 3.1 document; rewritten in the 3.1 form")
            )
    if schema.get("$recursiveRef") == "#" and component:
        del schema["$recursiveRef"]
        schema["$ref"] = "#" + join_pointer("components", "schemas", component)
        fixes.append(("$recursiveRef", f"'$recursiveRef: #' becomes a $ref to {component!r}"))
    if "$recursiveAnchor" in schema:
        del schema["$recursiveAnchor"]
        fixes.append(
            (
                "$recursiveAnchor",
                "'$recursiveAnchor' dropped (JSON Schema 2019-09; its $recursiveRef is resolved)",
            )
        )
    return fixes


def _schema_quirks(fragment: Fragment, strict: bool) -> tuple[Fragment, list[Diagnostic]]:
    version31 = str(fragment.document.get("openapi", "")).startswith("3.1")
    fixed = copy.deepcopy(fragment.document)
    found: list[Diagnostic] = []
    for root, root_pointer in _schema_roots(fixed):
        component = root_pointer.split("/")[3] if root_pointer.startswith("/components/schemas/") else ""
        component = component.replace("~1", "/").replace("~0", "~")
        for schema, pointer in _schemas(root, root_pointer):
            for key, message in _schema_fixes(schema, version31, component, fixed):
                found.append(Diagnostic(Origin(fragment.file, pointer + join_pointer(key)), message,
                                        severity="error" if strict else "warning"))  # fmt: skip
    return (replace(fragment, document=fixed) if found else fragment), found


def _declared(document: dict[str, Any], params: Any) -> list[dict[str, Any]]:
    return (
        [p for p in (follow(document, x).node for x in params or []) if isinstance(p, dict)]
        if isinstance(params, list)
        else []
    )


def _path_parameters(fragment: Fragment, strict: bool) -> tuple[Fragment, list[Diagnostic]]:
    """Quirk 7: every variable of a path template gets a path parameter."""
    document = fragment.document
    found: list[Diagnostic] = []
    fixed: dict[str, Any] | None = None
    for path, item in (
        (document.get("paths") or {}).items() if isinstance(document.get("paths"), dict) else ()
    ):
        variables = path_variables(path) if isinstance(item, dict) else []
        shared = _declared(document, item.get("parameters")) if variables else []
        for method in (m for m in HTTP_METHODS if variables and isinstance(item.get(m), dict)):
            own = _declared(document, item[method].get("parameters"))
            declared = {
                p["name"] for p in shared + own if p.get("in") == "path" and isinstance(p.get("name"), str)
            }
            for variable in (v for v in variables if v not in declared):
                fixed = fixed if fixed is not None else copy.deepcopy(document)
                operation = fixed["paths"][path][method]
                params = operation.get("parameters") if isinstance(operation.get("parameters"), list) else []
                index = next((i for i, p in enumerate(params) if isinstance(p, dict) and "$ref" not in p
                              and p.get("name") == variable), None)  # fmt: skip
                if index is not None:
                    where, was = f"parameters/{index}/in", params[index].get("in")
                    params[index] = {**params[index], "in": "path", "required": True}
                    message = f"path variable {variable!r} is declared 'in: {was}'; read as a path parameter"
                else:
                    where = "parameters"
                    operation["parameters"] = [*params, {"name": variable, "in": "path", "required": True,
                                                         "schema": {"type": "string"}}]  # fmt: skip
                    message = f"path variable {variable!r} has no parameter; a required string path parameter is added"
                pointer = join_pointer("paths", path, method) + "/" + where
                found.append(Diagnostic(Origin(fragment.file, pointer), message,
                                        severity="error" if strict else "warning"))  # fmt: skip
    return (replace(fragment, document=fixed) if fixed is not None else fragment), found


def apply_quirks(
    fragments: Sequence[Fragment], *, strict: bool = False
) -> tuple[tuple[Fragment, ...], list[Diagnostic]]:
    """Normalize the documented quirks of every fragment; return the fragments and the findings."""
    result: list[Fragment] = []
    findings: list[Diagnostic] = []
    for fragment in fragments:
        fixed, found = _media_keys(fragment, strict)
        fixed, more = _schema_quirks(fixed, strict)
        fixed, path_found = _path_parameters(fixed, strict)
        result.append(fixed)
        findings += found + more + path_found
    return tuple(result), _once_per_pointer(findings)


def _once_per_pointer(findings: list[Diagnostic]) -> list[Diagnostic]:
    """One finding per (pointer, message): a repair of a component that many fragments copy
    (236 pages of one spec) is reported once, at the first file, counting the others."""
    groups: dict[tuple[str, str, str], list[Diagnostic]] = {}
    for finding in findings:
        groups.setdefault((finding.origin.pointer, finding.message, finding.severity), []).append(finding)
    result = []
    for group in groups.values():
        first = min(group, key=lambda d: d.origin)
        others = len({d.origin.file for d in group}) - 1
        suffix = f" (also in {others} other fragment{'s' if others > 1 else ''})" if others else ""
        result.append(replace(first, message=first.message + suffix))
    return sorted(result)
