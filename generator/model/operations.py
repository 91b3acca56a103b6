"""Operations -> resource methods: names, parameters, bodies, responses, errors, security.

Part of the ``normalize`` stage. Naming rules (docs/naming.md):
- resource: the operation's first tag in snake_case (``provider.yaml`` ``resources:`` maps a tag
  to another name); an untagged operation goes to the resource named after the first path word
  that is not a parameter, ``api`` or a version (``v1``).
- method: ``provider.yaml`` ``operations:`` (keyed by operationId or ``METHOD /path``) first,
  then the operationId in snake_case, else a rule over method and path: the verb is ``list``
  (GET on a collection), ``retrieve`` (GET on an item), ``create`` (POST), ``update`` (PUT,
  PATCH) or ``delete``; the noun is the last path word that is not a parameter. When the noun
  is the resource itself the verb alone is the name (``invites.list``); a word after the
  resource's collection is an action (``POST /invites/check`` -> ``check``); otherwise verb and
  noun are joined, the noun singular unless listed (``retrieve_invitee``, ``list_invitees``).
  Two operations with one name in a resource are an error naming both.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from generator.spec.config import OperationOverride, ProviderConfig
from generator.diagnostics import Diagnostic, Origin, join_pointer
from generator.spec.merge import Merged
from generator.model.names import RESERVED, distinct_snakes, pascal, safe_identifier, singular, snake, words
from generator.spec.quirks import HTTP_METHODS
from generator.spec.views import choose_media, event_stream_media, follow, is_json_media
from generator.model.schemas import ABSENT, EMPTY_COLLECTIONS, SchemaBuilder
from generator.model.types import NONE, Type, prim

__all__ = [
    "OpSpec", "ParamSpec", "RawOperation", "SERVER_SENT_EVENT", "WebhookSpec", "build_operation", "build_webhooks", "collect_operations",
    "name_operations",
]  # fmt: skip

_VERBS = {"post": "create", "put": "update", "patch": "update", "delete": "delete"}
_PARAM_ORDER = {"path": 0, "query": 1, "header": 2, "cookie": 3}
# Names a resource class already has, and names a method must not shadow in its class body.
_RESOURCE_TAKEN = frozenset({"with_raw_response", "with_streaming_response"}) | (RESERVED - {"list", "dict"})
# What a resource attribute must not shadow on the client: the runtime client's own members.
_CLIENT_TAKEN = _RESOURCE_TAKEN | {"request", "request_stream", "request_events", "call", "close", "aclose",
                                   "with_options", "base_url"}  # fmt: skip
# Names a method's body uses besides its arguments (the pager helpers of ``iter_*`` methods,
# the deprecation warning).
_ARGUMENT_TAKEN = frozenset({"self", "options", "body", "paginate", "apaginate", "paginate_cursor",
                             "apaginate_cursor", "warn_deprecated"})  # fmt: skip


@dataclass(frozen=True, slots=True)
class RawOperation:
    path: str
    method: str
    operation: dict[str, Any]
    pointer: str
    origin: Origin


@dataclass(frozen=True, slots=True)
class ParamSpec:
    name: str
    wire: str
    location: str
    type: Type
    required: bool
    default: str | None
    doc: str
    delimiter: str | None = None  # an array query parameter sent as one delimited value


@dataclass(frozen=True, slots=True)
class OpSpec:
    raw: RawOperation
    resource: str
    name: str
    hint: str
    params: tuple[ParamSpec, ...]
    body: Type | None
    body_required: bool
    body_media: tuple[str, str]  # media type, runtime encoding (json, form, multipart, content)
    success: Type
    success_kind: str  # json | text | bytes | none
    errors: tuple[tuple[str, Type], ...]
    security: tuple[tuple[str, ...], ...]
    events: Type | None = (
        None  # a text/event-stream success response: each event's data (SERVER_SENT_EVENT: raw)
    )
    events_only: bool = False  # text/event-stream is the only success media type: the method streams


def collect_operations(merged: Merged) -> list[RawOperation]:
    """Every operation, sorted by path then method."""
    found = []
    for path in sorted(merged.document.get("paths") or {}):
        item = merged.document["paths"][path]
        for method in HTTP_METHODS:
            if isinstance(item.get(method), dict):
                pointer = join_pointer("paths", path, method)
                found.append(RawOperation(path, method, item[method], pointer, merged.origin_of(pointer)))
    return found


def _is_param(segment: str) -> bool:
    return segment.startswith("{") and segment.endswith("}")


def _segments(path: str) -> list[str]:
    return [s for s in re.split(r"[?#]", path, maxsplit=1)[0].split("/") if s]


def _resource(raw: RawOperation, config: ProviderConfig) -> str:
    override = _override(raw, config)
    if override and override.resource:
        return str(override.resource)
    tags = raw.operation.get("tags") or []
    if tags and isinstance(tags[0], str):
        return config.resources.get(tags[0], snake(tags[0]))
    nouns = [s for s in _segments(raw.path) if not _is_param(s) and not re.fullmatch(r"api|v\d+(\.\d+)*", s)]
    return snake(nouns[0]) if nouns else "root"


def _override(raw: RawOperation, config: ProviderConfig) -> OperationOverride | None:
    op_id = raw.operation.get("operationId")
    return config.operations.get(f"{raw.method.upper()} {raw.path}") or (
        config.operations.get(op_id) if isinstance(op_id, str) else None
    )


def _default_method(method: str, path: str, resource: str) -> str:
    segments = _segments(path)
    item = bool(segments) and _is_param(segments[-1])
    nouns = [s for s in segments if not _is_param(s)]
    verb = ("retrieve" if item else "list") if method == "get" else _VERBS.get(method, method)
    forms = {snake(resource), snake(singular(resource))}
    noun = nouns[-1] if nouns else ""
    if not noun or snake(singular(noun)) in forms or snake(noun) in forms:
        return verb
    if not item and len(nouns) > 1 and (snake(nouns[-2]) in forms or snake(singular(nouns[-2])) in forms):
        return snake(noun)
    return f"{verb}_{snake(noun if verb == 'list' else singular(noun))}"


def _method_name(raw: RawOperation, resource: str, config: ProviderConfig) -> str:
    override = _override(raw, config)
    op_id = raw.operation.get("operationId")
    if override and override.name:
        name = str(override.name)
    elif isinstance(op_id, str) and words(op_id):
        name = "_".join(w.lower() for w in words(op_id))
    else:
        name = _default_method(raw.method, raw.path, resource)
    name = "n_" + name if name[:1].isdigit() else name
    return (
        name + "_"
        if keyword.iskeyword(name) or keyword.issoftkeyword(name) or name in _RESOURCE_TAKEN
        else name
    )


def name_operations(
    raws: list[RawOperation],
    config: ProviderConfig,
    errors: list[Diagnostic],
    history: Mapping[str, str] | None = None,
) -> list[tuple[RawOperation, str, str]]:
    """(operation, resource, method name) for each operation (docs/naming.md).

    Names from provider.yaml are kept as they are (two alike are an error). When several
    operations derive one name, the one names.json gives it to keeps it, else the one with the
    fewest path words (then by path and method); the others are told apart by the path words they do not share
    (``retrieve_reporting_data_export``), else by their HTTP method, numbered if still taken,
    with a warning naming both."""
    history = history or {}
    rows = []
    for raw in raws:
        resource = safe_identifier(snake(_resource(raw, config)), _CLIENT_TAKEN)
        override = _override(raw, config)
        rows.append((raw, resource, _method_name(raw, resource, config), bool(override and override.name)))
    chosen: dict[int, str] = {}
    owner: dict[tuple[str, str], int] = {}
    for index, (raw, resource, name, fixed) in enumerate(rows):  # provider.yaml names first
        if fixed and (resource, name) in owner:
            first = rows[owner[(resource, name)]][0]
            errors.append(Diagnostic(raw.origin, f"method name {resource}.{name} is also used by {first.origin}",
                                     hint=f"name one in provider.yaml: operations: {{'{raw.method.upper()} "
                                     f"{raw.path}': {{name: ...}}}}"))  # fmt: skip
        elif fixed:
            chosen[index], owner[(resource, name)] = name, index
    for index, (raw, resource, name, fixed) in enumerate(rows):  # then the names already given
        established = history.get(f"{raw.method.upper()} {raw.path}", "").partition(".")
        if (
            not fixed
            and established[0] == resource
            and established[2] == name
            and (resource, name) not in owner
        ):
            chosen[index], owner[(resource, name)] = name, index
    groups: dict[tuple[str, str], list[int]] = {}
    for index in sorted((i for i in range(len(rows)) if i not in chosen),
                        key=lambda i: (len(_path_words(rows[i][0].path)), rows[i][0].path,
                                       HTTP_METHODS.index(rows[i][0].method))):  # fmt: skip
        groups.setdefault((rows[index][1], rows[index][2]), []).append(index)
    for (resource, name), members in groups.items():
        if (resource, name) not in owner:
            chosen[members[0]], owner[(resource, name)] = name, members[0]
            members = members[1:]
        for index in members:
            raw = rows[index][0]
            others = [rows[i][0] for i in groups[(resource, name)] + [owner[(resource, name)]] if i != index]
            shared = set.intersection(*(set(_path_words(o.path)) for o in others)) if others else set()
            own = [w for w in _path_words(raw.path) if w not in shared]
            first = rows[owner[(resource, name)]][0]
            wanted = (
                "_".join([name, *own])
                if own
                else name if raw.method == first.method else f"{name}_{raw.method}"
            )
            candidate, count = wanted, 1
            while (resource, candidate) in owner:
                count += 1
                candidate = f"{wanted}_{count}"
            chosen[index], owner[(resource, candidate)] = candidate, index
            errors.append(Diagnostic(raw.origin, f"method name {resource}.{name} is also derived for {first.origin}; "
                                     f"this operation is {resource}.{candidate}", hint=f"name one in provider.yaml: "
                                     f"operations: {{'{raw.method.upper()} {raw.path}': {{name: ...}}}}",
                                     severity="warning"))  # fmt: skip
    return [
        (raw, resource, chosen[index]) for index, (raw, resource, _, _) in enumerate(rows) if index in chosen
    ]


def _path_words(path: str) -> list[str]:
    return [snake(s) for s in _segments(path) if not _is_param(s)]


def _deref(merged: Merged, node: Any, section: str) -> tuple[Any, str | None, str]:
    """Follow ``$ref``s; return the node, its component name when it is one of ``section``, and
    the pointer of the node reached ("" when ``node`` was no reference)."""
    followed = follow(merged.document, node)
    component = followed.component
    name = component[1] if component is not None and component[0] == section else None
    return followed.node, name, followed.pointer or ""


def _raw_params(merged: Merged, raw: RawOperation) -> Iterator[tuple[dict[str, Any], str, str | None]]:
    """Path-level then operation-level parameters; an operation's one replaces a path's one."""
    shared = merged.document["paths"][raw.path].get("parameters") or []
    own = raw.operation.get("parameters") or []
    found: dict[tuple[str, str], tuple[dict[str, Any], str, str | None]] = {}
    for base, params in (
        (join_pointer("paths", raw.path, "parameters"), shared),
        (raw.pointer + "/parameters", own),
    ):
        for index, param in enumerate(params):
            resolved, component, target = _deref(merged, param, "parameters")
            if isinstance(resolved, dict) and "name" in resolved:
                found[(resolved["name"], resolved.get("in", ""))] = (
                    resolved,
                    target or f"{base}/{index}",
                    component,
                )
    yield from found.values()


_DELIMITERS = {"form": ",", "pipeDelimited": "|", "spaceDelimited": " "}


def _delimiter(param: dict[str, Any]) -> str | None:
    """``explode: false`` arrays in the query are one value joined by the style's delimiter."""
    style = param.get("style", "form")
    explode = param.get("explode", style == "form")
    return _DELIMITERS.get(style) if param.get("in", "query") == "query" and explode is False else None


