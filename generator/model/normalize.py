"""Normalize a validated document into the intermediate model (IR): the ``normalize`` stage.

Takes the merged document and the provider settings, returns :class:`~generator.model.ir.Package`
with every name, type, default and docstring decided, so templates only print. Schema rules are
in ``schemas``, operation rules in ``operations``, naming in ``names``.

Models have a response view and, when needed, a request view (``<Name>Param``) in the same
module (docs/models.md): a model reachable from a request body gets one when it has readOnly
fields (never sent), required writeOnly fields (required only in requests), optional nullable
fields (where ``UNSET`` tells "absent" from ``None`` = null), or refers to a model that has one.
The variant is ``<Name>Input`` when the spec already has a schema called ``<Name>Param``.
In the response view an optional field is ``T | None = None`` (callers never see a sentinel)
and a writeOnly field is optional.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from generator.spec.config import Pagination, ProviderConfig
from generator.diagnostics import Diagnostic, SpecError, join_pointer
from generator.model.ir import (
    Client,
    EnumMember,
    EnumModel,
    Field,
    Model,
    ModelModule,
    Operation,
    Package,
    Pager,
    Param,
    Resource,
    Scheme,
    Server,
    ServerArgument,
    ServerVariable,
    Webhook,
)
from generator.spec.merge import Merged
from generator.model.history import NameHistory, dump_history
from generator.model.names import RESERVED, pascal, snake, spelled, words
from generator.model.operations import (
    OpSpec,
    ParamSpec,
    WebhookSpec,
    build_operation,
    build_webhooks,
    collect_operations,
    name_operations,
)
from generator.model.schemas import (
    EMPTY_COLLECTIONS,
    EXTRA_WIRE,
    EnumSpec,
    FieldSpec,
    ModelSpec,
    SchemaBuilder,
)
from generator.spec.splitting import dump_json
from generator.model.types import NONE, Type, msgspec_cannot_decode, prim, render_type, union

__all__ = ["normalize"]


@dataclass(frozen=True, slots=True)
class Specs:
    """What the schema and operation passes found."""

    classes: dict[str, ModelSpec | EnumSpec]
    operations: tuple[OpSpec, ...]
    kinds: Mapping[str, str]  # enum class -> "str" / "int", model with additionalProperties -> "open"
    params: Mapping[str, str]  # models that need a request view -> the name of that view
    webhooks: tuple[WebhookSpec, ...] = ()
    warnings: tuple[Diagnostic, ...] = ()
    names: NameHistory = NameHistory()


def _build(
    merged: Merged, config: ProviderConfig, preferred: dict[str, str], history: NameHistory
) -> tuple[SchemaBuilder, list[OpSpec], tuple[WebhookSpec, ...], list[Diagnostic]]:
    errors: list[Diagnostic] = []
    builder = SchemaBuilder(merged, config.schemas, preferred, config.properties, history)
    named = name_operations(collect_operations(merged), config, errors, history.methods)
    operations = [
        build_operation(merged, raw, resource, name, builder, errors) for raw, resource, name in named
    ]
    webhooks = build_webhooks(merged, builder, errors)
    for component in sorted(builder.schemas):
        builder.type_of(
            {"$ref": "#/components/schemas/" + component.replace("~", "~0").replace("/", "~1")}, "", ""
        )
    return builder, operations, webhooks, errors + builder.errors


def _referenced(types: Iterable[Type]) -> set[str]:
    return {t.name for type_ in types for t in type_.walk() if t.kind == "model"}


def _needs_own_view(spec: ModelSpec) -> bool:
    return any(
        f.read_only
        or (f.write_only and f.required)
        or (not f.required and f.type.nullable and f.default is None)
        for f in spec.fields
    )


def _request_views(classes: dict[str, ModelSpec | EnumSpec], roots: set[str]) -> dict[str, str]:
    """Models reachable from request bodies that need a request view (a fixpoint)."""
    reachable: set[str] = set()
    todo = sorted(roots)
    while todo:
        name = todo.pop()
        spec = classes.get(name)
        if name in reachable or not isinstance(spec, ModelSpec):
            continue
        reachable.add(name)
        todo += sorted(_referenced(f.type for f in spec.fields))
    needs = {n for n in reachable if _needs_own_view(classes[n])}  # type: ignore[arg-type]
    changed = True
    while changed:
        grown = {n for n in reachable - needs if _referenced(f.type for f in classes[n].fields) & needs}  # type: ignore[union-attr]
        changed = bool(grown)
        needs |= grown
    names = {}
    for name in sorted(needs):
        variant = name + "Param"
        names[name] = variant if variant not in classes else name + "Input"
    return names


def collect(merged: Merged, config: ProviderConfig, history: NameHistory | None = None) -> Specs:
    """Run the schema and operation passes (twice: the first finds the names of inline schemas)."""
    history = history or NameHistory()
    builder, _, _, _ = _build(merged, config, {}, history)
    preferred = {canonical: min(hints) for canonical, hints in builder.candidates.items()}
    builder, operations, webhooks, found = _build(merged, config, preferred, history)
    errors = [d for d in found if d.severity == "error"]
    if errors:
        raise SpecError(errors)
    roots = _referenced(op.body for op in operations if op.body is not None)
    return Specs(
        builder.classes,
        tuple(operations),
        class_kinds(builder.classes),
        _request_views(builder.classes, roots),
        webhooks,
        tuple(d for d in found if d.severity != "error"),
        _names_given(builder, operations),
    )


def _names_given(builder: SchemaBuilder, operations: list[OpSpec]) -> NameHistory:
    """What names.json records: every component schema's class, and the attributes of properties
    whose name a collision rule or a symbol decided (docs/naming.md)."""
    properties: dict[str, dict[str, str]] = {}
    for spec in builder.classes.values():
        for f in spec.fields if isinstance(spec, ModelSpec) else ():
            if f.wire != EXTRA_WIRE and (f.name != snake(f.wire) or snake(spelled(f.wire)) != snake(f.wire)):
                properties.setdefault(spec.name, {})[f.wire] = f.name
    components = set(builder.component_names.values())
    inline = {
        builder.places[name]: name
        for name in builder.classes
        if name not in components and name in builder.places
    }
    schemas = {schema: name for schema, name in builder.component_names.items() if name in builder.classes}
    methods = {f"{op.raw.method.upper()} {op.raw.path}": f"{op.resource}.{op.name}" for op in operations}
    return NameHistory(schemas, properties, inline, methods)


def module_name(class_name: str) -> str:
    """``CreateInviteResponse`` -> ``create_invite_response`` (the file below ``models/``).

    ``importlib`` gets a ``_``: a submodule of that name would replace the ``importlib`` that
    ``models/__init__.py`` imports models with.
    """
    return snake(class_name, frozenset({"importlib"}))


MAX_MODULE_NAME = 200  # a file name holds 255 bytes; leave room for ".py" and __pycache__ suffixes


def _field(f: FieldSpec, type_: Type, default: str | None, *, unset: bool = False, **how: Any) -> Field:
    """A printed field: the annotation, and for a discriminated union also the expression its
    ``__post_init__`` coerces with (a run-time value, where ``Annotated[...] | None`` is no type)."""
    suffix = " | UnsetType" if unset else ""
    annotation = render_type(type_, **how) + suffix
    if not any(t.tag_field for t in type_.walk()):
        return Field(f.name, f.wire, annotation, default, f.doc, f.origin)
    value = render_type(union(type_, prim("UnsetType")) if unset else type_, form="value", **how)
    return Field(f.name, f.wire, render_type(type_, form="checker", **how) + suffix, default, f.doc, f.origin,
                 coerce_as=value)  # fmt: skip


def _response_field(f: FieldSpec) -> Field:
    if f.required and not f.write_only:
        return _field(f, f.type, None)
    if f.default is not None:
        return _field(f, f.type, f.default)
    return _field(f, union(f.type, NONE), "None")


def _request_field(f: FieldSpec, params: Mapping[str, str], resource: bool = False) -> Field | None:
    if f.read_only:
        return None
    if f.required:
        return _field(f, f.type, None, params=params, resource=resource)
    if f.default is not None:
        return _field(f, f.type, f.default, params=params, resource=resource)
    if f.type.nullable:
        return _field(f, f.type, "UNSET", unset=True, params=params, resource=resource)
    return _field(f, union(f.type, NONE), "None", params=params, resource=resource)


def _model(name: str, fields: list[Field], spec: ModelSpec, kinds: Mapping[str, str]) -> Model:
    ordered = [f for f in fields if f.default is None] + [f for f in fields if f.default is not None]
    renames = tuple((f.name, f.wire) for f in ordered if f.name != f.wire)
    doc = spec.doc or f"The schema at ``#{spec.origin.pointer}``."
    if name != spec.name:
        doc = f"Request variant of ``{spec.name}``: what a request may send (readOnly fields left out)."
    hard = {f.name for f in spec.fields if msgspec_cannot_decode(f.type, kinds)}
    coerced = tuple(
        (f.name, f"_{name}_{f.name}", f.annotation, f.coerce_as or f.annotation)
        for f in ordered
        if f.name in hard
    )
    aliases = {field: alias for field, alias, _, _ in coerced}
    ordered = [replace(f, annotation=aliases[f.name]) if f.name in aliases else f for f in ordered]
    return Model(name, tuple(ordered), renames, doc, spec.origin, coerced)


def class_kinds(classes: Mapping[str, ModelSpec | EnumSpec]) -> dict[str, str]:
    """How msgspec sees each enum class (``str`` or ``int``), and ``open`` for models keeping
    ``additionalProperties`` (msgspec drops unknown keys, so the runtime decodes those);
    other models are objects."""
    kinds = {}
    for name, spec in classes.items():
        if isinstance(spec, EnumSpec):
            kinds[name] = "int" if all(isinstance(v, int) for _, v in spec.members) else "str"
        elif any(f.wire == EXTRA_WIRE for f in spec.fields):
            kinds[name] = "open"
    return kinds


_THIRD_PARTY = ("httpx", "msgspec")
_ALIAS_NAMES = ("TYPE_CHECKING", "Any", "TypeAlias")


def _annotations(model: Model) -> list[str]:
    aliases = {alias: annotation for _, alias, annotation, _ in model.coerced}
    return [aliases.get(f.annotation, f.annotation) for f in model.fields]


def import_block(lines: Iterable[str]) -> tuple[str, ...]:
    """Import lines grouped (standard library, third party, local) and sorted, "" between groups."""

    def module(line: str) -> str:
        return line.split()[1]

    groups: list[list[str]] = [[], [], []]
    for line in sorted(set(lines), key=lambda line: (module(line).lstrip("."), line)):
        name = module(line)
        groups[2 if name.startswith(".") else 1 if name.split(".")[0] in _THIRD_PARTY else 0].append(line)
    block: list[str] = []
    for group in (g for g in groups if g):
        block += [*([""] if block else []), *group]
    return tuple(block)


def request_fields(spec: ModelSpec, params: Mapping[str, str], resource: bool = False) -> list[Field]:
    """The fields of a model's request view (readOnly ones left out)."""
    return [f for f in (_request_field(s, params, resource) for s in spec.fields) if f is not None]


