"""Resources of the IR: methods, their arguments, bodies, pagers, imports; webhooks (part of
``normalize``)."""

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from typing import Any

from generator.model.collect import Specs, referenced, spec_text
from generator.model.ir import (
    Operation,
    Pager,
    Param,
    Resource,
    Webhook,
)
from generator.model.models import (
    import_block,
    module_name,
    request_fields,
    short_module,
    type_imports,
)
from generator.model.names import pascal, snake
from generator.model.operations import (
    SERVER_SENT_EVENT,
    OpSpec,
    ParamSpec,
)
from generator.model.schemas import (
    EMPTY_COLLECTIONS,
    ModelSpec,
)
from generator.model.types import NONE, Type, msgspec_cannot_decode, prim, render_type, union
from generator.spec.config import Pagination, ProviderConfig


def _args(op: OpSpec, specs: Specs) -> tuple[list[Param], list[Param]]:
    def annotate(p: ParamSpec) -> Param:
        type_ = p.type if p.required or p.default is not None else union(p.type, NONE)
        default = None if p.required else (p.default or "None")
        return Param(
            p.name, p.wire, p.location, render_type(type_, resource=True, params=specs.params), default, p.doc
        )

    positional = [annotate(p) for p in op.params if p.location == "path"]
    keyword = [annotate(p) for p in op.params if p.location != "path"]
    return positional, keyword


def _flattened(op: OpSpec, specs: Specs, taken: set[str]) -> tuple[str, list[Param]] | None:
    if op.body is None or op.body.kind != "model":
        return None
    spec = specs.classes.get(op.body.name)
    if not isinstance(spec, ModelSpec) or not spec.fields:
        return None
    fields = request_fields(spec, specs.params, resource=True)
    if any(f.name in taken for f in fields) or (
        not op.body_required and any(f.default is None for f in fields)
    ):
        return None
    if any(f.default in EMPTY_COLLECTIONS for f in fields):
        return None  # a model copies an empty collection default per instance; a method would share it
    name = specs.params.get(spec.name, spec.name)
    return name, [Param(f.name, f.wire, "body", f.annotation, f.default, f.doc) for f in fields]


def _body(op: OpSpec, specs: Specs, taken: set[str]) -> tuple[str | None, str | None, list[Param]]:
    """(body argument, model built from flattened fields, flattened fields)."""
    flat = _flattened(op, specs, taken)
    if flat is not None:
        return None, flat[0], flat[1]
    if op.body is None:
        return None, None, []
    annotation = render_type(op.body, resource=True, params=specs.params)
    if op.body_required:
        return "body", None, [Param("body", "", "body", annotation, None, "The request body.")]
    return "body", None, [Param("body", "", "body", annotation + " | NotGiven", "NOT_GIVEN",
                                "The request body; none is sent when not given.")]  # fmt: skip


def _result(op: OpSpec) -> str:
    if op.success_kind == "json":
        return render_type(op.success, resource=True)
    return {"text": "str", "bytes": "bytes"}.get(op.success_kind, "None")


def _pager(op: OpSpec, specs: Specs, pagination: Pagination | None) -> Pager | None:
    if pagination is None or op.success.kind != "model":
        return None
    page = isinstance(spec := specs.classes.get(op.success.name), ModelSpec)
    wanted = pagination.page_param if pagination.style == "page" else pagination.cursor_param
    param = next((p for p in op.params if p.location == "query" and p.wire == wanted), None)
    if not page or param is None:
        return None
    fields = {f.wire: f for f in spec.fields}  # type: ignore[union-attr]
    items = fields.get(pagination.items)
    following = fields.get(pagination.has_next if pagination.style == "page" else pagination.next_cursor)
    if items is None or following is None or items.type.kind != "list":
        return None
    stem = op.name.removeprefix("get_").removeprefix("list_")
    method = "iter_" + (op.resource if stem in ("get", "list") else stem)
    item = render_type(items.type.args[0], resource=True)
    return Pager(method, pagination.style == "page", param.name, items.name, following.name, item)


def _idempotency_header(op: OpSpec, configured: str | None) -> str | None:
    """The header whose key makes ``op`` safe to repeat: an ``Idempotency-Key`` header parameter
    it declares, else provider.yaml's ``idempotency_header`` for a POST or PATCH."""
    declared = next(
        (p.wire for p in op.params if p.location == "header" and p.wire.lower() == "idempotency-key"), None
    )
    if declared is not None:
        return declared
    return configured if configured and op.raw.method in ("post", "patch") else None


