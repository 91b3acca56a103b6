"""Model modules of the IR: fields, request views, imports (part of ``normalize``).

Models have a response view and, when needed, a request view (``<Name>Param``) in the same
module (docs/models.md): a model reachable from a request body gets one when it has readOnly
fields (never sent), required writeOnly fields (required only in requests), optional nullable
fields (where ``UNSET`` tells "absent" from ``None`` = null), or refers to a model that has one.
The variant is ``<Name>Input`` when the spec already has a schema called ``<Name>Param``.
In the response view an optional field is ``T | None = None`` (callers never see a sentinel)
and a writeOnly field is optional.
"""

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from generator.model.collect import referenced
from generator.model.ir import (
    EnumMember,
    EnumModel,
    Field,
    Model,
    ModelModule,
)
from generator.model.names import snake
from generator.model.schemas import (
    EnumSpec,
    FieldSpec,
    ModelSpec,
)
from generator.model.types import (
    NONE,
    Type,
    msgspec_cannot_decode,
    prim,
    render_type,
    union,
)


def module_name(class_name: str) -> str:
    """``CreateInviteResponse`` -> ``create_invite_response`` (the file below ``models/``).

    ``importlib`` gets a ``_``: a submodule of that name would replace the ``importlib`` that
    ``models/__init__.py`` imports models with.
    """
    return short_module(snake(class_name, frozenset({"importlib"})))


MAX_MODULE_NAME = 200  # a file name holds 255 bytes; leave room for ".py" and __pycache__ suffixes


def short_module(name: str) -> str:
    """``name``, or for a name too long for a file its first characters and a hash of the whole
    (deterministic, and different for names that share the kept part)."""
    if len(name) <= MAX_MODULE_NAME:
        return name
    return name[: MAX_MODULE_NAME - 9] + "_" + hashlib.sha256(name.encode()).hexdigest()[:8]


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


def type_imports(types: Iterable[Type], *, resource: bool, typing_names: Iterable[str] = ()) -> list[str]:
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


def model_module(
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
    imports = [*type_imports(types, resource=False, typing_names=_ALIAS_NAMES if coerced else ())]
    runtime = ["Model as _Model"] + (["coerce"] if coerced else [])
    runtime += ["Discriminator"] if any(t.tag_field for f in spec.fields for t in f.type.walk()) else []
    if spec.name in params and any("UnsetType" in a for m in models[-1:] for a in _annotations(m)):
        runtime += ["UNSET", "UnsetType"]
    if runtime:
        imports.append("from .._runtime import " + ", ".join(sorted(runtime, key=lambda n: (n.islower(), n))))
    late: dict[str, set[str]] = {}
    enums: list[str] = []
    sent = referenced(f.type for f in spec.fields if not f.read_only)  # what the request view uses
    for ref in sorted(referenced(types)):
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
