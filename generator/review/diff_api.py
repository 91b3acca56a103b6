"""The API change report: what changed between two OpenAPI documents, for a caller of the client.

Takes the previous and the current merged document of one provider (and its ``ProviderConfig``,
which names the methods) and returns a sorted tuple of :class:`Change` records; ``render_report``
prints them as Markdown for a pull-request comment. Pure: no I/O, no printing. Used by
``python -m generator diff-api`` and by the summary line of ``generate``.

Whether a change breaks is decided by its kind alone, in :data:`RULES` (the table in
docs/reviewing.md lists the same rules). They follow oasdiff's categories, read from the side of
code that calls the generated client: what a caller must pass may not grow (a new required
parameter or request field breaks), what a caller reads may not shrink or loosen (a removed
response field, a response field turning nullable or optional break), and every type change
breaks. An added response enum value does not break, because generated enums decode unknown
values (``OpenEnum``).

What is compared, per operation (keyed by method and path): deprecation, the method name,
parameters (path-level and operation-level, ``$ref`` resolved), the request body, the success
response (the first 2xx, whatever its code) and each error response (4xx, 5xx, ``default``),
and the effective security requirement. Schemas are compared as flat maps from a field path
(``invitees[].email``; ``[]`` an array item, ``{}`` a map value) to its type label,
requiredness, nullability and enum values, ``$ref`` resolved and ``allOf`` merged; a ``$ref``
already being expanded is not expanded again, so recursive schemas end, and a schema is compared
on its first 10,000 field paths (in sorted order: subschemas shared by two properties at each of
30 levels would give 2**30). Client-wide: security
schemes and servers (by the name a caller passes as ``server=``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from generator.spec.config import ProviderConfig, parse_config
from generator.diagnostics import Diagnostic, Origin, SpecError
from generator.spec.merge import Merged
from generator.model.ir import ServerVariable
from generator.model.client import servers_of
from generator.model.operations import collect_operations, name_operations
from generator.model.history import NameHistory
from generator.model.schemas import FORMATS, SchemaBuilder
from generator.spec.views import choose_media, follow, merge_all_of, resolve

__all__ = ["RULES", "Change", "Rule", "diff_api", "parse_document", "render_json", "render_report", "summary"]


@dataclass(frozen=True, slots=True)
class Rule:
    """Whether one kind of change breaks code that calls the generated client, and why."""

    breaking: bool
    reason: str


_RULE_ROWS = (
    ("operation-added", False, "a new method; existing calls are untouched"),
    ("operation-removed", True, "calls to the method fail"),
    ("operation-renamed", True, "the method has a new name (its operationId or tag changed)"),
    ("model-renamed", True, "code naming the model class (imports, annotations, construction) fails"),
    ("operation-deprecated", False, "the method still works; it warns"),
    ("operation-undeprecated", False, "the method stops warning"),
    ("parameter-added-required", True, "every call must pass a new argument"),
    ("parameter-added-optional", False, "a new argument with a default"),
    ("parameter-removed", True, "calls passing the argument fail"),
    ("parameter-became-required", True, "calls leaving the argument out fail"),
    ("parameter-became-optional", False, "every call that worked still works"),
    ("parameter-type-changed", True, "the argument's type changed"),
    ("parameter-became-nullable", False, "the argument accepts more"),
    ("parameter-became-not-nullable", True, "calls passing None fail"),
    ("parameter-enum-value-added", False, "the argument accepts more"),
    ("parameter-enum-value-removed", True, "calls passing the value fail"),
    ("request-body-added-required", True, "every call must pass a body"),
    ("request-body-added-optional", False, "a new optional body"),
    ("request-body-removed", True, "calls passing a body fail"),
    ("request-body-became-required", True, "calls without a body fail"),
    ("request-body-became-optional", False, "every call that worked still works"),
    ("request-media-type-changed", True, "the body is sent in another format"),
    ("request-field-added-required", True, "every request must set a new field"),
    ("request-field-added-optional", False, "a new field with a default"),
    ("request-field-removed", True, "requests setting the field fail"),
    ("request-field-became-required", True, "requests leaving the field out fail"),
    ("request-field-became-optional", False, "every request that worked still works"),
    ("request-field-type-changed", True, "the field's type changed"),
    ("request-field-became-nullable", False, "the field accepts more"),
    ("request-field-became-not-nullable", True, "requests sending null fail"),
    ("request-field-enum-value-added", False, "the field accepts more"),
    ("request-field-enum-value-removed", True, "requests sending the value fail"),
    ("response-body-added", False, "a method that returned None returns a value"),
    ("response-body-removed", True, "code reading the result gets None"),
    ("response-media-type-changed", True, "the result has another Python type"),
    ("response-success-status-changed", False, "the method returns the same type"),
    ("response-field-added", False, "a new attribute; existing code does not read it"),
    ("response-field-removed", True, "code reading the attribute fails"),
    ("response-field-became-required", False, "the attribute is always set now"),
    ("response-field-became-optional", True, "the attribute may be missing: its type gains None"),
    ("response-field-type-changed", True, "the attribute's type changed"),
    ("response-field-became-nullable", True, "the attribute may be None"),
    ("response-field-became-not-nullable", False, "the attribute is never None now"),
    ("response-field-enum-value-added", False, "generated enums decode unknown values (OpenEnum)"),
    ("response-field-enum-value-removed", False, "the value no longer arrives; code handling it still runs"),
    ("error-response-added", False, "the same exception, now with a decoded `model`"),
    ("error-response-removed", False, "the same exception; its `model` is None, as callers already allow"),
    ("security-scheme-added", False, "a new optional credential argument"),
    ("security-scheme-removed", True, "the credential argument and environment variable are gone"),
    ("security-scheme-changed", True, "the credential is sent differently or its argument is renamed"),
    ("security-requirement-added", False, "one more way to authenticate"),
    ("security-requirement-removed", True, "calls authenticated that way (or anonymously) fail"),
    ("server-added", False, "a new `server=` choice"),
    ("server-removed", True, "`server=` with that name fails"),
    ("server-renamed", True, "`server=` with the old name fails"),
    ("server-url-changed", False, "the same name reaches the new address"),
    ("default-server-changed", False, "calls without `server=` go elsewhere; review it"),
    ("server-variable-added", False, "a new optional client argument"),
    ("server-variable-removed", True, "passing the argument fails"),
    ("server-variable-value-added", False, "the argument accepts more"),
    ("server-variable-value-removed", True, "passing the value fails"),
    ("server-variable-default-changed", False, "calls without the argument go elsewhere; review it"),
)
RULES: Mapping[str, Rule] = {kind: Rule(breaking, reason) for kind, breaking, reason in _RULE_ROWS}


@dataclass(frozen=True, slots=True)
class Change:
    """One change: its kind (a key of RULES), whether it breaks, where, and what happened.

    ``operation`` reads ``invites.create (POST /organization/v1/invites)``; it is empty for a
    change to the client as a whole (security schemes, servers).
    """

    kind: str
    breaking: bool
    operation: str
    message: str


Found = list[tuple[str, str]]  # (kind, message)
_DEFAULT_CONFIG = parse_config("api", None, Origin(""))[0]
_MAX_DEPTH = 32
_MAX_FIELDS = 10_000  # field paths per schema: shared subschemas (a diamond) multiply them


def _change(kind: str, operation: str, message: str) -> Change:
    return Change(kind, RULES[kind].breaking, operation, message)


# ---------------------------------------------------------------------------- schemas as facts


@dataclass(frozen=True, slots=True)
class _Facts:
    """What a caller sees of one schema use."""

    type: str
    required: bool
    nullable: bool
    enum: frozenset[str] | None


def _deref(document: Any, node: Any) -> tuple[Any, tuple[str, ...], bool]:
    """Follow local ``$ref``s: the target, the refs followed, and whether a ``$ref`` node was nullable."""
    followed = follow(document, node)
    chain = [node, *(resolve(document, pointer) for pointer in followed.refs[:-1])]
    nullable = any(isinstance(n, dict) and "$ref" in n and SchemaBuilder.nullable(n) for n in chain)
    return followed.node, tuple("#" + pointer for pointer in followed.refs), nullable


def _is_null(document: Any, schema: Any) -> bool:
    node = _deref(document, schema)[0]
    return isinstance(node, dict) and node.get("type") == "null"


def _variants(node: dict[str, Any]) -> list[Any]:
    found = node.get("oneOf") or node.get("anyOf")
    return found if isinstance(found, list) and not node.get("properties") else []


def _resolve(document: Any, schema: Any) -> tuple[dict[str, Any], tuple[str, ...], bool]:
    """The schema a use stands for: refs followed, ``allOf`` merged, ``X | null`` unwrapped."""
    refs: tuple[str, ...] = ()
    nullable = False
    node = schema
    for _ in range(_MAX_DEPTH):
        node, more, flag = _deref(document, node)
        refs += more
        if not isinstance(node, dict):
            return {}, refs, nullable
        node = merge_all_of(document, node)
        variants = _variants(node)
        kept = [v for v in variants if not _is_null(document, v)]
        nullable = nullable or flag or SchemaBuilder.nullable(node) or len(kept) < len(variants)
        if len(kept) != 1:
            return node, refs, nullable
        node = kept[0]
    return {}, refs, nullable


_JSON_TYPES = {str: "string", int: "integer", float: "number", bool: "boolean"}


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _is_dict(value: Any) -> bool:
    return isinstance(value, dict)


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _type_names(node: dict[str, Any]) -> list[str]:
    kinds = node.get("type")
    names = sorted(
        {k for k in ([kinds] if isinstance(kinds, str) else _list(kinds)) if isinstance(k, str)} - {"null"}
    )
    if names:
        return names
    if node.get("properties") or isinstance(node.get("additionalProperties"), dict):
        return ["object"]
    if "items" in node:
        return ["array"]
    values = [node["const"]] if "const" in node else _list(node.get("enum"))
    return sorted({_JSON_TYPES.get(type(v), "any") for v in values if v is not None}) or ["any"]


def _label(document: Any, node: dict[str, Any], depth: int = 0) -> str:
    """A type as a caller sees it: ``string``, ``string (date-time)``, ``string enum``, ``map``..."""
    variants = [v for v in _variants(node) if not _is_null(document, v)]
    if variants and "type" not in node and depth < _MAX_DEPTH:
        labels = sorted({_label(document, _resolve(document, v)[0], depth + 1) for v in variants})
        return "one of " + " | ".join(labels)
    names = _type_names(node)
    label = " | ".join(names)
    if names == ["string"] and node.get("format") in FORMATS:
        label = f"string ({node['format']})"
    if names == ["object"] and not node.get("properties") and node.get("additionalProperties"):
        label = "map"
    if "const" in node:  # a Literal: another value is another type, in requests and responses alike
        return f"{label} = {json.dumps(node['const'], sort_keys=True)}"
    enum = node.get("enum")
    return label + " enum" if isinstance(enum, list) and any(v is not None for v in enum) else label


def _enum(node: dict[str, Any]) -> frozenset[str] | None:
    values = node.get("enum")
    if not isinstance(values, list) or not any(v is not None for v in values):
        return None
    return frozenset(
        repr(v) if isinstance(v, (str, int, float)) else json.dumps(v) for v in values if v is not None
    )


def _child(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _walk(
    document: Any,
    schema: Any,
    path: str,
    required: bool,
    hidden: str,
    stack: tuple[str, ...],
    out: dict[str, _Facts],
) -> None:
    """Record the facts of ``schema`` at ``path`` and below; ``hidden`` is readOnly or writeOnly."""
    if len(out) >= _MAX_FIELDS:
        return
    node, refs, nullable = _resolve(document, schema)
    out[path] = _Facts(_label(document, node), required, nullable, _enum(node))
    if any(ref in stack for ref in refs) or len(stack) > _MAX_DEPTH:
        return
    inner = (*stack, *refs)
    needed = _list(node.get("required"))
    for name, prop in sorted(_dict(node.get("properties")).items()):
        if _dict(prop).get(hidden) is not True and _resolve(document, prop)[0].get(hidden) is not True:
            _walk(document, prop, _child(path, name), name in needed, hidden, inner, out)
    if isinstance(node.get("items"), dict):
        _walk(document, node["items"], path + "[]", True, hidden, inner, out)
    extra = node.get("additionalProperties")
    if isinstance(extra, dict) and extra:
        _walk(document, extra, path + "{}", True, hidden, inner, out)


def _facts(document: Any, schema: Any, side: str, required: bool = True) -> dict[str, _Facts]:
    """Field path -> facts of a request (``side`` "request") or response schema."""
    out: dict[str, _Facts] = {}
    _walk(document, schema, "", required, "readOnly" if side == "request" else "writeOnly", (), out)
    return out


# ---------------------------------------------------------------------------- comparing facts


def _is_below(path: str, parent: str) -> bool:
    if not parent:
        return bool(path)
    return path.startswith((parent + ".", parent + "[]", parent + "{}"))


def _subject(prefix: str, path: str) -> str:
    return f"{prefix} body" if not path else f"{prefix} field {path!r}"


def _fact_changes(old: _Facts, new: _Facts, kind: str, subject: str, required_kind: str = "") -> Found:
    """Type, requiredness, nullability and enum changes of one use; ``kind`` prefixes the kinds."""
    if old.type != new.type:
        return [(f"{kind}-type-changed", f"{subject} changed type from {old.type!r} to {new.type!r}")]
    found: Found = []
    if old.required != new.required:
        word = "required" if new.required else "optional"
        found.append((f"{required_kind or kind}-became-{word}", f"{subject} is now {word}"))
    if old.nullable != new.nullable:
        word = "nullable" if new.nullable else "not-nullable"
        found.append(
            (f"{kind}-became-{word}", f"{subject} is {'now' if new.nullable else 'no longer'} nullable")
        )
    if old.enum is not None and new.enum is not None:
        for value in new.enum - old.enum:
            found.append((f"{kind}-enum-value-added", f"{subject}: enum value {value} added"))
        for value in old.enum - new.enum:
            found.append((f"{kind}-enum-value-removed", f"{subject}: enum value {value} removed"))
    return found


def _schema_changes(old: dict[str, _Facts], new: dict[str, _Facts], side: str, prefix: str) -> Found:
    """Field by field; below a field that was added, removed or changed type nothing more is said."""
    found: Found = []
    settled: list[str] = []
    for path in sorted(old.keys() | new.keys()):
        if any(_is_below(path, parent) for parent in settled):
            continue
        subject = _subject(prefix, path)
        if path not in old:
            settled.append(path)
            word = "required" if new[path].required else "optional"
            if side == "response":
                found.append(("response-field-added", f"{subject} added"))
            else:
                found.append((f"{side}-field-added-{word}", f"{subject} added ({word})"))
        elif path not in new:
            settled.append(path)
            found.append((f"{side}-field-removed", f"{subject} removed"))
        else:
            if old[path].type != new[path].type:
                settled.append(path)
            required_kind = f"{side}-body" if not path else ""
            found += _fact_changes(old[path], new[path], f"{side}-field", subject, required_kind)
    return found


# ---------------------------------------------------------------------------- one operation


@dataclass(frozen=True, slots=True)
class _Op:
    method: str
    path: str
    name: str  # resource.method as callers write it; empty when the generator could not name it
    node: dict[str, Any]
    item: dict[str, Any]

    @property
    def label(self) -> str:
        route = f"{self.method.upper()} {self.path}"
        return f"{self.name} ({route})" if self.name else route


def _operations(
    document: dict[str, Any], config: ProviderConfig, methods: Mapping[str, str] | None = None
) -> dict[tuple[str, str], _Op]:
    merged = Merged(document)
    raws = collect_operations(merged)
    names = {
        (raw.path, raw.method): f"{resource}.{name}"
        for raw, resource, name in name_operations(raws, config, [], methods)
    }
    found = {}
    for raw in raws:
        name = names.get((raw.path, raw.method), "")
        found[(raw.path, raw.method)] = _Op(
            raw.method, raw.path, name, raw.operation, document["paths"][raw.path]
        )
    return found


def _parameters(document: Any, op: _Op) -> dict[tuple[str, str], _Facts]:
    """(location, name) -> facts; an operation's parameter replaces its path's one."""
    found: dict[tuple[str, str], _Facts] = {}
    for param in [*_list(op.item.get("parameters")), *_list(op.node.get("parameters"))]:
        node = _dict(_deref(document, param)[0])
        if not isinstance(node.get("name"), str):
            continue
        location = str(node.get("in", "query"))
        content = [_dict(media).get("schema", {}) for media in _dict(node.get("content")).values()]
        facts = _facts(document, node.get("schema", content[0] if content else {}), "request")[""]
        found[(location, node["name"])] = replace(
            facts, required=location == "path" or node.get("required") is True
        )
    return found


def _parameter_changes(old_doc: Any, new_doc: Any, old: _Op, new: _Op) -> Found:
    before, after = _parameters(old_doc, old), _parameters(new_doc, new)
    found: Found = []
    for key in sorted(before.keys() | after.keys()):
        subject = f"{key[0]} parameter {key[1]!r}"
        if key not in before:
            word = "required" if after[key].required else "optional"
            found.append((f"parameter-added-{word}", f"{subject} added ({word})"))
        elif key not in after:
            found.append(("parameter-removed", f"{subject} removed"))
        else:
            found += _fact_changes(before[key], after[key], "parameter", subject)
    return found


def _media(content: Any) -> tuple[str, Any] | None:
    """The media type a client uses (:func:`generator.spec.views.choose_media`) and its schema."""
    chosen = choose_media(content)
    if chosen is None:
        return None
    return chosen[0], chosen[1].get("schema", {}) if isinstance(chosen[1], dict) else {}


def _request(document: Any, op: _Op) -> tuple[str, Any, bool] | None:
    body = _deref(document, op.node.get("requestBody"))[0]
    media = _media(body.get("content")) if isinstance(body, dict) else None
    return None if media is None else (media[0], media[1], body.get("required") is True)


def _request_changes(old_doc: Any, new_doc: Any, old: _Op, new: _Op) -> Found:
    before, after = _request(old_doc, old), _request(new_doc, new)
    if before is None and after is None:
        return []
    if before is None and after is not None:
        word = "required" if after[2] else "optional"
        return [(f"request-body-added-{word}", f"request body added ({word})")]
    if after is None or before is None:
        return [("request-body-removed", "request body removed")]
    if before[0] != after[0]:
        return [
            (
                "request-media-type-changed",
                f"request body media type changed from {before[0]!r} to {after[0]!r}",
            )
        ]
    old_facts = _facts(old_doc, before[1], "request", before[2])
    return _schema_changes(old_facts, _facts(new_doc, after[1], "request", after[2]), "request", "request")


def _responses(document: Any, op: _Op) -> dict[str, tuple[str, Any] | None]:
    """Status -> (media type, schema) or None without a body: the first 2xx and every error status."""
    responses = _dict(op.node.get("responses"))
    statuses = sorted(str(status) for status in responses)
    errors = [status for status in statuses if status[:1] in "45" or status == "default"]
    chosen = [status for status in statuses if status.startswith("2")][:1] + errors
    return {status: _media(_dict(_deref(document, responses[status])[0]).get("content")) for status in chosen}


Body = tuple[str, Any] | None  # (media type, schema) of a response, or None without a body


def _body_changes(old_doc: Any, new_doc: Any, before: Body, after: Body, prefix: str) -> Found:
    if before is None and after is None:
        return []
    if before is None:
        return [("response-body-added", f"{prefix} body added")]
    if after is None:
        return [("response-body-removed", f"{prefix} body removed")]
    if before[0] != after[0]:
        return [
            ("response-media-type-changed", f"{prefix} media type changed from {before[0]!r} to {after[0]!r}")
        ]
    old_facts, new_facts = _facts(old_doc, before[1], "response"), _facts(new_doc, after[1], "response")
    return _schema_changes(old_facts, new_facts, "response", prefix)


def _response_changes(old_doc: Any, new_doc: Any, old: _Op, new: _Op) -> Found:
    before, after = _responses(old_doc, old), _responses(new_doc, new)
    found: Found = []
    success = [next((s for s in side if s.startswith("2")), "") for side in (before, after)]
    if all(success) and success[0] != success[1]:
        found.append(
            ("response-success-status-changed", f"success status changed from {success[0]} to {success[1]}")
        )
    found += _body_changes(old_doc, new_doc, before.get(success[0]), after.get(success[1]), "response")
    for status in sorted((before.keys() | after.keys()) - set(success)):
        if status not in before:
            found.append(("error-response-added", f"error response {status} added"))
        elif status not in after:
            found.append(("error-response-removed", f"error response {status} removed"))
        else:
            found += _body_changes(
                old_doc, new_doc, before[status], after[status], f"error response {status}"
            )
    return found


def _requirements(document: dict[str, Any], op: _Op) -> frozenset[tuple[str, ...]]:
    """The alternatives a caller may satisfy; ``()`` is anonymous access (also when none is declared)."""
    declared = _list(op.node.get("security", document.get("security", [])))
    return frozenset(tuple(sorted(alt)) for alt in declared if isinstance(alt, dict)) or frozenset({()})


def _requirement_label(alternative: tuple[str, ...]) -> str:
    return " + ".join(repr(name) for name in alternative) if alternative else "none (anonymous access)"


def _security_changes(old_doc: dict[str, Any], new_doc: dict[str, Any], old: _Op, new: _Op) -> Found:
    before, after = _requirements(old_doc, old), _requirements(new_doc, new)
    found: Found = []
    for alternative in before - after:
        found.append(
            (
                "security-requirement-removed",
                f"security requirement {_requirement_label(alternative)} removed",
            )
        )
    for alternative in after - before:
        found.append(
            ("security-requirement-added", f"security requirement {_requirement_label(alternative)} added")
        )
    return found


def _operation_changes(old_doc: dict[str, Any], new_doc: dict[str, Any], old: _Op, new: _Op) -> list[Change]:
    found: Found = []
    if old.name and new.name and old.name != new.name:
        found.append(("operation-renamed", f"renamed from {old.name}"))
    deprecated = (old.node.get("deprecated") is True, new.node.get("deprecated") is True)
    if deprecated == (False, True):
        found.append(("operation-deprecated", "operation deprecated"))
    elif deprecated == (True, False):
        found.append(("operation-undeprecated", "operation no longer deprecated"))
    for compare in (_parameter_changes, _request_changes, _response_changes, _security_changes):
        found += compare(old_doc, new_doc, old, new)
    return [_change(kind, new.label, message) for kind, message in found]


# ---------------------------------------------------------------------------- the client


def _show(value: Any) -> str:
    if value is None:
        return "absent"
    return repr(value) if isinstance(value, str) else json.dumps(value, sort_keys=True)


def _scheme_difference(old: dict[str, Any], new: dict[str, Any]) -> str:
    """``in 'header' -> 'query'``: the keys that differ, description and ``x-`` keys aside."""
    keys = [k for k in sorted(old.keys() | new.keys()) if k != "description" and not k.startswith("x-")]
    return ", ".join(
        f"{k} {_show(old.get(k))} -> {_show(new.get(k))}" for k in keys if old.get(k) != new.get(k)
    )


def _scheme_changes(old_doc: dict[str, Any], new_doc: dict[str, Any]) -> Found:
    """Security schemes by name; a changed type, location or name changes the credential argument."""
    before = _dict(_dict(old_doc.get("components")).get("securitySchemes"))
    after = _dict(_dict(new_doc.get("components")).get("securitySchemes"))
    found: Found = []
    for name in sorted(before.keys() | after.keys()):
        if name not in before:
            found.append(("security-scheme-added", f"security scheme {name!r} added"))
        elif name not in after:
            found.append(("security-scheme-removed", f"security scheme {name!r} removed"))
        elif difference := _scheme_difference(_dict(before[name]), _dict(after[name])):
            found.append(("security-scheme-changed", f"security scheme {name!r} changed: {difference}"))
    return found


def _server_map(document: dict[str, Any]) -> dict[str, str]:
    """Server name (as callers pass ``server=``) -> URL as declared (``{variables}`` kept), in declared
    order; empty when none is declared. A variable's new default is reported on its own."""
    return (
        {server.name: server.template for server in servers_of(document)} if document.get("servers") else {}
    )