def _operation(
    op: OpSpec, specs: Specs, pagination: Pagination | None, idempotency: str | None = None
) -> Operation:
    positional, keyword = _args(op, specs)
    taken = {p.name for p in positional + keyword} | {"self", "options", "paginate", "apaginate"}
    taken |= {"paginate_cursor", "apaginate_cursor", "warn_deprecated"}  # helpers a method calls
    body_param, body_model, body_fields = _body(op, specs, taken)
    keyword = [p for p in keyword if p.default is None] + [p for p in keyword if p.default is not None]
    body_fields = [p for p in body_fields if p.default is None] + [
        p for p in body_fields if p.default is not None
    ]
    raw = op.raw.operation
    return Operation(
        name=op.name, constant="_" + op.name.upper(), http_method=op.raw.method.upper(), path=op.raw.path,
        summary=spec_text(raw.get("summary")), description=spec_text(raw.get("description")),
        deprecated=raw.get("deprecated") is True, positional=tuple(positional), keyword=tuple(keyword),
        body_param=body_param, body_model=body_model, body_fields=tuple(body_fields), returns=_result(op),
        response_type=_runtime_type(op.success, _result(op), specs) if op.success_kind == "json" else _result(op),
        errors=tuple((status, _runtime_type(t, render_type(t, resource=True), specs)) for status, t in op.errors),
        query=tuple(p for p in keyword if p.location == "query"),
        headers=tuple(p for p in keyword if p.location == "header"),
        cookies=tuple(p for p in keyword if p.location == "cookie"),
        security=op.security, pager=None if op.events_only else _pager(op, specs, pagination), origin=op.raw.origin,
        body_optional=body_param is not None and not op.body_required,
        body_spec=None if op.body_media[0] == "application/json" else op.body_media,
        delimited=tuple((p.wire, p.delimiter) for p in op.params if p.delimiter is not None),
        open_body=_reaches_open(op.body, specs), idempotency_header=_idempotency_header(op, idempotency),
        **_event_fields(op, specs),
    )  # fmt: skip


def _event_fields(op: OpSpec, specs: Specs) -> dict[str, Any]:
    """What an operation that can answer ``text/event-stream`` adds: the events' data type for
    its constant, and, when events are its only answer, the method streams them."""
    if op.events is None:
        return {}
    annotation = render_type(op.events, resource=True)
    runtime = annotation if op.events == SERVER_SENT_EVENT else _runtime_type(op.events, annotation, specs)
    if not op.events_only:
        return {"events": runtime}
    return {"events": runtime, "streams": True, "event_annotation": annotation}


def _stream_twins(ops: list[OpSpec], operations: list[Operation], specs: Specs) -> list[Operation]:
    """After each method whose operation answers JSON (or another body) or server-sent events,
    ``<method>_stream``: the same call, asking for events (``<method>_events`` when the name is
    taken). A flattened boolean body field ``stream`` (OpenAI's convention) is set to True."""
    taken = {op.name for op in operations} | {op.pager.method for op in operations if op.pager}
    result = []
    for spec, operation in zip(ops, operations):
        result.append(operation)
        if operation.events is None or operation.streams:
            continue
        name = next(n for n in _candidates(operation.name) if n not in taken)
        taken.add(name)
        flag = _stream_flag(spec, operation, specs)
        result.append(replace(
            operation, name=name, streams=True, shares_constant=True, pager=None,
            event_annotation=render_type(spec.events, resource=True) if spec.events else "",
            summary=operation.summary or operation.description or operation.name,
            description="Streams the response as server-sent events.",
            body_fields=tuple(p for p in operation.body_fields if p.name != flag),
            fixed_body=((flag, "True"),) if flag else (),
        ))  # fmt: skip
    return result


def _candidates(name: str) -> Iterator[str]:
    yield f"{name}_stream"
    yield f"{name}_events"
    count = 2
    while True:
        yield f"{name}_stream_{count}"
        count += 1