def _param_schema(param: dict[str, Any]) -> Any:
    if "schema" in param:
        return param["schema"]
    content: dict[str, Any] = param.get("content") or {}
    first: dict[str, Any] = next(iter(content.values()), {})
    return first.get("schema", {})


def _params(merged: Merged, raw: RawOperation, hint: str, schemas: SchemaBuilder) -> tuple[ParamSpec, ...]:
    specs: list[ParamSpec] = []
    order = {v: i for i, v in enumerate(re.findall(r"\{([^{}]+)\}", raw.path))}
    found = list(_raw_params(merged, raw))
    wires = list(dict.fromkeys(str(param["name"]) for param, _, _ in found))
    chosen = distinct_snakes(
        wires, _ARGUMENT_TAKEN
    )  # DateCreated, DateCreated< -> date_created, date_created_lt
    taken = set(_ARGUMENT_TAKEN) | set(chosen.values())
    first: set[str] = set()
    for param, pointer, component in found:
        location = param.get("in", "query")
        name = chosen[param["name"]]
        if param["name"] in first:  # the same name in another location: id (path), id_query
            name = snake(f"{param['name']}_{location}", frozenset(taken))
            taken.add(name)
        first.add(param["name"])
        type_hint = pascal(component) if component else hint + pascal(param["name"])
        type_ = schemas.type_of(_param_schema(param), type_hint, pointer + "/schema")
        required = location == "path" or param.get("required") is True
        default = schemas.default_source(type_, schemas.deref(_param_schema(param))[0].get("default", ABSENT))
        default = None if default in EMPTY_COLLECTIONS else default  # not sent, as an empty list is not
        doc = param.get("description") if isinstance(param.get("description"), str) else ""
        if name != snake(param["name"], _ARGUMENT_TAKEN):  # told apart by a rule: say what is sent
            doc = f"{doc} (sent as ``{param['name']}``)".lstrip()
        specs.append(
            ParamSpec(name, param["name"], location, type_, required, default, doc or "", _delimiter(param))
        )
    specs.sort(key=lambda p: (_PARAM_ORDER.get(p.location, 9), order.get(p.wire, 0)))
    return tuple(specs)