def _server_changes(old_doc: dict[str, Any], new_doc: dict[str, Any]) -> Found:
    """Servers by name; a name gone whose URL reappears under one new name is a rename."""
    before, after = _server_map(old_doc), _server_map(new_doc)
    removed, added = sorted(before.keys() - after.keys()), sorted(after.keys() - before.keys())
    found: Found = []
    for name in list(removed):
        same_url = [other for other in added if after[other] == before[name]]
        if len(same_url) == 1:
            found.append(
                ("server-renamed", f"server {before[name]} renamed from {name!r} to {same_url[0]!r}")
            )
            removed.remove(name)
            added.remove(same_url[0])
    found += [("server-removed", f"server {name!r} ({before[name]}) removed") for name in removed]
    found += [("server-added", f"server {name!r} ({after[name]}) added") for name in added]
    for name in sorted(before.keys() & after.keys()):
        if before[name] != after[name]:
            found.append(
                ("server-url-changed", f"server {name!r} now points to {after[name]} (was {before[name]})")
            )
    defaults = [next(iter(servers), "") for servers in (before, after)]
    if all(defaults) and defaults[0] != defaults[1]:
        found.append(
            ("default-server-changed", f"default server is now {defaults[1]!r} (was {defaults[0]!r})")
        )
    return found + _server_variable_changes(old_doc, new_doc)