def _imports(types: Iterable[Type], *, resource: bool, typing_names: Iterable[str] = ()) -> list[str]:
    walked = [t for type_ in types for t in type_.walk()]
    found = {t.name.split(".")[0] for t in walked if t.kind == "prim"}
    kinds = {t.kind for t in walked}
    lines = [f"import {module}" for module in ("datetime", "uuid") if module in found]
    wanted = {"Any": "Any" in found, "List": resource and "list" in kinds, "Dict": resource and "dict" in kinds,
              "Literal": "literal" in kinds, "Annotated": any(t.tag_field for t in walked)}  # fmt: skip
    typing = sorted({name for name, used in wanted.items() if used} | set(typing_names))
    if typing:
        lines.append(f"from typing import {', '.join(typing)}")
    return lines


def _model_module(
    spec: ModelSpec | EnumSpec,
    params: Mapping[str, str],
    classes: dict[str, ModelSpec | EnumSpec],
    kinds: Mapping[str, str],
) -> ModelModule:
    module = module_name(spec.name)
    if isinstance(spec, EnumSpec):
        members = tuple(EnumMember(m, repr(v)) for m, v in spec.members)
        enum = EnumModel(
            spec.name, members, spec.doc or f"The schema at ``#{spec.origin.pointer}``.", spec.origin
        )
        return ModelModule(
            module, import_block(["from .._runtime import OpenEnum"]), (), enum, (), (spec.name,)
        )
    models = [_model(spec.name, [_response_field(f) for f in spec.fields], spec, kinds)]
    if spec.name in params:
        models.append(_model(params[spec.name], request_fields(spec, params), spec, kinds))
    types = [f.type for f in spec.fields]
    coerced = any(m.coerced for m in models)
    imports = [
        "import msgspec",
        *_imports(types, resource=False, typing_names=_ALIAS_NAMES if coerced else ()),
    ]
    runtime = ["coerce"] if coerced else []
    runtime += ["Discriminator"] if any(t.tag_field for f in spec.fields for t in f.type.walk()) else []
    if spec.name in params and any("UnsetType" in a for m in models[-1:] for a in _annotations(m)):
        runtime += ["UNSET", "UnsetType"]
    if runtime:
        imports.append("from .._runtime import " + ", ".join(sorted(runtime, key=lambda n: (n.islower(), n))))
    late: dict[str, set[str]] = {}
    enums: list[str] = []
    sent = _referenced(f.type for f in spec.fields if not f.read_only)  # what the request view uses
    for ref in sorted(_referenced(types)):
        if isinstance(classes.get(ref), EnumSpec):
            enums.append(f"from .{module_name(ref)} import {ref}")
            continue
        late.setdefault(module_name(ref), set()).add(ref)
        if spec.name in params and ref in params and ref in sent:
            late[module_name(ref)].add(params[ref])
    late.pop(module, None)
    lines = [f"from .{name} import {', '.join(sorted(names))}" for name, names in sorted(late.items())]
    imports += enums
    return ModelModule(
        module, import_block(imports), tuple(lines), None, tuple(models), tuple(m.name for m in models)
    )


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
    start = param.default or ("1" if pagination.style == "page" else "None")
    item = render_type(items.type.args[0], resource=True)
    return Pager(method, pagination.style == "page", param.name, start, items.name, following.name, item)