def _kind(media_type: str) -> str:
    if is_json_media(media_type):
        return "json"
    return "text" if media_type.startswith("text/") else "bytes"


_ENCODINGS = {"multipart/form-data": "multipart", "application/x-www-form-urlencoded": "form"}


def _body(
    merged: Merged, raw: RawOperation, hint: str, schemas: SchemaBuilder
) -> tuple[Type | None, bool, tuple[str, str]]:
    """The body type, whether it is required, and (media type, encoding)."""
    body, component, target = _deref(merged, raw.operation.get("requestBody"), "requestBodies")
    media = choose_media(body.get("content")) if isinstance(body, dict) else None
    if media is None:
        return None, False, ("application/json", "json")
    pointer = (target or raw.pointer + "/requestBody") + join_pointer("content", media[0], "schema")
    schema = media[1].get("schema", {}) if isinstance(media[1], dict) else {}
    kind = _kind(media[0])
    encoding = "json" if kind == "json" else _ENCODINGS.get(media[0].split(";")[0].strip(), "content")
    if encoding == "content":
        resolved = schemas.deref(schema)[0]
        text = kind == "text" or (
            resolved.get("type") == "string" and resolved.get("format") not in ("binary", "byte")
        )
        return prim("str" if text else "bytes"), body.get("required") is True, (media[0], encoding)
    name = pascal(component) if component else hint + "Request"
    return schemas.type_of(schema, name, pointer), body.get("required") is True, (media[0], encoding)


