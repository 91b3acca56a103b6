"""Validate a merged document: openapi-spec-validator (3.0 and 3.1) plus the rules it misses.

Takes :class:`~generator.spec.merge.Merged` and returns every problem at once as diagnostics whose
origins are mapped back to the fragment that holds the node. Our own rules:
- every ``$ref`` is local (``#/...``) and resolves;
- component names match ``^[a-zA-Z0-9._-]+$``;
- the variables of each path template match the declared path parameters, both ways;
- operationIds are unique.
openapi-spec-validator runs once our rules pass: it stops at the first unresolvable reference,
and it reports what our rules already found with less precise locations. An exception inside it
is reported, never raised. Its findings are cached by the document's content (generator/cache.py),
so regenerating an unchanged provider does not pay for it again.

It is the slow part (~13 s on OpenAI's spec), so an edit to a few operations does not re-run it
on everything: the document is cut into units, one per path (the path item, every component it
reaches through ``$ref``, the top-level keys) and one for the rest (everything but ``paths``).
A clean validation marks every unit clean in the cache; the next time, when only a few path units
are not marked, only they are validated, each on its own. The document is valid when every unit
is: together they hold every node, each operation with everything it refers to, and the one
check that spans operations (unique operationIds) is ours. Anything else (a component changed, many paths
changed, a ``$ref`` outside ``#/components/<section>/<name>``) validates the whole document.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from importlib.metadata import version
from typing import Any

from generator.cache import cache_key, read_entry, write_entry
from generator.diagnostics import Diagnostic, join_pointer, split_pointer
from generator.spec.merge import Merged
from generator.spec.quirks import HTTP_METHODS
from generator.spec.views import MISSING, follow, path_variables, resolve, walk_refs, without_data_refs

__all__ = ["validate"]

_COMPONENT_NAME = re.compile(r"^[a-zA-Z0-9._-]+$")


def _check_refs(merged: Merged) -> Iterator[Diagnostic]:
    for pointer, ref in walk_refs(merged.document):
        origin = merged.origin_of(pointer)
        if not isinstance(ref, str):
            yield Diagnostic(origin, f"$ref must be a string, got {ref!r}")
        elif not ref.startswith("#"):
            yield Diagnostic(origin, f"external reference {ref!r} is not supported",
                             hint="copy the referenced definition into the fragment's components")  # fmt: skip
        elif resolve(merged.document, ref[1:]) is MISSING:
            yield Diagnostic(origin, f"unresolved reference {ref!r}",
                             hint="define it under components in this fragment or another")  # fmt: skip


def _check_component_names(merged: Merged) -> Iterator[Diagnostic]:
    components = merged.document.get("components") or {}
    for section, items in components.items() if isinstance(components, dict) else ():
        for name in items if isinstance(items, dict) and not section.startswith("x-") else ():
            if not _COMPONENT_NAME.match(name):
                yield Diagnostic(merged.origin_of(join_pointer("components", section, name)),
                                 f"component name {name!r} does not match ^[a-zA-Z0-9._-]+$",
                                 hint="rename it (and its references)")  # fmt: skip


def _parameters(merged: Merged, pointer: str) -> Iterator[tuple[str, dict[str, Any]]]:
    params = resolve(merged.document, pointer)
    for index, param in enumerate(params if isinstance(params, list) else []):
        where = f"{pointer}/{index}"
        param = follow(merged.document, param).node
        if isinstance(param, dict) and param.get("in") == "path":
            yield where, param


def _check_path_parameters(merged: Merged) -> Iterator[Diagnostic]:
    for path, item in (merged.document.get("paths") or {}).items():
        variables = path_variables(path)
        shared = list(_parameters(merged, join_pointer("paths", path, "parameters")))
        for method in (m for m in HTTP_METHODS if isinstance(item.get(m), dict)):
            op_pointer = join_pointer("paths", path, method)
            declared = shared + list(_parameters(merged, op_pointer + "/parameters"))
            names = {str(param.get("name")) for _, param in declared}
            unmatched = [v for v in variables if v not in names]
            for where, param in declared:
                if param.get("name") not in variables:
                    hint = f"rename it to {unmatched[0]!r} or change the path" if len(unmatched) == 1 else ""
                    yield Diagnostic(merged.origin_of(where), f"path parameter {param.get('name')!r} "
                                     f"is not in {path!r}", hint=hint)  # fmt: skip
            for variable in unmatched:
                yield Diagnostic(merged.origin_of(op_pointer), f"path variable {variable!r} of "
                                 f"{path!r} has no path parameter", hint="declare it under 'parameters'")  # fmt: skip


def _check_operation_ids(merged: Merged) -> Iterator[Diagnostic]:
    seen: dict[str, str] = {}
    found = []
    for path, item in (merged.document.get("paths") or {}).items():
        for method in (m for m in HTTP_METHODS if isinstance(item.get(m), dict)):
            op_id = item[method].get("operationId")
            if isinstance(op_id, str):
                found.append((merged.origin_of(join_pointer("paths", path, method, "operationId")), op_id))
    for origin, op_id in sorted(found):
        if op_id in seen:
            yield Diagnostic(origin, f"operationId {op_id!r} is also used by {seen[op_id]}",
                             hint="operationIds must be unique")  # fmt: skip
        else:
            seen[op_id] = str(origin)


def _run_spec_validator(document: dict[str, Any]) -> list[tuple[str, str]]:
    """openapi-spec-validator's findings as (pointer, message); imported only when needed."""
    from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator

    version = str(document.get("openapi", ""))
    validator_class = OpenAPIV31SpecValidator if version.startswith("3.1") else OpenAPIV30SpecValidator
    try:
        errors = list(validator_class(without_data_refs(document)).iter_errors())
    except Exception as exc:  # noqa: BLE001 - the validator's own failure is reported, not raised
        return [("", f"openapi-spec-validator failed: {type(exc).__name__}: {exc}")]
    found = []
    for error in errors:
        path = getattr(error, "absolute_path", None) or ()
        message = str(getattr(error, "message", error))
        found.append((join_pointer(*path), message[:1].lower() + message[1:]))
    return found