def _operation(op: OpSpec, specs: Specs, pagination: Pagination | None) -> Operation:
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
        summary=_text(raw.get("summary")), description=_text(raw.get("description")),
        deprecated=raw.get("deprecated") is True, positional=tuple(positional), keyword=tuple(keyword),
        body_param=body_param, body_model=body_model, body_fields=tuple(body_fields), returns=_result(op),
        response_type=_runtime_type(op.success, _result(op), specs) if op.success_kind == "json" else _result(op),
        errors=tuple((status, _runtime_type(t, render_type(t, resource=True), specs)) for status, t in op.errors),
        query=tuple(p for p in keyword if p.location == "query"),
        headers=tuple(p for p in keyword if p.location == "header"),
        cookies=tuple(p for p in keyword if p.location == "cookie"),
        security=op.security, pager=_pager(op, specs, pagination), origin=op.raw.origin,
        body_optional=body_param is not None and not op.body_required,
        body_spec=None if op.body_media[0] == "application/json" else op.body_media,
        delimited=tuple((p.wire, p.delimiter) for p in op.params if p.delimiter is not None),
        open_body=_reaches_open(op.body, specs),
    )  # fmt: skip


def _reaches_open(type_: Type | None, specs: Specs) -> bool:
    """Whether a body holds a model keeping ``additionalProperties`` (its extras are merged in)."""
    todo = sorted(_referenced([type_])) if type_ is not None else []
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        spec = specs.classes.get(name)
        if name in seen or not isinstance(spec, ModelSpec):
            continue
        if specs.kinds.get(name) == "open":
            return True
        seen.add(name)
        todo += sorted(_referenced(f.type for f in spec.fields))
    return False