def _response_type(
    merged: Merged, raw: RawOperation, status: str, hint: str, schemas: SchemaBuilder
) -> tuple[Type, str]:
    response, component, target = _deref(merged, raw.operation["responses"][status], "responses")
    pointer = target or raw.pointer + join_pointer("responses", status)
    media = choose_media(response.get("content") if isinstance(response, dict) else None)
    if media is None:
        return NONE, "none"
    kind = _kind(media[0])
    if kind != "json":
        return prim("str" if kind == "text" else "bytes"), kind
    name = (
        pascal(component)
        if component
        else hint + ("Response" if status.startswith("2") else f"Error{status}")
    )
    schema_pointer = pointer + join_pointer("content", media[0], "schema")
    return schemas.type_of(media[1].get("schema", {}), name, schema_pointer), "json"


SERVER_SENT_EVENT = prim("ServerSentEvent")  # events whose data the spec does not type: given as they are


def _events(merged: Merged, raw: RawOperation, hint: str, schemas: SchemaBuilder) -> tuple[Type | None, bool]:
    """The type of each event's data when the first 2xx response can be ``text/event-stream``
    (its schema decoded from JSON, or the raw event when the schema is absent, empty or a
    string), and whether that is the response's only media type."""
    success = sorted(str(s) for s in raw.operation.get("responses") or {} if str(s).startswith("2"))
    if not success:
        return None, False
    response, component, target = _deref(merged, raw.operation["responses"][success[0]], "responses")
    content = response.get("content") if isinstance(response, dict) else None
    media = event_stream_media(content)
    if media is None:
        return None, False
    only = choose_media(content) == media
    schema = media[1].get("schema") if isinstance(media[1], dict) else None
    resolved = schemas.deref(schema)[0] if schema is not None else {}
    if not resolved or resolved.get("type") == "string":
        return SERVER_SENT_EVENT, only
    pointer = (target or raw.pointer + join_pointer("responses", success[0])) + join_pointer(
        "content", media[0], "schema"
    )
    return schemas.type_of(schema, (pascal(component) if component else hint) + "Event", pointer), only