def _stream_flag(spec: OpSpec, operation: Operation, specs: Specs) -> str | None:
    """The Python name of a flattened body field ``stream`` of type boolean, if there is one."""
    model = specs.classes.get(spec.body.name) if spec.body is not None and operation.body_model else None
    if not isinstance(model, ModelSpec):
        return None
    field = next((f for f in model.fields if f.wire == "stream"), None)
    boolean = prim("bool")
    if field is None or field.type not in (boolean, union(boolean, NONE)):
        return None
    return next((p.name for p in operation.body_fields if p.wire == "stream"), None)


def _reaches_open(type_: Type | None, specs: Specs) -> bool:
    """Whether a body holds a model keeping ``additionalProperties`` (its extras are merged in)."""
    todo = sorted(referenced([type_])) if type_ is not None else []
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        spec = specs.classes.get(name)
        if name in seen or not isinstance(spec, ModelSpec):
            continue
        if specs.kinds.get(name) == "open":
            return True
        seen.add(name)
        todo += sorted(referenced(f.type for f in spec.fields))
    return False


def _runtime_type(type_: Type, source: str, specs: Specs) -> str:
    """What the runtime decodes with: the type itself, or ``OneOf(type)`` where msgspec cannot."""
    return f"OneOf({source})" if msgspec_cannot_decode(type_, specs.kinds) else source


def _request_names(types: Iterable[Type], params: Mapping[str, str]) -> set[str]:
    return {params.get(r, r) for r in referenced(types)}


def _resource_imports(
    ops: list[OpSpec], specs: Specs, operations: list[Operation], methods: list[Operation]
) -> tuple[str, ...]:
    """What a resource module imports: ``operations`` are ``ops``' methods, one each; ``methods``
    all methods of the module (streaming twins included)."""
    types = [t for op in ops for t in (op.success, *(p.type for p in op.params), *(t for _, t in op.errors))]
    types += [op.events for op in ops if op.events is not None and op.events != SERVER_SENT_EVENT]
    for op, operation in zip(ops, operations):
        page = specs.classes.get(op.success.name) if operation.pager else None
        if isinstance(page, ModelSpec) and operation.pager:
            types += [f.type for f in page.fields if f.name == operation.pager.items]
    classes = referenced(types)
    for op, operation in zip(ops, operations):
        spec = specs.classes.get(op.body.name) if op.body is not None and operation.body_model else None
        if isinstance(spec, ModelSpec) and operation.body_model:
            fields = [f.type for f in spec.fields if not f.read_only]
            types += fields
            classes |= {operation.body_model} | _request_names(fields, specs.params)
        elif op.body is not None:
            classes |= _request_names([op.body], specs.params)
    pagers = ("AsyncIterator", "Iterator") if any(op.pager for op in operations) else ()
    lines = type_imports(
        [*types, *(op.body for op in ops if op.body is not None)], resource=True, typing_names=pagers
    )
    modules: dict[str, set[str]] = {}
    variants = {variant: base for base, variant in specs.params.items()}
    for name in classes:
        base = variants.get(name, name)
        modules.setdefault(module_name(base), set()).add(name)
    lines += [f"from ..models.{m} import {', '.join(sorted(n))}" for m, n in sorted(modules.items())]
    every = [*types, *(op.body for op in ops if op.body is not None)]
    names = _runtime_names(methods) + (
        ["Discriminator"] if any(t.tag_field for x in every for t in x.walk()) else []
    )
    return import_block([*lines, "from .._runtime import " + ", ".join(sorted(names, key=_runtime_order))])


def webhooks_of(specs: Specs) -> tuple[tuple[Webhook, ...], tuple[str, ...]]:
    """The decode functions of ``webhooks.py`` and that module's imports."""
    webhooks: list[Webhook] = []
    taken: set[str] = set()
    for hook in specs.webhooks:
        base = "decode_" + snake(hook.name)
        function = base if base not in taken else f"{base}_{hook.method}"
        count = 1
        while function in taken:
            count += 1
            function = f"{base}_{count}"
        taken.add(function)
        webhooks.append(Webhook(hook.name, hook.method, function, render_type(hook.type, form="checker"),
                                render_type(hook.type, form="value"), hook.doc, hook.origin))  # fmt: skip
    if not webhooks:
        return (), ()
    types = [hook.type for hook in specs.webhooks]
    names = sorted(referenced(types))
    lines = ["import msgspec", "from ._runtime import coerce", *type_imports(types, resource=False)]
    lines += [f"from .models import {', '.join(names)}"] if names else []
    return tuple(webhooks), import_block(lines)