def _server_variables(document: dict[str, Any]) -> dict[str, dict[str, ServerVariable]]:
    """Server name -> its variables by name (the ``{name}`` in its URL)."""
    servers = servers_of(document) if document.get("servers") else ()
    return {server.name: {v.name: v for v in server.variables} for server in servers}


def _server_variable_changes(old_doc: dict[str, Any], new_doc: dict[str, Any]) -> Found:
    """Variables of the servers both documents name: a client argument each, values and default."""
    before, after = _server_variables(old_doc), _server_variables(new_doc)
    found: Found = []
    for server in sorted(before.keys() & after.keys()):
        old, new = before[server], after[server]
        found += [("server-variable-removed", f"server {server!r}: variable {name!r} removed")
                  for name in sorted(old.keys() - new.keys())]  # fmt: skip
        found += [("server-variable-added", f"server {server!r}: variable {name!r} added (default "
                   f"{new[name].default!r})") for name in sorted(new.keys() - old.keys())]  # fmt: skip
        for name in sorted(old.keys() & new.keys()):
            was, now = old[name], new[name]
            if was.enum and now.enum:
                found += [("server-variable-value-removed", f"server {server!r}: variable {name!r} no longer "
                           f"accepts {value!r}") for value in was.enum if value not in now.enum]  # fmt: skip
                found += [("server-variable-value-added", f"server {server!r}: variable {name!r} accepts "
                           f"{value!r}") for value in now.enum if value not in was.enum]  # fmt: skip
            elif now.enum:
                found.append(("server-variable-value-removed", f"server {server!r}: variable {name!r} now "
                              f"accepts only {', '.join(repr(v) for v in now.enum)}"))  # fmt: skip
            elif was.enum:
                found.append(("server-variable-value-added", f"server {server!r}: variable {name!r} accepts "
                              "any value"))  # fmt: skip
            if was.default != now.default:
                found.append(("server-variable-default-changed", f"server {server!r}: variable {name!r} "
                              f"defaults to {now.default!r} (was {was.default!r})"))  # fmt: skip
    return found