def _responses(
    merged: Merged, raw: RawOperation, hint: str, schemas: SchemaBuilder
) -> tuple[Type, str, tuple[tuple[str, Type], ...]]:
    statuses = sorted(str(s) for s in raw.operation.get("responses") or {})
    success = [s for s in statuses if s.startswith("2")]
    result, kind = _response_type(merged, raw, success[0], hint, schemas) if success else (NONE, "none")
    errors = []
    for status in statuses:
        if status.startswith(("4", "5")) or status == "default":
            type_, error_kind = _response_type(merged, raw, status, hint, schemas)
            if error_kind == "json":
                errors.append((status, type_))
    return result, kind, tuple(errors)


def _security(merged: Merged, raw: RawOperation) -> tuple[tuple[str, ...], ...]:
    requirements = raw.operation.get("security", merged.document.get("security", []))
    return tuple(tuple(sorted(alternative)) for alternative in requirements if isinstance(alternative, dict))


@dataclass(frozen=True, slots=True)
class WebhookSpec:
    """A webhook (OpenAPI 3.1 ``webhooks``): a request the API sends; its JSON payload's type."""

    name: str  # the key under webhooks
    method: str
    type: Type
    doc: str
    origin: Origin


def build_webhooks(
    merged: Merged, schemas: SchemaBuilder, errors: list[Diagnostic]
) -> tuple[WebhookSpec, ...]:
    """The payload type of every webhook; the classes they need go to ``schemas``. A webhook
    without a JSON body has nothing to decode: a warning says so."""
    found = []
    webhooks = merged.document.get("webhooks")
    for name, item in sorted(webhooks.items()) if isinstance(webhooks, dict) else ():
        item = follow(merged.document, item).node
        for method in (m for m in HTTP_METHODS if isinstance(item, dict) and isinstance(item.get(m), dict)):
            pointer = join_pointer("webhooks", name, method)
            body, component, target = _deref(merged, item[method].get("requestBody"), "requestBodies")
            media = choose_media(body.get("content")) if isinstance(body, dict) else None
            if media is None or not is_json_media(media[0]) or not isinstance(media[1], dict):
                errors.append(Diagnostic(merged.origin_of(pointer), f"webhook {name!r} has no JSON payload; "
                                         "no decode function is generated", severity="warning"))  # fmt: skip
                continue
            where = (target or pointer + "/requestBody") + join_pointer("content", media[0], "schema")
            hint = pascal(component) if component else pascal(name) + "Webhook"
            type_ = schemas.type_of(media[1].get("schema", {}), hint, where)
            operation = item[method]
            doc = next(
                (t for t in (operation.get("description"), operation.get("summary")) if isinstance(t, str)),
                "",
            )
            found.append(WebhookSpec(name, method, type_, doc, merged.origin_of(pointer)))
    return tuple(found)


def build_operation(
    merged: Merged,
    raw: RawOperation,
    resource: str,
    name: str,
    schemas: SchemaBuilder,
    errors: list[Diagnostic],
) -> OpSpec:
    """The method spec of one operation; the classes its types need go to ``schemas``."""
    op_id = raw.operation.get("operationId")
    hint = pascal(op_id) if isinstance(op_id, str) and words(op_id) else pascal(f"{resource}_{name}")
    body, body_required, body_media = _body(merged, raw, hint, schemas)
    success, kind, error_types = _responses(merged, raw, hint, schemas)
    events, events_only = _events(merged, raw, hint, schemas)
    return OpSpec(
        raw=raw, resource=resource, name=name, hint=hint, params=_params(merged, raw, hint, schemas),
        body=body, body_required=body_required, body_media=body_media, success=success, success_kind=kind,
        errors=error_types, security=_security(merged, raw), events=events, events_only=events_only,
    )  # fmt: skip