def _runtime_order(name: str) -> tuple[bool, bool, str]:
    return (not name.isupper(), name[0].islower(), name)


def _runtime_names(operations: list[Operation]) -> list[str]:
    """The runtime names a resource module uses, so that nothing imported goes unused."""
    names = {
        "AsyncResource",
        "Operation",
        "RequestOptions",
        "SyncResource",
    }
    if not all(op.streams for op in operations):  # the wrappers of the methods that return a body
        names |= {
            "async_to_raw_response",
            "async_to_streamed_response",
            "to_raw_response",
            "to_streamed_response",
        }
    if any(op.streams for op in operations):
        names |= {"AsyncStream", "Stream"}
    if any(op.events == "ServerSentEvent" for op in operations):
        names.add("ServerSentEvent")
    if any(op.body_optional for op in operations):
        names |= {"NOT_GIVEN", "NotGiven"}
    if any(p.default == "UNSET" for op in operations for p in op.body_fields):
        names |= {"UNSET", "UnsetType"}
    if any(
        op.response_type.startswith("OneOf(")
        or (op.events or "").startswith("OneOf(")
        or any(t.startswith("OneOf(") for _, t in op.errors)
        for op in operations
    ):
        names.add("OneOf")
    for pager in (op.pager for op in operations if op.pager):
        names |= {"paginate", "apaginate"} if pager.is_page else {"paginate_cursor", "apaginate_cursor"}
    if any(op.deprecated for op in operations):
        names.add("warn_deprecated")
    return sorted(names, key=lambda n: (not n.isupper(), n[0].islower(), n))


# Names the package's _client.py and __init__.py define or import besides the client classes.
CLIENT_MODULE_NAMES = frozenset({"SyncClient", "AsyncClient", "SecurityScheme", "Mapping", "Literal", "STATUS_ERRORS",
                                  "ServerName", "SERVERS", "SERVER_VARIABLES", "ServerVariable", "SECURITY_SCHEMES",
                                  "DEFAULT_TIMEOUT", "DEFAULT_MAX_RESPONSE_BYTES", "REQUEST_ID_HEADERS", "TYPE_CHECKING", "functools",
                                  "httpx", "importlib"})  # fmt: skip


def resources_of(specs: Specs, document: dict[str, Any], config: ProviderConfig) -> tuple[Resource, ...]:
    tags = {
        t.get("name"): spec_text(t.get("description"))
        for t in document.get("tags") or []
        if isinstance(t, dict)
    }
    grouped: dict[str, list[OpSpec]] = {}
    for op in specs.operations:
        grouped.setdefault(op.resource, []).append(op)
    resources = []
    for attribute in sorted(grouped):
        ops = sorted(grouped[attribute], key=lambda o: o.name)
        operations = _free_pagers(
            [_operation(op, specs, config.pagination, config.idempotency_header) for op in ops]
        )
        methods = _stream_twins(ops, operations, specs)
        tag = next((t for t in (ops[0].raw.operation.get("tags") or [])[:1]), attribute)
        resources.append(Resource(
            attribute=attribute, module=short_module(attribute), class_name=pascal(attribute) + "Resource",
            doc=tags.get(tag, "") or f"Operations tagged {tag!r}.", imports=_resource_imports(ops, specs, operations, methods),
            operations=tuple(methods),
        ))  # fmt: skip
    return tuple(resources)


def _free_pagers(operations: list[Operation]) -> list[Operation]:
    """An ``iter_*`` pager named like an operation of its resource (``iterPets`` next to a paginated
    ``listPets``) is ``iter_pets_all`` (numbered if taken): the operation keeps its name."""
    taken = {op.name for op in operations}
    result = []
    for op in operations:
        if op.pager is not None and op.pager.method in taken:
            method, count = op.pager.method + "_all", 1
            while method in taken:
                count += 1
                method = f"{op.pager.method}_all_{count}"
            taken.add(method)
            op = replace(op, pager=replace(op.pager, method=method))
        result.append(op)
    return result


# The client's own arguments, and the names its __init__ body uses: no credential may take them.