def _runtime_type(type_: Type, source: str, specs: Specs) -> str:
    """What the runtime decodes with: the type itself, or ``OneOf(type)`` where msgspec cannot."""
    return f"OneOf({source})" if msgspec_cannot_decode(type_, specs.kinds) else source


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _request_names(types: Iterable[Type], params: Mapping[str, str]) -> set[str]:
    return {params.get(r, r) for r in _referenced(types)}


def _resource_imports(ops: list[OpSpec], specs: Specs, operations: list[Operation]) -> tuple[str, ...]:
    types = [t for op in ops for t in (op.success, *(p.type for p in op.params), *(t for _, t in op.errors))]
    for op, operation in zip(ops, operations):
        page = specs.classes.get(op.success.name) if operation.pager else None
        if isinstance(page, ModelSpec) and operation.pager:
            types += [f.type for f in page.fields if f.name == operation.pager.items]
    classes = _referenced(types)
    for op, operation in zip(ops, operations):
        spec = specs.classes.get(op.body.name) if op.body is not None and operation.body_model else None
        if isinstance(spec, ModelSpec) and operation.body_model:
            fields = [f.type for f in spec.fields if not f.read_only]
            types += fields
            classes |= {operation.body_model} | _request_names(fields, specs.params)
        elif op.body is not None:
            classes |= _request_names([op.body], specs.params)
    pagers = ("AsyncIterator", "Iterator") if any(op.pager for op in operations) else ()
    lines = _imports(
        [*types, *(op.body for op in ops if op.body is not None)], resource=True, typing_names=pagers
    )
    modules: dict[str, set[str]] = {}
    variants = {variant: base for base, variant in specs.params.items()}
    for name in classes:
        base = variants.get(name, name)
        modules.setdefault(module_name(base), set()).add(name)
    lines += [f"from ..models.{m} import {', '.join(sorted(n))}" for m, n in sorted(modules.items())]
    every = [*types, *(op.body for op in ops if op.body is not None)]
    names = _runtime_names(operations) + (
        ["Discriminator"] if any(t.tag_field for x in every for t in x.walk()) else []
    )
    return import_block([*lines, "from .._runtime import " + ", ".join(sorted(names, key=_runtime_order))])