# Bumped whenever what the validator is given changes (a cached finding would be stale otherwise).
_PREPARATION = "data refs hidden"
_MAX_UNITS = 16  # more path units to validate than this: one pass over the whole document is cheaper
_CLEAN = "openapi-spec-validator-clean-units"


def _spec_validator(merged: Merged) -> Iterator[Diagnostic]:
    """The validator's findings, cached by the document's content (it is the slow part)."""
    tool = f"{version('openapi-spec-validator')} {_PREPARATION}"
    key = cache_key(tool, json.dumps(merged.document, sort_keys=True))
    cached = read_entry("openapi-spec-validator", key)
    found = json.loads(cached) if cached is not None else _validate_by_units(merged.document, tool)
    if cached is None:
        write_entry("openapi-spec-validator", key, json.dumps(found))
    for pointer, message in found:
        yield Diagnostic(merged.origin_of(pointer), message)


def _validate_by_units(document: dict[str, Any], tool: str) -> list[tuple[str, str]]:
    """Validate only the path units not known to be clean, or else the whole document."""
    units = _units(document)
    keys = {label: cache_key(tool, "unit", json.dumps(unit, sort_keys=True)) for label, unit in units.items()}
    dirty = [label for label, key in keys.items() if read_entry(_CLEAN, key) is None]
    if units and "" not in dirty and len(dirty) <= _MAX_UNITS:
        found = [finding for label in sorted(dirty) for finding in _run_spec_validator(units[label])]
    else:
        found = _run_spec_validator(document)
    if not found:
        for unit_key in keys.values():
            write_entry(_CLEAN, unit_key, "")
    return found


def _units(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """``{"": everything but paths, path: that path's unit}``; empty when a path cannot be cut out."""
    components = document.get("components")
    components = components if isinstance(components, dict) else {}
    top = {k: v for k, v in document.items() if k not in ("paths", "components")}
    units: dict[str, dict[str, Any]] = {"": {**document, "paths": {}}}
    for path, item in (document.get("paths") or {}).items():
        reached = _reached_components(item, components)
        if reached is None:
            return {}
        if isinstance(components.get("securitySchemes"), dict):
            reached["securitySchemes"] = components["securitySchemes"]
        units[path] = {**top, "paths": {path: item}, "components": reached}
    return units


def _reached_components(node: Any, components: dict[str, Any]) -> dict[str, dict[str, Any]] | None:
    """Every component ``node`` reaches through ``$ref``s, by section; None for any other ``$ref``."""
    reached: dict[str, dict[str, Any]] = {}
    todo = [ref for _, ref in walk_refs(node)]
    while todo:
        ref = todo.pop()
        tokens = split_pointer(ref[1:]) if isinstance(ref, str) and ref.startswith("#/") else []
        if len(tokens) < 3 or tokens[0] != "components":
            return None  # a ref into paths, or to the document: validate it whole
        section, name = tokens[1], tokens[2]
        entries = components.get(section)
        target = entries.get(name, MISSING) if isinstance(entries, dict) else MISSING
        if target is MISSING:
            return None
        if name not in reached.setdefault(section, {}):
            reached[section][name] = target
            todo += [ref for _, ref in walk_refs(target)]
    return reached


def validate(merged: Merged) -> list[Diagnostic]:
    """Every problem of the merged document, sorted by (file, pointer)."""
    found = list(_check_refs(merged))
    found += _check_component_names(merged)
    found += _check_path_parameters(merged)
    found += _check_operation_ids(merged)
    if not found:
        found += _spec_validator(merged)
    return sorted(set(found))
