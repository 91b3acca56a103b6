"""Type expressions of generated code, and how each prints in a models or resources module.

A small algebra built by ``schemas`` and printed by ``render_type``. Model modules print lists
as ``list[...]``; resource modules print ``List[...]`` because a resource method may be called
``list`` and would shadow the builtin inside its class.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

__all__ = [
    "ANY",
    "NONE",
    "Type",
    "dict_of",
    "fits_msgspec",
    "list_of",
    "literal",
    "model",
    "msgspec_cannot_decode",
    "prim",
    "render_type",
    "union",
]

# What msgspec sees a type as: a union may hold at most one of each of these kinds.
_PRIM_KINDS = {"str": "str", "datetime.datetime": "str", "datetime.date": "str", "uuid.UUID": "str",
               "bytes": "str", "int": "int", "float": "float", "bool": "bool"}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Type:
    """``prim`` (name is the expression), ``list``, ``dict``, ``union``, ``model`` or ``literal``."""

    kind: str
    name: str = ""
    args: tuple[Type, ...] = ()
    tag_field: str = ""  # a union with an OpenAPI discriminator: the property naming the member
    tags: tuple[tuple[str, str], ...] = ()  # (tag value, member class name), as declared
    values: tuple[str | int, ...] = ()  # a literal's values (``const``), as declared

    def walk(self) -> Iterator[Type]:
        """This type and every type inside it."""
        yield self
        for arg in self.args:
            yield from arg.walk()

    @property
    def nullable(self) -> bool:
        return self == NONE or (self.kind == "union" and NONE in self.args)


def prim(name: str) -> Type:
    return Type("prim", name)


def model(name: str) -> Type:
    return Type("model", name)


def fits_msgspec(value: str | int) -> bool:
    """Whether msgspec can decode ``value`` as an enum member or a ``Literal``: a string, or an
    integer of 64 bits (a larger one raises NotImplementedError on every decode of the model)."""
    return isinstance(value, str) or -(2**63) <= value < 2**63


def literal(value: str | int) -> Type:
    """``Literal[value]``: a ``const`` of a string or an integer."""
    return Type("literal", values=(value,))


def list_of(item: Type) -> Type:
    return Type("list", args=(item,))


def dict_of(value: Type) -> Type:
    return Type("dict", args=(value,))


ANY = prim("Any")
NONE = prim("None")


def union(*types: Type) -> Type:
    """A flattened union without duplicates, ``None`` last; a single member is itself.

    A discriminated union stays one member, so its tags are kept. Literals merge into one
    ``Literal[...]`` where the first stood, and a literal value that ``str`` or ``int`` already
    admits is dropped (``Literal["a"] | str`` is ``str``)."""
    members: list[Type] = []
    for member in types:
        for item in member.args if member.kind == "union" and not member.tag_field else (member,):
            if item not in members:
                members.append(item)
    if ANY in members:
        return ANY
    members = _merge_literals(members)
    members.sort(key=lambda t: t == NONE)
    return members[0] if len(members) == 1 else Type("union", args=tuple(members))


def _merge_literals(members: list[Type]) -> list[Type]:
    literals = [m for m in members if m.kind == "literal"]
    if not literals:
        return members
    wide = {prim("str"): str, prim("int"): int}
    admitted = tuple(kind for t, kind in wide.items() if t in members)
    values: list[str | int] = []
    for value in (v for m in literals for v in m.values):
        if value not in values and not isinstance(value, admitted):
            values.append(value)
    merged = [Type("literal", values=tuple(values))] if values else []
    first = members.index(literals[0])
    rest = [m for m in members if m.kind != "literal"]
    return rest[:first] + merged + rest[first:]


def tagged(type_: Type, field: str, tags: tuple[tuple[str, str], ...]) -> Type:
    """The union ``type_`` with an OpenAPI discriminator."""
    if type_.kind != "union" or not field or not tags:
        return type_
    return Type("union", args=type_.args, tag_field=field, tags=tags)


def render_type(
    type_: Type, *, resource: bool = False, params: Mapping[str, str] | None = None, form: str = "annotation"
) -> str:
    """Python source of a type; models in ``params`` print as their request variant.

    ``form``: ``"annotation"`` (a discriminated union prints as ``Annotated[A | B,
    Discriminator(...)]``); ``"checker"`` (for a ``TYPE_CHECKING`` alias: the plain union, since
    the metadata would name classes a module imports last); ``"value"`` (an expression evaluated at
    run time: other members of a union go inside the ``Annotated``, which supports no ``|``)."""
    if type_.kind == "prim":
        return type_.name
    if type_.kind == "model":
        return (params or {}).get(type_.name, type_.name)
    if type_.kind == "literal":
        return f"Literal[{', '.join(repr(v) for v in type_.values)}]"
    inner = [render_type(arg, resource=resource, params=params, form=form) for arg in type_.args]
    if type_.kind == "list":
        return f"{'List' if resource else 'list'}[{inner[0]}]"
    if type_.kind == "dict":
        return f"{'Dict' if resource else 'dict'}[str, {inner[0]}]"
    if type_.tag_field and form != "checker":
        return _annotated(type_, inner, params)
    tagged = [arg for arg in type_.args if arg.tag_field]
    if form == "value" and len(tagged) == 1:
        rest = [text for arg, text in zip(type_.args, inner) if arg is not tagged[0]]
        members = [render_type(arg, resource=resource, params=params, form=form) for arg in tagged[0].args]
        return _annotated(tagged[0], members + rest, params)
    return " | ".join(inner)


def _annotated(type_: Type, members: list[str], params: Mapping[str, str] | None) -> str:
    mapping = ", ".join(f"{value!r}: {(params or {}).get(name, name)}" for value, name in type_.tags)
    return f"Annotated[{' | '.join(members)}, Discriminator({type_.tag_field!r}, {{{mapping}}})]"


def _msgspec_kinds(type_: Type, models: Mapping[str, str]) -> set[str]:
    if type_.kind == "model":
        return {models.get(type_.name, "object")}
    if type_.kind in ("dict", "list"):
        return {"object" if type_.kind == "dict" else "array"}
    if type_.kind == "literal":
        return {"str" if isinstance(v, str) else "int" for v in type_.values}
    return {_PRIM_KINDS[type_.name]} if type_.kind == "prim" and type_.name in _PRIM_KINDS else set()


def msgspec_cannot_decode(type_: Type, models: Mapping[str, str]) -> bool:
    """Whether ``type_`` holds a union msgspec rejects: two members of one kind (two objects, two
    arrays, two string-like types such as ``str | datetime``...), or a model that keeps unknown
    keys. ``models`` maps an enum's class name to ``str`` or ``int``, such a model to ``open``;
    other model names are objects."""
    for inner in type_.walk():
        if inner.kind == "model" and models.get(inner.name) == "open":
            return True
        if inner.kind == "union":
            kinds = [k for arg in inner.args for k in _msgspec_kinds(arg, models)]
            if len(kinds) != len(set(kinds)):
                return True
    return False