def _webhooks(specs: Specs) -> tuple[tuple[Webhook, ...], tuple[str, ...]]:
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
    names = sorted(_referenced(types))
    lines = ["import msgspec", "from ._runtime import coerce", *_imports(types, resource=False)]
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
        "async_to_raw_response",
        "to_raw_response",
    }
    if any(op.body_optional for op in operations):
        names |= {"NOT_GIVEN", "NotGiven"}
    if any(p.default == "UNSET" for op in operations for p in op.body_fields):
        names |= {"UNSET", "UnsetType"}
    if any(
        op.response_type.startswith("OneOf(") or any(t.startswith("OneOf(") for _, t in op.errors)
        for op in operations
    ):
        names.add("OneOf")
    for pager in (op.pager for op in operations if op.pager):
        names |= {"paginate", "apaginate"} if pager.is_page else {"paginate_cursor", "apaginate_cursor"}
    if any(op.deprecated for op in operations):
        names.add("warn_deprecated")
    return sorted(names, key=lambda n: (not n.isupper(), n[0].islower(), n))


# Class names that generated modules import from the runtime or typing: a model must not take them.
RUNTIME_NAMES = frozenset({"AsyncResource", "Operation", "RequestOptions", "SyncResource", "NotGiven", "OneOf",
                           "UnsetType", "OpenEnum", "Iterator", "AsyncIterator", "TypeAlias"}) | RESERVED  # fmt: skip
# Names the package's _client.py and __init__.py define or import besides the client classes.
_CLIENT_MODULE_NAMES = frozenset({"SyncClient", "AsyncClient", "SecurityScheme", "Mapping", "Literal",
                                  "ServerName", "SERVERS", "SERVER_VARIABLES", "ServerVariable", "SECURITY_SCHEMES",
                                  "DEFAULT_TIMEOUT", "DEFAULT_MAX_RESPONSE_BYTES", "TYPE_CHECKING", "functools",
                                  "httpx", "importlib"})  # fmt: skip


def _resources(specs: Specs, document: dict[str, Any], config: ProviderConfig) -> tuple[Resource, ...]:
    tags = {
        t.get("name"): _text(t.get("description")) for t in document.get("tags") or [] if isinstance(t, dict)
    }
    grouped: dict[str, list[OpSpec]] = {}
    for op in specs.operations:
        grouped.setdefault(op.resource, []).append(op)
    resources = []
    for attribute in sorted(grouped):
        ops = sorted(grouped[attribute], key=lambda o: o.name)
        operations = [_operation(op, specs, config.pagination) for op in ops]
        tag = next((t for t in (ops[0].raw.operation.get("tags") or [])[:1]), attribute)
        resources.append(Resource(
            attribute=attribute, module=attribute, class_name=pascal(attribute) + "Resource",
            doc=tags.get(tag, "") or f"Operations tagged {tag!r}.", imports=_resource_imports(ops, specs, operations),
            operations=tuple(operations), has_deprecated=any(o.deprecated for o in operations),
            has_pager=any(o.pager for o in operations),
        ))  # fmt: skip
    return tuple(resources)


# The client's own arguments, and the names its __init__ body uses: no credential may take them.
_CLIENT_ARGUMENTS = frozenset({"base_url", "server", "timeout", "total_timeout", "max_retries", "default_headers",
                               "http_client", "retry_non_idempotent", "max_response_bytes", "self", "super",
                               "resolve_base_url", "resolve_basic", "resolve_credential"})  # fmt: skip


def _preferred_arguments(name: str, scheme: dict[str, Any]) -> tuple[str, ...]:
    kind, http = scheme.get("type"), str(scheme.get("scheme", "")).lower()
    if kind == "apiKey":
        argument = snake(str(scheme.get("name", name)))
        return (argument.removeprefix("x_") or argument,)
    if kind == "http" and http == "basic":
        return ("username", "password")
    return ("bearer_token",) if kind == "http" else ("access_token",)