# ---------------------------------------------------------------------------- entry points


def _order(change: Change) -> tuple[bool, str, str, str]:
    return (not change.breaking, change.operation, change.message, change.kind)


def diff_api(
    old: dict[str, Any],
    new: dict[str, Any],
    config: ProviderConfig | None = None,
    history: NameHistory | None = None,
) -> tuple[Change, ...]:
    """Every change from ``old`` to ``new``: breaking first, then by operation and message.

    ``config`` names the methods (``invites.list``); the current one is used for both documents.
    ``history`` is the names.json of the package generated from ``old``: the names it gave, which
    the next generation keeps; without it the classes of both documents are derived afresh.
    """
    config = config or _DEFAULT_CONFIG
    changes = [
        _change(kind, "", message) for kind, message in _scheme_changes(old, new) + _server_changes(old, new)
    ]
    changes += [
        _change("model-renamed", "", message) for message in _model_renames(old, new, config, history)
    ]
    methods = history.methods if history else None
    before, after = _operations(old, config, methods), _operations(new, config, methods)
    for key in sorted(before.keys() | after.keys()):
        if key not in after:
            changes.append(_change("operation-removed", before[key].label, "operation removed"))
        elif key not in before:
            changes.append(_change("operation-added", after[key].label, "operation added"))
        else:
            changes += _operation_changes(old, new, before[key], after[key])
    return tuple(sorted(set(changes), key=_order))


