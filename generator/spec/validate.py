"""Validate a merged document: openapi-spec-validator (3.0 and 3.1) plus the rules it misses.

Takes :class:`~generator.spec.merge.Merged` and returns every problem at once as diagnostics whose
origins are mapped back to the fragment that holds the node. Our own rules:
- every ``$ref`` is local (``#/...``) and resolves;
- component names match ``^[a-zA-Z0-9._-]+$``;
- the variables of each path template match the declared path parameters, both ways;
- operationIds are unique;
- nesting, ``$ref`` followed, stays within ``MAX_SCHEMA_DEPTH`` levels (the later stages recurse
  along it), and the subschemas openapi-spec-validator's ``allOf`` check walks anew for every
  branch stay within ``MAX_EXPANSION`` and never reach the branch again (it would recurse forever
  or take exponential time). Both are checked first, without recursion.
Findings of openapi-spec-validator about a ``default`` or a schema come with a path relative to
that value; they are located in the document by searching for the value (``_locate``).
A clean document may still get warnings: an ``enum`` or ``const`` integer beyond 64 bits.
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
from generator.model.types import fits_msgspec
from generator.spec.merge import Merged
from generator.spec.quirks import HTTP_METHODS
from generator.spec.views import MISSING, follow, path_variables, resolve, walk_refs, without_data_refs
from generator.spec.shape import check_schemas

__all__ = ["validate"]

_COMPONENT_NAME = re.compile(r"^[a-zA-Z0-9._-]+$")
MAX_SCHEMA_DEPTH = 150  # levels below the document root, $ref followed; real specs reach about 62
MAX_EXPANSION = 20_000  # subschemas below all allOf branches, each walked anew; real specs: at most 736


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
        elif _loops(merged.document, ref[1:]):
            yield Diagnostic(origin, f"reference {ref!r} leads back to itself through $ref only",
                             hint="a chain of $ref must end at a definition")  # fmt: skip


def _loops(document: Any, pointer: str) -> bool:
    """Whether following ``$ref`` from ``pointer`` never reaches a node that is not a ``$ref``."""
    seen: set[str] = set()
    while pointer not in seen:
        seen.add(pointer)
        node = resolve(document, pointer)
        ref = node.get("$ref") if isinstance(node, dict) else None
        if not (isinstance(ref, str) and ref.startswith("#")):
            return False
        pointer = ref[1:]
    return True


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
    """openapi-spec-validator's findings as (pointer, message); imported only when needed. Its own
    failure is a finding too (pyo3's PanicException, from a dependency, is a BaseException)."""
    from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator

    version = str(document.get("openapi", ""))
    validator_class = OpenAPIV31SpecValidator if version.startswith("3.1") else OpenAPIV30SpecValidator
    try:
        errors = list(validator_class(without_data_refs(document)).iter_errors())
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # noqa: BLE001 - reported, not raised (a pyo3 PanicException too)
        return [("", f"openapi-spec-validator failed: {type(exc).__name__}: {str(exc)[:200]}")]
    found = []
    nodes = _dicts(document) if errors else []
    for index, error in enumerate(errors):
        message = str(getattr(error, "message", error))
        located = _locate(document, nodes, error) if index < _MAX_LOCATED else []
        path = list(getattr(error, "absolute_path", None) or ())
        for pointer in located or [join_pointer(*path)]:
            found.append((pointer, message[:1].lower() + message[1:]))
    return found


# Bumped whenever what the validator is given changes (a cached finding would be stale otherwise).
_PREPARATION = "data refs hidden"


_MAX_LOCATED = 50  # errors located by searching the document; the rest keep the validator's path


def _dicts(document: Any) -> list[tuple[str, dict[str, Any]]]:
    """Every mapping of the document with its pointer, walked without recursion."""
    found: list[tuple[str, dict[str, Any]]] = []
    stack: list[tuple[str, Any]] = [("", document)]
    while stack:
        pointer, node = stack.pop()
        if isinstance(node, dict):
            found.append((pointer, node))
            stack += [(pointer + join_pointer(k), v) for k, v in node.items() if isinstance(v, (dict, list))]
        elif isinstance(node, list):
            stack += [(f"{pointer}/{i}", v) for i, v in enumerate(node) if isinstance(v, (dict, list))]
    return found


def _same(found: Any, instance: Any) -> bool:
    return found is not MISSING and type(found) is type(instance) and found == instance


def _locate(document: Any, nodes: list[tuple[str, dict[str, Any]]], error: Any) -> list[str]:
    """Where a finding is, when the validator's path is not the document's: a schema's ``default``
    (``'x' is not a 'uuid'``) or a schema checked against the meta-schema has a path relative to
    that value or schema. Searched for: the defaults, else the schemas, holding the bad value there.
    """
    path = [str(token) for token in getattr(error, "absolute_path", None) or ()]
    instance = getattr(error, "instance", MISSING)
    if instance is MISSING or _same(resolve(document, join_pointer(*path)), instance):
        return []
    relative = join_pointer(*path)
    defaults = [p + "/default" + relative for p, node in nodes
                if "default" in node and _same(resolve(node["default"], relative), instance)]  # fmt: skip
    keyword, value = getattr(error, "validator", None), getattr(error, "validator_value", MISSING)
    schema_path = [str(token) for token in getattr(error, "relative_schema_path", None) or ()][:-1]
    checked = [d for d in defaults if _same(resolve(document, _schema_of(d, relative) + join_pointer(
        *schema_path, str(keyword))), value)]  # fmt: skip
    if checked or defaults:
        return sorted(checked or defaults)
    if not path and not isinstance(instance, dict):
        return []
    return sorted(p + relative for p, node in nodes if _same(resolve(node, relative), instance))


def _schema_of(default: str, relative: str) -> str:
    """The schema pointer of ``<schema>/default<relative>``."""
    return default[: len(default) - len(relative) - len("/default")]


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


def _edges(document: Any, node: Any, pointer: str) -> list[tuple[str, Any, int]]:
    """The containers below ``node`` (one level deeper) and a local ``$ref``'s target (no deeper)."""
    if isinstance(node, list):
        return [(f"{pointer}/{i}", v, 1) for i, v in enumerate(node) if isinstance(v, (dict, list))]
    found = [(pointer + join_pointer(k), v, 1) for k, v in node.items() if isinstance(v, (dict, list))]
    ref = node.get("$ref")
    target = resolve(document, ref[1:]) if isinstance(ref, str) and ref.startswith("#") else None
    if isinstance(target, (dict, list)):
        found.append((ref[1:], target, 0))
    return found


def _deepest(document: dict[str, Any]) -> dict[str, tuple[int, str | None]]:
    """Per container pointer: the most levels below it, ``$ref`` followed, and the next pointer on
    that deepest path. Walked without recursion, each node once; a ``$ref`` back to a node being
    walked (a recursive schema) is a cycle that the later stages stop at, so it does not count."""
    deepest: dict[str, tuple[int, str | None]] = {}
    walking: set[str] = set()
    stack: list[tuple[str, Any, bool]] = [("", document, False)]
    while stack:
        pointer, node, done = stack.pop()
        if pointer in deepest or (not done and pointer in walking):
            continue
        edges = _edges(document, node, pointer)
        if done:
            walking.discard(pointer)
            deepest[pointer] = max(((deepest[p][0] + w, p) for p, _, w in edges if p in deepest),
                                   default=(0, None))  # fmt: skip
        else:
            walking.add(pointer)
            stack.append((pointer, node, True))
            stack += [(p, v, False) for p, v, _ in edges if p not in deepest and p not in walking]
    return deepest


def _check_depth(merged: Merged) -> Iterator[Diagnostic]:
    """Nesting through ``$ref`` is bounded: the later stages (and openapi-spec-validator) recurse
    along it, and an acyclic chain of a few hundred schemas would exhaust Python's stack."""
    deepest = _deepest(merged.document)
    if deepest[""][0] <= MAX_SCHEMA_DEPTH:
        return
    total, pointer, start = deepest[""][0], "", ""
    while total - deepest[pointer][0] <= MAX_SCHEMA_DEPTH:  # the level of ``pointer``
        following = deepest[pointer][1] or ""
        if not start and deepest[following][0] == deepest[pointer][0]:
            start = pointer  # the first $ref followed
        pointer = following
    yield Diagnostic(merged.origin_of(pointer), f"nested more than {MAX_SCHEMA_DEPTH} levels deep "
                     f"through $ref (from #{start})", hint="a chain of schemas this deep is not supported; "
                     "flatten it")  # fmt: skip


def _target(document: Any, pointer: str, node: Any) -> tuple[str, Any]:
    """Follow ``$ref`` (as openapi-spec-validator does) to the node it names; a loop stops anywhere."""
    seen = {pointer}
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#"):
        target = resolve(document, node["$ref"][1:])
        if target is MISSING or node["$ref"][1:] in seen:
            break
        pointer, node = node["$ref"][1:], target
        seen.add(pointer)
    return pointer, node


def _subschemas(document: Any, pointer: str, node: Any) -> list[tuple[str, Any]]:
    """What openapi-spec-validator's allOf check walks into from ``node``, ``$ref`` followed."""
    if not isinstance(node, dict):
        return []
    found = [(f"{pointer}/{key}", node[key]) for key in ("items", "not") if isinstance(node.get(key), dict)]
    for key in ("allOf", "anyOf", "oneOf"):
        branches = node.get(key)
        found += [(f"{pointer}/{key}/{i}", b) for i, b in enumerate(branches) if isinstance(b, dict)] if isinstance(branches, list) else []  # fmt: skip
    return [_target(document, p, n) for p, n in found]


def _expansions(document: Any, roots: list[tuple[str, Any]]) -> dict[str, tuple[int, bool]]:
    """Per schema pointer: how many subschemas an unmemoized walk of ``_subschemas`` visits (capped
    above ``MAX_EXPANSION``), and whether it reaches itself again (a walk that never ends)."""
    found: dict[str, tuple[int, bool]] = {}
    walking: set[str] = set()
    stack = [(pointer, node, False) for pointer, node in roots]
    while stack:
        pointer, node, done = stack.pop()
        if pointer in found or (not done and pointer in walking):
            continue
        children = _subschemas(document, pointer, node)
        if done:
            walking.discard(pointer)
            count = 1 + sum(found[p][0] for p, _ in children if p in found)
            loops = any(p in walking or (p in found and found[p][1]) for p, _ in children)
            found[pointer] = (min(count, MAX_EXPANSION + 1), loops)
        else:
            walking.add(pointer)
            stack.append((pointer, node, True))
            stack += [(p, n, False) for p, n in children if p not in found and p not in walking]
    return found


def _all_of_members(document: Any) -> Iterator[tuple[str, tuple[str, Any]]]:
    """Every ``allOf`` branch of the document: its pointer and, ``$ref`` followed, its schema's."""
    stack: list[tuple[str, Any]] = [("", document)]
    while stack:
        pointer, node = stack.pop()
        if isinstance(node, dict):
            branches = node.get("allOf")
            for index, branch in enumerate(branches if isinstance(branches, list) else []):
                if isinstance(branch, dict):
                    yield f"{pointer}/allOf/{index}", _target(document, f"{pointer}/allOf/{index}", branch)
            stack += [(pointer + join_pointer(k), v) for k, v in node.items()]
        elif isinstance(node, list):
            stack += [(f"{pointer}/{i}", v) for i, v in enumerate(node)]


def _check_compositions(merged: Merged) -> Iterator[Diagnostic]:
    """openapi-spec-validator collects the properties of every ``allOf`` branch by walking its
    ``allOf``/``anyOf``/``oneOf``/``items``/``not`` with ``$ref`` followed and nothing remembered: a
    branch that reaches itself again recurses until Python gives up, and branches that share
    subschemas take exponential time (a chain of 20 ``allOf: [X, X]`` took minutes)."""
    members = dict(sorted(_all_of_members(merged.document), key=lambda item: item[0]))
    expansions = _expansions(merged.document, list(members.values()))
    total = 0
    for pointer, (target, _) in members.items():
        count, loops = expansions[target]
        total += count
        if loops:
            yield Diagnostic(merged.origin_of(pointer), "an allOf branch that refers back to itself through "
                             "allOf, anyOf, oneOf, items or not: openapi-spec-validator cannot check it",
                             hint="break the loop, e.g. through a property")  # fmt: skip
        elif total > MAX_EXPANSION:
            yield Diagnostic(merged.origin_of(pointer), f"allOf branches that expand to more than "
                             f"{MAX_EXPANSION} subschemas through $ref", hint="share fewer subschemas")  # fmt: skip
            return


def _check_wide_integers(merged: Merged) -> Iterator[Diagnostic]:
    """Warn where an ``enum`` or ``const`` integer does not fit in 64 bits: msgspec cannot decode it
    as an enum member or a literal, so the schema is typed as a plain ``int`` (model/schemas.py)."""
    for pointer, node in _dicts(merged.document):
        values = [("const", node["const"])] if "const" in node else []
        values += (
            [(f"enum/{i}", v) for i, v in enumerate(node["enum"])]
            if isinstance(node.get("enum"), list)
            else []
        )
        for where, value in values:
            if isinstance(value, int) and not isinstance(value, bool) and not fits_msgspec(value):
                yield Diagnostic(merged.origin_of(f"{pointer}/{where}"), f"integer {value} does not fit in 64 "
                                 "bits, which msgspec needs for an enum or a literal; it is typed as a plain int",
                                 severity="warning")  # fmt: skip


def validate(merged: Merged) -> list[Diagnostic]:
    """Every problem of the merged document, sorted by (file, pointer); when there is no error,
    the warnings (integers msgspec cannot hold in an enum)."""
    found = list(_check_depth(merged))
    if found:
        return found
    found += _check_refs(merged)
    found += _check_component_names(merged)
    found += _check_path_parameters(merged)
    found += _check_operation_ids(merged)
    found += check_schemas(merged.document, merged.origin_of)
    found += _check_compositions(merged) if not found else []
    if not found:
        found += _spec_validator(merged)
    if not found:
        found += _check_wide_integers(merged)
    return sorted(set(found))