def _schemes(
    document: dict[str, Any], env_prefix: str, errors: list[Diagnostic], merged: Merged
) -> tuple[Scheme, ...]:
    declared = (document.get("components") or {}).get("securitySchemes") or {}
    preferred = {
        name: _preferred_arguments(name, s) for name, s in sorted(declared.items()) if isinstance(s, dict)
    }
    counts: dict[str, int] = {}
    for arguments in preferred.values():
        for argument in arguments:
            counts[argument] = counts.get(argument, 0) + 1
    schemes = []
    for name, arguments in preferred.items():
        scheme = declared[name]
        kind = {"apiKey": "apiKey", "http": "basic" if str(scheme.get("scheme", "")).lower() == "basic" else "bearer"}.get(
            scheme.get("type"), "bearer")  # fmt: skip
        if scheme.get("type") == "http" and str(scheme.get("scheme", "")).lower() not in ("basic", "bearer"):
            errors.append(Diagnostic(merged.origin_of(f"/components/securitySchemes/{name}/scheme"),
                                     f"http scheme {scheme.get('scheme')!r} is not supported", hint="supported: basic, bearer"))  # fmt: skip
        if any(counts[a] > 1 or a in _CLIENT_ARGUMENTS for a in arguments):
            arguments = tuple(
                f"{snake(name)}_{a}" if len(arguments) > 1 else snake(name, _CLIENT_ARGUMENTS)
                for a in arguments
            )
        env = tuple(f"{env_prefix}_{a.upper()}" for a in arguments)
        schemes.append(Scheme(name, kind, str(scheme.get("in", "header")), str(scheme.get("name", "")),
                              arguments, env, _text(scheme.get("description")), kind == "basic"))  # fmt: skip
    errors += _argument_clashes(schemes, merged)
    return tuple(schemes)


def _argument_clashes(schemes: list[Scheme], merged: Merged) -> list[Diagnostic]:
    """Two schemes whose credentials would be one client argument (the fallback names clash too)."""
    found = []
    owners: dict[str, str] = {}
    for scheme in schemes:
        where = merged.origin_of(join_pointer("components", "securitySchemes", scheme.name))
        for argument in scheme.arguments:
            first = owners.setdefault(argument, scheme.name)
            if first != scheme.name:
                found.append(Diagnostic(where, f"security schemes {first!r} and {scheme.name!r} both take the "
                                        f"client argument {argument!r}", hint="rename one of the security schemes"))  # fmt: skip
    return found


def servers_of(document: dict[str, Any]) -> tuple[Server, ...]:
    """The named servers of a document (used by the client and by diff-api)."""
    servers = []
    used: set[str] = set()
    declared = [(i, s) for i, s in enumerate(document.get("servers") or []) if isinstance(s, dict)]
    for index, (position, server) in enumerate(declared):
        template = url = str(server.get("url", ""))
        variables = []
        for variable, spec in (server.get("variables") or {}).items():
            spec = spec if isinstance(spec, dict) else {}
            default = _text(str(spec.get("default", "")))
            url = url.replace("{" + variable + "}", default)
            enum = tuple(_text(str(v)) for v in spec.get("enum") or [] if isinstance(v, (str, int, float)))
            pointer = join_pointer("servers", str(position), "variables", variable)
            variables.append(ServerVariable(variable, default, enum, _text(spec.get("description")), pointer))
        label = [
            w
            for w in words(_text(server.get("description")))
            if w.lower() not in ("server", "environment", "api")
        ]
        name = snake("_".join(label[:3])) if label else ("default" if index == 0 else f"server_{index + 1}")
        name = name if name not in used else f"{name}_{index + 1}"
        used.add(name)
        servers.append(Server(name, url, _text(server.get("description")), template, tuple(variables)))
    return tuple(servers) or (Server("default", "", "No server is declared: pass base_url.", ""),)