def _model_renames(
    old: dict[str, Any], new: dict[str, Any], config: ProviderConfig, history: NameHistory | None
) -> list[str]:
    """A component schema in both documents whose class name changes (names.json keeps them;
    without it, a newcomer sharing a class name renames them)."""

    def classes(document: dict[str, Any]) -> dict[str, str]:
        components = document.get("components")
        if not isinstance(components, dict) or not isinstance(components.get("schemas") or {}, dict):
            return {}
        builder = SchemaBuilder(Merged(document), config.schemas, history=history or NameHistory())
        return builder.component_names

    before, after = classes(old), classes(new)
    return [
        f"model {before[schema]} renamed to {after[schema]} (schema {schema!r})"
        for schema in sorted(before.keys() & after.keys())
        if before[schema] != after[schema]
    ]


def parse_document(text: str, shown: str) -> dict[str, Any]:
    """A previously generated ``openapi.json``; SpecError when it is not JSON or has no usable paths."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        message = f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        raise SpecError([Diagnostic(Origin(shown), message)]) from None
    paths = document.get("paths", {}) if isinstance(document, dict) else None
    if (
        not isinstance(document, dict)
        or not isinstance(paths, dict)
        or not all(map(_is_dict, paths.values()))
    ):
        message = "not an OpenAPI document: expected an object whose 'paths' maps each path to an object"
        raise SpecError([Diagnostic(Origin(shown), message)])
    return document


def summary(changes: Sequence[Change]) -> str:
    """``2 breaking, 3 non-breaking changes``, or ``no API changes``."""
    if not changes:
        return "no API changes"
    breaking = sum(1 for change in changes if change.breaking)
    plural = "s" if len(changes) != 1 else ""
    return f"{breaking} breaking, {len(changes) - breaking} non-breaking change{plural}"


def _escape(text: str) -> str:
    """Markdown-escape the characters that would turn spec text into markup."""
    for char in "\\`*<":
        text = text.replace(char, "\\" + char)
    return text


REPORT_SCHEMA_VERSION = 1


def render_json(reports: Sequence[tuple[str, Sequence[Change]]]) -> str:
    """The report as JSON (docs/reviewing.md): ``{"version": 1, "providers": [{"provider",
    "breaking", "changes": [{"kind", "breaking", "operation", "message"}]}]}``, changes in report
    order (breaking first); ``operation`` is "" for a change to the client as a whole."""
    providers = [
        {
            "provider": name,
            "breaking": sum(1 for c in changes if c.breaking),
            "changes": [
                {"kind": c.kind, "breaking": c.breaking, "operation": c.operation, "message": c.message}
                for c in changes
            ],
        }
        for name, changes in reports
    ]
    return (
        json.dumps({"version": REPORT_SCHEMA_VERSION, "providers": providers}, indent=2, ensure_ascii=False)
        + "\n"
    )


def render_report(reports: Sequence[tuple[str, Sequence[Change]]]) -> str:
    """Markdown: per provider a heading, the summary line, then one bullet per change."""
    blocks = []
    for name, changes in reports:
        lines = [f"## {_escape(name)}", "", summary(changes)]
        if changes:
            lines.append("")
        for change in changes:
            mark = "**breaking**" if change.breaking else "non-breaking"
            lines.append(f"- {mark} {_escape(change.operation or 'client')}: {_escape(change.message)}")
        blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks)
