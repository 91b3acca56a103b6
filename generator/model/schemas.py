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

from generator.diagnostics import Diagnostic, Origin, join_pointer, split_pointer
from generator.spec.merge import Merged
from generator.spec.views import MISSING, follow, merge_all_of, resolve
from generator.model.history import NameHistory
from generator.model.names import (
    MODEL_MEMBERS,
    RUNTIME_NAMES,
    constant,
    distinct_snakes,
    is_identifier,
    pascal,
    safe_identifier,
    snake,
)
from generator.model.types import ANY, NONE, Type, dict_of, list_of, literal, model, prim, tagged, union
from generator.model.types import fits_msgspec

__all__ = ["ABSENT", "EMPTY_COLLECTIONS", "EXTRA_WIRE", "EnumSpec", "FieldSpec", "ModelSpec", "SchemaBuilder"]

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
    # (scope, canonical inline schema) -> name, from the first pass (normalize's collect)
    preferred: Mapping[str, str] = field(default_factory=dict)
    # provider.yaml properties: class -> wire name -> attribute
    property_names: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    history: NameHistory = field(default_factory=NameHistory)  # names.json: the names already given
    places: dict[str, str] = field(default_factory=dict)  # class name -> pointer it was first built at
    _reserved: dict[str, str] = field(default_factory=dict)  # names.json: inline class -> its pointer
    _established_keys: dict[str, str] | None = None  # names.json: (scope, canonical) -> inline class
    _nesting: int = 0  # type_of calls in progress
    _too_deep: bool = False
    candidates: dict[str, set[str]] = field(default_factory=dict)
    classes: dict[str, ModelSpec | EnumSpec] = field(default_factory=dict)
    owners: dict[str, str] = field(default_factory=dict)  # class name -> canonical or #ref
    errors: list[Diagnostic] = field(default_factory=list)
    component_names: dict[str, str] = field(default_factory=dict)
    component_classes: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        self._reserved = {name: pointer for pointer, name in self.history.inline.items()}
        self.component_names = self._component_class_names()
        self.component_classes = frozenset(self.component_names.values())

    @property
    def schemas(self) -> dict[str, Any]:
        components = self.merged.document.get("components") or {}
        return components.get("schemas") or {}

    def _component_class_names(self) -> dict[str, str]:
        """Class names of component schemas (docs/naming.md): ``schemas:`` of provider.yaml, then
        the name ``names.json`` records (names never move), then the last dotted segment in
        PascalCase. When several new schemas map to one name (or to an established one), the one
        without a namespace keeps it (if there is exactly one and the name is free) and the
        others are named after their whole name (``issuing.card`` -> ``IssuingCard``), numbered in
        name order if that still collides; a warning names them all."""
        names = {name: self.overrides[name] for name in self.schemas if name in self.overrides}
        for name in sorted(self.schemas):
            established = self.history.schemas.get(name)
            if (
                name not in names
                and established
                and is_identifier(established)
                and established not in names.values()
            ):
                names[name] = established
        groups: dict[str, list[str]] = {}
        for name in sorted(n for n in self.schemas if n not in names):
            groups.setdefault(pascal(name.rsplit(".", 1)[-1]), []).append(name)
        inline = {
            n for n, place in self._reserved.items() if resolve(self.merged.document, place) is not MISSING
        }
        taken = set(names.values()) | inline  # established names a newcomer must not take
        used = taken | {c for c, members in groups.items() if len(members) == 1}
        for cls, members in sorted(groups.items()):
            if len(members) == 1 and cls not in taken:
                names[members[0]] = cls
                continue
            plain = [m for m in members if "." not in m]
            keeper = plain[0] if len(plain) == 1 and cls not in taken else None
            for member in members:
                if member == keeper:
                    names[member] = cls
                    continue
                name, count = pascal(member), 1
                while name in used or name in names.values():
                    count += 1
                    name = f"{pascal(member)}{count}"
                names[member] = name
                used.add(name)
            others = sorted(s for s, c in names.items() if c == cls and s not in members)
            where = self.origin(join_pointer("components", "schemas", members[-1]))
            chosen = ", ".join(f"{m!r} -> {names[m]!r}" for m in members)
            self.errors.append(Diagnostic(where, f"schemas {' and '.join(map(repr, others + members))} all map to the "
                                          f"class {cls!r}; named {chosen}", hint="name them in provider.yaml: schemas: "
                                          f"{{{members[-1]!r}: ...}}", severity="warning"))  # fmt: skip
        for schema, cls in sorted(names.items()):  # names the generated modules import themselves
            if cls in RUNTIME_NAMES and schema not in self.overrides:
                wanted, count = cls + "Model", 1
                while wanted in names.values() or wanted in used:
                    count += 1
                    wanted = f"{cls}Model{count}"
                names[schema] = wanted
                where = self.origin(join_pointer("components", "schemas", schema))
                self.errors.append(Diagnostic(where, f"schema {schema!r} would be the class {cls!r}, a name generated "
                                              f"modules import; it is {wanted!r}", hint=f"name it in provider.yaml: "
                                              f"schemas: {{{schema!r}: ...}}", severity="warning"))  # fmt: skip
        return names

    def origin(self, pointer: str) -> Origin:
        return self.merged.origin_of(pointer)

    # -- resolution -------------------------------------------------------------------------

    def deref(self, schema: Any) -> tuple[Any, str | None]:
        """Follow schema ``$ref``s; return the schema (``{}`` for a boolean schema of 3.1: Any) and
        the component schema reached, if any."""
        followed = follow(self.merged.document, schema)
        component = followed.component
        node = followed.node if isinstance(followed.node, dict) else {}
        return node, component[1] if component and component[0] == "schemas" else None

    def flatten(self, schema: dict[str, Any]) -> dict[str, Any]:
        """Merge ``allOf`` parts into one schema (see :func:`generator.spec.views.merge_all_of`)."""
        return merge_all_of(self.merged.document, schema)

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
        """The type of a schema use; classes it needs are registered under their names. Nesting
        deeper than ``MAX_NESTING`` uses (items, values, properties, refs to places) is an error
        at the pointer where it passes the limit, never a RecursionError."""
        if self._nesting >= MAX_NESTING:
            if not self._too_deep:
                self._too_deep = True
                self.errors.append(Diagnostic(self.origin(pointer), f"schemas nested more than {MAX_NESTING} "
                                              "levels deep here", hint="flatten the schema or name its parts"))  # fmt: skip
            return ANY
        self._nesting += 1
        try:
            return self._type_of(schema, hint, pointer)
        finally:
            self._nesting -= 1

    def _type_of(self, schema: Any, hint: str, pointer: str) -> Type:
        if not isinstance(schema, dict):
            return ANY
        if "$ref" not in schema:
            return self._inline_type(schema, hint, pointer)
        followed = follow(self.merged.document, schema)
        component = followed.component
        if component is not None and component[0] == "schemas":
            base = self._component_type(component[1])
        elif followed.pointer is not None and followed.node:
            base = self._place_type(followed.node, followed.pointer)
        else:
            base = ANY  # dangling or cyclic: validation reports it
        return union(base, NONE) if self.nullable(schema) else base

    def _place_type(self, schema: Any, pointer: str) -> Type:
        """The type of a ref target that is no component schema (a schema inside one, or inside
        a response): named after its place, once however many refs point at it."""
        if not isinstance(schema, dict) or self.owners.get("#" + pointer) == "busy":
            return ANY  # not a schema, or a ref that leads back to itself
        self.owners["#" + pointer] = "busy"
        try:
            return self._inline_type(schema, self.place_name(pointer), pointer)
        finally:
            del self.owners["#" + pointer]

    def place_name(self, pointer: str) -> str:
        """A class name for the schema at ``pointer``, built as an inline use there would be:
        ``/components/schemas/Template/properties/created_by/oneOf/1`` -> ``TemplateCreatedByVariant2``,
        ``/components/responses/Conflict/content/application~1json/schema`` -> ``ConflictResponse``."""
        tokens = split_pointer(pointer)
        if tokens[:2] == ["components", "schemas"] and len(tokens) > 2:
            name, rest = self.component_names.get(tokens[2], pascal(tokens[2])), tokens[3:]
        elif tokens[:1] == ["components"] and len(tokens) > 2:
            name, rest = pascal(tokens[2]) + _SECTION_SUFFIX.get(tokens[1], ""), tokens[3:]
        elif tokens[:1] == ["paths"] and len(tokens) > 2:
            name, rest = pascal(f"{tokens[2]} {tokens[1]}"), tokens[3:]
        else:
            name, rest = "", tokens
        index = 0
        while index < len(rest):
            token, following = rest[index], rest[index + 1] if index + 1 < len(rest) else ""
            if token in ("properties", "patternProperties") and following:
                name, index = name + pascal(following), index + 2
            elif token in ("oneOf", "anyOf") and following.isdigit():
                name, index = name + f"Variant{int(following) + 1}", index + 2
            elif token in ("allOf", "parameters", "content", "examples", "headers") and following:
                index += 2
            elif token == "responses" and following:
                name += "Response" if following.startswith("2") else f"Error{pascal(following)}"
                index += 2
            else:
                name += _PLACE_WORDS.get(token, "")
                index += 1
        return name or "Schema"

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
            name = self.history.inline.get(pointer) or self._inline_name(schema, hint, pointer)
            base = model(self._register(name, self._canonical(schema), schema, pointer))
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
        return self._established().get(key) or self.preferred.get(key, hint)

    def _established(self) -> dict[str, str]:
        """names.json's inline classes by (scope, canonical schema), as ``_inline_name`` keys them:
        a new use of an identical schema in that scope joins the established class."""
        if self._established_keys is None:
            self._established_keys = {}
            for place, name in sorted(self.history.inline.items()):
                there = resolve(self.merged.document, place)
                if isinstance(there, dict):
                    key = "/".join(place.split("/")[:4]) + " " + self._canonical(self.flatten(there))
                    self._established_keys.setdefault(key, name)
        return self._established_keys

    def _register(self, name: str, owner: str, schema: dict[str, Any], pointer: str) -> str:
        """Build the class ``name`` for ``owner`` once; return the name it got. A name another
        owner already has goes to the newcomer with its place's kind appended (``Parameter`` for
        a parameter's schema, else ``Inline``), numbered if that is taken too, with a warning."""
        previous = self.owners.get(name)
        if previous == owner:
            return name
        if previous is not None and previous.startswith("#") and owner.startswith("#"):
            return name  # two components: named apart by _component_class_names
        if (
            previous is None and name in RUNTIME_NAMES and not owner.startswith("#")
        ):  # components: named above
            previous = "runtime"  # a name generated modules import themselves
        elif previous is None and self._reserved_elsewhere(name, pointer, owner):
            previous = "reserved"  # names.json gives it to a schema still in the document
        if previous is not None:
            first = (
                self.classes[name].origin
                if name in self.classes
                else self.origin(self._reserved[name]) if name in self._reserved else "the generated modules"
            )
            base = name + (
                "Model" if previous == "runtime" else "Parameter" if "/parameters/" in pointer else "Inline"
            )
            wanted, count = base, 1
            while self.owners.get(wanted, owner) != owner or wanted in self.component_classes:
                count += 1
                wanted = f"{base}{count}"
            if wanted not in self.owners:
                self.errors.append(Diagnostic(self.origin(pointer), f"class name {name!r} is also used by {first}; "
                                              f"this schema is named {wanted!r}", severity="warning"))  # fmt: skip
            return self._register(wanted, owner, schema, pointer)
        self.owners[name] = owner
        self.places[name] = pointer
        self.classes[name] = EnumSpec(name, (), "", self.origin(pointer))  # placeholder while building
        if self.is_enum(schema):
            self.classes[name] = self._enum_spec(name, schema, pointer)
        else:
            self.classes[name] = self._model_spec(name, schema, pointer)
        return name

    def _reserved_elsewhere(self, name: str, pointer: str, owner: str) -> bool:
        """Whether names.json gives ``name`` to the inline schema at another pointer that still
        exists and is another schema (an identical one there is this very class)."""
        place = self._reserved.get(name)
        if place is None or place == pointer:
            return False
        there = resolve(self.merged.document, place)
        return isinstance(there, dict) and self._canonical(self.flatten(there)) != owner

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
        properties = schema.get("properties") or {}
        named = {**self.history.properties.get(name, {}), **self.property_names.get(name, {})}
        chosen = distinct_snakes(
            [str(wire) for wire in properties],
            MODEL_MEMBERS,
            fixed={w: safe_identifier(n) for w, n in named.items()},
        )
        for wire, prop in properties.items():
            where = pointer + join_pointer("properties", wire)
            if _UNRENAMEABLE.search(wire):
                self.errors.append(Diagnostic(self.origin(where), f"property name {wire!r} holds a quote, a backslash or "
                                              "a control character, which msgspec cannot map to an attribute",
                                              hint="rename the property in the spec"))  # fmt: skip
                continue
            python = chosen[wire]
            if python in seen:
                self.errors.append(Diagnostic(self.origin(where), f"property {wire!r} and {seen[python]!r} both "
                                              f"map to the attribute {python!r}",
                                              hint=f"name one in provider.yaml: properties: {{{name}: {{{wire!r}: ...}}}}"))  # fmt: skip
                continue
            if python != snake(wire) and wire not in named:
                holder = next((w for w, n in chosen.items() if n == snake(wire)), None)
                self.errors.append(Diagnostic(self.origin(where), f"property {wire!r} of {name} maps to {snake(wire)!r}, "
                                              f"which {holder!r} has; {wire!r} is the attribute {python!r}",
                                              hint=f"name it in provider.yaml: properties: {{{name}: {{{wire!r}: ...}}}}",
                                              severity="warning"))  # fmt: skip
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
        return FieldSpec(python, EXTRA_WIRE, dict_of(value), False, EMPTY_COLLECTIONS[1],
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
            return EMPTY_COLLECTIONS[0] if kind.kind == "list" else EMPTY_COLLECTIONS[1]
        if kind.name == "float" and isinstance(value, (int, float)) and not isinstance(value, bool):
            number = float(value) if abs(value) < 1e308 else math.inf  # float(10**400) would raise
            return repr(number) if math.isfinite(number) else None  # inf and nan print as names
        exact = {"str": str, "int": int, "bool": bool}.get(kind.name)
        if exact is not None and type(value) is exact:
            return repr(value)
        return None


ABSENT = object()
MAX_NESTING = 150  # validate's MAX_SCHEMA_DEPTH; about 3 Python frames per level
# Defaults of empty collections: msgspec copies them per instance (and omit_defaults omits them);
# pyright infers ``msgspec.field(default_factory=dict)`` as ``dict[Unknown, Unknown]``.
EMPTY_COLLECTIONS = ("[]", "{}")
_SECTION_SUFFIX = {
    "responses": "Response",
    "requestBodies": "Request",
    "parameters": "Param",
    "headers": "Header",
}
_PLACE_WORDS = {"items": "Item", "additionalProperties": "Value", "requestBody": "Request", "not": "Not"}


def _doc(schema: Any) -> str:
    if not isinstance(schema, dict):
        return ""
    text = schema.get("description") or schema.get("title") or ""
    return text if isinstance(text, str) else ""