def _server_arguments(
    servers: tuple[Server, ...], schemes: tuple[Scheme, ...], merged: Merged, errors: list[Diagnostic]
) -> tuple[ServerArgument, ...]:
    """One client argument per server variable name, typed by the values its servers allow."""
    declared: dict[str, list[ServerVariable]] = {}
    for variable in (v for server in servers for v in server.variables):
        declared.setdefault(variable.name, []).append(variable)
    taken = _CLIENT_ARGUMENTS | {a for s in schemes for a in s.arguments} | {"ServerName"}
    found: dict[str, ServerArgument] = {}
    for name in sorted(declared):
        argument = snake(name, frozenset(taken))
        if argument in found:
            errors.append(Diagnostic(merged.origin_of(declared[name][0].pointer), f"server variables {found[argument].variable!r} "
                                     f"and {name!r} both map to the client argument {argument!r}",
                                     hint="rename one of the server variables"))  # fmt: skip
            continue
        variants = declared[name]
        values = list(dict.fromkeys(v for variable in variants for v in variable.enum))
        literal = all(variable.enum for variable in variants)
        annotation = f"Literal[{', '.join(repr(v) for v in values)}]" if literal else "str"
        defaults = ", ".join(dict.fromkeys(repr(v.default) for v in variants))
        doc = next((v.doc for v in variants if v.doc), "") or f"the server URL's ``{{{name}}}``"
        found[argument] = ServerArgument(argument, name, annotation, f"{doc} (default {defaults})")
    return tuple(found[a] for a in sorted(found))


def _reserved_names(specs: Specs, client: Client) -> list[Diagnostic]:
    """Model names that would clash with a runtime name or a resource class in a resource module."""
    taken = set(RUNTIME_NAMES) | {p + r.class_name for r in client.resources for p in ("", "Async")}
    taken |= {p + r.class_name + "WithRawResponse" for r in client.resources for p in ("", "Async")}
    return [
        Diagnostic(spec.origin, f"class name {name!r} is reserved by the generated client",
                   hint="rename it in provider.yaml 'schemas:'")  # fmt: skip
        for name, spec in sorted(specs.classes.items())
        if name in taken or specs.params.get(name) in taken
    ]


def _client_name_clashes(config: ProviderConfig, client: Client) -> list[Diagnostic]:
    """A client class named like something its own modules define or import would be shadowed."""
    taken = (
        TOP_LEVEL | _CLIENT_MODULE_NAMES | {p + r.class_name for r in client.resources for p in ("", "Async")}
    )
    return [
        Diagnostic(config.origin.child("client"), f"client class name {name!r} is reserved by the generated "
                   "package", hint="choose another 'client:' in provider.yaml")  # fmt: skip
        for name in (client.name, client.async_name)
        if name in taken
    ]


def _pager_clashes(client: Client) -> list[Diagnostic]:
    """An ``iter_*`` method that would replace an operation's method of the same name."""
    found = []
    for resource in client.resources:
        names = {op.name: op for op in resource.operations}
        for op in resource.operations:
            other = names.get(op.pager.method) if op.pager else None
            if op.pager and other is not None:
                found.append(Diagnostic(other.origin, f"method name {resource.attribute}.{other.name} is also the "
                                        f"iterator of {resource.attribute}.{op.name}", hint="name one in "
                                        f"provider.yaml: operations: {{'{other.http_method} {other.path}': {{name: ...}}}}"))  # fmt: skip
    return found


def _long_module_names(modules: list[ModelModule], specs: Specs, client: Client) -> list[Diagnostic]:
    """Module names too long for a file name (writing them would fail half-way)."""
    found = [(specs.classes[m.exports[0]].origin, "class", m.exports[0], m.module) for m in modules]
    found += [(r.operations[0].origin, "resource", r.attribute, r.module) for r in client.resources]
    return [
        Diagnostic(origin, f"{kind} name {name[:40]!r}... is too long for a file name ({len(module)} characters, "
                   f"at most {MAX_MODULE_NAME})", hint="name it in provider.yaml" + (" 'schemas:'" if kind == "class"
                   else " 'resources:'"))  # fmt: skip
        for origin, kind, name, module in found
        if len(module) > MAX_MODULE_NAME
    ]


TOP_LEVEL = frozenset({
    "APIConnectionError", "APIError", "APIResponse", "APIResponseTooLarge", "APIStatusError", "APITimeoutError",
    "AuthenticationError", "BadRequestError", "ConflictError", "InternalServerError", "MissingCredentialsError",
    "NOT_GIVEN", "NotFoundError", "NotGiven", "PermissionDeniedError", "RateLimitError", "RequestOptions",
    "ResponseValidationError", "UNSET", "UnprocessableEntityError", "UnsetType",
})  # fmt: skip


def _top_level_names(client: Client) -> frozenset[str]:
    """Names the package's ``__init__`` defines itself: a model of that name stays in ``models``."""
    return TOP_LEVEL | {client.name, client.async_name}


def _exports(modules: Iterable[ModelModule]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((name, module.module) for module in modules for name in module.exports))


