"""The schema and operation passes of ``normalize``: what the spec holds, as specs.

Runs ``schemas`` and ``operations`` over the document (twice: the first pass finds the names of
inline schemas), decides which models need a request view, and what names.json records.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from generator.diagnostics import Diagnostic, raise_if_errors
from generator.model.history import NameHistory
from generator.model.names import snake, spelled
from generator.model.operations import (
    OpSpec,
    WebhookSpec,
    build_operation,
    build_webhooks,
    collect_operations,
    name_operations,
)
from generator.model.schemas import (
    EXTRA_WIRE,
    EnumSpec,
    ModelSpec,
    SchemaBuilder,
)
from generator.model.types import (
    Type,
)
from generator.spec.config import ProviderConfig
from generator.spec.merge import Merged


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


def referenced(types: Iterable[Type]) -> set[str]:
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
        todo += sorted(referenced(f.type for f in spec.fields))
    needs = {n for n in reachable if _needs_own_view(classes[n])}  # type: ignore[arg-type]
    changed = True
    while changed:
        grown = {n for n in reachable - needs if referenced(f.type for f in classes[n].fields) & needs}  # type: ignore[union-attr]
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
    raise_if_errors(found)
    roots = referenced(op.body for op in operations if op.body is not None)
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


def spec_text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""
