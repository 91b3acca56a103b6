"""Schemas -> model and enum specs, and the type expression of every schema use.

Part of the ``normalize`` stage. Rules (docs/models.md):
- a component schema that is an object (after ``allOf`` flattening) or an enum becomes a class
  named after it: the last dotted segment in PascalCase (``dto.Invite`` -> ``Invite``); when two
  schemas map to one name (``a.Item`` and ``b.Item``) that is an error naming both, resolved by
  naming one in ``provider.yaml`` ``schemas:`` (a namespace that appeared only on a collision
  would rename existing classes whenever a new schema arrived); ``schemas:`` overrides any name. Other component schemas
  (``MongoId``: a string with a pattern) are used inline as their type.
- an inline object or enum is named after where it is used (``Invitation`` + ``registered`` ->
  ``InvitationRegistered``; a request body of ``invites.create`` -> ``InvitesCreateRequest``;
  array items add ``Item``). Structurally identical inline schemas within one operation or one
  component schema become one class, named by the name that sorts first among their uses there;
  across operations they stay separate classes, so that a new endpoint never renames a class
  another one already uses. An inline name that a component schema already
  has gets ``Inline`` appended (``Classification`` + ``$template`` next to a component
  ``ClassificationTemplate`` -> ``ClassificationTemplateInline``); components keep theirs.
- ``allOf`` parts are merged into one object: properties in order, later parts refining
  earlier ones, ``required`` the union.
- ``nullable: true`` (3.0), ``type: [.., "null"]`` and ``{"type": "null"}`` (3.1) add ``None``.
- formats: date-time -> datetime, date -> date, uuid -> UUID, binary/byte -> bytes.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from generator.diagnostics import Diagnostic, Origin, join_pointer
from generator.spec.merge import Merged
from generator.model.names import constant, pascal, snake
from generator.model.types import ANY, NONE, Type, dict_of, list_of, literal, model, prim, tagged, union
from generator.model.types import fits_msgspec

__all__ = ["ABSENT", "EXTRA_WIRE", "EnumSpec", "FieldSpec", "ModelSpec", "SchemaBuilder"]

FORMATS = {"date-time": "datetime.datetime", "date": "datetime.date", "uuid": "uuid.UUID",
            "binary": "bytes", "byte": "bytes"}  # fmt: skip
_PRIMITIVES = {"string": "str", "integer": "int", "number": "float", "boolean": "bool", "null": "None"}
_REF_PREFIX = "#/components/schemas/"
# The wire name of the field holding ``additionalProperties`` next to ``properties``: the runtime
# fills it with the keys the schema does not name when decoding, and merges it into its object
# when encoding. No JSON body carries it.
EXTRA_WIRE = "(additional properties)"
_UNRENAMEABLE = re.compile(r'["\\\x00-\x1f]')  # msgspec refuses these in a renamed field


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """A property, before it is printed for the response or the request view."""

    name: str
    wire: str
    type: Type
    required: bool
    default: str | None
    read_only: bool
    write_only: bool
    doc: str
    origin: Origin


@dataclass(frozen=True, slots=True)
class ModelSpec:
    name: str
    fields: tuple[FieldSpec, ...]
    doc: str
    origin: Origin


@dataclass(frozen=True, slots=True)
class EnumSpec:
    name: str
    members: tuple[tuple[str, str | int], ...]
    doc: str
    origin: Origin


@dataclass
class SchemaBuilder:
    """Resolves schema uses to types, collecting the classes they need."""

    merged: Merged
    overrides: Mapping[str, str]
    preferred: Mapping[str, str] = field(default_factory=dict)  # (scope, canonical inline schema) -> name
    candidates: dict[str, set[str]] = field(default_factory=dict)
    classes: dict[str, ModelSpec | EnumSpec] = field(default_factory=dict)
    owners: dict[str, str] = field(default_factory=dict)  # class name -> canonical or #ref
    errors: list[Diagnostic] = field(default_factory=list)
    component_names: dict[str, str] = field(default_factory=dict)
    component_classes: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        self.component_names = self._component_class_names()
        self.component_classes = frozenset(self.component_names.values())

    @property
    def schemas(self) -> dict[str, Any]:
        components = self.merged.document.get("components") or {}
        return components.get("schemas") or {}

    def _component_class_names(self) -> dict[str, str]:
        """Class names of component schemas; two schemas wanting one name are an error."""
        names = {name: self.overrides.get(name) or pascal(name.rsplit(".", 1)[-1]) for name in self.schemas}
        owners: dict[str, str] = {}
        for name in sorted(names):
            first = owners.setdefault(names[name], name)
            if first != name:
                where = self.origin(join_pointer("components", "schemas", name))
                self.errors.append(Diagnostic(where, f"schemas {first!r} and {name!r} both map to the class "
                                              f"{names[name]!r}", hint=f"name one in provider.yaml: schemas: "
                                              f"{{{name!r}: ...}}"))  # fmt: skip
        return names

    def origin(self, pointer: str) -> Origin:
        return self.merged.origin_of(pointer)

    # -- resolution -------------------------------------------------------------------------

    def deref(self, schema: Any) -> tuple[Any, str | None]:
        """Follow schema ``$ref``s; return the schema and the last component name reached."""
        name = None
        seen: set[str] = set()
        while isinstance(schema, dict) and isinstance(schema.get("$ref"), str):
            ref = schema["$ref"]
            if not ref.startswith(_REF_PREFIX) or ref in seen:
                return {}, name
            seen.add(ref)
            name = ref[len(_REF_PREFIX) :].replace("~1", "/").replace("~0", "~")
            schema = self.schemas.get(name, {})
        return (schema if not isinstance(schema, bool) else {}), name  # a boolean schema (3.1): Any

    def flatten(self, schema: dict[str, Any], depth: int = 0) -> dict[str, Any]:
        """Merge ``allOf`` parts into one schema (properties in order, required united)."""
        parts = schema.get("allOf")
        if not isinstance(parts, list) or depth > 32:
            return schema
        result: dict[str, Any] = {"properties": {}, "required": []}
        for part in [*parts, {k: v for k, v in schema.items() if k != "allOf"}]:
            resolved = self.flatten(self.deref(part)[0], depth + 1)
            for key, value in resolved.items():
                if key == "properties":
                    for prop, prop_schema in value.items():
                        old = result["properties"].get(prop, {})
                        result["properties"][prop] = (
                            {**old, **prop_schema} if "$ref" not in prop_schema else prop_schema
                        )
                elif key == "required":
                    result["required"] += [r for r in value if r not in result["required"]]
                else:
                    result[key] = value
        return result

    @staticmethod
    def is_object(schema: dict[str, Any]) -> bool:
        return bool(schema.get("properties")) and schema.get("type", "object") in ("object", ["object"])

    @staticmethod
    def is_enum(schema: dict[str, Any]) -> bool:
        values = schema.get("enum")
        if not isinstance(values, list):
            return False
        known = [v for v in values if v is not None]
        if not known or not all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in known):
            return False
        # msgspec enums hold only str or only int values, and ints of 64 bits (validate warns)
        return len({type(v) for v in known}) == 1 and all(fits_msgspec(v) for v in known)

    @staticmethod
    def nullable(schema: dict[str, Any]) -> bool:
        kinds = schema.get("type")
        return (
            schema.get("nullable") is True
            or kinds == "null"
            or (isinstance(kinds, list) and "null" in kinds)
            or (isinstance(schema.get("enum"), list) and None in schema["enum"])
        )

    def type_of(self, schema: Any, hint: str, pointer: str) -> Type:
        """The type of a schema use; classes it needs are registered under their names."""
        if not isinstance(schema, dict):
            return ANY
        resolved, component = self.deref(schema)
        if component is not None and "$ref" in schema:
            base = self._component_type(component)
            return union(base, NONE) if self.nullable(schema) else base
        return self._inline_type(schema, hint, pointer)

    def _component_type(self, component: str) -> Type:
        raw = self.schemas.get(component, {})
        raw = raw if isinstance(raw, dict) else {}  # a boolean schema (3.1): Any
        schema = self.flatten(raw)
        pointer = join_pointer("components", "schemas", component)
        if self.is_object(schema) or self.is_enum(schema):
            name = self.component_names[component]
            self._register(name, "#" + component, schema, pointer)
            return union(model(name), NONE) if self.nullable(schema) else model(name)
        if self.owners.get("#" + component) == "busy":
            return ANY  # a primitive alias that refers to itself
        self.owners["#" + component] = "busy"
        try:
            return self._inline_type(raw, self.component_names[component], pointer)
        finally:
            del self.owners["#" + component]

    def _inline_type(self, schema: dict[str, Any], hint: str, pointer: str) -> Type:
        parts = schema.get("allOf")
        if isinstance(parts, list) and len(parts) == 1 and not schema.get("properties"):
            base = self.type_of(parts[0], hint, pointer + "/allOf/0")
            return union(base, NONE) if self.nullable(schema) else base
        schema = self.flatten(schema)
        nullable = self.nullable(schema)
        variants = schema.get("oneOf") or schema.get("anyOf")
        if isinstance(variants, list) and variants and not schema.get("properties"):
            key = "oneOf" if "oneOf" in schema else "anyOf"
            found = [
                self.type_of(v, f"{hint}Variant{i + 1}", f"{pointer}/{key}/{i}")
                for i, v in enumerate(variants)
            ]
            base = self._discriminated(union(*found), schema, variants)
        elif self.is_enum(schema) or self.is_object(schema):
            name = self._inline_name(schema, hint, pointer)
            self._register(name, self._canonical(schema), schema, pointer)
            base = model(name)
        else:
            base = self._plain_type(schema, hint, pointer)
        return union(base, NONE) if nullable else base

    def _plain_type(self, schema: dict[str, Any], hint: str, pointer: str) -> Type:
        if "const" in schema:
            value = schema["const"]
            if value is None:
                return NONE
            if isinstance(value, (str, int)) and not isinstance(value, bool):
                return literal(value) if fits_msgspec(value) else prim("int")  # others: their declared type
        kinds = schema.get("type")
        if isinstance(kinds, list):
            found = [self._plain_type({**schema, "type": k}, hint, pointer) for k in kinds if k != "null"]
            return union(*found) if found else NONE
        if kinds == "array" or (kinds is None and "items" in schema):
            return list_of(self.type_of(schema.get("items", {}), hint + "Item", pointer + "/items"))
        if kinds == "object":
            extra = schema.get("additionalProperties")
            if isinstance(extra, dict) and extra:
                return dict_of(self.type_of(extra, hint + "Value", pointer + "/additionalProperties"))
            return dict_of(ANY)
        if kinds == "string":
            return prim(FORMATS.get(str(schema.get("format")), "str"))
        if isinstance(kinds, str) and kinds in _PRIMITIVES:
            return prim(_PRIMITIVES[kinds])
        return ANY

    def _discriminated(self, base: Type, schema: dict[str, Any], variants: list[Any]) -> Type:
        """Attach an OpenAPI discriminator: tag values from ``mapping``, else the schema names."""
        spec = schema.get("discriminator")
        if not isinstance(spec, dict) or not isinstance(spec.get("propertyName"), str):
            return base
        tags: dict[str, str] = {}
        for value, target in (spec.get("mapping") or {}).items():
            component = str(target).removeprefix(_REF_PREFIX).replace("~1", "/").replace("~0", "~")
            if component in self.component_names:
                tags[str(value)] = self.component_names[component]
        for variant in variants if not tags else ():
            name = self.deref(variant)[1] if isinstance(variant, dict) and "$ref" in variant else None
            if name is not None:
                tags[name] = self.component_names[name]
        members = {arg.name for arg in base.args if arg.kind == "model"}  # a union member is no class
        return tagged(base, spec["propertyName"], tuple((v, c) for v, c in tags.items() if c in members))

    @staticmethod
    def _canonical(schema: dict[str, Any]) -> str:
        return json.dumps(schema, sort_keys=True)

    def _inline_name(self, schema: dict[str, Any], hint: str, pointer: str) -> str:
        if hint in self.component_classes:
            hint += "Inline"  # component schemas keep their names; a colliding inline class yields
        # Uses are named together only within their operation (/paths/<path>/<method>) or
        # component (/components/schemas/<name>): what another endpoint adds cannot rename them.
        key = "/".join(pointer.split("/")[:4]) + " " + self._canonical(schema)
        self.candidates.setdefault(key, set()).add(hint)
        return self.preferred.get(key, hint)

    def _register(self, name: str, owner: str, schema: dict[str, Any], pointer: str) -> None:
        previous = self.owners.get(name)
        if previous == owner:
            return
        if previous is not None and previous.startswith("#") and owner.startswith("#"):
            return  # two components: reported once by _component_class_names
        if previous is not None:
            first = self.classes[name].origin
            self.errors.append(Diagnostic(self.origin(pointer), f"class name {name!r} is also used by {first}",
                                          hint="rename one in provider.yaml 'schemas:'"))  # fmt: skip
            return
        self.owners[name] = owner
        self.classes[name] = EnumSpec(name, (), "", self.origin(pointer))  # placeholder while building
        if self.is_enum(schema):
            self.classes[name] = self._enum_spec(name, schema, pointer)
        else:
            self.classes[name] = self._model_spec(name, schema, pointer)

    def _enum_spec(self, name: str, schema: dict[str, Any], pointer: str) -> EnumSpec:
        members: list[tuple[str, str | int]] = []
        used: set[str] = set()
        for value in schema["enum"]:
            if value is None:
                continue
            text = str(value) if isinstance(value, str) else ("MINUS_" if value < 0 else "") + str(abs(value))
            base = constant(text) if isinstance(value, str) else "VALUE_" + text
            member, count = base, 1
            while member in used:
                count += 1
                member = f"{base}_{count}"
            used.add(member)
            members.append((member, value))
        return EnumSpec(name, tuple(members), _doc(schema), self.origin(pointer))

    def _model_spec(self, name: str, schema: dict[str, Any], pointer: str) -> ModelSpec:
        required = set(schema.get("required") or [])
        fields: list[FieldSpec] = []
        seen: dict[str, str] = {}
        for wire, prop in (schema.get("properties") or {}).items():
            where = pointer + join_pointer("properties", wire)
            python = snake(wire)
            if _UNRENAMEABLE.search(wire):
                self.errors.append(Diagnostic(self.origin(where), f"property name {wire!r} holds a quote, a backslash or "
                                              "a control character, which msgspec cannot map to an attribute",
                                              hint="rename the property in the spec"))  # fmt: skip
                continue
            if python in seen:
                self.errors.append(Diagnostic(self.origin(where), f"property {wire!r} and {seen[python]!r} both "
                                              f"map to the attribute {python!r}"))  # fmt: skip
                continue
            seen[python] = wire
            fields.append(self._field(name, wire, python, prop, wire in required, where))
        extra = schema.get("additionalProperties")
        if extra is True or (isinstance(extra, dict) and fields):
            fields.append(self._extra_field(name, extra, seen, pointer))
        return ModelSpec(name, tuple(fields), _doc(schema), self.origin(pointer))

    def _extra_field(self, owner: str, extra: Any, seen: dict[str, str], pointer: str) -> FieldSpec:
        """The field keeping the properties a schema does not name (``additionalProperties``)."""
        where = pointer + "/additionalProperties"
        if EXTRA_WIRE in seen.values():
            self.errors.append(Diagnostic(self.origin(pointer + join_pointer("properties", EXTRA_WIRE)),
                                          f"property name {EXTRA_WIRE!r} is reserved for additionalProperties",
                                          hint="rename the property in the spec"))  # fmt: skip
        value = ANY if extra is True or not extra else self.type_of(extra, owner + "Value", where)
        python = "additional_properties"
        while python in seen:
            python += "_"
        doc = "The properties the schema does not name (``additionalProperties``)."
        return FieldSpec(python, EXTRA_WIRE, dict_of(value), False, "msgspec.field(default_factory=dict)",
                         False, False, doc, self.origin(where))  # fmt: skip

    def _field(
        self, owner: str, wire: str, python: str, prop: Any, required: bool, pointer: str
    ) -> FieldSpec:
        prop = prop if isinstance(prop, dict) else {}
        type_ = self.type_of(prop, owner + pascal(wire), pointer)
        resolved = self.flatten(self.deref(prop)[0])
        flags = {**resolved, **prop}
        return FieldSpec(
            name=python, wire=wire, type=type_, required=required,
            default=self.default_source(type_, flags.get("default", ABSENT)),
            read_only=flags.get("readOnly") is True, write_only=flags.get("writeOnly") is True,
            doc=_doc(prop) or _doc(resolved), origin=self.origin(pointer),
        )  # fmt: skip

    def default_source(self, type_: Type, value: Any) -> str | None:
        """Python source for a spec default, or None when it cannot be used as a default."""
        core = [t for t in (type_.args if type_.kind == "union" else (type_,)) if t != NONE]
        if value is ABSENT or len(core) != 1:
            return None
        kind = core[0]
        if value is None:
            return "None" if type_.nullable else None
        if kind.kind == "model":
            spec = self.classes.get(kind.name)
            if isinstance(spec, EnumSpec):
                return next((f"{spec.name}.{m}" for m, v in spec.members if v == value), None)
            return None
        if kind.kind == "literal":
            return repr(value) if any(type(v) is type(value) and v == value for v in kind.values) else None
        if kind.kind in ("list", "dict") and value in ([], {}):
            return f"msgspec.field(default_factory={kind.kind})"
        if kind.name == "float" and isinstance(value, (int, float)) and not isinstance(value, bool):
            number = float(value) if abs(value) < 1e308 else math.inf  # float(10**400) would raise
            return repr(number) if math.isfinite(number) else None  # inf and nan print as names
        exact = {"str": str, "int": int, "bool": bool}.get(kind.name)
        if exact is not None and type(value) is exact:
            return repr(value)
        return None


ABSENT = object()


def _doc(schema: Any) -> str:
    if not isinstance(schema, dict):
        return ""
    text = schema.get("description") or schema.get("title") or ""
    return text if isinstance(text, str) else ""