def normalize(merged: Merged, config: ProviderConfig, history: NameHistory | None = None) -> Package:
    """The IR of one provider's package; ``history`` holds the names its committed package gave."""
    specs = collect(merged, config, history)
    errors: list[Diagnostic] = []
    document = merged.document
    modules = [
        _model_module(specs.classes[name], specs.params, specs.classes, specs.kinds)
        for name in sorted(specs.classes)
    ]
    seen: dict[str, str] = {}
    for module, name in ((m.module, m.exports[0]) for m in modules):
        if module in seen:
            errors.append(Diagnostic(specs.classes[name].origin, f"classes {seen[module]!r} and {name!r} both map "
                                     f"to models/{module}.py", hint="rename one in provider.yaml 'schemas:'"))  # fmt: skip
        seen[module] = name
    schemes = _schemes(document, config.env_prefix, errors, merged)
    servers = servers_of(document)
    client = Client(config.client, "Async" + config.client, config.env_prefix, schemes, servers,
                    _resources(specs, document, config), any(s.is_basic for s in schemes),
                    any(not s.is_basic for s in schemes), _server_arguments(servers, schemes, merged, errors))  # fmt: skip
    errors += _reserved_names(specs, client) + _client_name_clashes(config, client)
    errors += _long_module_names(modules, specs, client) + _pager_clashes(client)
    example = _example(client, config, errors)
    webhooks, webhook_imports = _webhooks(specs)
    if errors:
        raise SpecError(errors)
    info = document.get("info") or {}
    return Package(
        folder=config.origin.file.rsplit("/", 1)[0], package=config.package, distribution=config.distribution,
        title=_text(info.get("title")) or config.client, api_version=_text(str(info.get("version", ""))),
        version=package_version(_text(str(info.get("version", "")))),
        description=_text(info.get("description")), client=client, model_modules=tuple(modules),
        exports=_exports(modules), top_exports=tuple(e for e in _exports(modules) if e[0] not in _top_level_names(client)),
        openapi_json=dump_json(document), **example, webhooks=webhooks, webhook_imports=webhook_imports,
        warnings=specs.warnings, names_json=dump_history(specs.names),
    )  # fmt: skip


# PEP 440's version scheme (its appendix B), case-insensitive: what pip accepts in pyproject.toml.
_PEP440 = re.compile(
    r"""v?(?:[0-9]+!)?[0-9]+(?:\.[0-9]+)*
    (?:[-_.]?(?:alpha|a|beta|b|preview|pre|c|rc)[-_.]?[0-9]*)?
    (?:-[0-9]+|[-_.]?(?:post|rev|r)[-_.]?[0-9]*)?
    (?:[-_.]?dev[-_.]?[0-9]*)?
    (?:\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?""",
    re.VERBOSE | re.IGNORECASE | re.ASCII,
)


def package_version(api_version: str) -> str:
    """The distribution version for ``info.version``: as it is when PEP 440 accepts it (``2.1.0``,
    ``v2``, ``1.0.0-beta.1``), else its numbers joined by dots (``2024-05-01`` -> ``2024.5.1``,
    ``Build 7 (β)`` -> ``7``), else ``0``. pip refuses anything else, and it is ASCII, so it can
    go into the User-Agent header too."""
    if _PEP440.fullmatch(api_version):
        return api_version
    numbers = re.findall(r"[0-9]+", api_version, flags=re.ASCII)[:4]
    return ".".join(str(int(n)) for n in numbers) or "0"


def _example(client: Client, config: ProviderConfig, errors: list[Diagnostic]) -> dict[str, str]:
    """The call the package README shows: ``example:`` of provider.yaml, or none.

    It is chosen by the user, not derived from the operations, so that adding an endpoint
    never rewrites README.md.
    """
    empty = {"example_resource": "", "example_method": "", "example_arguments": ""}
    if config.example is None:
        return empty
    resource, _, method = config.example.partition(".")
    found = [
        op for r in client.resources if r.attribute == resource for op in r.operations if op.name == method
    ]
    if not found:
        known = sorted(f"{r.attribute}.{op.name}" for r in client.resources for op in r.operations)
        errors.append(Diagnostic(config.origin.child("example"), f"no method {config.example!r}",
                                 hint="one of: " + ", ".join(known[:12])))  # fmt: skip
        return empty
    arguments = [repr(p.wire) for p in found[0].positional]
    arguments += [f"{p.name}=..." for p in found[0].keyword + found[0].body_fields if p.default is None]
    return {"example_resource": resource, "example_method": method, "example_arguments": ", ".join(arguments)}
